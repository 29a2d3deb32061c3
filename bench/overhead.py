"""What the API costs beyond the bare view, per request, in-process: CPU, queries, cache calls.

    python -m bench overhead [--db sqlite] [--repeat 300] [--profile detail]

Asks the API and the bare view (bench/baseline_urls.py) for distinct URLs, each once (cold:
a random id for a detail, a random cursor for a page), through Django's test client and so
through every middleware, with the bench settings. Prints, per request kind and system, the
CPU time (``time.process_time``) per request, the queries and the cache calls (get, set,
add, incr… on every cache alias) per request; with ``--profile``, the functions the API
spends its time in (cProfile, by own time) for one kind, for the difference to the bare view.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_url, setup_django

CACHE_METHODS = ("get", "get_many", "set", "set_many", "add", "incr", "delete", "delete_many")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite", help="sqlite, postgresql or a bench DB URL")
    parser.add_argument("--repeat", type=int, default=300, help="distinct URLs per measure")
    parser.add_argument("--profile", choices=("detail", "page"))
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument(
        "--ablate",
        action="store_true",
        help="also the API without throttling, without the response cache, and without both",
    )
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = bench_url(args.db)
    os.environ.setdefault("API_ANON_RATE", "1000000/minute")  # as the benchmark's server
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    setup_django()
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client

    from bench.run import api_cursor, dashed
    from bench.servers import API
    from trade.models import Shipment

    ids = [
        pk.hex
        for pk in Shipment.objects.filter(review_state="published")
        .order_by("?")
        .values_list("id", flat=True)[: 12 * args.repeat + 20]
    ]
    random.Random(21).shuffle(ids)
    ids = iter(ids)
    pools = {"api": ids, "bare": ids}

    def url(system: str, kind: str) -> str:
        pk = next(pools[system])
        if system == "api":
            if kind == "detail":
                return f"{API}{dashed(pk)}/"
            return f"{API}?limit=50&cursor={api_cursor([dashed(pk)])}"
        base = "/bench/baseline/shipments/"
        return f"{base}{dashed(pk)}/" if kind == "detail" else f"{base}?limit=50&after={pk}"

    client = Client(SERVER_NAME="127.0.0.1")
    calls = Counter()
    for alias in caches:
        cache = caches[alias]
        for name in CACHE_METHODS:
            original = getattr(cache, name)

            def counted(*a, __original=original, __name=f"{alias}.{name}", **kw):
                calls[__name] += 1
                return __original(*a, **kw)

            setattr(cache, name, counted)
    queries = [0]

    def count_query(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    for system in ("api", "bare"):  # warm-up: URL resolvers, counts, compiled statements
        for kind in ("detail", "page"):
            assert client.get(url(system, kind)).status_code == 200
    from config.api import response_cache, throttling

    def without(throttle: bool, cache: bool):
        """Switch the API's throttling and its response cache off, for the ablation."""
        originals = (throttling.HeadersMixin.allow_request, response_cache.key_for)
        if throttle:
            throttling.HeadersMixin.allow_request = lambda self, request, view: True
        if cache:
            response_cache.key_for = lambda view: None

        def restore():
            throttling.HeadersMixin.allow_request, response_cache.key_for = originals

        return restore

    systems = [("api", None), ("bare", None)]
    if args.ablate:
        systems[1:1] = [
            ("api", "no throttle"),
            ("api", "no response cache"),
            ("api", "neither"),
        ]
    print(f"{args.repeat} distinct URLs each, CPU per request (process_time):")
    for kind in ("detail", "page"):
        for system, ablation in systems:
            restore = without(
                ablation in ("no throttle", "neither"), ablation in ("no response cache", "neither")
            )
            paths = [url(system, kind) for _ in range(args.repeat)]
            calls.clear()
            queries[0] = 0
            with connection.execute_wrapper(count_query):
                began, wall = time.process_time(), time.perf_counter()
                for path in paths:
                    response = client.get(path)
                    assert response.status_code == 200, (path, response.content[:300])
                cpu, wall = time.process_time() - began, time.perf_counter() - wall
            restore()
            label = f"{system} ({ablation})" if ablation else system
            print(
                f"  {label:<24} {kind:<6} {1000 * cpu / args.repeat:6.2f} ms CPU "
                f"({1000 * wall / args.repeat:6.2f} ms wall), "
                f"{queries[0] / args.repeat:.1f} queries, cache calls per request: "
                + ", ".join(f"{k} {v / args.repeat:g}" for k, v in sorted(calls.items()))
            )
            if args.profile == kind and system == "api":
                profile = cProfile.Profile()
                paths = [url(system, kind) for _ in range(args.repeat // 2)]
                profile.enable()
                for path in paths:
                    client.get(path)
                profile.disable()
                out = io.StringIO()
                stats = pstats.Stats(profile, stream=out)
                stats.sort_stats("tottime").print_stats(args.top)
                stats.sort_stats("cumulative").print_stats(args.top)
                print(out.getvalue())


if __name__ == "__main__":
    main()
