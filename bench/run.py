"""Benchmark the read API beside Datasette and the bare view; write bench/RESULTS.md.

    python -m bench run                       # SQLite (with Datasette), then PostgreSQL
    python -m bench run --only sqlite         # one database
    python -m bench run --report-only bench/out/results.json

For each bench database (filled beforehand by ``python -m bench data``) it starts the API's
server (``--server``: Granian, as in production, or gunicorn; 2 workers, ``bench.settings``),
and on SQLite also Datasette on the same file, then measures with wrk (bench/load.py), in
interleaved rounds, at 2 and 8 connections, *cold* (1,000 distinct URLs in turn) and *warm*
(one URL repeated):

  page1     the first pages of the table (cold: pages within its first 50,000 rows)
  deep      pages after ~900,000 rows (the API's cursor; Datasette's ``_next``)
  filtered  ?exporter=…&commodity=… (cold: 48 combinations × their first pages)
  detail    one shipment by id

on the API, on Datasette, and on the bare values() view (bench/baseline_urls.py; no filtered
page there). Then the full CSV: the API's ``?format=csv``, Datasette's ``_stream=on``, and
the database's own CLI (``sqlite3 -csv``, ``psql \\copy``) on the export's own SELECT.
Finally it prints the ratios against the targets of issue 10 / PRODUCT.md section 5.
"""

import argparse
import base64
import datetime
import http.client
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import load
from bench.common import OUT_DIR, bench_database, bench_url, vendor
from bench.servers import API, API_SERVERS, Datasette, get

BASELINE = "/bench/baseline/shipments/"
FILTER = {"exporter": "RU", "commodity": "wheat"}  # the warm filtered page
KINDS = ("page1", "deep", "filtered", "detail")
SYSTEMS = ("api", "bare", "datasette")
MODES = ("cold", "warm")
MB = 1024 * 1024
# The API's production server (bench/servers.py; chosen by `python -m bench servers`).
DEFAULT_SERVER = "granian"
PAGE = 50
TABLE = "trade_shipment"


# --- the data, seen from Django (in a child process per database) ---------------------------


def describe(deep_fraction: float, cold: int, limit: int, seed: int = 21) -> dict:
    """Row count, the export's SQL, and the real ids the cold URLs are made of.

    ``cold`` is how many distinct URLs each list needs (every cold run takes its own slice,
    so no URL is asked twice in a run or across rounds). The positions (in keyset order) a
    cold page starts after are drawn at random without replacement, over the first
    ``deep_fraction`` of the table for page 1, over the rest for the deep page and over the
    whole table for the filtered page and the ids of the detail view. One pass over the ids
    in keyset order, in this process, straight from the database: the servers' caches see
    none of it."""
    import random

    from bench.common import setup_django

    setup_django()
    from django.db import connection

    from config.api.exports import export_expressions, formatted_select
    from diplomacy.models import Country
    from trade.models import Commodity, Shipment

    published = Shipment.objects.filter(review_state="published").order_by("id")
    rows = published.count()
    deep_rows = max(1, round(rows * deep_fraction))
    rng = random.Random(seed)

    def draw(first: int, stop: int) -> list[int]:
        stop = max(first + 1, stop)
        return rng.sample(range(first, stop), min(cold, stop - first))

    # Positions (0-based) of the rows a page starts after, each with a full page after it.
    wanted = {
        "shallow": draw(0, min(deep_rows, rows - limit)),
        "deep": draw(deep_rows, rows - limit),
        "filtered": draw(0, rows),
        "detail": draw(0, rows),
    }
    at = {kind: {p: n for n, p in enumerate(positions)} for kind, positions in wanted.items()}
    found = {kind: [None] * len(positions) for kind, positions in wanted.items()}
    for position, pk in enumerate(published.values_list("id", flat=True).iterator(20000)):
        for kind, index in at.items():
            if position in index:
                found[kind][index[position]] = pk.hex
    iso2 = dict(Country.objects.values_list("pk", "iso2"))
    slugs = dict(Commodity.objects.values_list("pk", "slug"))
    # Round robin over the exporter × commodity combinations, the warm one (FILTER) first,
    # so that consecutive URLs differ in their filter as well as in their cursor.
    combos = sorted(
        ((e, c) for e in iso2 for c in slugs),
        key=lambda k: (
            (iso2[k[0]], slugs[k[1]]) != (FILTER["exporter"], FILTER["commodity"]),
            iso2[k[0]],
            slugs[k[1]],
        ),
    )
    filtered = [
        [iso2[e], slugs[c], e.hex, c.hex, after]
        for (e, c), after in zip(
            (combos[n % len(combos)] for n in range(len(found["filtered"]) + 1)),
            [None, *found["filtered"]],
            strict=True,
        )
    ]
    sql, params = formatted_select(published, export_expressions(Shipment), copy=False)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            export_sql = connection.ops.last_executed_query(cursor, sql, params)
        server_version = connection.Database.sqlite_version
    else:
        import psycopg

        connection.ensure_connection()
        export_sql = psycopg.ClientCursor(connection.connection).mogrify(sql, params)
        server_version = f"{connection.pg_version // 10000}.{connection.pg_version % 10000}"
    return {
        "rows": rows,
        "deep_rows": deep_rows,
        "limit": limit,
        "shallow_after": found["shallow"],
        "deep_after": found["deep"],
        "detail_ids": found["detail"],
        "filtered": filtered,
        "filtered_rows": published.filter(
            exporter__iso2=FILTER["exporter"], commodity__slug=FILTER["commodity"]
        ).count(),
        "export_sql": export_sql,
        "server_version": server_version,
    }


def cold_slices(args) -> int:
    """Cold runs per URL list: the warm-up, then every round at every connection count."""
    return 1 + args.rounds * len(args.connections)


def describe_in_child(url: str, args) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "ALLOWED_HOSTS": "127.0.0.1", "DEBUG": "false"}
    command = [sys.executable, __file__, "--describe", str(args.deep_fraction)]
    command += ["--cold-urls", str(args.cold_urls * cold_slices(args))]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        sys.exit(f"describe failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- the URLs: the same requests asked of each system -----------------------------------------


def dashed(hex_id: str) -> str:
    """The API's form of an id (SQLite stores UUIDs as 32 hex digits, Datasette shows those)."""
    return str(uuid.UUID(hex_id))


def api_cursor(values: list, back: bool = False) -> str:
    """The cursor format of config/api/pagination.py (KeysetPagination.encode_cursor)."""
    raw = json.dumps({"v": values, "b": int(back)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(link: str) -> dict:
    raw = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["cursor"][0]
    return json.loads(base64.urlsafe_b64decode(raw + "==="))


def url_lists(facts: dict, datasette_db: str | None) -> dict:
    """{(system, kind): [path, …]}: the cold rotation; its first path is the warm URL.

    Datasette gets ``_shape=objects`` and ``_labels=on``: rows as objects with the exporter's,
    importer's and commodity's names beside their ids, the information the API's brief
    objects carry (the API also inlines citations, which Datasette cannot)."""
    limit = facts["limit"]
    pages = [None, *facts["shallow_after"]]
    deep = facts["deep_after"]
    ids = facts["detail_ids"]

    def api_page(after, extra=""):
        cursor = f"&cursor={api_cursor([dashed(after)])}" if after else ""
        return f"{API}?limit={limit}{extra}{cursor}"

    def bare_page(after):
        return f"{BASELINE}?limit={limit}" + (f"&after={dashed(after)}" if after else "")

    urls = {
        ("api", "page1"): [api_page(a) for a in pages],
        ("api", "deep"): [api_page(a) for a in deep],
        ("api", "filtered"): [
            api_page(after, f"&exporter={exporter}&commodity={commodity}")
            for exporter, commodity, _, _, after in facts["filtered"]
        ],
        ("api", "detail"): [f"{API}{dashed(i)}/" for i in ids],
        ("bare", "page1"): [bare_page(a) for a in pages],
        ("bare", "deep"): [bare_page(a) for a in deep],
        ("bare", "detail"): [f"{BASELINE}{dashed(i)}/" for i in ids],
    }
    if datasette_db:
        table = f"/{datasette_db}/{TABLE}"

        def ds_page(after, extra=""):
            # Datasette's own next token of a table with a one-column primary key is that
            # key's value (tilde-encoded; hex needs no encoding): checked against page 1.
            nxt = f"&_next={after}" if after else ""
            return f"{table}.json?_size={limit}&_shape=objects&_labels=on{extra}{nxt}"

        urls |= {
            ("datasette", "page1"): [ds_page(a) for a in pages],
            ("datasette", "deep"): [ds_page(a) for a in deep],
            ("datasette", "filtered"): [
                ds_page(after, f"&exporter_id={exporter_pk}&commodity_id={commodity_pk}")
                for _, _, exporter_pk, commodity_pk, after in facts["filtered"]
            ],
            ("datasette", "detail"): [f"{table}/{i}.json?_shape=objects" for i in ids],
        }
    return urls


def check_responses(urls: dict, ports: dict, facts: dict) -> None:
    """The first and last URL of every list answer 200 with what they should hold, and the
    cursors built here are the ones each system would have built itself."""
    limit = facts["limit"]
    for (system, kind), paths in urls.items():
        for index in (0, len(paths) - 1):
            status, body = get(ports[system], paths[index])
            if status != 200:
                sys.exit(f"{system} {kind}: GET {paths[index]}: {status} {body[:300]!r}")
            data = json.loads(body)
            if kind == "detail":
                row = data["rows"][0] if system == "datasette" else data
                want = facts["detail_ids"][index]
                assert row["id"].replace("-", "") == want, (system, row["id"], want)
                continue
            results = data["rows"] if system == "datasette" else data["results"]
            assert len(results) == limit, (system, kind, index, len(results))
            if kind == "deep":
                assert results[0]["id"].replace("-", "") > facts["deep_after"][index]
            if system == "api":
                assert results[0]["citations"], "shipments should cite their source inline"
            if kind == "filtered" and system == "api":
                exporter, commodity, *_ = facts["filtered"][index]
                assert results[0]["exporter"]["id"] == exporter, results[0]
                assert results[0]["commodity"]["id"] == commodity, results[0]
            if kind == "filtered" and system == "datasette":
                _, _, exporter_pk, commodity_pk, _ = facts["filtered"][index]
                assert results[0]["exporter_id"]["value"] == exporter_pk, results[0]
                assert results[0]["commodity_id"]["value"] == commodity_pk, results[0]
    # Our cursors are the systems' own: page 1's next link holds the id of its last row.
    page1 = json.loads(get(ports["api"], urls[("api", "page1")][0])[1])
    cursor = decode_cursor(page1["next"])
    assert cursor == {"v": [page1["results"][-1]["id"]], "b": 0}, cursor
    raw = urllib.parse.parse_qs(urllib.parse.urlsplit(page1["next"]).query)["cursor"][0]
    assert raw == api_cursor(cursor["v"]), "cursor format"  # ours encode as the API does
    if "datasette" in ports:
        api_last = cursor["v"][0].replace("-", "")
        page1 = json.loads(get(ports["datasette"], urls[("datasette", "page1")][0])[1])
        assert page1["next"] == page1["rows"][-1]["id"], page1["next"]
        assert page1["next"] == api_last, "Datasette's _next token: the same row as the API's"
        assert page1["filtered_table_rows_count"] == facts["rows"], "Datasette sees every row"


# --- other processes' CPU: the machine is shared, so every figure says how busy it was ---------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_snapshot(ours: list[int]) -> tuple[float, float, float]:
    """(time, busy CPU seconds of the machine, CPU seconds of our processes).

    Ours: this script and the children it waited for (wrk, CLIs), the servers, and
    PostgreSQL backends of a *_bench database."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    busy = sum(fields) - fields[3] - fields[4]  # minus idle and iowait
    mine = 0
    wanted = {os.getpid(), *ours}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            if pid not in wanted and b"_bench" not in (entry / "cmdline").read_bytes():
                continue
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        mine += int(stat[11]) + int(stat[12])  # utime + stime
        if pid == os.getpid():
            mine += int(stat[13]) + int(stat[14])  # + children we waited for
    return time.monotonic(), busy / CLOCK_TICKS, mine / CLOCK_TICKS


def server_cpu(pids: list[int]) -> float:
    """CPU seconds (utime + stime) the server processes ``pids`` have used."""
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(stat[11]) + int(stat[12])
    return total / CLOCK_TICKS


def other_cores(before, after) -> float:
    """Average number of cores busy with other people's work between two snapshots."""
    elapsed = after[0] - before[0]
    return max(0.0, ((after[1] - before[1]) - (after[2] - before[2])) / elapsed) if elapsed else 0


def wait_quiet(ours: list[int], max_wait: float, threshold: float = 0.3) -> tuple[float, float]:
    """Wait (at most ``max_wait`` s) for other processes to use < ``threshold`` cores.

    Returns the seconds waited and the other processes' load in the last second."""
    began = time.monotonic()
    while True:
        before = cpu_snapshot(ours)
        time.sleep(1)
        busy = other_cores(before, cpu_snapshot(ours))
        if busy < threshold or time.monotonic() - began >= max_wait:
            return time.monotonic() - began, round(busy, 2)


# --- requests/s ---------------------------------------------------------------------------------


def measure(urls: dict, ports: dict, servers: list, args) -> dict:
    """Every (system, kind, mode, connections), ``args.rounds`` interleaved rounds each, so
    that a change of background load hits all of them alike. Key: "api.page1.cold.c2"."""
    # Cold: each run its own slice of the list (slice 0 for the warm-up), so that no URL is
    # asked twice, within a run or across rounds. Warm: the first URL, every time.
    slices = cold_slices(args)
    scripts = {}
    for (system, kind), paths in urls.items():
        size = (len(paths) - 1) // slices
        for n in range(slices):
            file = OUT_DIR / f"wrk-{system}-{kind}-cold-{n}.lua"
            part = paths[1 + n * size : 1 + (n + 1) * size]
            scripts[(system, kind, "cold", n)] = load.write_script(part, file)
        warm = load.write_script(paths[:1], OUT_DIR / f"wrk-{system}-{kind}-warm.lua")
        for n in range(slices):
            scripts[(system, kind, "warm", n)] = warm
    ours = [pid for server in servers for pid in server.pids]
    pids = {system: servers[0 if system != "datasette" else 1].pids for system in ports}
    # Each request's systems one after the other, so that the API and what it is compared
    # with are measured seconds apart, under the same background load.
    plan = sorted(
        (
            (system, kind, mode, c)
            for (system, kind) in urls
            for mode in MODES
            for c in args.connections
        ),
        key=lambda p: (KINDS.index(p[1]), MODES.index(p[2]), p[3], SYSTEMS.index(p[0])),
    )
    for (system, kind), _ in urls.items():  # warm up every server process on every request
        for mode in MODES:
            load.run(ports[system], scripts[(system, kind, mode, 0)], 2, args.warmup)
    state = {f"{s}.{k}.{m}.c{c}": [] for s, k, m, c in plan}
    waited = 0.0
    for round_number in range(args.rounds):
        waited += wait_quiet(ours, args.quiet_wait)[0]
        print(f"   round {round_number + 1} of {args.rounds}", flush=True)
        for system, kind, mode, connections in plan:
            n = 1 + round_number * len(args.connections) + args.connections.index(connections)
            before = cpu_snapshot(ours)
            server_before = server_cpu(pids[system])
            run = load.run(
                ports[system], scripts[(system, kind, mode, n)], connections, args.seconds
            )
            run["server_cpu_s"] = server_cpu(pids[system]) - server_before
            run["other_cores"] = other_cores(before, cpu_snapshot(ours))
            run["load_average"] = os.getloadavg()[0]
            state[f"{system}.{kind}.{mode}.c{connections}"].append(run)
    results = {}
    for key, runs in state.items():
        seconds = sum(r["seconds"] for r in runs)
        result = {
            "rps": round(sum(r["ok"] for r in runs) / seconds, 1),
            "rps_rounds": [round(r["ok"] / r["seconds"], 1) for r in runs],
            "requests": sum(r["requests"] for r in runs),
            "errors": sum(r["errors"] for r in runs),
            "error_kinds": {
                k: sum(r["error_kinds"][k] for r in runs) for k in runs[0]["error_kinds"]
            },
            "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 2),
            "p99_ms": round(max(r["p99_ms"] for r in runs), 2),
            "bytes_per_request": round(
                sum(r["bytes"] for r in runs) / sum(r["requests"] for r in runs)
            )
            if any(r["requests"] for r in runs)
            else 0,
            "other_cores": round(sum(r["other_cores"] * r["seconds"] for r in runs) / seconds, 2),
            # CPU seconds of the server's processes (utime + stime) per 1,000 answers.
            "server_cpu_per_1k": round(
                1000 * sum(r["server_cpu_s"] for r in runs) / max(1, sum(r["ok"] for r in runs)),
                2,
            ),
            "load_average": round(max(r["load_average"] for r in runs), 2),
            # Cold must mean cold: URLs asked twice, and the API's own response-cache verdicts.
            "repeats": sum(r["repeats"] for r in runs),
            "cache_hits": sum(r["cache_hits"] for r in runs),
            "cache_misses": sum(r["cache_misses"] for r in runs),
            "quiet_wait_s": round(waited, 1),
        }
        results[key] = result
        print(
            f"    {key:<28} {result['rps']:>8.1f} req/s  p50 {result['p50_ms']:>7.2f} ms  "
            f"p99 {result['p99_ms']:>7.2f} ms  errors {result['errors']}  "
            f"server CPU {result['server_cpu_per_1k']} s/1k  "
            f"other load {result['other_cores']} cores  cache {hit_ratio(result)}  "
            f"repeats {result['repeats']}",
            flush=True,
        )
    return results


def hit_ratio(result: dict) -> str:
    """The server's response-cache hit ratio of a measurement ("—" if it sent no X-Cache)."""
    hits, misses = result.get("cache_hits", 0), result.get("cache_misses", 0)
    if not hits + misses:
        return "—"
    return f"{100 * hits / (hits + misses):.0f} % of {hits + misses:,}"


# --- the CSV export -------------------------------------------------------------------------


def rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def count_stream(read) -> dict:
    """Bytes, newlines, last byte and first line of a stream read in 1 MiB chunks.

    A chunked HTTP body cut before its terminating chunk raises IncompleteRead in
    http.client: what arrived is still counted, and ``cut`` says it was cut."""
    size = lines = 0
    last = first = b""
    cut = None
    while True:
        try:
            chunk = read(MB)
        except http.client.IncompleteRead as exc:
            chunk, cut = exc.partial, repr(exc)[:200]
        if not chunk:
            break
        if not first:
            first = chunk.split(b"\n", 1)[0]
        size += len(chunk)
        lines += chunk.count(b"\n")
        last = chunk
        if cut:
            break
    return {
        "bytes": size,
        "lines": lines,
        "newline_end": last.endswith(b"\n"),
        "header": first,
        "cut": cut,
    }


def export(port: int, target: str, pids: list[int], expected_rows: int) -> dict:
    """Download ``target`` whole, counting its rows, while sampling the servers' RSS."""
    samples: list[dict[int, int | None]] = []
    done = threading.Event()

    def sampler():
        while not done.is_set():
            samples.append({pid: rss_kb(pid) for pid in pids})
            done.wait(0.2)

    before = {pid: rss_kb(pid) for pid in pids}
    thread = threading.Thread(target=sampler)
    began = time.perf_counter()
    thread.start()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    status = first_byte = None
    stream = {"bytes": 0, "lines": 0, "newline_end": False, "header": b"", "cut": None}
    try:
        conn.request("GET", target)
        response = conn.getresponse()
        first_byte = time.perf_counter() - began
        status = response.status
        stream = count_stream(response.read)
    except (OSError, http.client.HTTPException) as exc:
        stream["cut"] = repr(exc)[:200]
    finally:
        wall = time.perf_counter() - began
        conn.close()
        done.set()
        thread.join()
    rows = max(stream["lines"] - 1, 0)
    # The process that served the export is the one whose RSS moved most.
    series_of = {pid: [s[pid] for s in samples if s.get(pid)] for pid in pids}
    served_by = max(series_of, key=lambda pid: max(series_of[pid] or [0]) - (before[pid] or 0))
    series = series_of[served_by] or [0]
    tenth = series[len(series) // 10]
    return {
        "status": status,
        "complete": not stream["cut"]
        and status == 200
        and stream["newline_end"]
        and rows == expected_rows,
        "error": stream["cut"],
        "seconds": round(wall, 2),
        "first_byte_s": round(first_byte, 3) if first_byte else None,
        "bytes": stream["bytes"],
        "rows": rows,
        "expected_rows": expected_rows,
        "header": stream["header"].decode(errors="replace").strip(),
        "rss_before_mb": round((before[served_by] or 0) / 1024, 1),
        "rss_peak_mb": round(max(series) / 1024, 1),
        "rss_end_mb": round(series[-1] / 1024, 1),
        "rss_growth_after_10pct_mb": round((max(series[len(series) // 10 :]) - tenth) / 1024, 1),
        "rss_deciles_mb": [
            round(series[min(len(series) - 1, k * len(series) // 10)] / 1024, 1) for k in range(11)
        ],
    }


def cli_dump(config: dict, sql: str) -> dict:
    """The same SELECT dumped by the database's own client, its output counted like ours."""
    sql = " ".join(sql.split())
    if vendor(config) == "sqlite":
        tool, command = "sqlite3 -csv", ["sqlite3", "-csv", "-header", str(config["NAME"]), sql]
    else:
        tool = "psql \\copy"
        command = ["psql", "-X", "-q", "-h", str(config.get("HOST") or "127.0.0.1")]
        command += ["-p", str(config.get("PORT") or 5432), "-U", str(config.get("USER"))]
        command += ["-d", str(config["NAME"])]
        command += ["-c", f"\\copy ({sql}) to stdout with (format csv, header)"]
    if not shutil.which(command[0]):
        return {"tool": tool, "missing": True}
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stream = count_stream(process.stdout.read)
    stderr = process.stderr.read().decode()
    process.wait()
    if process.returncode:
        sys.exit(f"{tool} failed: {stderr}")
    return {
        "tool": tool,
        "seconds": round(time.perf_counter() - began, 2),
        "rows": stream["lines"] - 1,
        "bytes": stream["bytes"],
    }


def exports(name: str, port: int, target: str, pids, rows: int, repeats: int, args) -> list:
    runs = []
    for _ in range(repeats):
        wait_quiet(pids, args.quiet_wait)
        before = cpu_snapshot(pids)
        served_before = server_cpu(pids)
        run = export(port, target, pids, rows)
        run["server_cpu_s"] = round(server_cpu(pids) - served_before, 2)
        run["load_average"] = round(os.getloadavg()[0], 2)
        run["other_cores"] = round(other_cores(before, cpu_snapshot(pids)), 2)
        runs.append(run)
        print(
            f"    {name}: {run['seconds']} s, {run['rows']:,} rows (complete: {run['complete']}),"
            f" {run['bytes'] / MB:.0f} MiB; RSS {run['rss_before_mb']} → peak "
            f"{run['rss_peak_mb']} MB, growth after the first 10 % "
            f"{run['rss_growth_after_10pct_mb']} MB; server CPU {run['server_cpu_s']} s, "
            f"other cores {run['other_cores']}, load average {run['load_average']}",
            flush=True,
        )
    return runs


# --- one database -------------------------------------------------------------------------------


def bench_one(url: str, args) -> dict:
    config = bench_database(url)
    name = vendor(config)
    print(f"\n== {name}: {config['NAME']}", flush=True)
    facts = describe_in_child(url, args)
    print(
        f"   {facts['rows']:,} published shipments; deep pages after {facts['deep_rows']:,} "
        f"rows; RU/wheat matches {facts['filtered_rows']:,}; {len(facts['filtered'])} "
        "filtered URLs",
        flush=True,
    )
    OUT_DIR.mkdir(exist_ok=True)
    server = API_SERVERS[args.server]
    servers = [server(url, args.timeout, OUT_DIR / f"{args.server}-{name}.log")]
    ports = {"api": servers[0].port, "bare": servers[0].port}
    if name == "sqlite" and not args.no_datasette:
        servers.append(Datasette(Path(config["NAME"]), OUT_DIR / "datasette.log"))
        ports["datasette"] = servers[1].port
    result = {
        "database": name,
        "facts": {k: v for k, v in facts.items() if not isinstance(v, list)},
        "servers": {s.name: s.display_command() for s in servers},
    }
    try:
        urls = url_lists(facts, servers[1].database if len(servers) > 1 else None)
        result["urls"] = {
            f"{s}.{k}": {"warm": v[0], "cold": len(v), "cold_examples": v[1:3]}
            for (s, k), v in urls.items()
        }
        check_responses(urls, ports, facts)
        if not args.csv_only:
            print(
                f"   wrk, {args.rounds} rounds of {args.seconds:g} s, connections "
                f"{', '.join(map(str, args.connections))}:",
                flush=True,
            )
            result["load"] = measure(urls, ports, servers, args)
        print("   CSV of every row:", flush=True)
        api = servers[0]
        result["exports"] = exports(
            "API ?format=csv",
            api.port,
            f"{API}?format=csv",
            api.workers(),
            facts["rows"],
            args.csv_repeats,
            args,
        )
        if "datasette" in ports:
            result["datasette_exports"] = exports(
                "Datasette _stream=on",
                ports["datasette"],
                f"/{servers[1].database}/{TABLE}.csv?_stream=on&_size=max",
                servers[1].pids,
                facts["rows"],
                args.datasette_csv_repeats,
                args,
            )
    finally:
        for server in servers:
            server.stop()
    if args.trap_timeout and name == "sqlite":
        # PRODUCT.md's trap: a worker timeout shorter than the export cuts it after the 200.
        trap = API_SERVERS["gunicorn"](
            url, args.trap_timeout, OUT_DIR / f"gunicorn-{name}-trap.log"
        )
        try:
            run = export(trap.port, f"{API}?format=csv", trap.workers(), facts["rows"])
        finally:
            trap.stop()
        result["trap"] = {**run, "timeout": args.trap_timeout}
        print(f"   trap: --timeout {args.trap_timeout}: {run['rows']:,} rows, {run['error']}")
    dumps = []
    for _ in range(args.csv_repeats):
        # The CLI and its database backend are gone when it ends, so their CPU cannot be told
        # apart afterwards: the load of other processes is the one measured just before.
        _, busy = wait_quiet([], args.quiet_wait)
        dump = cli_dump(config, facts["export_sql"])
        dump["other_cores"] = busy
        dumps.append(dump)
        print(f"    {dump['tool']}: {dump.get('seconds')} s, {dump.get('rows', 0):,} rows")
    result["cli_dumps"] = dumps
    return result


# --- the report ---------------------------------------------------------------------------------


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "",
    )
    mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]

    def version(*command):
        if not shutil.which(command[0]) and command[0] != sys.executable:
            return None
        out = subprocess.run(command, capture_output=True, text=True, check=False)
        return (out.stdout or out.stderr).strip().splitlines()[0]

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(int(mem) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
        "sqlite_cli": (version("sqlite3", "--version") or "").split(" ")[0] or None,
        "gunicorn": version(sys.executable, "-m", "gunicorn", "--version"),
        "granian": "granian "
        + (version(sys.executable, "-m", "granian", "--version") or "?").split()[-1],
        "datasette": version(sys.executable, "-m", "datasette", "--version").split()[-1],
        "wrk": " ".join((version("wrk", "-v") or "").split()[:2]),  # "wrk debian/4.1.0-3"
    }


def best(runs: list[dict]) -> dict:
    return min(runs, key=lambda run: run["seconds"])


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("**met**" if ok else "**missed**")


KIND_LABELS = {
    "page1": "page (cold: after a random row; warm: page 1)",
    "deep": "deep page (after 90 % of the rows; cold: a random one)",
    "filtered": "filtered (exporter + commodity)",
    "detail": "detail (one shipment)",
}
DB_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def targets(results: dict, connections: list[int]) -> list[tuple]:
    """(target, database, c, measured, ratio text, met) for every target of issue 10."""
    out = []
    dbs = [results[n] for n in ("sqlite", "postgresql") if n in results]

    seen: list[float] = []  # other processes' load (cores) during the figures of a row

    def add(row):
        out.append((*row, max(seen) if seen else None))
        seen.clear()

    def rps(d, system, kind, mode, c):
        """Requests/s, or None where not measured or where over 1 % of requests failed (a
        failed measurement is reported in the figures, not turned into a verdict)."""
        entry = d.get("load", {}).get(f"{system}.{kind}.{mode}.c{c}")
        if not entry or entry["errors"] > 0.01 * max(1, entry["requests"]):
            return None
        seen.append(entry["other_cores"])
        return entry["rps"]

    for d in dbs:  # cold must be cold, or its figures compare nothing
        cold = [e for k, e in d.get("load", {}).items() if ".cold." in k]
        if cold and "repeats" in cold[0]:
            seen[:] = [e["other_cores"] for e in cold]
            hits = sum(e["cache_hits"] for e in cold)
            answers = hits + sum(e["cache_misses"] for e in cold)
            repeats = sum(e["repeats"] for e in cold)
            add(
                ("cold runs are cold: no URL asked twice, API response cache never hit",
                 DB_LABELS[d["database"]], 1,
                 f"{repeats} repeats; {hits} hits of {answers:,} API answers",
                 f"{hits / max(1, answers):.0%}", repeats == 0 and hits == 0)
            )  # fmt: skip
    for c in connections:
        for d in dbs:
            db = DB_LABELS[d["database"]]
            for kind in KINDS:
                seen.clear()
                api, peer = rps(d, "api", kind, "cold", c), rps(d, "datasette", kind, "cold", c)
                if api and peer:
                    ratio = api / peer
                    add(
                        (f"cold {kind}: ≥ 3× Datasette", db, c, f"{api:.0f} / {peer:.0f} req/s",
                         f"{ratio:.2f}×", ratio >= 3)
                    )  # fmt: skip
            for kind in ("page1", "deep", "detail"):
                seen.clear()
                api, bare = rps(d, "api", kind, "cold", c), rps(d, "bare", kind, "cold", c)
                if api and bare:
                    ratio = api / bare
                    # Issue 21: a cold page ≥ 75 % of the bare view (issue 10 said 50 %).
                    floor = 0.5 if kind == "detail" else 0.75
                    label = f"cold {kind}: ≥ {floor:.0%} of the bare view"
                    if kind == "detail":
                        label += " (bare detail view added; issue names page 1 and deep)"
                    add(
                        (label, db, c, f"{api:.0f} / {bare:.0f} req/s", f"{ratio:.0%}",
                         ratio >= floor)
                    )  # fmt: skip
            for kind in ("page1", "deep", "detail"):
                seen.clear()
                api, bare = rps(d, "api", kind, "warm", c), rps(d, "bare", kind, "warm", c)
                if api and bare:
                    ratio = api / bare
                    add(
                        (f"warm {kind}: ≥ the bare view", db, c, f"{api:.0f} / {bare:.0f} req/s",
                         f"{ratio:.0%}", ratio >= 1)
                    )  # fmt: skip
            for mode in MODES:
                seen.clear()
                first, deep = rps(d, "api", "page1", mode, c), rps(d, "api", "deep", mode, c)
                if first and deep:
                    ratio = first / deep
                    add(
                        (f"{mode} deep page within 1.5× of page 1", db, c,
                         f"page 1 {first:.0f} / deep {deep:.0f} req/s", f"{ratio:.2f}×",
                         ratio <= 1.5)
                    )  # fmt: skip
        if len(dbs) == 2:
            s, p = dbs
            for kind in KINDS:
                seen.clear()
                lite, pg = rps(s, "api", kind, "cold", c), rps(p, "api", kind, "cold", c)
                if lite and pg:
                    ratio = lite / pg
                    add(
                        (f"cold {kind}: PostgreSQL within 1.5× of SQLite", "both", c,
                         f"SQLite {lite:.0f} / PostgreSQL {pg:.0f} req/s", f"{ratio:.2f}×",
                         ratio <= 1.5)
                    )  # fmt: skip
    for d in dbs:
        db = DB_LABELS[d["database"]]
        api = best(d["exports"])
        seen[:] = [api["other_cores"]]
        clis = [r for r in d["cli_dumps"] if "seconds" in r]
        if clis:
            cli = best(clis)
            seen[:] = [api["other_cores"], cli["other_cores"]]
            ratio = api["seconds"] / cli["seconds"]
            add(
                (f"full CSV within 1.5× of {cli['tool']}", db, 1,
                 f"{api['seconds']:.1f} / {cli['seconds']:.1f} s", f"{ratio:.2f}×", ratio <= 1.5)
            )  # fmt: skip
        if d.get("datasette_exports"):
            peer = best(d["datasette_exports"])
            seen[:] = [api["other_cores"], peer["other_cores"]]
            ratio = peer["seconds"] / api["seconds"]
            complete = peer["complete"]
            add(
                ("full CSV ≥ 5× faster than Datasette `_stream=on`", db, 1,
                 f"Datasette {peer['seconds']:.1f} s (complete: {complete}) / API "
                 f"{api['seconds']:.1f} s", f"{ratio:.2f}×", ratio >= 5)
            )  # fmt: skip
        seen[:] = [r["other_cores"] for r in d["exports"]]
        peak = max(r["rss_peak_mb"] for r in d["exports"])
        growth = max(r["rss_growth_after_10pct_mb"] for r in d["exports"])
        complete = all(r["complete"] for r in d["exports"])
        add(
            ("full CSV: worker RSS < 150 MB and flat, file complete", db, 1,
             f"peak {peak} MB, +{growth} MB after the first 10 %, complete: {complete}",
             f"{peak:.0f} MB", peak < 150 and growth < 10 and complete)
        )  # fmt: skip
    if len(dbs) == 2:
        seen[:] = [best(d["exports"])["other_cores"] for d in dbs]
        s, p = (best(d["exports"])["seconds"] for d in dbs)
        add(
            ("full CSV: PostgreSQL within 1.5× of SQLite", "both", 1,
             f"PostgreSQL {p:.1f} s / SQLite {s:.1f} s", f"{p / s:.2f}×", p / s <= 1.5)
        )  # fmt: skip
    for d in dbs:  # a failed measurement gets no verdict, but is not left out silently
        for key, entry in d.get("load", {}).items():
            if entry["errors"] > 0.01 * max(1, entry["requests"]):
                seen[:] = [entry["other_cores"]]
                add(
                    (f"(no verdict: `{key}` failed)", DB_LABELS[d["database"]], 1,
                     f"{entry['errors']} of {entry['requests']} requests failed: "
                     f"{entry['error_kinds']}", "—", None)
                )  # fmt: skip
    return out


def report(results: dict, args) -> str:
    dbs = [results[n] for n in ("sqlite", "postgresql") if n in results]
    m = results["machine"]
    out: list[str] = []
    w = out.append
    w("# Read API benchmark: results\n")
    versions = ", ".join(
        f"PostgreSQL {d['facts']['server_version']}"
        if d["database"] == "postgresql"
        else f"SQLite {d['facts']['server_version']}"
        for d in dbs
    )
    w(
        f"Run {results['date']} on {m['nproc']} cores ({m['cpu']}), {m['memory_gb']} GB RAM, "
        f"Linux {m['kernel']}, Python {m['python']}, "
        f"{m.get(results['args'].get('server', 'gunicorn'), m['gunicorn'])}, Datasette "
        f"{m['datasette']}, {m['wrk']}, {versions}. Command: `{results['command']}` "
        f"({results['duration_s']} s).\n"
    )
    busy = [e["other_cores"] for d in dbs for e in d["load"].values()]
    if statistics.mean(busy) > 0.5:
        w(
            f"**Warning: a busy machine.** Other processes used {statistics.mean(busy):.2f} of "
            f"the {m['nproc']} cores on average during the measurements (up to {max(busy):.2f}),"
            " despite waiting up to "
            f"{args.quiet_wait:g} s for quiet before each round. Absolute figures are low and "
            "noisy; a ratio is only as good as the load was even on both sides (see the last "
            "column of the targets). Ratios off by a factor of 3 or more stand; those near "
            "their threshold need a quieter run.\n"
        )
    rows = dbs[0]["facts"]["rows"]
    w(
        f"Data: {rows:,} synthetic published shipments (`python -m bench data`), each with one "
        "inline citation; 8 countries, 6 commodities. Pages of 50.\n"
    )
    w("Servers (same machine, 2 cores, shared with the load generator):\n")
    for d in dbs:
        for name, command in d["servers"].items():
            w(f"- {DB_LABELS[d['database']]}, {name}: `{command}`")
    if results["args"].get("server", "gunicorn") == "gunicorn":
        w(
            "- gunicorn with `DJANGO_SETTINGS_MODULE=bench.settings` (config.settings.base + "
            "the bare views), `DEBUG=false`, `API_ANON_RATE=1000000/minute`, the project's "
            "`gunicorn.conf.py` (access log on, as Datasette's uvicorn). Sync workers close "
            "every connection; Datasette keeps them alive (wrk uses keep-alive where offered).\n"
        )
    else:
        w(
            "- Granian with `DJANGO_SETTINGS_MODULE=bench.settings` (config.settings.base + "
            "the bare views), `DEBUG=false`, `API_ANON_RATE=1000000/minute`, the production "
            "settings of `config/granian.py` but 2 workers (HTTP/1.1 with keep-alive, access "
            "log on, as Datasette's uvicorn). Both servers keep connections alive.\n"
        )
    w(
        f"Load: wrk, 1 thread, {' and '.join(map(str, args.connections))} connections, "
        f"{args.rounds} interleaved rounds of {args.seconds:g} s per measurement after a "
        f"{args.warmup:g} s warm-up. **Cold**: no URL is asked twice, within a run or across "
        f"rounds: each cold run has its own {args.cold_urls:,} distinct URLs (a list of "
        f"{args.cold_urls * cold_slices(args):,} per request, cut in slices: one for the "
        "warm-up, one per round and connection count), built from positions drawn at random "
        "without replacement (keyset order): page 1 and the filtered page start after a "
        f"random row (page 1 within the first {dbs[0]['facts']['deep_rows']:,} rows, the deep "
        "page after them, the filtered page anywhere, its exporter × commodity changing on "
        "every request), detail asks for random ids. The cursors are the API's own format "
        "(checked against page 1's `next` link), computed from the ids in a separate process "
        "that reads the database directly, so no server cache sees them beforehand. "
        '"repeats" counts requests beyond a run\'s list (URLs asked again; 0 when cold) and '
        '"API cache" is the server\'s own response-cache hit ratio, from the `X-Cache: hit|'
        "miss` header of every answer (0 % when cold). **Warm**: one URL, repeated (page 1, "
        f"`?exporter={FILTER['exporter']}&commodity={FILTER['commodity']}`, …). Datasette: "
        "`_shape=objects&_labels=on` (the names the API's brief objects carry), its own "
        "`_next` token, the row page `/bench/trade_shipment/<id>.json` for detail. Bare: "
        "`bench/baseline_urls.py`, `values()` + keyset + orjson, flat, no citations.\n"
    )
    for d in dbs:
        w(f"## Requests/s, {DB_LABELS[d['database']]}\n")
        w(
            "| request | mode | conn. | API | bare view | Datasette | API / bare | "
            "API / Datasette | API cache hits | repeats | load avg |"
        )
        w("|---|---|---|---|---|---|---|---|---|---|---|")
        load_ = d["load"]
        for kind in KINDS:
            for mode in MODES:
                for c in args.connections:
                    cells = []
                    for system in SYSTEMS:
                        e = load_.get(f"{system}.{kind}.{mode}.c{c}")
                        cells.append(
                            f"{e['rps']:.0f} (p50 {e['p50_ms']:.1f} ms"
                            + (f", {e['errors']} errors" if e["errors"] else "")
                            + ")"
                            if e
                            else "—"
                        )
                    api = load_.get(f"api.{kind}.{mode}.c{c}")
                    ratios = []
                    for system in ("bare", "datasette"):
                        e = load_.get(f"{system}.{kind}.{mode}.c{c}")
                        ok = e and api and e["rps"]
                        ratios.append(f"{api['rps'] / e['rps']:.2f}×" if ok else "—")
                    systems = [load_.get(f"{x}.{kind}.{mode}.c{c}") for x in SYSTEMS]
                    repeats = sum(e.get("repeats", 0) for e in systems if e)
                    average = max((e.get("load_average", 0) for e in systems if e), default=0)
                    w(
                        f"| {KIND_LABELS[kind]} | {mode} | {c} | " + " | ".join(cells) + " | "
                        + " | ".join(ratios) + f" | {hit_ratio(api) if api else '—'} | "
                        + f"{repeats if mode == 'cold' else '—'} | {average:.1f} |"
                    )  # fmt: skip
        others = [e["other_cores"] for e in load_.values()]
        w(
            f"\nOther processes' load during these measurements: mean "
            f"{statistics.mean(others):.2f} cores, max {max(others):.2f}. Bytes per response: "
            + ", ".join(
                f"{key.split('.')[0]} {key.split('.')[1]} {e['bytes_per_request'] / 1024:.0f} KiB"
                for key, e in load_.items()
                if key.endswith("warm.c2")
            )
            + ".\n"
        )
        w(f"## Full CSV, {DB_LABELS[d['database']]}\n")
        w("| export | seconds (runs) | rows, complete | RSS before → peak, growth after 10 % |")
        w("|---|---|---|---|")
        for label, runs in (
            ("API `?format=csv`", d["exports"]),
            ("Datasette `.csv?_stream=on&_size=max`", d.get("datasette_exports") or []),
        ):
            if runs:
                top = best(runs)
                w(
                    f"| {label} | **{top['seconds']:.1f}** ("
                    + ", ".join(str(r["seconds"]) for r in runs)
                    + f") | {top['rows']:,}, {'yes' if top['complete'] else 'NO'} | "
                    f"{top['rss_before_mb']} → {top['rss_peak_mb']} MB, "
                    f"+{top['rss_growth_after_10pct_mb']} MB |"
                )
        clis = [r for r in d["cli_dumps"] if "seconds" in r]
        if clis:
            top = best(clis)
            w(
                f"| {top['tool']} of the export's own SELECT | **{top['seconds']:.1f}** ("
                + ", ".join(str(r["seconds"]) for r in clis)
                + f") | {top['rows']:,} | — |"
            )
        if d.get("trap"):
            t = d["trap"]
            w(
                f"\nTimeout trap (gunicorn `--timeout {t['timeout']}`): status {t['status']}, "
                f"then {t['rows']:,} of {t['expected_rows']:,} rows; the client saw: "
                f"`{t['error']}`."
            )
        w("")
    w("## Targets (issue 10, PRODUCT.md section 5)\n")
    w(
        f"c = connections; the targets are set at c={args.connections[0]}, the other rows are "
        "reported beside them.\n"
    )
    w(
        "Other load: the most cores other processes used during the figures of the row "
        "(the machine is shared); a verdict taken above ~0.5 core is noisy, and one where "
        "the two sides saw very different load is not a fair comparison.\n"
    )
    w("| target | database | c | measured | ratio | verdict | other load |")
    w("|---|---|---|---|---|---|---|")
    for target, db, c, measured, ratio, ok, busy in targets(results, args.connections):
        w(
            f"| {target} | {db} | {c if c != 1 else '—'} | {measured} | {ratio} | {verdict(ok)} "
            f"| {'—' if busy is None else f'{busy:.2f}'} |"
        )
    w(
        "| per-page query count constant from 50 to 500 rows | — | — | checked by the API's "
        "test suite, not here | — | — | — |"
    )
    if "postgresql" not in results:
        w("| PostgreSQL within 1.5× of SQLite | — | — | not measured in this run | — | — | — |")
    w("")
    return "\n".join(out)


def print_targets(results: dict, args) -> None:
    print("\nTargets (issue 10):")
    for target, db, c, measured, ratio, ok, _ in targets(results, args.connections):
        c_text = f"c={c}" if c != 1 else ""
        mark = "met" if ok else "MISSED"
        print(f"  {mark:<7} {target:<62} {db:<10} {c_text:<4} {ratio:>7}  ({measured})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--sqlite", default="sqlite", help="the SQLite bench DB (name or URL)")
    parser.add_argument("--postgresql", default="postgresql", help="the PostgreSQL bench DB")
    parser.add_argument("--connections", type=int, nargs="+", default=[2, 8])
    parser.add_argument("--seconds", type=float, default=8, help="per wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds")
    parser.add_argument("--warmup", type=float, default=1)
    parser.add_argument(
        "--cold-urls", type=int, default=12000, help="distinct URLs per cold run (none repeats)"
    )
    parser.add_argument("--deep-fraction", type=float, default=0.9)
    parser.add_argument("--csv-repeats", type=int, default=2)
    parser.add_argument("--datasette-csv-repeats", type=int, default=1)
    parser.add_argument("--no-datasette", action="store_true")
    parser.add_argument(
        "--csv-only",
        action="store_true",
        help="only the full CSV exports and CLI dumps (no wrk runs, no RESULTS.md)",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=45,
        help="before each round, wait up to this many seconds for other processes to calm down",
    )
    parser.add_argument(
        "--server",
        choices=sorted(API_SERVERS),
        default=DEFAULT_SERVER,
        help="the server of the API and the bare view (bench/servers.py)",
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=300,
        help="gunicorn --timeout: must exceed the longest export (see README.md)",
    )
    parser.add_argument(
        "--trap-timeout",
        type=int,
        default=0,
        help="also export once under this (too short) gunicorn --timeout, to show the cut",
    )
    parser.add_argument("--results", default=str(Path(__file__).with_name("RESULTS.md")))
    parser.add_argument("--report-only", help="re-render the report from a results.json")
    parser.add_argument("--describe", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.describe is not None:
        print(json.dumps(describe(args.describe, args.cold_urls, PAGE)))
        return
    if args.report_only:
        results = json.loads(Path(args.report_only).read_text())
        write_report(results, argparse.Namespace(**{**vars(args), **results["args"]}))
        return
    load.require_wrk()  # before anything else: without it there is nothing to measure
    started = time.monotonic()
    results = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "command": " ".join(["python -m bench run", *(argv or [])]),
        "args": {k: v for k, v in vars(args).items() if k not in ("describe", "report_only")},
    }
    for name in ("sqlite", "postgresql"):
        if args.only in (None, name):
            results[name] = bench_one(bench_url(getattr(args, name)), args)
    results["duration_s"] = round(time.monotonic() - started)
    OUT_DIR.mkdir(exist_ok=True)
    if args.csv_only:  # no request rates: the figures were printed, the raw ones are kept
        (OUT_DIR / "csv-results.json").write_text(json.dumps(results, indent=2))
        print(f"\nRaw figures: {OUT_DIR / 'csv-results.json'}")
        return
    (OUT_DIR / "results.json").write_text(json.dumps(results, indent=2))
    write_report(results, args)


def write_report(results: dict, args) -> None:
    rows = next(results[k]["facts"]["rows"] for k in ("sqlite", "postgresql") if k in results)
    text = report(results, args) + (
        "\nWhy the targets missed are missed, with profiles, and what the app should change: "
        "bench/DIAGNOSIS.md.\n\n## Reproduce\n\n```sh\n"
        f"python -m bench data --rows {rows}\n"
        + (
            f"python -m bench data --db postgresql --rows {rows}\n"
            if "postgresql" in results
            else ""
        )
        + f"{results['command']}\n```\n\nRaw figures: bench/out/results.json (not committed).\n"
    )
    # The 1M / 10M and PostgreSQL / SQLite section of `python -m bench scale` stays.
    from bench.scale import kept_section

    kept = kept_section(Path(args.results))
    Path(args.results).write_text(text + (f"\n{kept}" if kept else ""))
    print_targets(results, args)
    print(f"\nWrote {args.results} (raw figures: {OUT_DIR / 'results.json'})")


if __name__ == "__main__":
    main(sys.argv[1:])
