"""The Content-Security-Policy in a real browser: the offline API docs (Swagger UI, Redoc)
and the admin work under it, with no violation and nothing loaded from another origin.

Chromium reports each violation as a ``securitypolicyviolation`` event; an init script
(injected by Playwright, so not itself subject to the policy) collects them on the page.
"""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests.browser.test_admin_browser import TIMEOUT_MS, chromium_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
                    + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""
USERNAME, PASSWORD = "carla", "a-long-browser-password"
# Redoc's bundle always draws its "API docs by Redocly" logo from Redocly's CDN (no option
# turns it off). The policy blocks it on purpose: the docs load nothing from another origin,
# so no visitor's address reaches a third party. Redoc hides the image when it fails. This
# is the one violation expected; any other fails the test.
EXPECTED = ("img-src blocked https://cdn.redoc.ly/redoc/logo-mini.svg",)


def test_docs_redoc_and_admin_work_under_the_policy(live_server, django_user_model):
    user = django_user_model.objects.create_user(USERNAME, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="curators"))
    expect.set_options(timeout=TIMEOUT_MS)
    base = live_server.url
    origin = urlsplit(base).netloc
    violations, failed, foreign, policies = [], [], [], {}

    def went_out(request):
        # A request the policy blocked never left the browser; anything else to another
        # origin did (or tried to: offline, it fails with a network error).
        url = urlsplit(request.url)
        blocked = request.failure in ("csp", "net::ERR_BLOCKED_BY_CSP")  # Chromium's words
        if url.scheme in ("http", "https") and url.netloc != origin and not blocked:
            foreign.append(f"{request.url} {request.failure or ''}")

    def on_response(response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            failed.append(f"{response.status} {response.url}")
        if response.request.resource_type == "document":
            policies[urlsplit(response.url).path] = response.headers.get(
                "content-security-policy", ""
            )

    def collect(page):
        violations.extend(
            f"{page.url}: {v}" for v in page.evaluate("window.__csp") if not v.startswith(EXPECTED)
        )

    with chromium_page() as page:
        page.add_init_script(COLLECT_VIOLATIONS)
        page.on("requestfinished", went_out)
        page.on("requestfailed", went_out)
        page.on("response", on_response)

        # Swagger UI: the operations are listed, and one opens with its parameters.
        page.goto(f"{base}/api/v1/docs/")
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("Trade & Diplomacy")
        page.locator(".opblock-summary").first.click()
        expect(page.locator(".opblock-body").first).to_be_visible()
        collect(page)

        # Redoc: the title and the operations menu, rendered by its script. Redoc lays out
        # the whole 1 MB schema before it shows anything: 4 s here on SQLite, 11 s on
        # PostgreSQL (the live server is slower to answer), so it gets more time.
        page.goto(f"{base}/api/v1/redoc/")
        expect(page.locator("h1").first).to_contain_text("Trade & Diplomacy", timeout=60_000)
        expect(page.locator("[role=menuitem]").first).to_be_visible()
        collect(page)

        # The admin: log in, a list, and an add form with its select2 autocomplete.
        page.goto(f"{base}/admin/")
        page.fill("#id_username", USERNAME)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        expect(page.locator("#user-tools")).to_contain_text(USERNAME)
        page.goto(f"{base}/admin/diplomacy/official/")
        expect(page.locator("#changelist")).to_be_visible()
        page.goto(f"{base}/admin/diplomacy/official/add/")
        page.locator("#id_name").press_sequentially("Ada Quill")
        expect(page.locator("#id_slug")).to_have_value("ada-quill")  # the admin's own script
        expect(page.locator(".select2").first).to_be_visible()
        collect(page)

    for path in ("/api/v1/docs/", "/api/v1/redoc/", "/admin/diplomacy/official/add/"):
        assert "script-src 'self'" in policies[path], (path, policies.get(path))
        assert "unsafe-inline" not in policies[path].split("script-src")[1].split(";")[0]
    assert not violations, violations
    assert not failed, failed
    assert not foreign, foreign
