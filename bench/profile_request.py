"""Profile one API request in-process (Django test Client, bench database, cProfile).

    python -m bench profile '/api/v1/trade/shipments/?limit=50' [--db postgresql] \\
        [--repeat 50] [--sort tottime] [--top 30]

Prints the SQL of one request with each query's time, then the profile of ``--repeat``
requests (after two warm-up requests, so cached counts and URL templates are in place).
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_url, setup_django


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--db", default="sqlite", help="sqlite, postgresql or a bench DB URL")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sql", action="store_true", help="print each query in full")
    parser.add_argument("--no-profile", action="store_true", help="only the breakdown")
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = bench_url(args.db)  # refuses anything but a bench database
    setup_django()
    from config.api import response_cache

    # Measure the work, not the response cache (a repeated URL would be a hit).
    response_cache.lookup = lambda key: None
    from django.db import connection
    from django.test import Client

    client = Client(SERVER_NAME="127.0.0.1")

    def fetch():
        response = client.get(args.path)
        if response.streaming:
            for _ in response.streaming_content:
                pass
        assert response.status_code == 200, response.content[:500]
        return response

    fetch()
    fetch()
    queries = []

    def timed_sql(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((time.perf_counter() - began, sql))

    with connection.execute_wrapper(timed_sql):
        began = time.perf_counter()
        fetch()
        total = time.perf_counter() - began
    print(
        f"One request: {1000 * total:.1f} ms, {len(queries)} queries, "
        f"{1000 * sum(t for t, _ in queries):.1f} ms in SQL (execute only, not fetch)"
    )
    for seconds, sql in queries:
        print(f"  {1000 * seconds:7.2f} ms  {sql if args.sql else sql[:160]}")
    breakdown(fetch, args.repeat)
    if args.no_profile:
        return
    profile = cProfile.Profile()
    began = time.perf_counter()
    profile.enable()
    for _ in range(args.repeat):
        fetch()
    profile.disable()
    elapsed = time.perf_counter() - began
    print(f"\n{args.repeat} requests under cProfile: {1000 * elapsed / args.repeat:.1f} ms each")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())


def breakdown(fetch, repeat):
    """Mean wall time of the main steps of a list request (nested steps are inside others)."""
    from rest_framework import serializers

    from config.api.pagination import KeysetPagination
    from config.api.renderers import JSONRenderer
    from config.api.views import PublicReadOnlyViewSet as View

    steps = [
        (View, "initial", "view.initial: check_parameters, auth, throttle, negotiation"),
        (View, "check_parameters", "  of which check_parameters"),
        (View, "filter_queryset", "view.filter_queryset (django-filter)"),
        (KeysetPagination, "paginate_queryset", "pagination.paginate_queryset (SQL)"),
        (View, "compiled_queryset", "view.compiled_queryset (the compiled path's query, kept)"),
        (View, "get_serializer", "view.get_serializer (the serializer path)"),
        (serializers.ListSerializer, "to_representation", "serializer.data (serializer path)"),
        (
            KeysetPagination,
            "get_paginated_response",
            "pagination.get_paginated_response (count, links)",
        ),
        (JSONRenderer, "render", "JSONRenderer.render (orjson)"),
        (View, "build_list", "view.build_list (a list, but initial and render)"),
        (View, "build_detail", "view.build_detail (a record, but initial and render)"),
        (View, "dispatch", "view.dispatch"),
    ]
    totals = {label: 0.0 for _, _, label in steps}
    originals = []
    for cls, name, label in steps:
        original = cls.__dict__.get(name) or getattr(cls, name)
        originals.append((cls, name, cls.__dict__.get(name)))

        def wrapper(*a, __original=original, __label=label, **kw):
            began = time.perf_counter()
            try:
                return __original(*a, **kw)
            finally:
                totals[__label] += time.perf_counter() - began

        setattr(cls, name, wrapper)
    try:
        began = time.perf_counter()
        for _ in range(repeat):
            fetch()
        total = time.perf_counter() - began
    finally:
        for cls, name, original in originals:
            if original is None:
                delattr(cls, name)
            else:
                setattr(cls, name, original)
    print(f"\nBreakdown, mean of {repeat} requests (total {1000 * total / repeat:.2f} ms):")
    for label, seconds in totals.items():
        print(f"  {1000 * seconds / repeat:7.2f} ms  {label}")


if __name__ == "__main__":
    main()
