"""Selecting words fills what they state (``core.proposals``): a table of quotes and the values
each proposes for an empty form, then the rules that keep a curator's own values, and the
admin endpoint that answers ``cite.js``."""

import json

import pytest
from django.urls import reverse

from core.proposals import contradictions, proposed_values
from diplomacy.models import Statement
from tests import factories as f
from trade.models import Shipment

pytestmark = pytest.mark.django_db


@pytest.fixture
def names(curator):
    """Two countries with their names as sources write them, two commodities, two officials."""
    kz = f.published(f.country("KZ", name="Kazakhstan", aliases=["Qazaqstan"]))
    af = f.published(f.country("AF", name="Afghanistan"))
    ru = f.published(f.country("RU", name="Russian Federation", aliases=["Russia"]))
    wheat = f.published(f.commodity(slug="wheat", name="Wheat"))
    flour = f.published(f.commodity(slug="flour", name="Wheat flour", aliases=["flour"]))
    aidar = f.official(name="Aidar Serikbayev", aliases=["Aidar Serikbaev"])
    nur = f.official(name="Nuruddin Rahimi", aliases=["Haji Nooruddin Rahimi"])
    return {
        "kz": str(kz.pk), "af": str(af.pk), "ru": str(ru.pk), "wheat": str(wheat.pk),
        "flour": str(flour.pk), "aidar": str(aidar.pk), "nur": str(nur.pk),
    }  # fmt: skip


EMPTY = {"exporter": "", "importer": "", "commodity": "", "quantity": "", "unit": ""}

SHIPMENT_PROPOSALS = [
    # (quote, form values other than empty, values proposed: a name stands for its record)
    (
        "Kazakhstan will supply approximately one million tons of wheat to Afghanistan in 2025",
        {},
        {
            "exporter": "kz", "importer": "af", "commodity": "wheat", "quantity": "1000000",
            "unit": "t", "quantity_qualifier": "approximate", "status": "planned",
            "period": "2025", "kind": "aggregate",
        },
    ),
    (
        "up to two million tonnes of wheat flour from Qazaqstan in March 2026",
        {},
        {
            "exporter": "kz", "commodity": "flour", "quantity": "2000000", "unit": "t",
            "quantity_qualifier": "at_most", "period": "2026-03", "kind": "aggregate",
        },
    ),
    ("Russia shipped 12,500 t to Afghanistan", {}, {
        "exporter": "ru", "importer": "af", "quantity": "12500", "unit": "t",
        "quantity_qualifier": "exact", "status": "delivered",
    }),
    ("a cargo of 300 kg of flour", {}, {
        "commodity": "flour", "quantity": "300", "unit": "kg", "quantity_qualifier": "exact",
        "kind": "consignment",
    }),
    ("$3.2 million of wheat", {}, {
        "commodity": "wheat", "value": "3200000", "currency": "USD", "value_qualifier": "exact",
    }),
    # What the curator typed stays; only the empty fields are proposed.
    ("Kazakhstan shipped 500,000 tonnes to Afghanistan", {"exporter": "ru", "quantity": "7"}, {
        "importer": "af", "status": "delivered",
    }),
    # A unit already chosen: only an amount in that unit is read.
    ("12,500 kg and 3 tonnes", {"unit": "t"}, {"quantity": "3", "quantity_qualifier": "exact"}),
    # Nothing on a mere mention, two amounts, two countries in one role, a year alone.
    ("Kazakhstan and Afghanistan discussed trade", {}, {}),
    ("between 1 million and 2 million tons", {}, {}),
    ("from Kazakhstan and from Russia", {}, {}),
    ("talks in 2025 and 2026", {}, {"kind": "aggregate"}),
    ("Afghanistan said the talks went well", {}, {}),
]  # fmt: skip


def _named(expected: dict, names: dict) -> dict:
    return {k: names.get(v, v) for k, v in expected.items()}


@pytest.mark.parametrize(
    ("quote", "typed", "expected"), SHIPMENT_PROPOSALS, ids=[p[0] for p in SHIPMENT_PROPOSALS]
)
def test_shipment_proposals(names, curator, quote, typed, expected):
    values = {**EMPTY, **_named(typed, names)}
    proposed = proposed_values(Shipment, values, quote, curator)
    assert {k: v["value"] for k, v in proposed.items()} == _named(expected, names)


STATEMENT_PROPOSALS = [
    (
        "“We are ready to feed our neighbours,” Trade Minister Aidar Serikbaev told reporters",
        {"speaker": "aidar", "quote": "We are ready to feed our neighbours", "mode": "direct"},
    ),
    (
        "Haji Nooruddin Rahimi said Kabul welcomed the agreement",
        {"speaker": "nur", "mode": "reported"},
    ),
    ("Kabul welcomed the agreement", {}),
    # Two officials named: no speaker proposed.
    ("Aidar Serikbayev met Nuruddin Rahimi", {}),
]


@pytest.mark.parametrize(("quote", "expected"), STATEMENT_PROPOSALS)
def test_statement_proposals(names, curator, quote, expected):
    values = {"speaker": "", "quote": "", "mode": "", "date": "", "date_note": ""}
    proposed = proposed_values(Statement, values, quote, curator)
    assert {k: v["value"] for k, v in proposed.items()} == _named(expected, names)


def test_a_relation_comes_with_its_label(names, curator):
    quote = "Aidar Serikbaev said"
    assert proposed_values(Statement, {}, quote, curator)["speaker"] == {
        "value": names["aidar"],
        "label": "Aidar Serikbayev",
    }


def test_drafts_are_proposed_to_curators_only(names, curator, django_user_model):
    reader = django_user_model.objects.create_user("reader")
    quote = "Aidar Serikbaev said"
    assert "speaker" in proposed_values(Statement, {}, quote, curator)
    assert "speaker" not in proposed_values(Statement, {}, quote, reader)


CONTRADICTIONS = [
    ("1.2 million tonnes in 2025", {"quantity": "1000000", "unit": "t"}, {"quantity": "1200000"}),
    ("one million tonnes", {"quantity": "1000000", "unit": "t"}, {}),
    ("1.2 million barrels", {"quantity": "1000000", "unit": "t"}, {}),  # another unit
    ("1.2 million tonnes", {"quantity": "", "unit": ""}, {}),  # nothing held
    ("1 or 2 million tonnes", {"quantity": "1000000", "unit": "t"}, {}),  # not one figure
]


@pytest.mark.parametrize(("quote", "values", "expected"), CONTRADICTIONS)
def test_contradictions(quote, values, expected):
    assert contradictions(Shipment, values, quote) == expected


def test_endpoint_fills_ticks_and_flags(names, admin_client):
    url = reverse("admin:trade_shipment_autotick")
    quote = "Kazakhstan will supply 1.2 million tonnes of wheat to Afghanistan in 2025"
    body = {"values": {**EMPTY, "kind": ""}, "quote": quote}
    answer = admin_client.post(url, json.dumps(body), content_type="application/json").json()
    assert answer["values"]["exporter"] == {"value": names["kz"], "label": "Kazakhstan"}
    assert answer["fields"] == [
        "exporter", "importer", "commodity", "period", "quantity", "unit",
    ]  # fmt: skip
    assert answer["contradicts"] == {}
    body["values"].update(quantity="1000000", unit="t")
    answer = admin_client.post(url, json.dumps(body), content_type="application/json").json()
    assert "quantity" not in answer["values"] and "quantity" not in answer["fields"]
    assert answer["contradicts"] == {"quantity": "1200000"}
