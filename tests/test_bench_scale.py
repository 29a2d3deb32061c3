"""The scale tooling of the bench: the generator's load order and ``python -m bench scale``.

The generator stores rows in row order, not id order, as a real table of random UUIDs in
arrival order (a keyset page then reads scattered rows, not neighbouring ones);
``bench.scale`` finds a bench database's size from the generator's ids and keeps its report
section when ``run`` rewrites the report.
"""

import pytest
from django.db import connection

from bench.make_data import make_reference_data
from bench.scale import BEGIN, END, KINDS, kept_section, merge, report, rows_of, write_section
from bench.set_based import make_shipments, shipment_id
from tests.caches import clear_caches


@pytest.mark.django_db
def test_rows_are_stored_in_row_order_not_in_id_order():
    clear_caches()
    countries, commodities, sources = make_reference_data()
    ids = [c.pk for c in countries], [c.pk for c in commodities], [s.pk for s in sources]
    logged = []
    make_shipments(60, *ids, chunk=1000, log=logged.append)
    # Physical order: SQLite's rowid, PostgreSQL's heap position.
    physical = "rowid" if connection.vendor == "sqlite" else "ctid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM trade_shipment ORDER BY {physical}")
        stored = [str(r[0]).replace("-", "") for r in cursor.fetchall()]
    assert stored == [shipment_id(i).hex for i in range(60)]
    assert stored != sorted(stored)
    assert "rows per CPU second" in logged[-1]


@pytest.mark.parametrize("rows", [0, 1, 2, 3, 7, 1000, 1024, 1025, 10_000_000])
def test_rows_of_finds_the_size_from_the_ids(rows):
    asked = []

    def exists(i):
        asked.append(i)
        return i < rows

    assert rows_of(exists) == rows
    assert len(asked) <= 50  # a binary search, not a scan


def test_the_scale_section_is_replaced_and_kept(tmp_path):
    report = tmp_path / "RESULTS.md"
    report.write_text("# Results\n\nfigures\n")
    write_section(f"{BEGIN}\nfirst\n{END}\n", report)
    write_section(f"{BEGIN}\nsecond\n{END}\n", report)
    text = report.read_text()
    assert text.startswith("# Results\n\nfigures\n")
    assert "first" not in text and text.count(BEGIN) == 1
    assert kept_section(report) == f"{BEGIN}\nsecond\n{END}\n"


def test_the_report_compares_10m_with_1m_and_postgresql_with_sqlite():
    def batch(db, vendor, rows, ms, db_ms=0.0):
        figures = {"n": 50, "cpu_ms": ms, "wall_ms": 2 * ms, "db_cpu_ms": db_ms}
        kinds = {k: {**figures, "cache_hits": 0, "plan": [f"{db} {k}"]} for k in KINDS}
        return {"db": db, "vendor": vendor, "rows": rows, "kinds": kinds}

    batches = [
        {**batch("sqlite", "sqlite", 1_000_000, 10.0), "load": (1.0,), "count_first_ms": 300},
        {**batch("big", "sqlite", 10_000_000, 13.0), "load": (1.0,), "count_first_ms": 3000},
        {**batch("pg", "postgresql", 1_000_000, 8.0, 8.0), "load": (1.0,), "count_first_ms": 340},
    ]
    results = {"when": "now", "command": "scale", "duration_s": 1, "urls": 50, "batch": 50}
    text = report({**results, "databases": merge(batches)})
    rows = [line for line in text.splitlines() if "within" in line]
    # 13 / 10 = 1.3 > 1.2: missed; (8 + 8) / 10 = 1.6 > 1.5: missed (the backend's CPU counts)
    assert len(rows) == 6
    assert all("SQLite 10M 13.00 / SQLite 1M 10.00" in r and "missed" in r for r in rows[:3])
    assert all("PostgreSQL 1M 16.00 / SQLite 1M 10.00" in r and "missed" in r for r in rows[3:])
    assert "| SQLite 10M | page | 13.00 | 0.00 | 13.00 | 26.00 | 0 of 50 | 3000 |" in text
