"""What the two browser tests of the extraction assistant share (``test_ingest_browser.py``,
``test_ingest_real_browser.py``): a curator logged in to a fresh Chromium page that collects
every page error and every 4xx/5xx response, the page with its clicks counted, and the
publishing of the drafts.

Counting, as ``test_curator_task_browser.py`` counts: a click is a mouse click on a link or
a button (following a link, or going back to the review page, is 1); a typed field is a
field the curator types or pastes into; a submission is a form posted. Log-in and the
checks afterwards are not counted.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from playwright.sync_api import Page, expect

from core.models import Citation
from diplomacy.models import DecisionStage, Official, PolicyDecision, Statement
from tests.browser import browser
from tests.browser.browser import chromium_page, log_in
from trade.models import Commodity, Shipment

#: Both tests drive the live server: a browser test on a database shared with it.
MARKS = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
USERNAME, PASSWORD = "olesya", "a-long-browser-password"
# Chromium's reports of Content-Security-Policy violations (as test_csp_browser collects them).
COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def ingest_curator(django_user_model):
    """A curator who logs in with ``PASSWORD``."""
    user = django_user_model.objects.create_user(USERNAME, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="curators"))
    return user


@dataclass
class Session:
    """The curator's page, what went wrong on it, and the clicks, typed fields and
    submissions counted on it."""

    page: Page
    errors: list[str] = field(default_factory=list)
    clicks: int = 0
    submissions: int = 0
    typed: int = 0

    def click(self, selector, *, submits=False):
        self.clicks += 1
        self.submissions += int(submits)
        self.page.click(selector)

    def type(self, selector, text):
        self.typed += 1
        self.page.fill(selector, text)

    def back_to(self, url):
        """Back to the review page (a bookmark, the browser's back): 1 click."""
        self.clicks += 1
        self.page.goto(url)

    def figures(self, n: int) -> str:
        lines = [f"{'':<12} {'total':>6} {'per record':>11}"]
        for what, total in (
            ("clicks", self.clicks), ("submissions", self.submissions), ("typed", self.typed)
        ):  # fmt: skip
            lines.append(f"{what:<12} {total:>6} {total / n:>11.2f}")
        return "\n".join(lines)


@pytest.fixture
def ingest_session(live_server, ingest_curator):
    """``with ingest_session() as c:`` a fresh Chromium page, logged in as ``ingest_curator``,
    collecting errors and CSP reports.

    A context, not the page itself: Playwright's sync API runs an asyncio loop in this thread
    while the browser is open, and Django refuses ORM calls under a running loop
    (SynchronousOnlyOperation). Tests read the database before the ``with`` block and after
    it, never inside (see ``test_admin_browser.py``).
    """

    @contextmanager
    def open_session():
        expect.set_options(timeout=browser.TIMEOUT_MS)
        with chromium_page() as page:
            s = Session(page)
            page.on("pageerror", lambda exc: s.errors.append(str(exc)))
            page.on(
                "response",
                lambda r: (
                    r.status >= 400
                    and not r.url.endswith("/favicon.ico")
                    and s.errors.append(f"{r.status} {r.url}")
                ),
            )
            page.add_init_script(COLLECT_VIOLATIONS)
            log_in(page, live_server.url, USERNAME, PASSWORD)
            yield s

    return open_session


def publish_drafts(c: Session) -> int:
    """Open each draft still a draft, "Save and publish"; return how many were opened."""
    review_url = c.page.url.split("#")[0]
    opened = 0
    while True:
        if not c.page.locator("#drafts li[data-state=draft]").count():
            return opened
        opened += 1
        c.click("#drafts li[data-state=draft] >> nth=0 >> a.drafted-link")
        c.click("input[name=_publish]", submits=True)
        if c.page.locator(".errornote").count():
            browser.screenshot(c.page, "ingest-refused")
            raise AssertionError(c.page.locator(".errorlist").first.inner_text())
        expect(c.page.locator(".messagelist .success").last).to_contain_text("published")
        c.back_to(review_url)


def published_records(source) -> list:
    """The source and every record citing it."""
    cited = {(c.content_type_id, c.object_id) for c in Citation.objects.filter(source=source)}
    records = [source]
    for model in (Shipment, Commodity, Official, Statement, PolicyDecision, DecisionStage):
        ct = ContentType.objects.get_for_model(model).pk
        records += [r for r in model.objects.all() if (ct, r.pk) in cited]
    return records
