"""Fill a bench database with N synthetic published shipments, each citing a dataset source.

    python -m bench data [--rows 1000000]                 # bench/bench.sqlite3
    python -m bench data --db postgresql                  # tradediplomacy_bench on 127.0.0.1
    python -m bench data --db postgres://…/other_bench    # any URL the guard accepts

Only bench databases are accepted (``bench/*.sqlite3``, PostgreSQL ``*_bench``): see
``bench.common``. The shipments and their citations are built in the database by
set-based SQL (``bench/set_based.py``; its log gives rows/s, wall and CPU). Every row is
deterministic (hashed ids and values), so a rerun with the same ``--rows`` finds the data
already there and stops; another ``--rows`` (or ``--force``) drops the bench database and
builds it again. Every source is titled "SYNTHETIC benchmark
data", and every shipment's note says so too.
"""

import argparse
import datetime
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, SYNTHETIC, bench_database, bench_url, setup_django, vendor
from bench.set_based import make_shipments, shipment_id

NAMESPACE = uuid.UUID("5b1f0c8e-2d4a-4e7b-9c3f-6a8d0e1b2c3d")
EPOCH = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
SHIPMENT_SOURCES = 8

COUNTRIES = [
    ("RU", "RUS", "643", "Russian Federation"),
    ("AF", "AFG", "004", "Afghanistan"),
    ("CN", "CHN", "156", "China"),
    ("IN", "IND", "356", "India"),
    ("KZ", "KAZ", "398", "Kazakhstan"),
    ("TR", "TUR", "792", "Türkiye"),
    ("UZ", "UZB", "860", "Uzbekistan"),
    ("PK", "PAK", "586", "Pakistan"),
]
# (slug, name, hs_code, sector, parent slug)
COMMODITIES = [
    ("wheat", "Wheat", "1001", "food", None),
    ("wheat-flour", "Wheat flour", "1101", "food", None),
    ("petroleum-products", "Petroleum products", "2710", "energy", None),
    ("motor-fuel", "Motor fuel", "271012", "energy", "petroleum-products"),
    ("lubricants", "Lubricants", "271019", "energy", "petroleum-products"),
    ("cotton", "Cotton", "5201", "other", None),
]


def source_id(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"source:{name}")


def recreate_database(config: dict) -> None:
    """Drop the bench database (file or PostgreSQL database) and create it empty."""
    if vendor(config) == "sqlite":
        path = Path(config["NAME"])
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = config["NAME"]
    assert name.endswith("_bench"), name  # bench_database() checked it already; belt and braces
    conninfo = {
        "host": config.get("HOST") or "127.0.0.1",
        "port": config.get("PORT") or 5432,
        "user": config.get("USER") or "postgres",
        "dbname": "postgres",
    }
    if config.get("PASSWORD"):
        conninfo["password"] = config["PASSWORD"]
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def already_there(rows: int) -> bool:
    from django.db import connection

    from trade.models import Shipment

    if "trade_shipment" not in connection.introspection.table_names():
        return False
    return (
        Shipment.objects.count() == rows
        and Shipment.objects.filter(pk=shipment_id(rows - 1)).exists()
        and not Shipment.objects.filter(pk=shipment_id(rows)).exists()
    )


def make_reference_data():
    """Countries, commodities and sources, saved one by one (few rows, full save())."""
    from core.models import Citation, Source
    from diplomacy.models import Country
    from trade.models import Commodity

    reference = Source(
        id=source_id("reference"),
        kind="dataset",
        title=f"{SYNTHETIC}: reference records (not real data)",
        publisher="bench/make_data.py",
        review_state="published",
    )
    reference.save()
    sources = []
    for n in range(SHIPMENT_SOURCES):
        source = Source(
            id=source_id(f"shipments-{n}"),
            kind="dataset",
            title=f"{SYNTHETIC}: shipments, part {n + 1} of {SHIPMENT_SOURCES} (not real data)",
            publisher="bench/make_data.py",
            review_state="published",
        )
        source.save()
        sources.append(source)

    def cite(record):
        Citation(
            id=uuid.uuid5(NAMESPACE, f"citation:{record._meta.label}:{record.pk}"),
            source=reference,
            record=record,
            locator=str(record.public_id),  # a dataset is cited by locator (its row key)
            supports=[name for name in type(record).factual_fields if getattr(record, name)],
            review_state="published",
            note=SYNTHETIC,
        ).save()

    countries = []
    for iso2, iso3, numeric, name in COUNTRIES:
        country = Country(
            id=Country.uuid_for(iso2),
            iso2=iso2,
            iso3=iso3,
            numeric=numeric,
            name=name,
            review_state="published",
        )
        country.save()
        cite(country)
        countries.append(country)
    commodities = {}
    for slug, name, hs_code, sector, parent in COMMODITIES:
        commodity = Commodity(
            id=uuid.uuid5(NAMESPACE, f"commodity:{slug}"),
            slug=slug,
            name=name,
            hs_code=hs_code,
            sector=sector,
            parent=commodities.get(parent),
            review_state="published",
        )
        commodity.save()
        cite(commodity)
        commodities[slug] = commodity
    return countries, list(commodities.values()), sources


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite", help="sqlite, postgresql or a bench DB URL")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--chunk", type=int, default=1_000_000, help="rows per INSERT … SELECT statement"
    )
    parser.add_argument("--force", action="store_true", help="rebuild even if already there")
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = bench_url(args.db)  # refuses anything but a bench database
    os.chdir(ROOT)
    config = bench_database()
    print(f"Bench database: {vendor(config)} {config['NAME']}")
    setup_django()
    from django.core.management import call_command
    from django.db import connection, connections

    try:
        if not args.force and already_there(args.rows):
            print(f"Already holds the {args.rows:,} synthetic shipments; nothing to do.")
            return
    except Exception as exc:  # a half-built database: rebuild it
        print(f"Existing bench database unusable ({exc}); rebuilding.")
    connections.close_all()
    started = time.monotonic()
    recreate_database(config)
    call_command("migrate", verbosity=0, interactive=False)
    print(f"Migrated in {time.monotonic() - started:.1f} s")
    countries, commodities, sources = make_reference_data()
    make_shipments(
        args.rows,
        [c.pk for c in countries],
        [c.pk for c in commodities],
        [s.pk for s in sources],
        chunk=args.chunk,
    )
    loaded = time.monotonic()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # A full ANALYZE (not PRAGMA analysis_limit: sampled, it said 1,001 rows per
            # exporter where there are 125,000, and plans follow those figures).
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            connection.set_autocommit(True)
            cursor.execute("VACUUM ANALYZE")
    print(f"ANALYZE in {time.monotonic() - loaded:.1f} s; total {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
