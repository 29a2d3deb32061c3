"""Corroboration and contradiction, per field: sources, independent origins, contradictions.

One deal told by several reports: an agency, an outlet that relays it, an independent
outlet, and one that gives another figure. Each rule is checked where users see it: the
API (JSON, CSV, filters), the evidence page, the admin and the loader.
"""

import csv
import io
import json

import pytest
from django.core import serializers as django_serializers
from django.core.exceptions import ValidationError

from config.api import response_cache
from core import services
from core.corroboration import corroboration_of, describe
from core.evidence import evidence_path
from core.loading import load_dataset
from core.models import Citation, ReviewState, Source, SourceKind
from core.releases.tables import citation_schema, record_schema
from tests import factories as f
from tests.admin.forms import admin_url, errors_of, form_data, inline_prefix
from tests.core import test_rules
from tests.core.test_rules import SHIPMENTS, snapshot, write_fixture
from trade.models import Shipment

pytestmark = pytest.mark.django_db
api = test_rules.api  # the curator's API client fixture

AGENCY = "Russia will export 1,000,000 tonnes of wheat to Afghanistan, the agency said."
RELAY = "Kabul: Russia will export 1,000,000 tonnes of wheat to Afghanistan, Bakhtar said."
INDEPENDENT = "Moscow agreed to ship 1,000,000 tonnes of wheat to Afghanistan this year."
OTHER_FIGURE = "Officials in Kabul put the wheat deal with Russia at 500,000 tonnes."

FACTS = ["exporter", "importer", "commodity", "quantity", "unit"]


def report(text, publisher, **kw):
    return f.published(f.source(text=text, publisher=publisher, **kw))


def quoting(source, quote, supports=FACTS, **kw):
    return services.CitationInput(source=source, quote=quote, supports=list(supports), **kw)


@pytest.fixture
def deal(curator):
    """A published shipment of 1,000,000 t of wheat, cited to a news agency's report."""
    agency = report(AGENCY, "Bakhtar News Agency")
    ru, af = f.published(f.country("RU")), f.published(f.country("AF"))
    for country in (ru, af):
        f.published(f.cite(country, quote="", src=reference(), locator=country.iso2))
    wheat = f.published(f.commodity(slug="wheat", name="Wheat"))
    f.published(f.cite(wheat, quote="wheat", src=agency))
    shipment = f.shipment(exporter=ru, importer=af, commodity=wheat, quantity=1000000, unit="t")
    quote = "Russia will export 1,000,000 tonnes of wheat to Afghanistan"
    services.record_save(shipment, user=curator, cite=[quoting(agency, quote)])
    services.record_publish(shipment, user=curator)
    shipment.refresh_from_db()
    return {"shipment": shipment, "agency": agency}


def reference():
    found = Source.objects.filter(kind=SourceKind.REFERENCE, title="ISO 3166").first()
    return found or f.published(
        f.source(kind=SourceKind.REFERENCE, text="", title="ISO 3166", publisher="ISO")
    )


def add(shipment, curator, *items):
    services.record_save(shipment, user=curator, cite=list(items))
    shipment.refresh_from_db()
    return shipment


def independent(deal, curator):
    source = report(INDEPENDENT, "Tolo Wire")
    quote = "Moscow agreed to ship 1,000,000 tonnes of wheat to Afghanistan"
    return add(deal["shipment"], curator, quoting(source, quote))


def contradict(deal, curator):
    source = report(OTHER_FIGURE, "Pajhwok")
    item = quoting(
        source,
        "put the wheat deal with Russia at 500,000 tonnes",
        supports=[],
        contradicts=["quantity"],
        stated={"quantity": "500000"},
    )
    return add(deal["shipment"], curator, item), source


def no_cache(monkeypatch):
    monkeypatch.setattr(response_cache, "lookup", lambda key: None)


# --- counting ----------------------------------------------------------------------------


def test_one_source_is_a_single_source(deal):
    shipment = deal["shipment"]
    assert shipment.corroboration["quantity"] == {
        "sources": 1,
        "origins": 1,
        "contradicted_by": 0,
        "status": "single_source",
    }
    assert set(shipment.corroboration) == set(FACTS)
    assert (shipment.min_origins, shipment.contested) == (1, False)


def test_two_sources_of_different_origins_corroborate(deal, curator, client):
    shipment = independent(deal, curator)
    assert shipment.corroboration["quantity"] == {
        "sources": 2,
        "origins": 2,
        "contradicted_by": 0,
        "status": "corroborated",
    }
    assert shipment.min_origins == 2
    body = client.get(f"{SHIPMENTS}{shipment.pk}/").json()
    assert body["corroboration"]["quantity"]["status"] == "corroborated"
    assert body["corroboration"] == shipment.corroboration


def test_an_outlet_relaying_the_agency_is_one_origin(deal, curator):
    outlet = report(RELAY, "Kabul Daily", relays=deal["agency"])
    shipment = add(deal["shipment"], curator, quoting(outlet, "Russia will export 1,000,000"))
    # The relayed report's quote supports all five facts as the agency's does.
    assert shipment.corroboration["quantity"] == {
        "sources": 2,
        "origins": 1,
        "contradicted_by": 0,
        "status": "single_source",
    }
    assert shipment.min_origins == 1


def test_an_outlet_naming_the_agency_as_origin_is_one_origin(deal, curator):
    outlet = report(RELAY, "Kabul Daily", origin="  bakhtar news AGENCY ")
    shipment = add(deal["shipment"], curator, quoting(outlet, "Russia will export 1,000,000"))
    assert shipment.corroboration["quantity"]["origins"] == 1


def test_changing_a_source_s_relay_updates_every_record_citing_it(deal, curator, client):
    shipment = independent(deal, curator)
    assert shipment.min_origins == 2
    wire = Source.objects.get(publisher="Tolo Wire")
    wire.relays = deal["agency"]
    services.record_save(wire, user=curator)
    shipment.refresh_from_db()
    assert shipment.corroboration["quantity"]["origins"] == 1
    assert client.get(SHIPMENTS, {"min_origins": "2"}).json()["results"] == []


def test_a_contradiction_contests_the_field_which_stays_published(deal, curator, client):
    shipment, source = contradict(deal, curator)
    assert shipment.review_state == ReviewState.PUBLISHED
    assert shipment.quantity == 1000000
    assert shipment.corroboration["quantity"] == {
        "sources": 1,
        "origins": 1,
        "contradicted_by": 1,
        "status": "contested",
    }
    assert shipment.corroboration["exporter"]["status"] == "single_source"
    assert shipment.contested is True
    body = client.get(f"{SHIPMENTS}{shipment.pk}/").json()
    assert body["quantity"] == "1000000.000"
    assert body["corroboration"]["quantity"]["status"] == "contested"
    (against,) = [c for c in body["citations"] if c["contradicts"]]
    assert against["contradicts"] == ["quantity"]
    assert against["stated"] == {"quantity": "500000"}
    assert against["supports"] == []
    assert against["source"]["id"] == str(source.pk)


def test_the_evidence_page_shows_counts_and_the_contradiction(deal, curator, client):
    independent(deal, curator)
    shipment, _source = contradict(deal, curator)
    page = client.get(evidence_path(Shipment, shipment.pk)).content.decode()
    assert "2 sources, 2 independent origins; contested by 1 source." in page
    assert "Contradicted by" in page
    assert '<strong class="stated">500,000 t</strong>' in page
    assert "put the wheat deal with Russia at 500,000 tonnes" in page
    assert "2 sources, 2 independent origins." in page  # the exporter: not contested
    # The contradicting quote is not evidence for the record as a whole.
    assert "Evidence for the record as a whole" not in page


def test_describe_in_words():
    entry = {"sources": 1, "origins": 1, "contradicted_by": 2, "status": "contested"}
    assert describe(entry) == "1 source, 1 independent origin; contested by 2 sources"
    inferred = {"sources": 1, "origins": 1, "contradicted_by": 0, "status": "inferred"}
    assert describe(inferred) == "1 source, 1 independent origin; inferred from the evidence"
    assert describe(None) == ""


def test_a_field_every_citation_infers_is_inferred(curator):
    source = report("The Ministry of Commerce met its Russian counterpart.", "Ariana")
    ru = f.published(f.country("RU"))
    f.published(f.cite(ru, quote="", src=reference(), locator="RU"))
    ministry = f.organization(slug="commerce", name="Ministry of Commerce", country=ru)
    item = quoting(
        source,
        "The Ministry of Commerce",
        supports=["country"],
        inferred=True,
        note="A ministry of the Afghan government, by the article's context.",
    )
    services.record_save(ministry, user=curator, cite=[item])
    services.record_publish(ministry, user=curator)
    ministry.refresh_from_db()
    assert ministry.corroboration == {
        "country": {"sources": 1, "origins": 1, "contradicted_by": 0, "status": "inferred"}
    }


def test_a_record_with_no_supported_field_counts_the_origins_of_its_evidence(curator):
    official = f.official(slug="muttaqi", name="Amir Khan Muttaqi")
    first = report("Amir Khan Muttaqi met the delegation.", "Ariana")
    second = report("Amir Khan Muttaqi spoke in Moscow.", "Tolo Wire")
    items = [quoting(s, "Amir Khan Muttaqi", supports=[]) for s in (first, second)]
    services.record_save(official, user=curator, cite=items)
    services.record_publish(official, user=curator)
    official.refresh_from_db()
    assert (official.corroboration, official.min_origins) == ({}, 2)


def test_drafts_and_draft_evidence_do_not_count(deal, curator):
    shipment = deal["shipment"]
    draft_source = f.source(text=INDEPENDENT, publisher="Tolo Wire")
    draft = f.cite(shipment, quote="1,000,000 tonnes", src=draft_source, supports=FACTS)
    assert draft.review_state == ReviewState.DRAFT
    assert corroboration_of(shipment)["corroboration"]["quantity"]["sources"] == 1


# --- keeping counts up to date -------------------------------------------------------------


def test_retracting_a_citation_updates_the_counts(deal, curator, api):
    shipment = independent(deal, curator)
    wire = shipment.citations.get(source__publisher="Tolo Wire")
    kept = shipment.citations.get(source=deal["agency"])
    response = api.patch(
        f"{SHIPMENTS}{shipment.pk}/",
        {
            "citations": [
                {"id": str(kept.pk), "source": str(kept.source_id)},
                {
                    "id": str(wire.pk),
                    "source": str(wire.source_id),
                    "retraction_reason": "The wire withdrew its story.",
                },
            ]
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["corroboration"]["quantity"] == {
        "sources": 1,
        "origins": 1,
        "contradicted_by": 0,
        "status": "single_source",
    }
    shipment.refresh_from_db()
    assert shipment.min_origins == 1


def test_retracting_a_contradiction_through_the_service_uncontests(deal, curator):
    shipment, source = contradict(deal, curator)
    citation = shipment.citations.get(source=source)
    services.record_retract(citation, reason="Misquoted figure.", user=curator)
    shipment.refresh_from_db()
    assert shipment.contested is False
    assert "contradicted_by" in shipment.corroboration["quantity"]
    assert shipment.corroboration["quantity"]["contradicted_by"] == 0


def test_the_loader_computes_corroboration_and_ignores_the_file_s(deal, curator, tmp_path):
    shipment = independent(deal, curator)
    objects = [
        *Source.objects.order_by("pk"),
        *Citation.objects.order_by("pk"),
        Shipment.objects.get(pk=shipment.pk),
    ]
    entries = json.loads(django_serializers.serialize("json", objects))
    (entry,) = [e for e in entries if e["model"] == "trade.shipment"]
    entry["fields"].update(
        corroboration={"quantity": {"sources": 9, "origins": 9, "contradicted_by": 0}},
        contested=True,
        min_origins=9,
    )
    report_ = load_dataset(write_fixture(tmp_path, entries))
    assert report_.problems == []
    shipment.refresh_from_db()
    assert shipment.corroboration["quantity"]["origins"] == 2
    assert (shipment.contested, shipment.min_origins) == (False, 2)


def test_the_seed_loads_with_its_corroboration(seed):
    for shipment in Shipment.objects.published():
        assert shipment.min_origins >= 1
        assert shipment.corroboration == corroboration_of(shipment)["corroboration"]


# --- filters and exports --------------------------------------------------------------------


@pytest.fixture
def three_deals(deal, curator):
    """The deal contested; a corroborated one; a single-source one."""
    contested, _ = contradict(deal, curator)
    corroborated = f.shipment(
        exporter=contested.exporter,
        importer=contested.importer,
        commodity=contested.commodity,
        quantity=1000000,
        unit="t",
    )
    quote = "Russia will export 1,000,000 tonnes of wheat to Afghanistan"
    services.record_save(
        corroborated,
        user=curator,
        cite=[
            quoting(deal["agency"], quote),
            quoting(report(INDEPENDENT, "Tolo Wire"), "ship 1,000,000 tonnes of wheat"),
        ],
    )
    services.record_publish(corroborated, user=curator)
    single = f.shipment(
        exporter=contested.exporter,
        importer=contested.importer,
        commodity=contested.commodity,
        quantity=1000000,
        unit="t",
    )
    services.record_save(single, user=curator, cite=[quoting(deal["agency"], quote)])
    services.record_publish(single, user=curator)
    return {"contested": contested, "corroborated": corroborated, "single": single}


def ids(response) -> set:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_lists_filter_on_contested_and_min_origins(three_deals, client, monkeypatch):
    no_cache(monkeypatch)
    pk = {name: str(s.pk) for name, s in three_deals.items()}
    assert ids(client.get(SHIPMENTS, {"contested": "true"})) == {pk["contested"]}
    assert ids(client.get(SHIPMENTS, {"contested": "false"})) == {
        pk["corroborated"],
        pk["single"],
    }
    assert ids(client.get(SHIPMENTS, {"min_origins": "2"})) == {pk["corroborated"]}
    assert ids(client.get(SHIPMENTS, {"min_origins": "1"})) == set(pk.values())
    both = client.get(SHIPMENTS, {"min_origins": "2", "contested": "false"})
    assert ids(both) == {pk["corroborated"]}


def test_csv_and_ndjson_carry_corroboration(three_deals, client, monkeypatch):
    no_cache(monkeypatch)
    response = client.get(SHIPMENTS, {"format": "csv", "contested": "true"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    (row,) = rows
    assert row["id"] == str(three_deals["contested"].pk)
    assert row["contested"] == "true"
    assert row["min_origins"] == "1"
    assert json.loads(row["corroboration"])["quantity"]["status"] == "contested"
    response = client.get(SHIPMENTS, {"format": "ndjson", "min_origins": "2"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    (line,) = [json.loads(text) for text in lines]
    assert line["corroboration"]["quantity"]["status"] == "corroborated"
    assert line["min_origins"] == 2


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"contested": "maybe"}, "contested"),
        ({"min_origins": "two"}, "min_origins"),
        ({"min_origins": "-1"}, "min_origins"),
        ({"min_origins": "1.5"}, "min_origins"),
        ({"min_origins": "99999999999999999999"}, "min_origins"),
    ],
)
def test_bad_filter_values_are_a_400_problem(deal, client, params, name):
    response = client.get(SHIPMENTS, params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert name in response.json()["errors"]


def test_compiled_path_renders_corroboration_as_the_serializer(three_deals, client, monkeypatch):
    no_cache(monkeypatch)
    from tests.api.test_compiled import both_ways

    def get(url, **params):
        return client.get(url, params)

    for url in (SHIPMENTS, f"{SHIPMENTS}{three_deals['contested'].pk}/"):
        compiled_answer, serializer_answer = both_ways(get, url, monkeypatch)
        assert compiled_answer.status_code == 200
        assert compiled_answer.content == serializer_answer.content
        assert b'"corroboration":{' in compiled_answer.content
        assert b'"stated":{"quantity":"500000"}' in compiled_answer.content


# --- what a citation and a source may say ---------------------------------------------------


@pytest.mark.parametrize(
    ("item", "field", "message"),
    [
        ({"contradicts": ["colour"]}, "contradicts", "are not factual fields"),
        ({"contradicts": ["quantity"], "supports": ["quantity"]}, "contradicts", "not both"),
        ({"stated": {"quantity": "5"}}, "stated", "a field it contradicts"),
        ({"contradicts": ["quantity"], "stated": {"quantity": [5]}}, "stated", "a string"),
    ],
)
def test_a_bad_contradiction_is_refused_through_the_api(deal, api, item, field, message):
    source = report(OTHER_FIGURE, "Pajhwok")
    shipment = deal["shipment"]
    (existing,) = shipment.citations.all()
    before = snapshot()
    body = {
        "citations": [
            {"id": str(existing.pk), "source": str(existing.source_id)},
            {"source": str(source.pk), "quote": "500,000 tonnes", **item},
        ]
    }
    response = api.patch(f"{SHIPMENTS}{shipment.pk}/", body)
    assert response.status_code == 400, response.content
    assert message in json.dumps(response.json()["errors"][f"citations[1].{field}"])
    assert snapshot() == before


def test_a_relay_cycle_is_refused(deal, curator, api):
    outlet = report(RELAY, "Kabul Daily", relays=deal["agency"])
    before = snapshot()
    response = api.patch(
        f"/api/v1/diplomacy/sources/{deal['agency'].pk}/", {"relays": str(outlet.pk)}
    )
    assert response.status_code == 400, response.content
    assert "relay" in response.json()["errors"]["relays"][0]
    assert snapshot() == before
    with pytest.raises(ValidationError):
        agency = deal["agency"]
        agency.relays = agency
        services.record_save(agency, user=curator)


def test_a_published_source_relays_only_a_published_source(deal, curator):
    draft = f.source(text=AGENCY + " (copy)", publisher="Bakhtar News Agency")
    outlet = report(RELAY, "Kabul Daily")
    outlet.relays = draft
    before = snapshot()
    with pytest.raises(ValidationError, match="stands only on published records"):
        services.record_save(outlet, user=curator)
    assert snapshot() == before


def test_a_relayed_source_is_not_retracted_under_its_relay(deal, curator):
    outlet = report(RELAY, "Kabul Daily", relays=deal["agency"])
    assert outlet.review_state == ReviewState.PUBLISHED
    agency = deal["agency"]
    with pytest.raises(services.EvidenceConflict, match="Kabul"):
        services.record_retract(agency, reason="Withdrawn.", user=curator)


# --- the admin ----------------------------------------------------------------------------


def test_the_admin_adds_a_contradicting_citation(deal, curator_client):
    shipment = deal["shipment"]
    source = report(OTHER_FIGURE, "Pajhwok")
    page = curator_client.get(admin_url(shipment, "change"))
    data = form_data(page)
    prefix = inline_prefix(page, Citation)
    row = f"{prefix}-1"
    data.update(
        {
            f"{row}-source": str(source.pk),
            f"{row}-quote": "at 500,000 tonnes",
            f"{row}-contradicts": ["quantity"],
            f"{row}-stated": '{"quantity": "500000"}',
        }
    )
    response = curator_client.post(admin_url(shipment, "change"), data)
    assert response.status_code == 302, errors_of(response)
    shipment.refresh_from_db()
    assert shipment.corroboration["quantity"]["status"] == "contested"
    added = shipment.citations.get(source=source)
    assert (added.contradicts, added.stated) == (["quantity"], {"quantity": "500000"})


def test_the_admin_refuses_a_contradiction_of_a_supported_field(deal, curator_client):
    shipment = deal["shipment"]
    source = report(OTHER_FIGURE, "Pajhwok")
    page = curator_client.get(admin_url(shipment, "change"))
    data = form_data(page)
    row = f"{inline_prefix(page, Citation)}-1"
    data.update(
        {
            f"{row}-source": str(source.pk),
            f"{row}-quote": "at 500,000 tonnes",
            f"{row}-supports": ["quantity"],
            f"{row}-contradicts": ["quantity"],
        }
    )
    before = snapshot()
    response = curator_client.post(admin_url(shipment, "change"), data)
    assert response.status_code == 200
    assert "supports or contradicts a field, not both" in errors_of(response)
    assert snapshot() == before


def test_a_published_contradiction_does_not_change(deal, curator, api):
    shipment, source = contradict(deal, curator)
    citation = shipment.citations.get(source=source)
    body = {
        "citations": [
            {"id": str(c.pk), "source": str(c.source_id)}
            for c in shipment.citations.exclude(pk=citation.pk)
        ]
        + [{"id": str(citation.pk), "source": str(source.pk), "stated": {"quantity": "600000"}}]
    }
    before = snapshot()
    response = api.patch(f"{SHIPMENTS}{shipment.pk}/", body)
    assert response.status_code == 409, response.content
    assert "its evidence does not change" in response.json()["detail"]
    assert snapshot() == before


def test_release_tables_describe_corroboration_and_contradictions():
    fields = {field["name"]: field for field in record_schema(Shipment, "csv")["fields"]}
    assert fields["corroboration"]["type"] == "object"
    assert fields["contested"]["type"] == "boolean"
    assert fields["min_origins"]["type"] == "integer"
    cited = {field["name"]: field["type"] for field in citation_schema("csv")["fields"]}
    assert (cited["contradicts"], cited["stated"]) == ("array", "object")


def test_a_source_s_origin_set_through_the_api_recounts_its_records(deal, curator, api, client):
    shipment = independent(deal, curator)
    wire = Source.objects.get(publisher="Tolo Wire")
    url = f"/api/v1/diplomacy/sources/{wire.pk}/"
    response = api.patch(url, {"origin": "Bakhtar News Agency"})
    assert response.status_code == 200, response.content
    assert (response.json()["origin"], response.json()["relays"]) == ("Bakhtar News Agency", None)
    body = client.get(f"{SHIPMENTS}{shipment.pk}/").json()
    assert body["corroboration"]["quantity"]["origins"] == 1
