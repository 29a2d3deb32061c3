"""The public evidence pages: what they show, to whom, and in how many queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.evidence import evidence_path, segments
from core.models import Citation, ReviewState, Source
from tests import factories as f
from trade.models import Shipment

pytestmark = pytest.mark.django_db


def cited_ids(html: str) -> set[str]:
    """The citations highlighted in a source page's text."""
    return {i for attr in re.findall(r'data-citations="([^"]*)"', html) for i in attr.split()}


def published_shipment(src, quote="Gamma exported wheat", **kw):
    shipment = f.published(f.shipment(**kw))
    f.published(f.cite(shipment, quote, src=src, supports=["exporter", "commodity"]))
    return shipment


# --- the source page ---------------------------------------------------------------------


def test_source_page_highlights_every_public_citation_of_the_seed(client, article):
    public = Citation.objects.filter(source=article, review_state=ReviewState.PUBLISHED)

    html = client.get(evidence_path(Source, article.pk)).content.decode()

    assert cited_ids(html) == {str(pk) for pk in public.values_list("pk", flat=True)}
    assert f"({public.count()} citations)" in html
    wheat = Shipment.objects.get(commodity__slug="wheat")
    assert f'href="{evidence_path(Shipment, wheat.pk)}"' in html
    assert "Wheat RU→AF" in html


def test_overlapping_spans_split_into_segments_each_naming_its_citations():
    class Span:
        def __init__(self, pk, start, end):
            self.pk, self.start, self.end = pk, start, end

    class Cited:
        def __init__(self, number, citation):
            self.number, self.citation = number, citation

    one, two = Cited(1, Span("a", 0, 10)), Cited(2, Span("b", 5, 15))

    pieces = segments("0123456789abcdefghij", [one, two])

    assert [(p.text, [c.number for c in p.covering]) for p in pieces] == [
        ("01234", [1]),
        ("56789", [1, 2]),
        ("abcde", [2]),
        ("fghij", []),
    ]
    assert [[c.number for c in p.ending] for p in pieces] == [[], [1], [2], []]
    assert pieces[1].label == "Quoted by citations 1, 2"


def test_draft_citations_and_records_are_for_curators_only(client, curator_client):
    src = f.published(f.source())
    shown = published_shipment(src)
    draft_record = f.shipment()
    draft_citation = f.cite(draft_record, "Alpha said beta", src=src, start=0)
    url = evidence_path(Source, src.pk)

    public = cited_ids(client.get(url).content.decode())
    curated = cited_ids(curator_client.get(url).content.decode())

    (shown_citation,) = shown.citations.all()
    assert public == {str(shown_citation.pk)}
    assert curated == {str(shown_citation.pk), str(draft_citation.pk)}


def test_a_draft_source_is_not_found_by_the_public(client, curator_client):
    src = f.source()
    url = evidence_path(Source, src.pk)

    assert client.get(url).status_code == 404
    assert curator_client.get(url).status_code == 200


def test_source_page_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    src = f.published(f.source())

    def count(n):
        for _ in range(n):
            published_shipment(src)
            official = f.published(f.official())
            f.published(f.cite(official, src=src))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(evidence_path(Source, src.pk)).status_code == 200
        return len(queries)

    assert count(2) == count(2)  # 2 of each, then 4


# --- a record's page -----------------------------------------------------------------------


def test_record_page_shows_each_field_with_its_quote_in_context(client, article):
    wheat = Shipment.objects.get(commodity__slug="wheat")

    response = client.get(evidence_path(Shipment, wheat.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="title">Wheat RU→AF</h1>' in html
    assert "<main" in html and "<nav" in html and "<header" in html and "<footer" in html
    citation = wheat.citations.get()
    assert f'<mark aria-label="quoted evidence">{citation.quote}</mark>' in html
    before = article.text[citation.start - 30 : citation.start]
    assert before in html
    assert f'href="/api/v1/trade/shipments/{wheat.pk}/"' in html
    assert f'href="/api/v1/changes/?record_id={wheat.pk}"' in html
    assert f'href="{evidence_path(Source, article.pk)}#at-{citation.pk}"' in html
    source_page = client.get(evidence_path(Source, article.pk)).content.decode()
    assert source_page.count(f'<span id="at-{citation.pk}"></span>') == 1


def test_drafts_are_shown_to_curators_only(client, curator_client):
    draft = f.shipment()
    url = evidence_path(Shipment, draft.pk)

    assert client.get(url).status_code == 404
    response = curator_client.get(url)
    assert response.status_code == 200
    assert "<strong>Draft</strong>" in response.content.decode()


def test_retracted_records_are_public_and_say_why(client):
    record = published_shipment(f.published(f.source()))
    record.review_state, record.retraction_reason = ReviewState.RETRACTED, "Misread"
    record.save()

    html = client.get(evidence_path(Shipment, record.pk)).content.decode()

    assert "<strong>Retracted</strong>: Misread" in html


def test_unknown_resources_and_ids_are_not_found(client):
    assert client.get("/evidence/trade/nothing/x/").status_code == 404
    assert client.get("/evidence/trade/shipments/not-a-uuid/").status_code == 404
    assert client.get("/evidence/diplomacy/countries/ZZ/").status_code == 404
    # NUL in an id: PostgreSQL refuses it in a query (a 500 before), so no query is made
    assert client.get("/evidence/diplomacy/countries/R%00U/").status_code == 404
    assert client.get("/evidence/diplomacy/officials/a%00b/").status_code == 404


def test_record_page_reads_a_fixed_number_of_queries(client):
    record = published_shipment(f.published(f.source()))
    url = evidence_path(Shipment, record.pk)

    def count(n):
        for _ in range(n):
            f.published(f.cite(record, src=f.published(f.source()), supports=["importer"]))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert count(2) == count(2)  # 2 of each, then 4


# --- links from the API ------------------------------------------------------------------


def test_every_record_in_the_api_links_its_evidence_page(client, seed):
    wheat = Shipment.objects.get(commodity__slug="wheat")

    body = client.get(f"/api/v1/trade/shipments/{wheat.pk}/").json()

    assert body["evidence_url"] == f"http://testserver/evidence/trade/shipments/{wheat.pk}/"
    assert client.get(body["evidence_url"]).status_code == 200
    country = client.get("/api/v1/diplomacy/countries/RU/").json()
    assert country["evidence_url"] == "http://testserver/evidence/diplomacy/countries/RU/"


def test_the_api_root_links_the_pages(client):
    root = client.get("/api/v1/").json()

    assert root["evidence"] == "http://testserver/evidence/"
    assert root["pairs"] == "http://testserver/api/v1/pairs/RU-AF/"


def test_index_lists_public_sources(client, article):
    html = client.get("/evidence/").content.decode()

    assert evidence_path(Source, article.pk) in html


def test_a_missing_page_is_a_readable_html_page(client):
    response = client.get("/evidence/trade/shipments/00000000-0000-0000-0000-000000000000/")

    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.content.decode()


def test_a_quote_supporting_several_fields_is_shown_once(client, seed):
    wheat = Shipment.objects.get(commodity__slug="wheat")
    (citation,) = wheat.citations.all()

    html = client.get(evidence_path(Shipment, wheat.pk)).content.decode()

    ids = re.findall(r'id="(citation-[^"]+)"', html)
    assert ids == [f"citation-{citation.pk}"]
    assert html.count(f'href="#citation-{citation.pk}"') == len(citation.supports) - 1
