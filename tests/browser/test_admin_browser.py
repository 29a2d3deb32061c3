"""The curators' admin in a real browser: log in, add an official citing a quote, publish it,
and find it in the public API.

Playwright drives Debian's Chromium (``make browser`` installs it; Playwright never downloads
a browser here; see ``tests/browser/browser.py``) against pytest-django's ``live_server``,
which also serves the admin's static files (CSS, jQuery, select2) through Django's
StaticFilesHandler.

No ``DJANGO_ALLOW_ASYNC_UNSAFE``: Playwright's sync API keeps an asyncio loop running in this
thread while it is started, and Django refuses ORM calls from a thread with a running loop
(SynchronousOnlyOperation).
So the test touches the database only before Playwright starts and after it has stopped;
while the browser runs, only the live server's own threads use the database. Setting the
variable instead would switch the check off for the rest of the test session too.
"""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from core.models import Change, ReviewState, Source, SourceKind
from diplomacy.models import Official
from tests.browser import browser
from tests.browser.browser import chromium_page

TIMEOUT_MS = browser.TIMEOUT_MS

USERNAME, PASSWORD = "carla", "a-long-browser-password"
TITLE = "Qazland Courier: corridor to reopen"
QUOTE = "Ada Quill, Qazland’s Special Envoy for Trade"
TEXT = (
    "KABUL, 3 May. The corridor through the pass will reopen next month, "
    f"{QUOTE}, told reporters after meeting the minister. Officials declined to comment."
)

pytestmark = [
    pytest.mark.browser,
    # live_server needs a transactional database, flushed after each test, which also drops
    # what migrations created (the curators group): serialized_rollback reloads that before
    # the test, should another transactional test have run first.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def curator(django_user_model):
    user = django_user_model.objects.create_user(USERNAME, password=PASSWORD, is_staff=True)
    # The group comes from the data migration, as in production: not built by the test.
    user.groups.add(Group.objects.get(name="curators"))
    return user


@pytest.fixture
def source():
    return Source.objects.create(
        kind=SourceKind.NEWS_ARTICLE,
        title=TITLE,
        publisher="Qazland Courier",
        text=TEXT,
        review_state=ReviewState.PUBLISHED,
    )


def test_curator_adds_cites_and_publishes_an_official(live_server, curator, source):
    expect.set_options(timeout=TIMEOUT_MS)
    base = live_server.url
    failed, static, errors = [], [], []  # responses and uncaught JavaScript errors
    api_before = api_after = None

    def on_response(response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            failed.append(f"{response.status} {response.url}")
        elif "/static/" in response.url:
            static.append(response.url)

    with chromium_page() as page:
        page.on("response", on_response)
        page.on("pageerror", lambda exc: errors.append(str(exc)))

        # Log in.
        page.goto(f"{base}/admin/")
        page.fill("#id_username", USERNAME)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        expect(page.locator("#user-tools")).to_contain_text(USERNAME)

        # Add an official; the slug is filled in from the name by the admin's JavaScript.
        page.goto(f"{base}/admin/diplomacy/official/add/")
        page.locator("#id_name").press_sequentially("Ada Quill")
        expect(page.locator("#id_slug")).to_have_value("ada-quill")
        page.fill("#id_slug", "ada-quill")

        # Cite the source: pick it in the autocomplete (select2), paste the quote.
        select = page.locator("select[name$='-0-source']")
        select_id = select.get_attribute("id")
        page.click(f"#{select_id} + .select2 .select2-selection")
        page.fill(".select2-container--open .select2-search__field", "corridor")
        page.click(f".select2-results__option:has-text('{TITLE}')")
        expect(page.locator(f"#select2-{select_id}-container")).to_have_text(TITLE)
        page.fill("textarea[name$='-0-quote']", QUOTE)
        browser.screenshot(page, "official_add_form")

        page.click("input[name=_save]")
        expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")

        # Still a draft: not in the public API (asked from a context without the curator's
        # session cookie).
        public = page.context.browser.new_context(
            base_url=base, extra_http_headers={"Accept": "application/json"}
        ).request
        api_before = public.get("/api/v1/diplomacy/officials/ada-quill/").status

        # Publish it with the list's action.
        row = page.locator("#result_list tbody tr", has_text="Ada Quill")
        row.locator("input.action-select").check()
        page.select_option("select[name=action]", "publish_selected")
        page.click("button[name=index]")
        expect(page.locator(".messagelist .success")).to_have_text("1 official published.")
        expect(row).to_contain_text("Published")

        response = public.get("/api/v1/diplomacy/officials/ada-quill/")
        assert response.status == 200, response.text()
        api_after = response.json()

        assert not failed, failed
        assert not errors, errors

    # The admin's own assets came from the live server, select2 included.
    assert any("/static/admin/css/base.css" in url for url in static), static
    assert any("/static/admin/js/vendor/select2/select2.full" in url for url in static), static

    assert api_before == 404
    start = TEXT.index(QUOTE)
    assert api_after["review_state"] == "published"
    (citation,) = api_after["citations"]
    assert citation["quote"] == QUOTE
    assert (citation["start"], citation["end"]) == (start, start + len(QUOTE))
    assert TEXT[citation["start"] : citation["end"]] == QUOTE

    # The change feed says who did it, and through which channel.
    official = Official.objects.get(slug="ada-quill")
    changes = Change.objects.filter(object_id=official.pk)
    assert [(c.action, c.review_state) for c in changes] == [
        ("created", "draft"),
        ("updated", "published"),
    ]
    assert {(c.channel, c.user) for c in changes} == {("admin", USERNAME)}
