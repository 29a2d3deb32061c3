"""A curator turns one of the gold articles into published records through the REAL
extraction assistant (no stand-in), in a real browser, and we count every click and form
submission per published record.

``test_ingest_browser.py`` measures the page with a stand-in extractor whose proposals are
right by construction; this one runs the rules themselves on ``kz-uz-grain`` (a gold
article, ``tests/ingest/articles/``). The curator accepts the proposals of facts (quantities,
values, statements, decisions) that the gold set says are right, as a curator who reads them
would, leaves the wrong ones pending, creates the drafts and publishes them. The people,
commodities and organizations the facts name come along as their related drafts.

Counting as in ``test_ingest_browser.py``: a click is a mouse click on a link or a button
(going back to the review page is 1); a typed field is a field typed or pasted into; a
submission is a form posted. Log-in and the checks afterwards are not counted.

Run it to print the figures::

    .venv/bin/pytest tests/browser/test_ingest_real_browser.py -s -p no:randomly
"""

import pytest
from playwright.sync_api import expect

from core.models import ReviewState, Source
from diplomacy.reference import countries_sync
from ingest import extract
from ingest.evaluation import load_articles, value_matches
from tests.browser import browser
from tests.browser.ingest_fixtures import (
    MARKS,
    publish_drafts,
    published_records,
)

pytestmark = MARKS

ARTICLE = "kz-uz-grain"
#: The kinds a curator accepts: facts. Named things come along as the facts' related drafts.
FACTS = ("quantity", "value", "statement", "decision", "designation")


@pytest.fixture
def reviewer(ingest_curator):
    countries_sync()  # every country published, as in the dataset
    return ingest_curator


def right_proposals(gold) -> list:
    """The real extractor's fact proposals that match a gold item (kind, overlap, value)."""
    extraction = extract.propose(gold.text, gold.published)
    right = []
    for p in extraction.proposals:
        if p.kind not in FACTS:
            continue
        for item in gold.items:
            overlaps = any(min(e, p.end) > max(s, p.start) for s, e in item.spans)
            if item.kind == p.kind and overlaps and value_matches(item.kind, item.value, p.value):
                right.append(p)
                break
    return right


def test_a_gold_article_becomes_published_records_through_the_real_extractor(
    reviewer, ingest_session
):
    (gold,) = load_articles(names=[ARTICLE])
    right = right_proposals(gold)
    assert len(right) >= 5, [p.quote for p in right]
    with ingest_session() as c:
        page = c.page
        c.click("#source-from-text")
        c.type("#id_title", "Kazakhstan to supply wheat to Uzbekistan")
        c.type("#id_publisher", "Steppe Wire")
        c.type("#id_published", gold.published.isoformat())
        c.type("#id_text", gold.text)
        c.click("input[name=_propose]", submits=True)
        expect(page.locator("li.proposal").first).to_be_visible()
        browser.screenshot(page, "ingest_real_review")
        for proposal in right:
            item = f"li.proposal[data-key='{proposal.key}']"
            c.click(f"{item} button[value=accept]", submits=True)
            expect(page.locator(f"{item} .badge")).to_have_text("accepted")
        c.click("#create-drafts", submits=True)
        expect(page.locator(".messagelist .success")).to_contain_text("draft record(s) created")
        opened = publish_drafts(c)
        browser.screenshot(page, "ingest_real_published")
    assert not c.errors, c.errors

    source = Source.objects.get(publisher="Steppe Wire")
    records = published_records(source)
    states = {f"{type(r).__name__} {r}": r.review_state for r in records}
    assert set(states.values()) == {ReviewState.PUBLISHED}, states
    n = len(records)
    assert n >= len(right), states
    kinds = sorted({p.kind for p in right})
    print(
        f"\n\n{ARTICLE} through the real extractor: {len(right)} right fact proposals accepted "
        f"({', '.join(kinds)}), {n} published records "
        f"({', '.join(sorted(type(r).__name__ for r in records))}), {opened} drafts opened"
    )
    print(c.figures(n))
    assert c.clicks / n <= 4, (c.clicks, n)
