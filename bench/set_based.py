"""The synthetic shipments and their citations, built in the database by set-based SQL.

One ``INSERT … SELECT`` per table over a generated series (a recursive CTE on SQLite,
``generate_series`` on PostgreSQL): Python never sees a row, so 10M rows take minutes, not
the 70 minutes that ``bulk_create`` took (2,390 rows/s).

Every value is a function of the row number ``i`` through ``mix(i, salt)``, an integer hash
that both databases and Python compute identically (non-negative 64-bit integer arithmetic,
no overflow for ``i`` < 10^9), so the data is deterministic and ``expected_row(i)`` says in
Python what row ``i`` holds (the test compares the two). Ids are UUIDs whose first 8 hex
digits are a hash of ``i`` (so keyset order is not insertion order) and whose last 12 are
``i`` (so they are unique).

What ``save()`` and the services would derive is derived here too: the fuzzy period's
precision and bounds come from ``core.models.parse_partial_date`` (a small table of every
period the generator can choose, joined in), ``search_document`` from ``core.search.document``
(the note's folded text has a fixed shape: `` synthetic benchmark data row <i> ``), and the
corroboration fields from ``core.corroboration`` itself: every shipment has the same
evidence (one citation of one dataset source supporting the same fields), so the app
computes them for one shipment and one UPDATE gives them to all.
"""

import datetime
import functools
import json
import os
import time
import uuid
from pathlib import Path

from bench.common import SYNTHETIC

EPOCH = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
# The fields a citation supports: every factual field the generator may fill in (the old
# generator left out currency and transport_mode, so the publishing rule of core.services
# refused its rows).
SHIPMENT_FACTS = [
    *("exporter", "importer", "commodity", "period"),
    *("quantity", "unit", "value", "currency", "transport_mode"),
]
KINDS = ("consignment", "aggregate")
MODES = ("", "road", "rail", "sea", "air", "pipeline", "multimodal")
STATUSES = ("reported", "planned", "delivered")
UNITS = ("t", "kg", "l", "m3", "bbl")
YEARS = range(2015, 2026)
SHIPMENT_TAG = "5b1f50008000"  # the middle of a shipment's id: version 5, variant 8
CITATION_TAG = "5b1f50008001"

# mix(i, salt): a multiplicative hash, kept below 2^31 at each step so that no product
# overflows a signed 64-bit integer (2^31 · 2654435761 < 2^63).
_MIX_SQL = (
    "(((((({i}) * 1103515245 + {salt} * 2654435761 + 12345) % 2147483648)"
    " * 2654435761) / 65536) % 2147483648)"
)


def mix(i: int, salt: int) -> int:
    """The hash the SQL computes, in Python (``expected_row``, ids)."""
    x = (i * 1103515245 + salt * 2654435761 + 12345) % 2147483648
    return (x * 2654435761 // 65536) % 2147483648


def _mix(salt: int, i: str = "i") -> str:
    return _MIX_SQL.format(i=i, salt=salt)


def shipment_id(i: int) -> uuid.UUID:
    return uuid.UUID(f"{mix(i, 20):08x}{SHIPMENT_TAG}{i:012x}")


def citation_id(i: int) -> uuid.UUID:
    return uuid.UUID(f"{mix(i, 20):08x}{CITATION_TAG}{i:012x}")


def period_key(i: int) -> int:
    """Which period row ``i`` has, as ``yyyymmdd`` with zeros for absent parts (0: none)."""
    shape = mix(i, 5) % 100
    year, month, day = 2015 + mix(i, 6) % 11, 1 + mix(i, 7) % 12, 1 + mix(i, 8) % 28
    if shape < 10:
        return 0
    if shape < 30:
        return year * 10000
    if shape < 80:
        return year * 10000 + month * 100
    return year * 10000 + month * 100 + day


def _period_key_sql() -> str:
    shape, year = f"({_mix(5)} % 100)", f"(2015 + {_mix(6)} % 11)"
    month, day = f"(1 + {_mix(7)} % 12)", f"(1 + {_mix(8)} % 28)"
    return (
        f"CASE WHEN {shape} < 10 THEN 0 WHEN {shape} < 30 THEN {year} * 10000"
        f" WHEN {shape} < 80 THEN {year} * 10000 + {month} * 100"
        f" ELSE {year} * 10000 + {month} * 100 + {day} END"
    )


def period_text(key: int) -> str:
    if not key:
        return ""
    year, month, day = key // 10000, key // 100 % 100, key % 100
    if not month:
        return f"{year}"
    return f"{year}-{month:02d}" if not day else f"{year}-{month:02d}-{day:02d}"


def all_period_keys() -> list[int]:
    keys = [0]
    for year in YEARS:
        keys.append(year * 10000)
        for month in range(1, 13):
            keys.append(year * 10000 + month * 100)
            keys.extend(year * 10000 + month * 100 + day for day in range(1, 29))
    return keys


def expected_row(i: int, countries, commodities, sources) -> dict:
    """Row ``i`` as the SQL builds it (before the derived fields), for the test."""
    exporter = mix(i, 1) % 8
    has_quantity, has_value = mix(i, 9) % 10 < 9, mix(i, 11) % 10 < 8
    return {
        "id": shipment_id(i),
        "exporter_id": countries[exporter],
        "importer_id": countries[(exporter + 1 + mix(i, 2) % 7) % 8],
        "commodity_id": commodities[mix(i, 3) % 6],
        "kind": KINDS[mix(i, 4) % 2],
        "period": period_text(period_key(i)),
        "quantity_thousandths": 1 + mix(i, 10) % 10**9 if has_quantity else None,
        "unit": UNITS[mix(i, 12) % 5] if has_quantity else "",
        "value_cents": 1 + (mix(i, 13) * 4 + mix(i, 14) % 4) % 10**10 if has_value else None,
        "currency": "USD" if has_value else "",
        "transport_mode": MODES[mix(i, 15) % 7],
        "status": STATUSES[mix(i, 16) % 3],
        "is_quantity_estimated": mix(i, 17) % 5 == 0,
        "is_value_estimated": mix(i, 18) % 5 == 0,
        "note": f"{SYNTHETIC}, row {i}.",
        "source_id": sources[i % len(sources)],
    }


def _choice(values, salt: int) -> str:
    """SQL choosing one of the string ``values`` by ``mix(i, salt)``."""
    whens = " ".join(f"WHEN {n} THEN '{v}'" for n, v in enumerate(values))
    return f"CASE {_mix(salt)} % {len(values)} {whens} END"


class Dialect:
    """What differs between SQLite and PostgreSQL in the statements below."""

    def __init__(self, vendor: str):
        self.vendor = vendor
        self.pg = vendor == "postgresql"

    def series(self, first: int, stop: int) -> str:
        """The row numbers [first, stop), in that order (not in id order: ``make_shipments``)."""
        if self.pg:
            return f"SELECT i::bigint AS i FROM generate_series({first}, {stop - 1}) AS g(i)"
        return (
            f"SELECT i FROM (WITH RECURSIVE s(i) AS (SELECT {first} UNION ALL"
            f" SELECT i + 1 FROM s WHERE i < {stop - 1}) SELECT i FROM s)"
        )

    def uuid(self, tag: str) -> str:
        if self.pg:
            return (
                f"(lpad(to_hex({_mix(20)}), 8, '0') || '{tag}' || lpad(to_hex(i), 12, '0'))::uuid"
            )
        return f"printf('%08x{tag}%012x', {_mix(20)}, i)"

    def bool(self, sql: str) -> str:
        return f"({sql})" if self.pg else f"CASE WHEN {sql} THEN 1 ELSE 0 END"

    def stamp(self) -> str:
        if self.pg:
            return "(timestamptz '2025-01-01 00:00:00+00' + i * interval '1 second')"
        return "datetime('2025-01-01 00:00:00', '+' || i || ' seconds')"

    def decimal(self, sql: str, scale: int) -> str:
        if self.pg:
            return f"round(({sql})::numeric / {10**scale}, {scale})"
        return f"(({sql}) / {10**scale}.0)"

    def json(self) -> str:
        return "{P}::jsonb" if self.pg else "{P}"

    def text(self, sql: str) -> str:
        return f"({sql})::text" if self.pg else f"({sql})"


def _lookup_tables(cursor, d: Dialect, countries, commodities, sources) -> None:
    """Small temporary tables: the reference ids by number, and every period's derived parts."""
    from core.models import parse_partial_date

    uuid_type = "uuid" if d.pg else "char(32)"
    for name, ids in (("countries", countries), ("commodities", commodities), ("sources", sources)):
        cursor.execute(f"DROP TABLE IF EXISTS bench_{name}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE bench_{name} (n integer PRIMARY KEY, id {uuid_type})"
        )
        cursor.executemany(
            f"INSERT INTO bench_{name} VALUES (%s, %s)",
            [(n, str(pk) if d.pg else pk.hex) for n, pk in enumerate(ids)],
        )
    cursor.execute("DROP TABLE IF EXISTS bench_periods")
    cursor.execute(
        "CREATE TEMPORARY TABLE bench_periods (k integer PRIMARY KEY, period varchar(32),"
        " prec varchar(16), earliest date, latest date)"
    )
    rows = []
    for key in all_period_keys():
        precision, earliest, latest = parse_partial_date(period_text(key))
        rows.append((key, period_text(key), precision, earliest, latest))
    cursor.executemany("INSERT INTO bench_periods VALUES (%s, %s, %s, %s, %s)", rows)


def _shipment_insert(d: Dialect, first: int, stop: int, derived: dict) -> tuple[str, list]:
    has_quantity, has_value = f"{_mix(9)} % 10 < 9", f"{_mix(11)} % 10 < 8"
    note = f"'{SYNTHETIC}, row ' || {d.text('i')} || '.'"
    columns = {
        "id": d.uuid(SHIPMENT_TAG),
        "review_state": "'published'",
        "retraction_reason": "''",
        "version": "1",
        "created": d.stamp(),
        "updated": d.stamp(),
        # core.search.document([note, period_note]) of the note above
        "search_document": f"' {SYNTHETIC.lower()} row ' || {d.text('i')} || ' '",
        # as the app computes them for row 0 (every row has the same evidence)
        "corroboration": d.json(),
        "contested": d.bool("1 = 1" if derived["contested"] else "1 = 0"),
        "min_origins": str(int(derived["min_origins"])),
        "exporter_id": f"(SELECT id FROM bench_countries WHERE n = {_mix(1)} % 8)",
        "importer_id": (
            f"(SELECT id FROM bench_countries WHERE n = ({_mix(1)} % 8 + 1 + {_mix(2)} % 7) % 8)"
        ),
        "commodity_id": f"(SELECT id FROM bench_commodities WHERE n = {_mix(3)} % 6)",
        "kind": _choice(KINDS, 4),
        "period": "p.period",
        "period_precision": "p.prec",
        "period_earliest": "p.earliest",
        "period_latest": "p.latest",
        "period_note": "''",
        "quantity": (
            f"CASE WHEN {has_quantity} THEN {d.decimal(f'1 + {_mix(10)} % 1000000000', 3)} END"
        ),
        "unit": f"CASE WHEN {has_quantity} THEN {_choice(UNITS, 12)} ELSE '' END",
        "quantity_qualifier": "'exact'",
        "value": (
            f"CASE WHEN {has_value} THEN"
            f" {d.decimal(f'1 + ({_mix(13)} * 4 + {_mix(14)} % 4) % 10000000000', 2)} END"
        ),
        "currency": f"CASE WHEN {has_value} THEN 'USD' ELSE '' END",
        "value_qualifier": "'exact'",
        "transport_mode": _choice(MODES, 15),
        "status": _choice(STATUSES, 16),
        "is_quantity_estimated": d.bool(f"{_mix(17)} % 5 = 0"),
        "is_value_estimated": d.bool(f"{_mix(18)} % 5 = 0"),
        "note": note,
        "commitment_id": "NULL",
        "reporter_id": "NULL",
        "flow": "''",
        "value_basis": "''",
    }
    _check_columns("trade.Shipment", columns)
    sql = (
        f"INSERT INTO trade_shipment ({', '.join(_quote(c) for c in columns)})"
        f" SELECT {', '.join(columns.values())}"
        f" FROM ({d.series(first, stop)}) AS s"
        f" JOIN bench_periods AS p ON p.k = {_period_key_sql()}"
    )
    return _placeholders(sql), [json.dumps(derived["corroboration"])]


def _citation_insert(d: Dialect, first: int, stop: int, content_type: int) -> tuple[str, list]:
    columns = {
        "id": d.uuid(CITATION_TAG),
        "review_state": "'published'",
        "retraction_reason": "''",
        "version": "1",
        "created": d.stamp(),
        "updated": d.stamp(),
        # core.search.document([quote, locator, note]) of the locator below
        "search_document": f"' row ' || {d.text('i')} || ' '",
        "source_id": "(SELECT id FROM bench_sources WHERE n = i % 8)",
        "content_type_id": str(int(content_type)),
        "object_id": d.uuid(SHIPMENT_TAG),
        "quote": "''",
        "start": "NULL",
        "end": "NULL",
        "locator": f"'row ' || {d.text('i')}",  # a dataset is cited by locator
        "supports": d.json(),
        "inferred": d.bool("1 = 0"),
        "contradicts": d.json(),
        "stated": d.json(),
        "note": "''",
        "supported_values": d.json(),
        "withdrawn": d.json(),
    }
    _check_columns("core.Citation", columns)
    sql = (
        f"INSERT INTO core_citation ({', '.join(_quote(c) for c in columns)})"
        f" SELECT {', '.join(columns.values())} FROM ({d.series(first, stop)}) AS s"
    )
    return _placeholders(sql), [json.dumps(SHIPMENT_FACTS), "[]", "{}", "{}", "{}"]


def _placeholders(sql: str) -> str:
    """Both backends take ``%s`` parameters, so a literal ``%`` (modulo, printf) is ``%%``."""
    return sql.replace("%", "%%").replace("{P}", "%s")


def _quote(column: str) -> str:
    from django.db import connection

    return connection.ops.quote_name(column)


def _check_columns(label: str, columns: dict) -> None:
    """Every column of the model, no other: a new field must be given a value here."""
    from django.apps import apps

    model = apps.get_model(label)
    expected = {f.column for f in model._meta.concrete_fields}
    if expected != set(columns):
        raise RuntimeError(
            f"bench/set_based.py is out of date with {label}: missing"
            f" {sorted(expected - set(columns))}, unknown {sorted(set(columns) - expected)}"
        )


def _secondary_indexes(cursor, d: Dialect, tables) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the tables' indexes that no constraint owns."""
    if d.pg:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)"
            " AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [list(tables)],
        )
    else:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            f" AND tbl_name IN ({', '.join('%s' for _ in tables)})",
            list(tables),
        )
    return list(cursor.fetchall())


def make_shipments(rows: int, countries, commodities, sources, *, chunk=1_000_000, log=None):
    """Insert ``rows`` shipments and their citations; ``countries`` … are lists of pks."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from core.corroboration import refresh_records
    from trade.models import Shipment

    log = log or functools.partial(print, flush=True)
    d = Dialect(connection.vendor)
    content_type = ContentType.objects.get_for_model(Shipment).pk
    started, cpu = time.monotonic(), time.process_time()
    with connection.cursor() as cursor:
        server_cpu = _server_cpu(cursor, d)
        if d.pg:
            cursor.execute("SET synchronous_commit = off")
            # JIT compiling the hash expressions took 5 s of a 5.8 s statement (20,000 rows).
            cursor.execute("SET jit = off")
            # Index builds sort in memory (the default 64 MB spills 1M keys to disk), and
            # so does the series' ordering.
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute("SET work_mem = '256MB'")
        else:
            # A page cache that holds the primary keys' B-trees (the ids are random, so they
            # are written all over; 1 GB held them up to a few million rows, and a 10M build
            # then slowed down as it outgrew it), and no fsync: a failed load is rebuilt.
            cache_kib = max(1 << 20, rows * 300 // 1024)  # 1 GB, or 300 bytes a row
            cursor.execute(f"PRAGMA cache_size = -{cache_kib}")
            if not connection.in_atomic_block:  # (a test's transaction may not change them)
                cursor.execute("PRAGMA synchronous = OFF")
                # No WAL for the load: each page is written once, not to the WAL and then
                # again by the checkpoint (3 GB at 1M rows). WAL again after, below.
                cursor.execute("PRAGMA journal_mode = OFF")
    with transaction.atomic(), connection.cursor() as cursor:
        if d.pg:
            # Foreign keys checked per statement, not at commit: PostgreSQL refuses to build
            # an index on a table with checks pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        _lookup_tables(cursor, d, countries, commodities, sources)
        # Building an index once over sorted keys is far cheaper than updating 20 indexes
        # row by row (random UUIDs): drop them for the load and create them again after.
        indexes = _secondary_indexes(cursor, d, ("trade_shipment", "core_citation"))
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {_quote(name)}")
        derived = {"corroboration": {}, "contested": False, "min_origins": 0}
        # Row 0 first: the app's own services derive its evidence fields (corroboration,
        # contested, min_origins), which every other row shares (the same evidence).
        bounds = [(0, min(rows, 1))] + [
            (first, min(first + chunk, rows)) for first in range(1, rows, chunk)
        ]
        for first, stop in bounds:
            if first == stop:
                continue
            # In row order, not id order: inserted in id order, each chunk would append to
            # the primary key's B-tree (half the insert's CPU on SQLite), but a table whose
            # physical order follows its ids makes every keyset page read a few neighbouring
            # pages, where a real table of random UUIDs in arrival order reads 50 scattered
            # ones: the cold pages measured would be cheaper than the app's.
            cursor.execute(*_shipment_insert(d, first, stop, derived))
            cursor.execute(*_citation_insert(d, first, stop, content_type))
            if first == 0:
                refresh_records(Shipment, [shipment_id(0)])
                derived = Shipment.objects.values(*derived).get(pk=shipment_id(0))
            elapsed = time.monotonic() - started
            log(f"  {stop:>10,} rows inserted  {elapsed:6.1f} s  ({stop / elapsed:,.0f} rows/s)")
        loaded = time.monotonic()
        for _, create in indexes:
            cursor.execute(create)
        log(f"  {len(indexes)} indexes built in {time.monotonic() - loaded:.1f} s")
        for name in ("countries", "commodities", "sources", "periods"):
            cursor.execute(f"DROP TABLE bench_{name}")
    if not d.pg and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode = WAL")
    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    if server_cpu is not None:
        with connection.cursor() as cursor:
            cpu += _server_cpu(cursor, d) - server_cpu
    # On a shared machine the wall clock says more about the neighbours than the load: on
    # SQLite the database works in this process, so its CPU time is the load's own cost; on
    # PostgreSQL the backend's is added when /proc shows it (a local server).
    log(
        f"  {rows:,} shipments + citations in {elapsed:.1f} s"
        f" ({rows / max(elapsed, 1e-9):,.0f} rows/s); CPU {cpu:.1f} s"
        f" ({rows / max(cpu, 1e-9):,.0f} rows per CPU second; "
        + (
            "this process's"
            if not d.pg
            else "this process's and the PostgreSQL backend's, not its parallel index workers'"
            if server_cpu is not None
            else "this process's, the remote PostgreSQL server's not counted"
        )
        + f"); load average {os.getloadavg()[0]:.1f}"
    )
    return elapsed


def _server_cpu(cursor, d: Dialect) -> float | None:
    """The CPU seconds of this connection's PostgreSQL backend, if it runs on this machine."""
    from django.db import connection

    if not d.pg or connection.settings_dict.get("HOST") not in ("", "localhost", "127.0.0.1"):
        return None
    cursor.execute("SELECT pg_backend_pid()")
    try:
        stat = Path(f"/proc/{cursor.fetchone()[0]}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
