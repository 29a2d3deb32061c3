"""Numbers as sources write them, through every channel: the service, the API, the admin,
the loader, and the public evidence page.

A measure is supported only by a quote that gives the same value, unit (or currency) and
qualifier; a year or a money amount never supports a quantity; a quote never starts or ends
inside a number.
"""

import json

import pytest
from django.core.exceptions import ValidationError

from core import services
from core.evidence import evidence_path
from core.loading import DatasetError, load_dataset
from core.models import Citation, ReviewState
from tests import factories as f
from tests.admin.forms import action, admin_url, errors_of, form_data, inline_prefix, messages_of
from tests.core import test_rules as rules
from tests.core.test_rules import (
    SHIPMENTS,
    TEXT,
    citation_fixture,
    shipment_url,
    snapshot,
    with_existing,
    write_fixture,
)
from trade.models import Shipment

pytestmark = pytest.mark.django_db

# The rule matrix's fixtures: a published 12,500 t shipment of wheat, and a curator's client.
world = rules.world
api = rules.api

DEAL = (
    "Moscow will send up to two million tons of wheat to Afghanistan. In 2025 the first "
    "trains left; the deal is worth $3.2 million. Kabul asked for 7 tonnes of seed."
)
WORDS = "up to two million tons of wheat to Afghanistan"
YEAR = "In 2025 the first trains left"
MONEY = "the deal is worth $3.2 million"
SEED = "7 tonnes of seed"
ROUTE = ["exporter", "importer", "commodity"]


@pytest.fixture
def deal(world):
    return f.published(f.source(text=DEAL))


def claim(world, deal, quote, **numbers):
    """A draft shipment of ``numbers``, cited to ``quote`` for its route and its numbers."""
    shipment = f.shipment(
        exporter=world["ru"], importer=world["af"], commodity=world["wheat"], **numbers
    )
    f.cite(shipment, quote=WORDS, src=deal, supports=ROUTE)
    numbered = [name for name in ("quantity", "unit") if name in numbers]
    f.cite(shipment, quote=quote, src=deal, supports=numbered)
    return shipment


CASES = {
    # name: (quote, numbers, the refusal's words or None if it publishes)
    "words": (WORDS, {"quantity": 2000000, "unit": "t", "quantity_qualifier": "at_most"}, None),
    "unit": (
        SEED,
        {"quantity": 7, "unit": "kg"},
        "quantity is 7 kg, but no quote that supports it says so: the quote gives 7 t",
    ),
    "year": (
        YEAR,
        {"quantity": 2025, "unit": "t"},
        "quantity is 2,025 t, but no quote that supports it says so: the quote gives the year 2025",
    ),
    "money": (MONEY, {"quantity": 3200000, "unit": "t"}, "the quote gives USD 3,200,000"),
    "qualifier": (
        WORDS,
        {"quantity": 2000000, "unit": "t"},
        "quantity is 2,000,000 t, but no quote that supports it says so: the quote gives "
        "up to 2,000,000 t",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_service(world, deal, curator, case):
    quote, numbers, refusal = CASES[case]
    shipment = claim(world, deal, quote, **numbers)
    if refusal is None:
        services.record_publish(shipment, user=curator)
        assert Shipment.objects.get(pk=shipment.pk).review_state == ReviewState.PUBLISHED
        return
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        services.record_publish(shipment, user=curator)
    assert refusal in " ".join(refused.value.messages)
    assert snapshot() == before


@pytest.mark.parametrize("case", CASES)
def test_api_publish(world, deal, api, case):
    quote, numbers, refusal = CASES[case]
    shipment = claim(world, deal, quote, **numbers)
    before = snapshot()
    response = api.post(f"{SHIPMENTS}{shipment.pk}/publish/")
    if refusal is None:
        assert response.status_code == 200, response.json()
        assert response.json()["quantity_qualifier"] == "at_most"
        return
    assert response.status_code == 400
    assert refusal in json.dumps(response.json(), ensure_ascii=False)
    assert snapshot() == before


@pytest.mark.parametrize("case", CASES)
def test_admin_publish_action(world, deal, curator_client, case):
    quote, numbers, refusal = CASES[case]
    shipment = claim(world, deal, quote, **numbers)
    before = snapshot()
    response = action(curator_client, Shipment, "publish_selected", [shipment])
    state = Shipment.objects.get(pk=shipment.pk).review_state
    if refusal is None:
        assert state == ReviewState.PUBLISHED, messages_of(response)
        return
    assert refusal in " ".join(messages_of(response))
    assert snapshot() == before


@pytest.mark.parametrize("case", CASES)
def test_loader(world, deal, tmp_path, case):
    quote, numbers, refusal = CASES[case]
    shipment_pk = "0f0f0f0f-0000-4000-8000-0000000000c1"
    fields = {
        "review_state": "published",
        "exporter": ["RU"],
        "importer": ["AF"],
        "commodity": ["wheat"],
        "kind": "aggregate",
        "status": "reported",
        **{k: str(v) for k, v in numbers.items()},
    }
    shipment = Shipment(pk=shipment_pk)
    route = citation_fixture(shipment, deal, quote=WORDS, supports=ROUTE)
    number = citation_fixture(shipment, deal, quote=quote, supports=["quantity", "unit"])
    number["pk"] = "0f0f0f0f-0000-4000-8000-0000000000c2"
    path = write_fixture(
        tmp_path, [{"model": "trade.shipment", "pk": shipment_pk, "fields": fields}, route, number]
    )
    if refusal is None:
        load_dataset(path)
        assert Shipment.objects.get(pk=shipment_pk).quantity_qualifier == "at_most"
        return
    before = snapshot()
    with pytest.raises(DatasetError) as refused:
        load_dataset(path)
    assert refusal in str(refused.value)
    assert snapshot() == before


# --- the qualifier of a published record is evidence too ----------------------------------------


def test_api_patch_of_a_qualifier_the_quote_does_not_state(world, api):
    before = snapshot()
    response = api.patch(shipment_url(world), {"quantity_qualifier": "approximate"})
    assert response.status_code == 400
    body = json.dumps(response.json(), ensure_ascii=False)
    assert "quantity is approximately 12,500 t, but no quote that supports it says so" in body
    assert snapshot() == before


def test_admin_change_of_a_qualifier_the_quote_does_not_state(world, curator_client):
    shipment = world["shipment"]
    data = form_data(curator_client.get(admin_url(shipment, "change")))
    assert data["quantity_qualifier"] == "exact"
    data["quantity_qualifier"] = "at_most"
    before = snapshot()
    response = curator_client.post(admin_url(shipment, "change"), data)
    assert response.status_code == 200
    assert "quantity is up to 12,500 t, but no quote that supports it says so" in errors_of(
        response
    )
    assert snapshot() == before


def test_api_patch_of_a_unit_the_quote_does_not_give(world, api):
    before = snapshot()
    response = api.patch(shipment_url(world), {"unit": "kg"})
    assert response.status_code == 400
    assert "the quote gives 12,500 t" in json.dumps(response.json(), ensure_ascii=False)
    assert snapshot() == before


def test_api_filters_on_the_qualifier(world, api):
    listed = api.get(SHIPMENTS, data={"quantity_qualifier": "exact"}).json()
    assert [r["id"] for r in listed["results"]] == [str(world["shipment"].pk)]
    assert api.get(SHIPMENTS, data={"quantity_qualifier": "at_most"}).json()["results"] == []


# --- a quote never starts or ends inside a number -------------------------------------------------

CUT = "500 tonnes of wheat"  # out of "12,500 tonnes of wheat"
CUT_MESSAGE = (
    "The quote starts inside “12,500” (at [15, 21)): a quote holds whole words and numbers. "
    "Quote the whole of “12,500”: start it at 15."
)


def test_service_refuses_a_quote_cut_inside_a_number(world, curator):
    before = snapshot()
    with pytest.raises(services.CitationsInvalid) as refused:
        services.record_save(
            world["shipment"],
            user=curator,
            cite=[
                services.CitationInput(source=world["article"], quote=CUT, supports=["quantity"])
            ],
        )
    assert CUT_MESSAGE in str(refused.value.items)
    assert snapshot() == before


def test_api_refuses_a_quote_cut_inside_a_number(world, api):
    added = {"source": str(world["article"].pk), "quote": CUT, "supports": ["quantity"]}
    before = snapshot()
    response = api.patch(shipment_url(world), with_existing(world, added))
    assert response.status_code == 400
    assert response.json()["errors"]["citations[1].quote"] == [CUT_MESSAGE]
    assert snapshot() == before


def test_api_refuses_a_span_that_ends_inside_a_number(world, api):
    added = {"source": str(world["article"].pk), "quote": "1", "start": TEXT.index("12,500")}
    response = api.patch(shipment_url(world), with_existing(world, added))
    assert response.status_code == 400
    message = response.json()["errors"]["citations[1].quote"][0]
    assert message.startswith("The quote ends inside “12,500” (at [15, 21))")


def test_admin_refuses_a_quote_cut_inside_a_number(world, curator_client):
    shipment = world["shipment"]
    page = curator_client.get(admin_url(shipment, "change"))
    data = form_data(page)
    prefix = inline_prefix(page, Citation)
    data.update({f"{prefix}-1-source": str(world["article"].pk), f"{prefix}-1-quote": CUT})
    before = snapshot()
    response = curator_client.post(admin_url(shipment, "change"), data)
    assert response.status_code == 200
    assert CUT_MESSAGE in errors_of(response)
    assert snapshot() == before


def test_loader_refuses_a_quote_cut_inside_a_number(world, tmp_path):
    fixture = citation_fixture(world["shipment"], world["article"], quote=CUT, review_state="draft")
    path = write_fixture(tmp_path, [fixture])
    before = snapshot()
    with pytest.raises(DatasetError, match="The quote starts inside “12,500”"):
        load_dataset(path)
    assert snapshot() == before


# --- the evidence page shows numbers as people read them ------------------------------------------


def test_the_evidence_page_shows_the_measure_with_its_qualifier(world, deal, client, curator):
    shipment = claim(world, deal, WORDS, quantity=2000000, unit="t", quantity_qualifier="at_most")
    services.record_publish(shipment, user=curator)
    page = client.get(evidence_path(Shipment, shipment.pk)).content.decode()
    assert "up to 2,000,000 t" in page
    assert "2000000" not in page
    assert "At most" not in page  # the qualifier is read with its measure, not on its own row
