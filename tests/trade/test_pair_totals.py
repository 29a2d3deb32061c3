"""Per year and commodity, what a pair agreed beside what was reported (the pair's
``totals``, in the API and on the page), by the rules of ``trade.pair_totals``."""

import re
from decimal import Decimal

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


def cited(record, src):
    f.published(f.cite(record, src=src))
    return f.published(record)


@pytest.fixture
def deal(db):
    """Up to 1,000,000 t of wheat a year from 2025 to 2026; 300,000 t and 200,000 t reported
    in 2025 (one of them about), 400,000 t in 2026, a plan for 2026 and an undated shipment
    (neither counts)."""
    a, b = f.published(f.country("QA")), f.published(f.country("QB"))
    wheat = f.published(f.commodity(name="Wheat", slug="wheat-qa"))
    src = f.published(f.source())
    deal = cited(
        f.commitment(
            supplier=a,
            recipient=b,
            commodity=wheat,
            quantity=Decimal(1_000_000),
            quantity_qualifier="at_most",
            start="2025",
            end="2026",
        ),
        src,
    )
    ship = {"exporter": a, "importer": b, "commodity": wheat, "unit": "t"}
    reports = [
        cited(f.shipment(**ship, quantity=Decimal(300_000), period="2025-03"), src),
        cited(
            f.shipment(
                **ship, quantity=Decimal(200_000), quantity_qualifier="approximate", period="2025"
            ),
            src,
        ),
        cited(f.shipment(**ship, quantity=Decimal(400_000), period="2026-05-02"), src),
    ]
    cited(f.shipment(**ship, quantity=Decimal(9_000), period="2026", status="planned"), src)
    cited(f.shipment(**ship, quantity=Decimal(7_000), period_note="Some time."), src)
    return deal, reports


def totals(client, **params):
    response = client.get("/api/v1/pairs/QA-QB/", params)
    assert response.status_code == 200, response.content
    return response.json()["totals"]


def brief(total, side):
    amount = total[side]
    return amount and (amount["quantity"], amount["qualifier"], len(amount["records"]))


def test_agreed_beside_reported_by_year(deal, client):
    rows = totals(client)
    assert [(r["year"], r["commodity"]["id"], r["unit"]) for r in rows] == [
        (2025, "wheat-qa", "t"),
        (2026, "wheat-qa", "t"),
    ]
    assert brief(rows[0], "agreed") == ("1000000.000", "at_most", 1)
    assert brief(rows[0], "reported") == ("500000.000", "mixed", 2)
    assert brief(rows[1], "agreed") == ("1000000.000", "at_most", 1)
    assert brief(rows[1], "reported") == ("400000.000", "", 1)


def test_the_window_limits_what_is_added(deal, client):
    rows = totals(client, to="2025-12-31")
    assert [r["year"] for r in rows] == [2025]


def test_drafts_are_not_added(deal, client):
    _, reports = deal
    type(reports[2]).objects.filter(pk=reports[2].pk).update(review_state="draft")
    rows = totals(client)
    assert rows[1]["reported"] is None


def test_the_page_shows_the_table(deal, client):
    page = client.get("/evidence/pairs/QA-QB/").content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Agreed beside reported, by year" in text
    assert "2025 Wheat up to 1,000,000 t 500,000 t (qualifiers differ)" in text
    assert "2026 Wheat up to 1,000,000 t 400,000 t" in text


def test_a_monthly_commitment_counts_its_months(client):
    a, b = f.published(f.country("QA")), f.published(f.country("QB"))
    src = f.published(f.source())
    cited(
        f.commitment(
            supplier=a,
            recipient=b,
            quantity=Decimal(10),
            per="month",
            start="2025-10",
            end="2026-03",
        ),
        src,
    )
    rows = totals(client)
    assert [(r["year"], r["agreed"]["quantity"]) for r in rows] == [
        (2025, "30.000"),
        (2026, "30.000"),
    ]
