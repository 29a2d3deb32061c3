"""Cold requests at two sizes and on two databases, in-process: what one request costs.

    python -m bench scale --db sqlite --db sqlite:///bench/bench10m.sqlite3 --db postgresql

For every database (a bench DB, as ``python -m bench data`` built it), the three cold
requests of the benchmark: a page after a random cursor over the whole table, a filtered
page (exporter + commodity, random cursor within the filter) and a detail of a random id.
Each is asked ``--urls`` times with distinct URLs (no URL twice, in any database), in
batches of ``--batch`` that alternate between the databases (one child process per batch
and database: each a fresh Django, as a restarted worker), so that the machine's load
falls on every database alike. A request is timed by the Django test client in-process:

- ``cpu``: this process's CPU time (``time.process_time``: the view, the serializer, and on
  SQLite the database work too);
- ``db cpu``: on PostgreSQL, the CPU time of the server backend that served the connection
  (``/proc/<pid>/stat``, same machine), since the query runs there;
- ``wall``: the wall clock, which says as much about the neighbours as about the request.

Before a batch, one unmeasured request per filter combination fills the API's count cache,
as a running server's would be (a count is cached per filter and dataset version; its cost
grows with the table and is reported apart, as ``count``). The rows are found by the
generator's own ids (``bench.set_based.shipment_id``): a random i gives a random position
in keyset order, so the cursors cover the whole table without reading it.

Writes its figures to ``bench/out/scale.json`` and a section of ``bench/RESULTS.md``
(between ``<!-- scale -->`` markers, kept when ``run`` rewrites the report): the
10M / 1M and PostgreSQL / SQLite ratios against the targets (within 1.2× and 1.5×), and
the query plans of each request.
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH_DIR, OUT_DIR, ROOT, bench_url

API = "/api/v1/trade/shipments/"
KINDS = ("page", "filtered", "detail")
BEGIN, END = "<!-- scale -->", "<!-- /scale -->"


def rows_of(exists) -> int:
    """How many rows the generator made: ids are ``shipment_id(0 … N-1)``; binary search."""
    if not exists(0):
        return 0
    high = 1
    while exists(high):
        high *= 2
    low = high // 2  # exists(low), not exists(high)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if exists(middle) else (low, middle)
    return high


def draw(rows: int, count: int, seed: int) -> list[int]:
    return random.Random(seed).sample(range(rows), count)


def child(db: str, first: int, count: int, urls: int, seed: int) -> dict:
    """One batch on one database: ``count`` distinct URLs of each kind, from ``first`` on."""
    os.environ["DATABASE_URL"] = bench_url(db)
    # One connection for the whole batch (its backend's CPU is read from /proc).
    os.environ["CONN_MAX_AGE"] = "3600"
    from bench.common import setup_django

    setup_django()
    from django.db import connection
    from django.test import Client

    from bench.make_data import COMMODITIES, COUNTRIES
    from bench.run import api_cursor
    from bench.set_based import expected_row, shipment_id
    from trade.models import Shipment

    def exists(i):
        return Shipment.objects.filter(pk=shipment_id(i)).exists()

    rows = rows_of(exists)
    countries = [iso2 for iso2, *_ in COUNTRIES]
    commodities = [slug for slug, *_ in COMMODITIES]
    # Three disjoint draws (page, filtered, detail) from one sample: no id serves twice.
    sample = draw(rows, 3 * urls, seed)
    picks = {kind: sample[n::3][first : first + count] for n, kind in enumerate(KINDS)}

    def url(kind, i):
        row = expected_row(i, countries, commodities, [None] * 8)
        cursor = api_cursor([str(shipment_id(i))])
        if kind == "page":
            return f"{API}?limit=50&cursor={cursor}"
        if kind == "filtered":
            filters = f"exporter={row['exporter_id']}&commodity={row['commodity_id']}"
            return f"{API}?limit=50&{filters}&cursor={cursor}"
        return f"{API}{shipment_id(i)}/"

    client = Client(SERVER_NAME="127.0.0.1")
    pg = connection.vendor == "postgresql"

    def backend_cpu() -> float:
        if not pg:
            return 0.0
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def fetch(path):
        response = client.get(path)
        body = response.content
        assert response.status_code == 200, (path, body[:300])
        return response, body

    connection.ensure_connection()
    backend = None
    if pg:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    # A running server's state: URL templates, the total count and every filter's count.
    counts = []
    fetch(f"{API}?limit=50")
    fetch(f"{API}{shipment_id(0)}/")
    for exporter in countries:
        for commodity in commodities:
            began = time.perf_counter()
            fetch(f"{API}?limit=50&exporter={exporter}&commodity={commodity}")
            counts.append(time.perf_counter() - began)
    results = {"db": db, "vendor": connection.vendor, "rows": rows, "kinds": {}}
    results["count_first_ms"] = 1000 * sum(counts) / len(counts)
    for kind in KINDS:
        cpu = wall = db_cpu = 0.0
        hits = 0
        for i in picks[kind]:
            path = url(kind, i)
            c0, w0, b0 = time.process_time(), time.perf_counter(), backend_cpu()
            response, body = fetch(path)
            cpu += time.process_time() - c0
            wall += time.perf_counter() - w0
            db_cpu += backend_cpu() - b0
            hits += response.get("X-Cache") == "hit"
            if kind != "detail":
                page = json.loads(body)
                assert len(page["results"]) == 50 or page["next"] is None, path
                assert page["results"][0]["id"] > str(shipment_id(i)), path
        results["kinds"][kind] = {
            "n": len(picks[kind]),
            "cpu_ms": 1000 * cpu / len(picks[kind]),
            "wall_ms": 1000 * wall / len(picks[kind]),
            "db_cpu_ms": 1000 * db_cpu / len(picks[kind]),
            "cache_hits": hits,
            "plan": plan(connection, lambda kind=kind: fetch(url(kind, picks[kind][0]))),
        }
    if pg:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            assert cursor.fetchone()[0] == backend, "the connection was replaced mid-batch"
    results["load"] = os.getloadavg()
    return results


def plan(connection, request) -> list[str]:
    """The query plan of the request's main SELECT (the longest statement it runs)."""
    from config.api import response_cache

    statements = []
    lookup, response_cache.lookup = response_cache.lookup, lambda key: None

    def capture(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(capture):
            request()
    finally:
        response_cache.lookup = lookup
    selects = [s for s in statements if s[0].lstrip().upper().startswith(("SELECT", "WITH"))]
    if not selects:
        return []
    sql, params = max(selects, key=lambda s: len(s[0]))
    explain = "EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(explain + sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return [r[0] for r in rows]
    return [f"{'  ' * depth(rows, r)}{r[-1]}" for r in rows]


def depth(rows, row) -> int:
    parents = {r[0]: r[1] for r in rows}
    level, parent = 0, row[1]
    while parent in parents:
        level, parent = level + 1, parents[parent]
    return level


def label(db: str, result: dict) -> str:
    name = "PostgreSQL" if result["vendor"] == "postgresql" else "SQLite"
    rows = result["rows"]
    size = f"{rows // 1_000_000}M" if rows % 1_000_000 == 0 else f"{rows:,}"
    return f"{name} {size}"


def merge(batches: list[dict]) -> dict:
    """{db: {rows, vendor, kinds: {kind: means over all batches}, count_first_ms, loads}}."""
    merged = {}
    for batch in batches:
        entry = merged.setdefault(
            batch["db"],
            {"rows": batch["rows"], "vendor": batch["vendor"], "kinds": {}, "loads": []},
        )
        entry["loads"].append(batch["load"][0])
        entry.setdefault("count_first", []).append(batch["count_first_ms"])
        for kind, figures in batch["kinds"].items():
            into = entry["kinds"].setdefault(kind, {"n": 0, "sum": {}, "cache_hits": 0})
            into["n"] += figures["n"]
            into["cache_hits"] += figures["cache_hits"]
            into["plan"] = figures["plan"]
            for key in ("cpu_ms", "wall_ms", "db_cpu_ms"):
                into["sum"][key] = into["sum"].get(key, 0) + figures[key] * figures["n"]
    for entry in merged.values():
        entry["count_first_ms"] = sum(entry.pop("count_first")) / len(entry["loads"])
        for into in entry["kinds"].values():
            for key, total in into.pop("sum").items():
                into[key] = total / into["n"]
            into["total_cpu_ms"] = into["cpu_ms"] + into["db_cpu_ms"]
    return merged


def report(results: dict) -> str:
    merged = results["databases"]
    dbs = list(merged)
    names = {db: label(db, merged[db]) for db in dbs}
    lines = [
        BEGIN,
        "## Scale: cold requests at 1M and 10M rows, SQLite and PostgreSQL (in-process)",
        "",
        f"Run {results['when']}; command: `{results['command']}` ({results['duration_s']} s).",
        f"Each figure is the mean of {results['urls']} distinct URLs per request and database"
        f" (no URL asked twice), in batches of {results['batch']} alternating between the"
        " databases, timed in-process by the Django test client (`bench/scale.py`): CPU ms"
        " of the Python process (on SQLite this includes the database's work), CPU ms of the"
        " PostgreSQL backend (`/proc`), and wall ms. The count cache is filled first, as in a"
        " running server (the first count of a filter, its cost growing with the table, is in"
        " the last column). Load average (1 min) during the batches: "
        + ", ".join(
            f"{names[db]} {min(merged[db]['loads']):.1f}–{max(merged[db]['loads']):.1f}"
            for db in dbs
        )
        + " on 2 cores.",
        "",
        "| database | request | CPU ms (Python) | CPU ms (PG backend) | CPU ms total | wall ms"
        " | cache hits | first count of a filter, ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for db in dbs:
        for kind in KINDS:
            k = merged[db]["kinds"][kind]
            lines.append(
                f"| {names[db]} | {kind} | {k['cpu_ms']:.2f} | {k['db_cpu_ms']:.2f}"
                f" | {k['total_cpu_ms']:.2f} | {k['wall_ms']:.2f} | {k['cache_hits']} of {k['n']}"
                f" | {merged[db]['count_first_ms']:.0f} |"
            )
    lines += ["", "| target | request | measured (CPU ms total; wall ms) | ratio | verdict |"]
    lines.append("|---|---|---|---|---|")
    for a, b, limit, what in comparisons(merged):
        for kind in KINDS:
            ka, kb = merged[a]["kinds"][kind], merged[b]["kinds"][kind]
            ratio = ka["total_cpu_ms"] / kb["total_cpu_ms"]
            wall = ka["wall_ms"] / kb["wall_ms"]
            lines.append(
                f"| {what} within {limit}× | {kind} | {names[a]} {ka['total_cpu_ms']:.2f} /"
                f" {names[b]} {kb['total_cpu_ms']:.2f}; wall {ka['wall_ms']:.2f} /"
                f" {kb['wall_ms']:.2f} | {ratio:.2f}× (wall {wall:.2f}×)"
                f" | **{'met' if ratio <= limit else 'missed'}** |"
            )
    lines += ["", "Query plans of each request's main SELECT:", ""]
    for db in dbs:
        for kind in KINDS:
            lines += [f"{names[db]}, {kind}:", "", "```"]
            lines += merged[db]["kinds"][kind]["plan"] or ["(none)"]
            lines += ["```", ""]
    lines.append(END)
    return "\n".join(lines) + "\n"


def comparisons(merged: dict) -> list[tuple]:
    """(db a, db b, limit, target): bigger SQLite vs smaller, PostgreSQL vs SQLite, same rows."""
    out = []
    sqlite = sorted((m["rows"], db) for db, m in merged.items() if m["vendor"] == "sqlite")
    for _, db in sqlite[1:]:
        out.append((db, sqlite[0][1], 1.2, "keyset cost at more rows"))
    for db, m in merged.items():
        if m["vendor"] == "postgresql":
            same = [s for r, s in sqlite if r == m["rows"]]
            if same:
                out.append((db, same[0], 1.5, "PostgreSQL vs SQLite"))
    return out


def write_section(section: str, path: Path) -> None:
    """Put the section into the report, replacing an earlier one."""
    text = path.read_text() if path.exists() else ""
    if BEGIN in text and END in text:
        text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END) + "\n?", section, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


def kept_section(path: Path) -> str:
    """The scale section of the report at ``path`` (for ``run``, which rewrites the rest)."""
    text = path.read_text() if path.exists() else ""
    found = re.search(re.escape(BEGIN) + ".*?" + re.escape(END) + "\n?", text, flags=re.S)
    return found.group(0) if found else ""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", action="append", help="a bench DB (repeat); default sqlite")
    parser.add_argument("--urls", type=int, default=300, help="distinct URLs per request")
    parser.add_argument("--batch", type=int, default=50, help="URLs per child process")
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--results", default=str(BENCH_DIR / "RESULTS.md"))
    parser.add_argument("--child", nargs=2, type=int, metavar=("FIRST", "COUNT"))
    args = parser.parse_args(argv)
    dbs = args.db or ["sqlite"]
    if args.child:
        print(json.dumps(child(dbs[0], *args.child, args.urls, args.seed)))
        return
    for db in dbs:
        bench_url(db)  # refuses anything but a bench database, before any work
    started = time.monotonic()
    batches = []
    for first in range(0, args.urls, args.batch):
        count = min(args.batch, args.urls - first)
        for db in dbs:
            command = [sys.executable, "-m", "bench", "scale", "--db", db, "--seed"]
            command += [str(args.seed), "--urls", str(args.urls)]
            command += ["--child", str(first), str(count)]
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
            if done.returncode:
                sys.exit(f"{db}: batch {first} failed:\n{done.stderr[-3000:]}")
            batch = json.loads(done.stdout.strip().splitlines()[-1])
            batches.append(batch)
            print(
                f"{db} ({batch['rows']:,} rows), URLs {first}–{first + count - 1}: "
                + ", ".join(
                    f"{k} {v['cpu_ms']:.1f}+{v['db_cpu_ms']:.1f} ms CPU, {v['wall_ms']:.1f} ms"
                    for k, v in batch["kinds"].items()
                )
                + f"; load {batch['load'][0]:.1f}",
                flush=True,
            )
    results = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "command": "python -m bench scale " + " ".join(argv or sys.argv[1:]),
        "duration_s": round(time.monotonic() - started),
        "urls": args.urls,
        "batch": args.batch,
        "databases": merge(batches),
    }
    OUT_DIR.mkdir(exist_ok=True)
    (OUT_DIR / "scale.json").write_text(json.dumps(results, indent=2))
    section = report(results)
    write_section(section, Path(args.results))
    print(section)
    print(f"Wrote {args.results} (raw figures: {OUT_DIR / 'scale.json'})")


if __name__ == "__main__":
    main()
