"""Load with faults: 32 clients against gunicorn + PostgreSQL, and PostgreSQL stopped midway.

A bounded script, not a test. It

1. builds its own database, ``tradediplomacy_faults`` (dropped first; it refuses any name
   not ending in ``_faults``): ``migrate``, ``load_dataset``, a curator and an API token;
2. starts gunicorn (``gunicorn.conf.py``, base settings over plain HTTP, throttling off,
   shared state in Redis database 14, which it flushes);
3. **normal run**: N clients (threads, stdlib ``http.client``, a new connection per request
   as gunicorn's sync workers close each one) for D seconds, a mix of lists, filters,
   details, search (``q=``), CSV exports and curator writes (POST of a draft official that
   cites a quote); reports requests/s, p50/p95/p99 latency and errors;
4. **fault run**: the same, with PostgreSQL stopped at ``--fault-at`` seconds and started
   again ``--outage`` seconds later (``pg_ctlcluster``). Reports every error during the
   outage by status (they must all be 503s), the time from PostgreSQL's return to the
   first good answer, and errors outside the outage (there must be none);
5. checks every curator write, from both runs, in the database: either whole (the official,
   its citation, its history row and its change-feed row) or absent. A 201 must be whole.

Run from the project folder, as root (pg_ctlcluster), on a machine with nothing else that
needs PostgreSQL for two minutes:

    .venv/bin/python bench/load_faults.py                      # both runs, 60 s each
    .venv/bin/python bench/load_faults.py --duration 20 --skip-normal   # a quick fault run

Exit status 1 when an acceptance check fails (errors outside the outage, anything but 503
during it, a partial write, or no recovery).
"""

import argparse
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_CLUSTER = ("15", "main")
DB_NAME = "tradediplomacy_faults"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_URL = "redis://127.0.0.1:6379/14"
CURATOR = "load-curator"
SOURCE = "d1029b1c-a139-54e0-b414-5de70a7cb453"  # the seed's news article
QUOTE = "Zamir Kabulov, Russia’s Special Representative for Afghanistan"

# (kind, weight, path or paths). Details are filled in from the seed's ids at start.
READS = {
    "list": [
        "/api/v1/diplomacy/countries/?limit=50",
        "/api/v1/diplomacy/officials/",
        "/api/v1/diplomacy/statements/",
        "/api/v1/trade/shipments/",
        "/api/v1/trade/commodities/",
        "/api/v1/changes/?limit=20",
    ],
    "filter": [
        "/api/v1/trade/shipments/?exporter=RU&commodity=wheat",
        "/api/v1/trade/commodities/?parent__n=petroleum-products&brief=true",
        "/api/v1/diplomacy/policy-decisions/?status__n=implemented&facet=status",
        "/api/v1/diplomacy/countries/?name__ic=stan&ordering=-name&limit=10",
    ],
    "search": [
        "/api/v1/diplomacy/officials/?q=Zhirnov",
        "/api/v1/diplomacy/countries/?q=afgh",
        "/api/v1/diplomacy/statements/?q=Taliban",
    ],
    "export": [
        "/api/v1/trade/shipments/?format=csv",
        "/api/v1/diplomacy/countries/?format=csv",
        "/api/v1/diplomacy/officials/?format=ndjson",
    ],
}
WEIGHTS = {"list": 30, "filter": 20, "detail": 25, "search": 12, "export": 8, "write": 5}


def run(*args, env=None, check=True, quiet=False) -> subprocess.CompletedProcess:
    result = subprocess.run(
        args, cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True
    )
    if check and result.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    if not quiet and result.stdout.strip():
        print(result.stdout.strip().splitlines()[-1])
    return result


def manage(*args) -> subprocess.CompletedProcess:
    env = {"DATABASE_URL": DB_URL, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    return run(PYTHON, "manage.py", *args, env=env, quiet=True)


def psql(sql: str) -> str:
    return run(
        "psql", "-h", "127.0.0.1", "-U", "postgres", "-tA", "-c", sql, DB_NAME, quiet=True
    ).stdout


def setup_database() -> str:
    """A fresh faults database with the seed dataset; returns the curator's token."""
    assert DB_NAME.endswith("_faults")  # never the real database
    pg = ("-h", "127.0.0.1", "-U", "postgres")
    run("dropdb", *pg, "--if-exists", "--force", DB_NAME)
    run("createdb", *pg, DB_NAME)
    manage("migrate", "--no-input")
    print(manage("load_dataset").stdout.strip().splitlines()[-1])
    manage("create_curator", CURATOR, "--email", "load@example.org")
    return manage("curator_token", CURATOR, "--days", "1").stdout.splitlines()[1].strip()


class Gunicorn:
    """gunicorn on its own port, with gunicorn.conf.py; output in bench/out/."""

    def __init__(self, port: int, workers: int):
        self.port = port
        self.workers = workers
        self.process = None

    def __enter__(self):
        out = ROOT / "bench" / "out"
        out.mkdir(exist_ok=True)
        env = {
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": DB_URL,
            "REDIS_URL": REDIS_URL,
            "API_ANON_RATE": "100000000/minute",  # measure the API, not the throttle
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(self.workers),
        }
        log = open(out / "load_faults.gunicorn.log", "w")  # closed with the process
        access = str(out / "load_faults.access.log")
        self.process = subprocess.Popen(
            [str(Path(PYTHON).with_name("gunicorn")), "config.wsgi", "--access-logfile", access],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if request("GET", self.port, "/readyz")[0] == 200:
                return self
            time.sleep(0.3)
        self.__exit__()
        sys.exit("gunicorn did not become ready; see bench/out/load_faults.gunicorn.log")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def request(method, port, path, body=None, headers=None, timeout=30.0):
    """(status, body) of one request on a new connection; status is a str on failure."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException) as exc:
        return type(exc).__name__, b""
    finally:
        connection.close()


@dataclass
class Sample:
    start: float  # seconds since the run started
    latency: float  # seconds
    kind: str
    status: int | str
    write_id: str = ""

    @property
    def ok(self) -> bool:
        return self.status == (201 if self.kind == "write" else 200)


@dataclass
class Run:
    name: str
    duration: float
    samples: list[Sample] = field(default_factory=list)
    fault: dict = field(default_factory=dict)


def client(index, port, token, details, run_, started, deadline, lock):
    rng = random.Random(index)
    kinds, weights = zip(*WEIGHTS.items(), strict=True)
    writes = 0
    local = []
    while (now := time.monotonic()) < deadline:
        kind = rng.choices(kinds, weights)[0]
        method, body, headers, write_id = "GET", None, {}, ""
        if kind == "write":
            writes += 1
            write_id = f"load-{run_.name}-{index}-{writes}"
            method, path = "POST", "/api/v1/diplomacy/officials/"
            body = json.dumps(
                {
                    "id": write_id,
                    "name": f"Load Test {index} {writes}",
                    "citations": [{"source": SOURCE, "quote": QUOTE}],
                }
            )
            headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        elif kind == "detail":
            path = rng.choice(details)
        else:
            path = rng.choice(READS[kind])
        status, _ = request(method, port, path, body, headers)
        local.append(Sample(now - started, time.monotonic() - now, kind, status, write_id))
    with lock:
        run_.samples.extend(local)


def fault_injector(run_, started, fault_at, outage):
    """Stops PostgreSQL at ``fault_at`` s, starts it ``outage`` s later; notes the times."""
    time.sleep(fault_at)
    cluster = ["pg_ctlcluster", "--skip-systemctl-redirect", *PG_CLUSTER]
    run_.fault["stop"] = time.monotonic() - started
    run(*cluster, "stop", "-m", "fast", quiet=True)
    run_.fault["stopped"] = time.monotonic() - started
    time.sleep(outage)
    run_.fault["start"] = time.monotonic() - started
    run(*cluster, "start", quiet=True)
    while run("pg_isready", "-q", "-h", "127.0.0.1", check=False).returncode:
        time.sleep(0.05)
    run_.fault["up"] = time.monotonic() - started


def load(name, port, token, details, clients, duration, fault_at=None, outage=0.0) -> Run:
    run_ = Run(name, duration)
    lock = threading.Lock()
    started = time.monotonic()
    deadline = started + duration
    threads = [
        threading.Thread(
            target=client, args=(i, port, token, details, run_, started, deadline, lock)
        )
        for i in range(clients)
    ]
    if fault_at is not None:
        threads.append(
            threading.Thread(target=fault_injector, args=(run_, started, fault_at, outage))
        )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run_.duration = time.monotonic() - started
    return run_


def percentile(values, q):
    if not values:
        return float("nan")
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


def summary(run_: Run) -> dict:
    samples = run_.samples
    latencies = [s.latency * 1000 for s in samples]
    result = {
        "run": run_.name,
        "requests": len(samples),
        "seconds": round(run_.duration, 1),
        "rps": round(len(samples) / run_.duration, 1),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "by_kind": {},
    }
    for kind in WEIGHTS:
        mine = [s for s in samples if s.kind == kind]
        result["by_kind"][kind] = {
            "requests": len(mine),
            "p50_ms": round(percentile([s.latency * 1000 for s in mine], 50), 1),
            "p99_ms": round(percentile([s.latency * 1000 for s in mine], 99), 1),
            "errors": sum(not s.ok for s in mine),
        }
    if not run_.fault:
        result["errors"] = dict(Counter(str(s.status) for s in samples if not s.ok))
        return result

    fault = run_.fault
    # The outage, as clients saw it: from PostgreSQL going down to the first good answer
    # (of any kind) that started after it was back.
    after_up = [s for s in samples if s.ok and s.start >= fault["up"]]
    recovered = min((s.start + s.latency for s in after_up), default=None)
    window_end = recovered if recovered is not None else run_.duration
    during = [s for s in samples if s.start + s.latency >= fault["stop"] and s.start <= window_end]
    during_ids = {id(s) for s in during}
    outside = [s for s in samples if id(s) not in during_ids]
    failed_during = [s for s in during if not s.ok]
    unavailable = [s for s in failed_during if s.status == 503]
    result.update(
        {
            "postgres_stopped_at_s": round(fault["stop"], 2),
            "postgres_down_s": round(fault["up"] - fault["stopped"], 2),
            "errors_outside_outage": dict(Counter(str(s.status) for s in outside if not s.ok)),
            "errors_during_outage": dict(Counter(str(s.status) for s in failed_during)),
            "slowest_503_ms": round(max((s.latency for s in unavailable), default=0) * 1000, 1),
            "recovery_s": (round(recovered - fault["up"], 3) if recovered is not None else None),
            "ok_during_outage": sum(s.ok for s in during),
        }
    )
    return result


def check_writes(runs: list[Run]) -> dict:
    """Each attempted write in the database: whole (4 parts) or absent; a 201 must be whole."""
    attempts = {s.write_id: s.status for r in runs for s in r.samples if s.kind == "write"}
    rows = psql(
        """
        SELECT slug,
               (SELECT count(*) FROM diplomacy_official o WHERE o.slug = h.slug),
               (SELECT count(*) FROM core_citation c
                  JOIN diplomacy_official o ON c.object_id = o.id WHERE o.slug = h.slug),
               count(*),
               (SELECT count(*) FROM core_change ch WHERE ch.record_id = h.slug)
          FROM diplomacy_historicalofficial h WHERE slug LIKE 'load-%' GROUP BY slug
        UNION
        SELECT slug, 1, 0, 0, 0 FROM diplomacy_official o WHERE slug LIKE 'load-%'
           AND NOT EXISTS (SELECT 1 FROM diplomacy_historicalofficial h WHERE h.slug = o.slug)
        """
    )
    found = {}
    for line in rows.splitlines():
        slug, *counts = line.split("|")
        found[slug] = tuple(int(c) for c in counts)
    orphan_changes = psql(
        "SELECT count(*) FROM core_change WHERE record_id LIKE 'load-%' AND record_id "
        "NOT IN (SELECT slug FROM diplomacy_official)"
    ).strip()
    whole = absent = partial = lost = 0
    statuses = Counter()
    for write_id, status in attempts.items():
        parts = found.get(write_id, (0, 0, 0, 0))
        if all(parts):
            whole += 1
            statuses[f"{status} whole"] += 1
        elif not any(parts):
            absent += 1
            statuses[f"{status} absent"] += 1
            lost += status == 201
        else:
            partial += 1
            print(
                f"  PARTIAL {write_id} (status {status}): official, citations, history, "
                f"changes = {parts}"
            )
    return {
        "attempted": len(attempts),
        "whole": whole,
        "absent": absent,
        "partial": partial,
        "acknowledged_but_absent": lost,
        "orphan_change_rows": int(orphan_changes),
        "by_status": dict(statuses),
        "unexpected_rows": sorted(set(found) - set(attempts)),
    }


def report(results: list[dict], writes: dict) -> str:
    lines = [
        "| run | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        errors = r.get("errors", r.get("errors_outside_outage"))
        during = r.get("errors_during_outage")
        text = json.dumps(errors) + (f"; during the outage: {json.dumps(during)}" if during else "")
        lines.append(
            f"| {r['run']} | {r['requests']} | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} "
            f"| {r['p99_ms']} | {text} |"
        )
    lines.append("")
    lines.append("| run | " + " | ".join(WEIGHTS) + " |")
    lines.append("|---|" + "---|" * len(WEIGHTS))
    for r in results:
        cells = [
            f"{k['requests']}, p50 {k['p50_ms']}, p99 {k['p99_ms']}" for k in r["by_kind"].values()
        ]
        lines.append(f"| {r['run']} (requests, ms) | " + " | ".join(cells) + " |")
    for r in results:
        if "recovery_s" in r:
            lines += [
                "",
                f"Fault run: PostgreSQL stopped at {r['postgres_stopped_at_s']} s, down for "
                f"{r['postgres_down_s']} s. Errors during the outage: "
                f"{json.dumps(r['errors_during_outage'])} (slowest 503: {r['slowest_503_ms']} ms); "
                f"errors outside it: {json.dumps(r['errors_outside_outage'])}. First good answer "
                f"{r['recovery_s']} s after PostgreSQL was back; {r['ok_during_outage']} good "
                "answers during the outage window.",
            ]
    lines += [
        "",
        f"Curator writes checked: {writes['attempted']}: {writes['whole']} whole (official, "
        f"citation, history and change rows), {writes['absent']} absent, {writes['partial']} "
        f"partial; {writes['acknowledged_but_absent']} acknowledged (201) but absent; "
        f"{writes['orphan_change_rows']} change rows without their record. By answer: "
        f"{json.dumps(writes['by_status'])}.",
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per run")
    parser.add_argument("--fault-at", type=float, default=20.0, help="seconds into the run")
    parser.add_argument("--outage", type=float, default=5.0, help="seconds PostgreSQL is down")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--skip-normal", action="store_true")
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()
    for tool in ("pg_ctlcluster", "psql", "createdb", "redis-cli"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing")
    if not 0 < args.fault_at < args.duration - args.outage:
        sys.exit("--fault-at must leave the outage and some recovery inside --duration")

    print(f"Setting up {DB_NAME} …")
    token = setup_database()
    run("redis-cli", "-u", REDIS_URL, "flushdb", quiet=True)
    workers = args.workers or (os.cpu_count() or 1) * 2 + 1  # gunicorn.conf.py's default
    results, runs = [], []
    try:
        with Gunicorn(args.port, workers):
            listing = json.loads(request("GET", args.port, "/api/v1/trade/shipments/")[1])
            details = [f"/api/v1/trade/shipments/{s['id']}/" for s in listing["results"]]
            details += [
                "/api/v1/diplomacy/countries/RU/",
                "/api/v1/diplomacy/countries/AF/",
                "/api/v1/diplomacy/officials/dmitry-zhirnov/",
                "/api/v1/trade/commodities/wheat/",
            ]
            print(f"gunicorn: {workers} sync workers; {args.clients} clients, {args.duration} s")
            if not args.skip_normal:
                runs.append(load("normal", args.port, token, details, args.clients, args.duration))
                results.append(summary(runs[-1]))
                print(json.dumps(results[-1]))
            runs.append(
                load(
                    "fault",
                    args.port,
                    token,
                    details,
                    args.clients,
                    args.duration,
                    fault_at=args.fault_at,
                    outage=args.outage,
                )
            )
            results.append(summary(runs[-1]))
            print(json.dumps(results[-1]))
        writes = check_writes(runs)
    finally:
        # PostgreSQL must be back whatever happened (an interrupted fault run).
        cluster = ["pg_ctlcluster", "--skip-systemctl-redirect", *PG_CLUSTER]
        if run("pg_isready", "-q", "-h", "127.0.0.1", check=False).returncode:
            run(*cluster, "start", check=False)
        run("redis-cli", "-u", REDIS_URL, "flushdb", check=False, quiet=True)
    out = ROOT / "bench" / "out"
    (out / "load_faults.json").write_text(json.dumps({"runs": results, "writes": writes}, indent=2))
    text = report(results, writes)
    print()
    print(text)
    if not args.keep_database:
        run("dropdb", "-h", "127.0.0.1", "-U", "postgres", "--force", DB_NAME)

    fault = results[-1]
    failures = []
    if any(r.get("errors") for r in results) or fault["errors_outside_outage"]:
        failures.append("errors outside the outage")
    if set(fault["errors_during_outage"]) - {"503"}:
        failures.append("errors other than 503 during the outage")
    if fault["recovery_s"] is None:
        failures.append("no recovery")
    if writes["partial"] or writes["acknowledged_but_absent"] or writes["orphan_change_rows"]:
        failures.append("partial or lost writes")
    if failures:
        sys.exit("FAILED: " + "; ".join(failures))
    print("\nOK: only 503s during the outage, recovered alone, every write whole or absent.")


if __name__ == "__main__":
    main()
