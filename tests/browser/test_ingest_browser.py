"""A curator turns an article into published records through the extraction assistant, in a
real browser, and we count every click and form submission per published record.

The article is our own (``tests/ingest/review_article.py``); the extractor is replaced by
the proposals a right one makes for it, so this measures the page when the proposals are
right (the issue's target: at most 4 clicks per published record).

Counting, as ``test_curator_task_browser.py`` counts: a click is a mouse click on a link or
a button (following a link, or going back to the review page, is 1); a typed field is a
field the curator types or pastes into; a submission is a form posted. Log-in and the
checks afterwards are not counted.

Run it to print the figures::

    .venv/bin/pytest tests/browser/test_ingest_browser.py -s -p no:randomly
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from playwright.sync_api import expect

from core.models import Citation, ReviewState, Source
from diplomacy.models import DecisionStage, Official, PolicyDecision, Statement
from ingest import extract
from tests import factories as f
from tests.browser import browser
from tests.browser.browser import chromium_page, log_in
from tests.ingest import review_article as article
from trade.models import Commodity, Shipment

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

USERNAME, PASSWORD = "olesya", "a-long-browser-password"
# Chromium's reports of Content-Security-Policy violations (as test_csp_browser collects them).
COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`);
});
"""
ACCEPTED = ("quantity", "statement", "decision")


@pytest.fixture
def reviewer(django_user_model, monkeypatch):
    # The live server runs in this process: the patched extractor is the one it calls.
    monkeypatch.setattr(extract, "propose", article.extraction)
    f.published(f.country("BY", iso3="BLR", name="Belarus"))
    f.published(f.country("IN", iso3="IND", name="India"))
    user = django_user_model.objects.create_user(USERNAME, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="curators"))
    return user


class Counted:
    """The page, with every click, typed field and submission counted."""

    def __init__(self, page):
        self.page = page
        self.clicks = self.submissions = self.typed = 0

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


def add_source(c: Counted):
    c.click("#source-from-text")
    c.type("#id_title", "Belarus to export potash to India")
    c.type("#id_publisher", "Baltic Ledger")
    c.type("#id_published", "2025-05-12")
    c.type("#id_text", article.TEXT)
    c.click("input[name=_propose]", submits=True)
    expect(c.page.locator("#marked-text mark")).to_have_count(len(article.proposals()))


def accept_and_draft(c: Counted):
    proposals = article.proposals()
    for name in ACCEPTED:
        item = f"li.proposal[data-key='{proposals[name].key}']"
        c.click(f"{item} button[value=accept]", submits=True)
        expect(c.page.locator(f"{item} .badge")).to_have_text("accepted")
    c.click("#create-drafts", submits=True)
    expect(c.page.locator(".messagelist .success")).to_contain_text("draft record(s) created")


def publish_drafts(c: Counted) -> int:
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


def check_reading_aids(page):
    """review.js, under the admin's CSP: a mark leads to its proposal (not counted: reading)."""
    key = article.proposals()["quantity"].key
    page.click(f"#marked-text mark[data-key='{key}']")
    expect(page.locator(f"li.proposal[data-key='{key}']")).to_have_class(re.compile("flash"))
    assert page.evaluate("window.__csp") == []


def published_records(source) -> list:
    cited = {(c.content_type_id, c.object_id) for c in Citation.objects.filter(source=source)}
    records = [source]
    for model in (Shipment, Commodity, Official, Statement, PolicyDecision, DecisionStage):
        records += [r for r in model.objects.all() if (_ct(model), r.pk) in cited]
    return records


def _ct(model):
    return ContentType.objects.get_for_model(model).pk


def test_an_article_becomes_published_records_within_the_click_budget(live_server, reviewer):
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
        page.add_init_script(COLLECT_VIOLATIONS)
        log_in(page, live_server.url, USERNAME, PASSWORD)
        c = Counted(page)
        add_source(c)
        browser.screenshot(page, "ingest_review")
        check_reading_aids(page)
        accept_and_draft(c)
        browser.screenshot(page, "ingest_drafted")
        opened = publish_drafts(c)
        assert not errors, errors

    source = Source.objects.get(publisher="Baltic Ledger")
    records = published_records(source)
    states = {f"{type(r).__name__} {r}": r.review_state for r in records}
    assert set(states.values()) == {ReviewState.PUBLISHED}, states
    # The source, the shipment and its new commodity, the statement and its speaker, the
    # decision and its stage.
    assert len(records) == 7, states
    n = len(records)
    print(
        f"\n\nAn article through the extraction assistant: {n} published records "
        f"({', '.join(sorted(type(r).__name__ for r in records))}), {opened} drafts opened"
    )
    print(f"{'':<12} {'total':>6} {'per record':>11}")
    for what, total in (("clicks", c.clicks), ("submissions", c.submissions), ("typed", c.typed)):
        print(f"{what:<12} {total:>6} {total / n:>11.2f}")
    assert c.clicks / n <= 4, (c.clicks, n)
