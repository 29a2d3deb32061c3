"""Fill a bench database with N synthetic published shipments, each citing a dataset source.

    python -m bench data [--rows 1000000]                 # bench/bench.sqlite3
    python -m bench data --db postgresql                  # tradediplomacy_bench on 127.0.0.1
    python -m bench data --db postgres://…/other_bench    # any URL the guard accepts

Only bench databases are accepted (``bench/*.sqlite3``, PostgreSQL ``*_bench``): see
``bench.common``. Every row is deterministic (UUIDv5 ids, seeded values), so a rerun with the
same ``--rows`` finds the data already there and stops; another ``--rows`` (or ``--force``)
drops the bench database and builds it again. Every source is titled "SYNTHETIC benchmark
data", and every shipment's note says so too.
"""

import argparse
import datetime
import decimal
import os
import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, SYNTHETIC, bench_database, bench_url, setup_django, vendor

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


def shipment_id(i: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"shipment:{i}")


def citation_id(i: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"citation:shipment:{i}")


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


SHIPMENT_FACTS = ["exporter", "importer", "commodity", "period", "quantity", "unit", "value"]


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


def make_shipments(rows: int, batch: int, countries, commodities, sources) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from core.models import Citation, parse_partial_date
    from core.search import document
    from trade.models import Shipment

    content_type = ContentType.objects.get_for_model(Shipment)
    # created/updated are auto_now(_add): bulk_create would overwrite our deterministic stamps
    # with now(). Switch that off in this process only, for the bulk load.
    for model in (Shipment, Citation):
        for name in ("created", "updated"):
            field = model._meta.get_field(name)
            field.auto_now = field.auto_now_add = False
    rng = random.Random(20250101)
    periods = {}
    kinds = ("consignment", "aggregate")
    modes = ("", "road", "rail", "sea", "air", "pipeline", "multimodal")
    statuses = ("reported", "planned", "delivered")
    units = ("t", "kg", "l", "m3", "bbl")
    started = time.monotonic()

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size=-524288")  # 512 MB page cache for the load
            cursor.execute("PRAGMA synchronous=OFF")
    else:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")

    # SQLite: the whole load is one transaction (a commit per batch would fsync each time).
    with transaction.atomic():
        for first in range(0, rows, batch):
            shipments, citations = [], []
            for i in range(first, min(first + batch, rows)):
                exporter, importer = rng.sample(countries, 2)
                year = rng.randint(2015, 2025)
                shape = rng.random()
                if shape < 0.1:
                    period = ""
                elif shape < 0.3:
                    period = f"{year}"
                elif shape < 0.8:
                    period = f"{year}-{rng.randint(1, 12):02d}"
                else:
                    period = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                if period not in periods:
                    periods[period] = parse_partial_date(period)
                precision, earliest, latest = periods[period]
                has_quantity = rng.random() < 0.9
                has_value = rng.random() < 0.8
                note = f"{SYNTHETIC}, row {i}."
                stamp = EPOCH + datetime.timedelta(seconds=i)
                shipments.append(
                    Shipment(
                        id=shipment_id(i),
                        exporter_id=exporter.pk,
                        importer_id=importer.pk,
                        commodity_id=rng.choice(commodities).pk,
                        kind=rng.choice(kinds),
                        period=period,
                        period_precision=precision,
                        period_earliest=earliest,
                        period_latest=latest,
                        period_note="",
                        quantity=decimal.Decimal(rng.randint(1, 10**9)) / 1000
                        if has_quantity
                        else None,
                        unit=rng.choice(units) if has_quantity else "",
                        value=decimal.Decimal(rng.randint(1, 10**10)) / 100 if has_value else None,
                        currency="USD" if has_value else "",
                        transport_mode=rng.choice(modes),
                        status=rng.choice(statuses),
                        is_quantity_estimated=rng.random() < 0.2,
                        is_value_estimated=rng.random() < 0.2,
                        note=note,
                        # Derived fields, which save() would compute and bulk_create does not.
                        search_document=document([note]),  # search_fields = (note, period_note)
                        review_state="published",
                        retraction_reason="",
                        version=1,
                        created=stamp,
                        updated=stamp,
                    )
                )
                citations.append(
                    Citation(
                        id=citation_id(i),
                        source_id=sources[i % len(sources)].pk,
                        content_type_id=content_type.pk,
                        object_id=shipment_id(i),
                        quote="",
                        start=None,
                        end=None,
                        locator=f"row {i}",  # a dataset is cited by locator
                        supports=SHIPMENT_FACTS,
                        note="",
                        search_document=document(
                            [f"row {i}"]
                        ),  # search_fields = (quote, locator, note)
                        review_state="published",
                        retraction_reason="",
                        version=1,
                        created=stamp,
                        updated=stamp,
                    )
                )
            Shipment.objects.bulk_create(shipments)
            Citation.objects.bulk_create(citations)
            done = min(first + batch, rows)
            elapsed = time.monotonic() - started
            print(
                f"  {done:>9,} rows  {elapsed:6.1f} s  ({done / elapsed:,.0f} rows/s)", flush=True
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite", help="sqlite, postgresql or a bench DB URL")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=20_000)
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
    make_shipments(args.rows, args.batch, countries, commodities, sources)
    loaded = time.monotonic()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            connection.set_autocommit(True)
            cursor.execute("VACUUM ANALYZE")
    print(f"ANALYZE in {time.monotonic() - loaded:.1f} s; total {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
