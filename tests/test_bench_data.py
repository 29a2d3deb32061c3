"""The bench's set-based generator (bench/set_based.py) makes rows the app itself would make.

A small N is built by the same SQL as 10M rows; each row is then held against the app's own
rules: model validation, the publishing rule, the derived fields as ``compute_derived`` and
``core.corroboration`` compute them, the Python mirror of the generator (deterministic
data), and the public API (a page, a filtered page, a detail, the CSV export).
"""

import csv
import io
from decimal import Decimal

import pytest

from bench.make_data import make_reference_data
from bench.set_based import citation_id, expected_row, make_shipments, shipment_id
from core.corroboration import corroboration_of
from core.models import Citation
from core.services import published_problems
from tests.caches import clear_caches
from trade.models import Shipment

pytestmark = pytest.mark.django_db

ROWS = 120


@pytest.fixture
def bench_rows():
    clear_caches()
    countries, commodities, sources = make_reference_data()
    ids = [c.pk for c in countries], [c.pk for c in commodities], [s.pk for s in sources]
    make_shipments(ROWS, *ids, chunk=50, log=lambda *_: None)
    return ids


def test_rows_are_the_seeded_ones(bench_rows):
    countries, commodities, sources = bench_rows
    assert Shipment.objects.count() == ROWS
    for i in range(ROWS):
        want = expected_row(i, countries, commodities, sources)
        shipment = Shipment.objects.get(pk=want.pop("id"))
        citation = Citation.objects.get(pk=citation_id(i))
        assert citation.object_id == shipment.pk
        assert citation.source_id == want.pop("source_id")
        assert citation.locator == f"row {i}"
        thousandths, cents = want.pop("quantity_thousandths"), want.pop("value_cents")
        assert shipment.quantity == (None if thousandths is None else Decimal(thousandths) / 1000)
        assert shipment.value == (None if cents is None else Decimal(cents) / 100)
        assert {name: getattr(shipment, name) for name in want} == want


def test_rows_pass_the_apps_rules_and_derivations(bench_rows):
    periods = set()
    for shipment in Shipment.objects.all():
        shipment.full_clean()
        assert published_problems(shipment) == []
        stored = {f.attname: getattr(shipment, f.attname) for f in Shipment._meta.concrete_fields}
        shipment.compute_derived()  # what save() would store
        assert {f: getattr(shipment, f) for f in stored} == stored
        assert corroboration_of(shipment) == {
            "corroboration": shipment.corroboration,
            "contested": shipment.contested,
            "min_origins": shipment.min_origins,
        }
        assert shipment.min_origins == 1
        periods.add(shipment.period.count("-") + 1 if shipment.period else 0)
        [citation] = shipment.citations.all()
        citation.full_clean()
        assert published_problems(citation) == []
        before = citation.search_document
        citation.compute_derived()
        assert citation.search_document == before
    assert periods == {0, 1, 2, 3}  # none, a year, a month, a day: every shape occurs


def test_the_api_serves_them(client, bench_rows):
    page = client.get("/api/v1/trade/shipments/", {"limit": 50})
    assert page.status_code == 200, page.content
    body = page.json()
    assert body["count"] == ROWS
    assert [r["id"] for r in body["results"]] == sorted(r["id"] for r in body["results"])
    assert all(len(r["citations"]) == 1 for r in body["results"])
    following = client.get(body["next"])
    assert following.status_code == 200
    assert len(following.json()["results"]) == 50

    filtered = client.get("/api/v1/trade/shipments/", {"exporter": "RU", "limit": 50}).json()
    expected = Shipment.objects.filter(exporter__iso2="RU").count()
    assert 0 < filtered["count"] == expected
    assert {r["exporter"]["id"] for r in filtered["results"]} == {"RU"}

    detail = client.get(f"/api/v1/trade/shipments/{shipment_id(7)}/")
    assert detail.status_code == 200
    record = detail.json()
    assert record["note"] == "SYNTHETIC benchmark data, row 7."
    [citation] = record["citations"]
    assert citation["locator"] == "row 7"

    export = client.get("/api/v1/trade/shipments/", {"format": "csv"})
    assert export.status_code == 200
    text = b"".join(export.streaming_content).decode()
    assert len(list(csv.DictReader(io.StringIO(text)))) == ROWS
