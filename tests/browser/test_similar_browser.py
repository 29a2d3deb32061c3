"""The near-duplicate check in a real browser: typing a name on an official's add form lists
the existing official with a close name, with a link, before anything is saved; the button
asks again. Under the admin's Content-Security-Policy: no inline script, no errors."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from core.models import ReviewState
from diplomacy.models import Official
from tests.browser import browser
from tests.browser.browser import chromium_page

USERNAME, PASSWORD = "dana", "a-long-browser-password"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def curator(django_user_model):
    user = django_user_model.objects.create_user(USERNAME, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="curators"))
    return user


def test_typing_a_name_lists_close_records_before_saving(live_server, curator):
    existing = Official.objects.create(
        slug="dmitry-zhirnov", name="Dmitry Zhirnov", review_state=ReviewState.PUBLISHED
    )
    change_url = f"/admin/diplomacy/official/{existing.pk}/change/"
    expect.set_options(timeout=browser.TIMEOUT_MS)
    errors = []
    with chromium_page() as page:
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on(
            "response",
            lambda r: (
                r.status >= 400
                and not r.url.endswith("/favicon.ico")
                and errors.append(f"{r.status} {r.url}")
            ),
        )
        page.goto(f"{live_server.url}/admin/")
        page.fill("#id_username", USERNAME)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.goto(f"{live_server.url}/admin/diplomacy/official/add/")

        page.locator("#id_name").press_sequentially("H.E. Ambassador Дмитрий Жирнов")
        panel = page.locator(".similar-panel")
        expect(panel).to_contain_text("Possible duplicates")
        expect(panel.locator("a")).to_have_text("Dmitry Zhirnov")
        assert panel.locator("a").get_attribute("href") == change_url
        browser.screenshot(page, "similar_before_saving")

        page.fill("#id_name", "Sergei Lavrov")
        page.click("button.similar-check")
        expect(panel).to_contain_text("No existing record has a close name.")
    assert errors == []
    assert Official.objects.count() == 1  # nothing was saved
