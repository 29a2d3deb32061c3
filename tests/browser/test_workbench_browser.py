"""The curators' workbench and the evidence pages in a real browser.

A new curator records a new article's shipment with field-level evidence by selecting words
in the source's text, publishes it from the form, and a reader finds the sentence highlighted;
the dashboard's counts, the seed article's highlights and the RU–AF pair page are checked
against the database. Screenshots of each page go to the artifacts folder
(``tests/browser/browser.py``).

As in ``test_admin_browser.py``, the database is touched only before Playwright starts and
after it stops.
"""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from core.admin.dashboard import review_queue
from core.evidence import evidence_path
from core.loading import load_dataset
from core.models import Citation, ReviewState, Source, SourceKind
from diplomacy.models import Official
from tests.browser import browser
from tests.browser.browser import chromium_page, log_in
from tests.conftest import SEED
from trade.models import Shipment

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

USERNAME, PASSWORD = "nadia", "a-long-browser-password"
TITLE = "Steppe Wire: Kazakh wheat reaches Afghanistan"
QUOTE = "Kazakhstan shipped 12,000 tonnes of wheat to Afghanistan"
TEXT = (
    "ALMATY, 2 June. "
    f"{QUOTE} in May, the ministry of agriculture said on Monday. "
    "Traders expect the rail corridor to carry more grain after the harvest."
)


@pytest.fixture
def seeded(django_user_model):
    load_dataset(SEED)
    user = django_user_model.objects.create_user(USERNAME, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="curators"))
    Official.objects.create(slug="pending-envoy", name="Pending Envoy")  # an uncited draft
    Source.objects.create(
        kind=SourceKind.NEWS_ARTICLE,
        title=TITLE,
        publisher="Steppe Wire",
        text=TEXT,
        language="en",
        review_state=ReviewState.PUBLISHED,
    )
    return user


def pick(page, select_name_suffix: str, typed: str, option: str) -> None:
    """Choose in a Django autocomplete (select2): open it, type, click the option."""
    select = page.locator(f"select[name$='{select_name_suffix}']").first
    select_id = select.get_attribute("id")
    page.click(f"#{select_id} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", typed)
    page.click(f".select2-results__option:has-text('{option}')")


SELECT_WORDS = """([quote]) => {
    const box = document.querySelector('.cite-panel .cite-text');
    const node = box.firstChild;
    const at = node.textContent.indexOf(quote);
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + quote.length);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    box.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
}"""


def test_curator_cites_by_selecting_and_publishes_and_reader_sees_it(live_server, seeded):
    expect.set_options(timeout=browser.TIMEOUT_MS)
    base = live_server.url
    queue = review_queue(seeded)
    counts = {
        "drafts": queue.drafts_count,
        "unsupported": queue.unsupported_count,
        "failing": queue.failing_count,
        "superseded": queue.superseded_count,
    }
    errors, failed = [], []
    selected = {}

    with chromium_page() as page:
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on(
            "response",
            lambda r: (
                failed.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("favicon.ico")
                else None
            ),
        )
        log_in(page, base, USERNAME, PASSWORD)

        # The dashboard: its counts are the review queue's.
        expect(page.locator("#site-name")).to_contain_text("curators’ workbench")
        for name, count in counts.items():
            expect(page.locator(f"[data-count={name}]")).to_have_text(str(count))
        browser.screenshot(page, "dashboard")

        # Record the article's shipment.
        page.goto(f"{base}/admin/trade/shipment/add/")
        pick(page, "exporter", "Kazakh", "Kazakhstan")
        pick(page, "importer", "Afghan", "Afghanistan")
        pick(page, "commodity", "wheat", "Wheat")
        page.select_option("#id_kind", "aggregate")
        page.select_option("#id_status", "reported")
        page.fill("#id_quantity", "12000")
        page.select_option("#id_unit", "t")

        # Cite by selecting: pick the source, select its words.
        pick(page, "-0-source", "Kazakh wheat", TITLE)
        expect(page.locator(".cite-panel .cite-text")).to_contain_text("ALMATY")
        page.evaluate(SELECT_WORDS, [QUOTE])
        expect(page.locator("textarea[name$='-0-quote']")).to_have_value(QUOTE)
        start = TEXT.index(QUOTE)
        expect(page.locator("input[name$='-0-start']")).to_have_value(str(start))
        expect(page.locator("input[name$='-0-end']")).to_have_value(str(start + len(QUOTE)))
        for name in ("exporter", "importer", "commodity", "quantity", "unit"):
            box = page.locator(f"input[name$='-0-supports'][value={name}]")
            expect(box).to_be_checked()
            selected[name] = True
        expect(page.locator(".cite-panel mark")).to_have_text(QUOTE)
        browser.screenshot(page, "shipment_cite_by_selecting")

        page.click("input[name=_continue]")
        expect(page.locator(".messagelist .success")).to_contain_text("Wheat KZ→AF")

        # Publish from the form.
        page.click(".review-buttons button[value=publish]")
        expect(page.locator(".messagelist .success")).to_have_text("“Wheat KZ→AF” was published.")
        expect(page.locator(".review-buttons .state")).to_have_text("Review state: Published")
        browser.screenshot(page, "shipment_published")

        # Back on the dashboard, the queue is as before: the shipment left it when published.
        page.goto(f"{base}/admin/")
        for name, count in counts.items():
            expect(page.locator(f"[data-count={name}]")).to_have_text(str(count))
        expect(page.locator("#review-queue")).to_contain_text("Pending Envoy")
        page.go_back()

        # "View on site" leads to the evidence page.
        page.click("a.viewsitelink:has-text('View on site')")
        expect(page.locator("h1")).to_have_text("Wheat KZ→AF")
        evidence_page = page.url

        # A reader (no session) sees the sentence highlighted, on the record and the source.
        reader = page.context.browser.new_context().new_page()
        reader.goto(evidence_page)
        expect(reader.locator("h1")).to_have_text("Wheat KZ→AF")
        expect(reader.locator("figure.quote mark").first).to_have_text(QUOTE)
        browser.screenshot(reader, "evidence_record")
        reader.click("figure.quote figcaption a >> nth=0")
        expect(reader.locator(".source-text mark")).to_have_text(QUOTE)
        browser.screenshot(reader, "evidence_new_source")

        assert not errors, errors
        assert not failed, failed

    assert counts["drafts"] >= 1 and counts["unsupported"] >= 1

    shipment = Shipment.objects.get(exporter__iso2="KZ")
    assert shipment.review_state == ReviewState.PUBLISHED
    (citation,) = shipment.citations.all()
    assert (citation.quote, citation.start) == (QUOTE, TEXT.index(QUOTE))
    assert set(citation.supports) == set(selected)


def test_reader_sees_every_public_quote_of_the_seed_and_the_ru_af_pair(live_server, seeded):
    expect.set_options(timeout=browser.TIMEOUT_MS)
    base = live_server.url
    article = Source.objects.get(kind=SourceKind.NEWS_ARTICLE, title="")
    public_citations = {
        str(pk)
        for pk in Citation.objects.filter(
            source=article, review_state=ReviewState.PUBLISHED
        ).values_list("pk", flat=True)
    }
    article_url = evidence_path(Source, article.pk)

    with chromium_page() as page:
        # The seed article: one highlight per public citation.
        page.goto(f"{base}{article_url}")
        ids = page.eval_on_selector_all(
            ".source-text mark", "marks => marks.map(m => m.dataset.citations)"
        )
        highlighted = {i for attr in ids for i in attr.split()}
        expect(page.locator("h2#citations-heading")).to_have_text("What cites it")
        browser.screenshot(page, "evidence_seed_article")

        # The RU–AF pair: the four seed shipments and the delisting decision.
        page.goto(f"{base}/evidence/pairs/RU-AF/")
        shipments = page.locator("li.item-shipment h3 a").all_text_contents()
        decisions = page.locator("li.item-policy_decision h3 a").all_text_contents()
        browser.screenshot(page, "evidence_pair_ru_af")

    assert highlighted == public_citations
    assert sorted(shipments) == ["Flour RU→AF", "Fuel RU→AF", "Lubricants RU→AF", "Wheat RU→AF"]
    assert any(re.search("removal of the Taliban", d) for d in decisions), decisions
