"""A consumer's script gives the same results on SQLite and on PostgreSQL (``make consumer``).

    .venv/bin/python -m tools.consumer_check sqlite:////tmp/consumer.sqlite3 \
        postgres://postgres@127.0.0.1:5432/consumer

Generates the client from the committed openapi.yaml (openapi-python-client, failing on any
warning), then for each database: reset it, load the seed release, serve it with Granian
(tools/serve_seeded), run docs/examples/consumer.py against it. Prints each output and a
diff; exits non-zero if the outputs differ or a run fails. The databases are reset: use
throwaway ones.
"""

import argparse
import difflib
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from tools.serve_seeded import PYTHON, ROOT, seeded_server

BIN = Path(PYTHON).parent
CONSUMER = ROOT / "docs" / "examples" / "consumer.py"


def generate_client(into: Path) -> Path:
    """The client package ``tdclient`` under ``into`` (what a consumer would do)."""
    result = subprocess.run(
        [
            *(BIN / "openapi-python-client", "generate", "--path", ROOT / "openapi.yaml"),
            *("--meta", "none", "--output-path", into / "tdclient", "--fail-on-warning"),
        ],
        # The generator formats its output with ruff, from the virtualenv.
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"client generation failed:\n{result.stdout}{result.stderr}")
    return into


def consume(database_url: str, port: int, client_dir: Path) -> str:
    with seeded_server(database_url, port) as (url, _token):
        result = subprocess.run(
            [PYTHON, CONSUMER, url],
            env={**os.environ, "PYTHONPATH": str(client_dir)},
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode:
        raise SystemExit(f"consumer.py on {database_url} failed:\n{result.stderr}")
    return result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("databases", nargs=2, metavar="DATABASE_URL")
    parser.add_argument("--port", type=int, default=int(os.environ.get("CONSUMER_PORT", "8303")))
    args = parser.parse_args()
    # Stopped (make's Ctrl-C, a timeout): unwind, so the server is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    client_dir = generate_client(Path(tempfile.mkdtemp(prefix="consumer-client-")))
    outputs = []
    for url in args.databases:
        outputs.append(consume(url, args.port, client_dir))
        print(f"== {url.split(':', 1)[0]}\n{outputs[-1]}", flush=True)
    diff = list(
        difflib.unified_diff(
            outputs[0].splitlines(),
            outputs[1].splitlines(),
            *(url.split(":", 1)[0] for url in args.databases),
            lineterm="",
        )
    )
    print("\n".join(diff) if diff else "identical on both databases")
    return int(bool(diff))


if __name__ == "__main__":
    sys.exit(main())
