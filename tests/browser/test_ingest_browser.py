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
from playwright.sync_api import expect

from core.models import ReviewState, Source
from ingest import extract
from tests import factories as f
from tests.browser import browser
from tests.browser.ingest_fixtures import (
    MARKS,
    Session,
    publish_drafts,
    published_records,
)
from tests.ingest import review_article as article

pytestmark = MARKS

ACCEPTED = ("quantity", "statement", "decision")


@pytest.fixture
def reviewer(ingest_curator, monkeypatch):
    # The live server runs in this process: the patched extractor is the one it calls.
    monkeypatch.setattr(extract, "propose", article.extraction)
    f.published(f.country("BY", iso3="BLR", name="Belarus"))
    f.published(f.country("IN", iso3="IND", name="India"))
    return ingest_curator


def add_source(c: Session):
    c.click("#source-from-text")
    c.type("#id_title", "Belarus to export potash to India")
    c.type("#id_publisher", "Baltic Ledger")
    c.type("#id_published", "2025-05-12")
    c.type("#id_text", article.TEXT)
    c.click("input[name=_propose]", submits=True)
    expect(c.page.locator("#marked-text mark")).to_have_count(len(article.proposals()))


def accept_and_draft(c: Session):
    proposals = article.proposals()
    for name in ACCEPTED:
        item = f"li.proposal[data-key='{proposals[name].key}']"
        c.click(f"{item} button[value=accept]", submits=True)
        expect(c.page.locator(f"{item} .badge")).to_have_text("accepted")
    c.click("#create-drafts", submits=True)
    expect(c.page.locator(".messagelist .success")).to_contain_text("draft record(s) created")


def check_reading_aids(page):
    """review.js, under the admin's CSP: a mark leads to its proposal (not counted: reading)."""
    key = article.proposals()["quantity"].key
    page.click(f"#marked-text mark[data-key='{key}']")
    expect(page.locator(f"li.proposal[data-key='{key}']")).to_have_class(re.compile("flash"))
    assert page.evaluate("window.__csp") == []


def test_an_article_becomes_published_records_within_the_click_budget(reviewer, ingest_session):
    with ingest_session() as c:
        page = c.page
        add_source(c)
        browser.screenshot(page, "ingest_review")
        check_reading_aids(page)
        accept_and_draft(c)
        browser.screenshot(page, "ingest_drafted")
        opened = publish_drafts(c)
    assert not c.errors, c.errors

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
    print(c.figures(n))
    assert c.clicks / n <= 4, (c.clicks, n)
