"""Swagger UI's "Try it out" works: the schema names a relative server, so the request goes
to the page's own origin (the only one its Content-Security-Policy allows) and answers 200."""

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.browser.browser import TIMEOUT_MS, chromium_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PATH = "/api/v1/diplomacy/countries/"


def test_try_it_out_executes_a_get_and_shows_its_answer(live_server):
    country = f.country(name="Examplestan")
    f.published(f.cite(country))
    f.published(country)
    expect.set_options(timeout=TIMEOUT_MS)
    calls = []
    with chromium_page() as page:
        page.on("request", lambda request: calls.append(request.url))
        page.goto(f"{live_server.url}/api/v1/docs/")
        operation = page.locator(".opblock-get").filter(
            has=page.locator(f".opblock-summary-path[data-path='{PATH}']")
        )
        operation.locator(".opblock-summary").click()
        operation.locator(".try-out__btn").click()
        operation.locator(".execute").click()
        live = operation.locator(".live-responses-table")
        expect(live.locator("tbody .response-col_status")).to_have_text("200")
        expect(live.locator("tbody .response-col_description")).to_contain_text("Examplestan")
    assert f"{live_server.url}{PATH}" in calls
