"""The admin's "New source from text" and the review of the assistant's proposals, through
the test client: a source made as a draft, its text marked at exact spans, accepts, edits
and rejects remembered per source, "Create drafts" making draft records whose citations
support each value at its own words, and nothing published.

The extractor is replaced by the proposals a right one makes for our own short article
(``review_article``), so these tests judge the page, not the extractor.
"""

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import Citation, ReviewState, Source
from diplomacy.models import DecisionStage, Official, PolicyDecision, Statement
from ingest import extract
from ingest.models import ProposalReview
from ingest.proposals import Proposal
from tests import factories as f
from tests.admin.forms import messages_of
from trade.models import Commodity, Shipment

from . import review_article as article

pytestmark = pytest.mark.django_db

NEW = "admin:ingest_source_from_text"


@pytest.fixture(autouse=True)
def extractor(monkeypatch):
    """The proposals a right extractor makes for our article (``ingest.extract.propose``)."""
    monkeypatch.setattr(extract, "propose", article.extraction)


@pytest.fixture
def countries():
    return {
        "BY": f.published(f.country("BY", iso3="BLR", name="Belarus")),
        "IN": f.published(f.country("IN", iso3="IND", name="India")),
    }


def add_source(client, **extra):
    data = {
        "kind": "news_article",
        "title": "Belarus to export potash to India",
        "publisher": "Baltic Ledger",
        "published": "2025-05-12",
        "document_url": "",
        "language": "en",
        "text": article.TEXT.replace("\n", "\r\n"),  # as a browser sends a textarea
        **extra,
    }
    return client.post(reverse(NEW), data)


@pytest.fixture
def source(curator_client, countries):
    response = add_source(curator_client)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Source.objects.get(publisher="Baltic Ledger")


def review_url(source):
    return reverse("admin:ingest_review", args=[source.pk])


def decide(client, source, key, action, **edits):
    data = {"key": key, "action": action, **edits}
    return client.post(reverse("admin:ingest_decide", args=[source.pk]), data)


class Marks(HTMLParser):
    """Each ``<mark>`` of the marked text: its data attributes and the text inside it."""

    def __init__(self):
        super().__init__()
        self.marks, self.open, self.inside = [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and attrs.get("id") == "marked-text":
            self.inside = True
        elif tag == "mark" and self.inside:
            self.open.append({**attrs, "text": ""})

    def handle_endtag(self, tag):
        if tag == "mark" and self.open:
            self.marks.append(self.open.pop())
        elif tag == "div" and self.inside and not self.open:
            self.inside = False

    def handle_data(self, data):
        for mark in self.open:
            mark["text"] += data


def marks_of(response) -> dict[str, dict]:
    parser = Marks()
    parser.feed(response.content.decode())
    return {m["data-key"]: m for m in parser.marks}


def test_a_pasted_text_becomes_a_draft_source_with_each_proposal_marked_at_its_span(
    curator_client, source
):
    assert source.review_state == ReviewState.DRAFT
    assert source.text == article.TEXT  # stored with LF line ends, as every channel stores it
    assert (source.title, source.published) == ("Belarus to export potash to India", "2025-05-12")
    page = curator_client.get(review_url(source))
    assert page.status_code == 200
    marks = marks_of(page)
    expected = article.proposals()
    assert sorted(marks) == sorted(p.key for p in expected.values())
    for p in expected.values():
        mark = marks[p.key]
        assert (int(mark["data-start"]), int(mark["data-end"])) == (p.start, p.end)
        assert mark["text"] == source.text[p.start : p.end] == p.quote
        assert f"kind-{p.kind}" in mark["class"]
    # The list groups them by kind, each with its one-click accept.
    html = page.content.decode()
    assert html.index('id="kind-country"') < html.index('id="kind-quantity"')
    assert html.count('name="action" value="accept"') == len(expected)


def test_the_page_is_reached_from_the_index_and_the_sources_list(curator_client):
    new = reverse(NEW)
    assert f'href="{new}"' in curator_client.get(reverse("admin:index")).content.decode()
    sources = curator_client.get(reverse("admin:core_source_changelist")).content.decode()
    assert f'href="{new}"' in sources
    # What curators decided is listed, read-only, under the assistant's app.
    decisions = reverse("admin:ingest_proposalreview_changelist")
    assert curator_client.get(decisions).status_code == 200
    assert curator_client.get(reverse("admin:ingest_proposalreview_add")).status_code == 403


def test_an_uploaded_html_file_is_reduced_to_its_text(curator_client, countries):
    paragraphs = article.TEXT.split("\n\n")
    markup = (
        "<!doctype html><html><head><title>Ledger</title><style>p{color:red}</style>"
        "<script>alert('never run')</script></head><body><article>"
        f"<p>{paragraphs[0].replace('(', '&#40;')}</p>"
        f"<p>{paragraphs[1].replace('“', '&ldquo;').replace('”', '&rdquo;')}</p>"
        "<script>document.write('no')</script></article></body></html>"
    )
    upload = SimpleUploadedFile("ledger.html", markup.encode(), content_type="text/html")
    response = add_source(curator_client, text="", title="", upload=upload)
    assert response.status_code == 302
    source = Source.objects.get(publisher="Baltic Ledger")
    assert source.text == article.TEXT  # the head (title, style, script) is not the text
    assert source.title == "Ledger"  # the page's own title, none being typed
    marks = marks_of(curator_client.get(review_url(source)))
    assert sorted(marks) == sorted(p.key for p in article.proposals().values())


def test_an_uploaded_text_needs_a_text_file(curator_client):
    upload = SimpleUploadedFile("ledger.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = add_source(curator_client, text="", upload=upload)
    assert response.status_code == 400
    assert "Upload a .txt or .html file." in response.content.decode()
    assert not Source.objects.filter(publisher="Baltic Ledger").exists()


def test_the_same_text_twice_points_to_the_source_already_there(curator_client, source):
    response = add_source(curator_client)
    assert response.status_code == 400
    html = response.content.decode()
    assert "A source with the same text already exists." in html
    assert review_url(source) in html
    assert Source.objects.filter(publisher="Baltic Ledger").count() == 1


def test_a_rejected_proposal_is_not_proposed_again(curator_client, source, curator):
    india_2 = article.proposals()["india_2"]
    response = decide(curator_client, source, india_2.key, "reject")
    assert response.status_code == 302
    page = curator_client.get(review_url(source))
    assert india_2.key not in marks_of(page)
    assert f'value="{india_2.key}"' not in page.content.decode()
    assert "1 rejected proposal(s) are not proposed again" in page.content.decode()
    row = ProposalReview.objects.get(source=source, key=india_2.key)
    assert (row.decision, row.user, row.proposal["quote"]) == ("rejected", curator, "New Delhi")
    assert row.history.count() == 1  # a work log with its history


def test_an_edit_corrects_a_number_and_picks_another_record(curator_client, source):
    p = article.proposals()
    wheat = f.published(f.commodity(slug="wheat", name="Wheat"))
    response = decide(
        curator_client, source, p["quantity"].key, "edit", **{"value.amount": "250,000"}
    )
    assert response.status_code == 302
    response = decide(curator_client, source, p["potash"].key, "edit", match="wheat")
    assert response.status_code == 302
    rows = {r.key: r for r in ProposalReview.objects.filter(source=source)}
    assert rows[p["quantity"].key].value["amount"] == "250000"
    assert (rows[p["potash"].key].decision, rows[p["potash"].key].match) == ("edited", "wheat")
    refused = decide(curator_client, source, p["potash"].key, "edit", match="no-such-thing")
    assert refused.status_code == 400
    assert "No commodity has the id “no-such-thing”." in refused.content.decode()
    assert ProposalReview.objects.get(key=p["potash"].key).match == "wheat"  # unchanged
    curator_client.post(reverse("admin:ingest_drafts", args=[source.pk]))
    (shipment,) = Shipment.objects.all()
    assert (shipment.commodity, str(shipment.quantity)) == (wheat, "250000.000")
    assert not Commodity.objects.filter(name="Potash").exists()


def citations_of(record) -> dict[str, tuple]:
    return {c.quote: (c.supports, c.supported_values) for c in record.citations.all()}


def test_accepted_proposals_become_drafts_citing_each_value(curator_client, source, countries):
    p = article.proposals()
    for name in ("quantity", "statement", "decision"):
        assert decide(curator_client, source, p[name].key, "accept").status_code == 302
    response = curator_client.post(reverse("admin:ingest_drafts", args=[source.pk]), follow=True)
    assert response.status_code == 200
    assert any("draft record(s) created" in m for m in messages_of(response)), messages_of(response)

    (shipment,) = Shipment.objects.all()
    by, india = countries["BY"], countries["IN"]
    potash = Commodity.objects.get(name="Potash")
    assert (shipment.exporter, shipment.importer, shipment.commodity) == (by, india, potash)
    assert (str(shipment.quantity), shipment.unit, shipment.quantity_qualifier) == (
        "300000.000", "t", "at_most",
    )  # fmt: skip
    assert shipment.period == "2026"
    assert citations_of(shipment) == {
        "up to 300,000 tonnes": (["quantity", "unit"], {"quantity": "300000", "unit": "t"}),
        "potash": (["commodity"], {"commodity": str(potash.pk)}),
        "Belarus": (["exporter"], {"exporter": str(by.pk)}),
        "India": (["importer"], {"importer": str(india.pk)}),
        "2026": (["period"], {"period": {"precision": "year", "value": "2026"}}),
    }
    assert (potash.hs_code, citations_of(potash)) == (
        "3104", {"potash": (["hs_code"], {"hs_code": "3104"})},
    )  # fmt: skip
    assert potash.citations.get().inferred

    (statement,) = Statement.objects.all()
    varenik = Official.objects.get(name="Olga Varenik")
    assert (statement.speaker, statement.mode) == (varenik, "direct")
    assert statement.quote == "Our fertiliser will reach Indian farms before the monsoon"
    assert citations_of(statement) == {
        p["statement"].quote: (["quote"], {"quote": statement.quote}),
        "Olga Varenik": (["speaker"], {"speaker": str(varenik.pk)}),
    }
    (decision,) = PolicyDecision.objects.all()
    (stage,) = DecisionStage.objects.filter(decision=decision)
    assert (list(decision.countries.all()), stage.status) == ([india], "under_consideration")
    assert citations_of(stage) == {p["decision"].quote: (["status"], {"status": stage.status})}

    # Nothing is published by this step, the source included.
    for model in (Shipment, Commodity, Official, Statement, PolicyDecision, DecisionStage):
        assert set(model.objects.values_list("review_state", flat=True)) == {"draft"}, model
    assert Source.objects.get(pk=source.pk).review_state == ReviewState.DRAFT
    assert set(Citation.objects.values_list("review_state", flat=True)) == {"draft"}

    # The page lists the drafts with their admin pages; creating again makes nothing more.
    page = curator_client.get(review_url(source)).content.decode()
    for record in (shipment, potash, varenik, statement, decision, stage):
        opts = record._meta
        assert reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk]) in page
    curator_client.post(reverse("admin:ingest_drafts", args=[source.pk]))
    assert (Shipment.objects.count(), Official.objects.count()) == (1, 1)

    # The normal review workflow publishes each, with the drafts it stands on.
    publish = reverse("admin:trade_shipment_review", args=[shipment.pk, "publish_all"])
    response = curator_client.post(publish, follow=True)
    assert any("was published" in m for m in messages_of(response)), messages_of(response)
    shipment.refresh_from_db()
    potash.refresh_from_db()
    assert (shipment.review_state, potash.review_state) == ("published", "published")


BAD = {
    "past the end": Proposal("country", {"iso2": "BY"}, "Belarus", 900, 907, 0.9, "x", "1"),
    "moved": Proposal("country", {"iso2": "BY"}, "Belarus", 0, 7, 0.9, "x", "1", match="BY"),
}


def test_a_proposal_off_its_text_is_refused_with_a_clear_message(
    curator_client, source, monkeypatch
):
    def with_bad(text, published=None, language="en"):
        found = article.extraction(text, published, language)
        found.proposals += list(BAD.values())
        return found

    monkeypatch.setattr(extract, "propose", with_bad)
    page = curator_client.get(review_url(source))
    assert page.status_code == 200
    html = page.content.decode()
    assert "its span runs past the end of the source&#x27;s text" in html
    assert "the source&#x27;s text there reads “MINSK, ”, not its quote" in html
    assert not {p.key for p in BAD.values()} & set(marks_of(page))
    for bad in BAD.values():
        response = decide(curator_client, source, bad.key, "accept")
        assert response.status_code == 400
        assert "is refused" in response.content.decode()
    unknown = decide(curator_client, source, "country:1:2", "accept")
    assert unknown.status_code == 400
    assert "No proposal country:1:2 for this source" in unknown.content.decode()
    assert not ProposalReview.objects.exists()


def test_only_curators_use_the_page(outsider_client, client, source):
    for url in (reverse(NEW), review_url(source)):
        assert outsider_client.get(url).status_code == 403
        assert client.get(url).status_code == 302  # to the log-in page
    key = article.proposals()["quantity"].key
    assert decide(outsider_client, source, key, "accept").status_code == 403
    drafts = reverse("admin:ingest_drafts", args=[source.pk])
    assert outsider_client.post(drafts).status_code == 403
    assert not ProposalReview.objects.exists() and not Shipment.objects.exists()
    assert add_source(outsider_client, text="Another text.").status_code == 403
    assert Source.objects.count() == 1
