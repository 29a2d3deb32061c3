"""The full Schemathesis run: its CLI against a real server, anonymously and as a curator.

    DATABASE_URL=sqlite:////tmp/fuzz.sqlite3 .venv/bin/python -m tools.fuzz
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fuzz .venv/bin/python -m tools.fuzz

The database at DATABASE_URL is reset and loaded with the seed release (tools/serve_seeded).
Every check (``--checks all``), every phase (examples, coverage, fuzzing, stateful), with
schemathesis.toml (the statuses each operation may answer; tests/api/test_expected_statuses
holds each of them to the schema). The schema is the one the server serves. Exits non-zero
if either identity finds a failure or an error; the JUnit reports stay in ``--report-dir``.

``tests/api/test_schemathesis.py`` is the CI gate (in process, few examples); this run is
the long one, by hand or before a release (``make fuzz``).
"""

import argparse
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from tools.serve_seeded import ROOT, seeded_server

ST = Path(sys.executable).parent / "st"

# The throttle is tested on its own (tests/api/test_throttle*); here every request must reach
# the app, or a 429 would stand in for whatever the API answers.
UNTHROTTLED = {"API_ANON_RATE": "1000000/minute", "API_USER_RATE": "1000000/minute"}


def run(url: str, name: str, headers: list[str], args, report_dir: Path) -> dict:
    junit = report_dir / f"{name}.xml"
    command = [
        str(ST),
        "run",
        f"{url}/api/v1/schema/",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--seed",
        str(args.seed),
        "--workers",
        str(args.workers),
        "--report",
        "junit",
        "--report-junit-path",
        str(junit),
        # Gzip is tested in tests/api/test_serving; bodies are read as they are.
        "-H",
        "Accept-Encoding: identity",
        *[item for header in headers for item in ("-H", header)],
    ]
    if args.max_examples:
        command += ["--max-examples", str(args.max_examples)]
    started = time.monotonic()
    log = report_dir / f"{name}.log"
    with open(log, "w") as out:
        # schemathesis.toml is read from the working directory.
        code = subprocess.run(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT).returncode
    seconds = time.monotonic() - started
    tail = log.read_text().splitlines()[-12:]
    # No report: st stopped before the end (its log says why); count it as an error.
    cases = ET.parse(junit).getroot().findall(".//testcase") if junit.exists() else []
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    errored = [c.get("name") for c in cases if c.find("error") is not None]
    return {
        "identity": name,
        "exit": code,
        "operations": len(cases),
        "failed": failed,
        "errored": errored or ([] if cases else [f"no report: see {log}"]),
        "seconds": round(seconds),
        "summary": tail,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("FUZZ_PORT", "8301")))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", default="2")
    parser.add_argument("--max-examples", type=int, help="per operation (Schemathesis: 100)")
    parser.add_argument("--only", choices=["anonymous", "curator"])
    parser.add_argument("--report-dir", type=Path, default=ROOT / "schemathesis-report")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        parser.error("set DATABASE_URL (it is reset: a throwaway database)")
    args.report_dir.mkdir(parents=True, exist_ok=True)
    # Stopped (make's Ctrl-C, a timeout): unwind, so the server is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results = []
    with seeded_server(database_url, args.port, UNTHROTTLED) as (url, token):
        identities = {
            "anonymous": [],
            # If-Match: * lets writes past the 428 to validation and the services.
            "curator": [f"Authorization: Token {token}", "If-Match: *"],
        }
        for name, headers in identities.items():
            if args.only in (None, name):
                results.append(run(url, name, headers, args, args.report_dir))
    backend = database_url.split(":", 1)[0]
    for result in results:
        print(
            f"{backend} {result['identity']}: {result['operations']} operations, "
            f"{len(result['failed'])} failed, {len(result['errored'])} errors, "
            f"{result['seconds']} s (st exit {result['exit']})"
        )
        print("\n".join(f"    {line}" for line in result["summary"]))
        for name in result["failed"] + result["errored"]:
            print(f"    FAILED {name}")
    return int(any(r["exit"] or r["failed"] or r["errored"] for r in results))


if __name__ == "__main__":
    sys.exit(main())
