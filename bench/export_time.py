"""Time one export in-process (Django test Client, bench database): wall and CPU seconds.

    python -m bench export '/api/v1/trade/shipments/?format=csv' [--db postgresql] [--repeat 3]
    python -m bench export '/api/v1/trade/shipments/?format=csv' --cli   # + sqlite3/psql

Reads the whole streamed body and prints, per run: wall seconds, this process's CPU seconds
(every thread's: ``time.process_time``), the machine's load average, bytes, lines, the
body's SHA-256 (to compare two versions of the code byte for byte) and the growth of the
process's RSS after the first tenth of the body (flat memory: about 0). With ``--cli``, the
database's own client dumps the export's SQL as CSV (``sqlite3 -csv`` / ``psql \\copy``),
timed the same way (its CPU is the child's, from ``os.wait4``), between the runs.
"""

import argparse
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_database, bench_url, setup_django, vendor


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--db", default="sqlite", help="sqlite, postgresql or a bench DB URL")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--cli", action="store_true", help="also the database's CLI, interleaved")
    args = parser.parse_args(argv)
    url = bench_url(args.db)
    os.environ["DATABASE_URL"] = url  # refuses anything but a bench database
    setup_django()
    from django.db import connection
    from django.test import Client

    client = Client(SERVER_NAME="127.0.0.1")
    statements = []

    def keep_sql(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    for run in range(args.repeat):
        digest = hashlib.sha256()
        size = lines = 0
        began, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(keep_sql):
            response = client.get(args.path)
            assert response.status_code == 200, response.content[:500]
            rss = []
            for chunk in response.streaming_content:
                digest.update(chunk)
                size += len(chunk)
                lines += chunk.count(b"\n")
                rss.append(rss_mb())
        wall, cpu = time.perf_counter() - began, time.process_time() - cpu
        tenth = rss[len(rss) // 10] if rss else 0
        print(
            f"run {run + 1}: {wall:.2f} s wall, {cpu:.2f} s CPU, load {load()}; "
            f"{size:,} bytes, {lines:,} lines, sha256 {digest.hexdigest()[:16]}; "
            f"RSS {max(rss or [0]):.0f} MB peak, +{max(rss[len(rss) // 10 :] or [0]) - tenth:.1f}"
            f" MB after the first tenth",
            flush=True,
        )
        if args.cli:
            cli(bench_database(url), statements[-1], connection)


def cli(config: dict, statement, connection) -> None:
    """The export's last statement (the big one) through the database's own client."""
    sql, params = statement
    if vendor(config) == "sqlite":
        with connection.cursor() as cursor:
            sql = connection.ops.last_executed_query(cursor, sql, params)
        command = ["sqlite3", "-csv", str(config["NAME"]), " ".join(sql.split())]
    else:
        import psycopg

        connection.ensure_connection()
        sql = psycopg.ClientCursor(connection.connection).mogrify(sql, params)
        sql = sql.removeprefix("COPY (").rsplit(") TO STDOUT", 1)[0]
        command = ["psql", "-X", "-q", "-h", str(config.get("HOST") or "127.0.0.1")]
        command += ["-p", str(config.get("PORT") or 5432), "-U", str(config.get("USER"))]
        command += ["-d", str(config["NAME"]), "-c"]
        command += [f"\\copy ({' '.join(sql.split())}) to stdout with (format csv)"]
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE)
    size = lines = 0
    while chunk := process.stdout.read(1 << 20):
        size += len(chunk)
        lines += chunk.count(b"\n")
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - began
    print(
        f"  {command[0]}: {wall:.2f} s wall, {usage.ru_utime + usage.ru_stime:.2f} s CPU, "
        f"load {load()}; {size:,} bytes, {lines:,} lines (exit {status >> 8})",
        flush=True,
    )


if __name__ == "__main__":
    main()
