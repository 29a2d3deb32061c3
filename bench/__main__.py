"""The benchmark's command line: ``python -m bench COMMAND [options]``.

    python -m bench data [--db sqlite|postgresql] [--rows N]   # synthetic data (idempotent)
    python -m bench run [--only sqlite] [--seconds 8] …        # measure, write bench/RESULTS.md
    python -m bench profile '/api/v1/trade/shipments/?limit=50' [--db postgresql]
    python -m bench servers [--variant granian:--blocking-threads=1] …  # gunicorn vs Granian
    python -m bench overhead [--profile detail]    # the API's CPU per request beyond the bare view
    python -m bench scale --db sqlite --db postgresql    # cold requests, in-process, by DB
    python -m bench export '/api/v1/trade/shipments/?format=csv' [--cli]  # one export, timed

Each command is a module of this package with a ``main(argv)``; ``python -m bench CMD -h``
lists its options. Only bench databases are ever used (see bench/common.py).
"""

import importlib
import sys
from pathlib import Path

COMMANDS = {
    "data": "bench.make_data",
    "run": "bench.run",
    "profile": "bench.profile_request",
    "servers": "bench.servers_ab",
    "overhead": "bench.overhead",
    "scale": "bench.scale",
    "export": "bench.export_time",
}


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in COMMANDS:
        sys.exit(__doc__.strip())
    # The project root, so that ``python -m bench`` works from any directory.
    root = str(Path(__file__).resolve().parent.parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    sys.argv[0] = f"python -m bench {argv[0]}"  # for argparse's usage lines
    importlib.import_module(COMMANDS[argv[0]]).main(argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
