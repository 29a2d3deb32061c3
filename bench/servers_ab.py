"""Which server serves the API best: gunicorn and Granian (and their options), A/B.

    python -m bench servers                          # gunicorn vs Granian, SQLite bench DB
    python -m bench servers --variant granian:--blocking-threads=1 --rounds 4

Every variant serves ``config.wsgi`` with the bench settings on 2 workers (bench/servers.py),
all of them started at once on their own ports, so that they can be measured in turn: for
each request kind (cold page, cold detail, warm page 1) and system (the API, the bare view),
one short wrk run per variant, one after the other, in ``--rounds`` rounds. A change of
background load on a shared machine then hits every variant alike. Cold runs take their own
slice of distinct URLs (bench/run.py's), so no URL is asked twice by any server.

Beside requests/s, each run records the CPU seconds the server's processes used (utime +
stime from /proc), per 1,000 answered requests: the figure a busy machine disturbs least.
Writes bench/out/servers.json and prints a Markdown table.
"""

import argparse
import datetime
import json
import os
import statistics
import sys

from bench import load
from bench.common import OUT_DIR, bench_database, bench_url
from bench.run import check_responses, describe_in_child, server_cpu, url_lists, wait_quiet
from bench.servers import API_SERVERS

KINDS = (("page1", "cold"), ("detail", "cold"), ("page1", "warm"))
LABELS = {
    ("page1", "cold"): "cold page",
    ("detail", "cold"): "cold detail",
    ("page1", "warm"): "warm page 1",
}
SYSTEMS = ("api", "bare")


def variant(spec: str) -> tuple[str, str, tuple[str, ...]]:
    """``granian:--blocking-threads=1,--backpressure=2`` → (label, server, options)."""
    server, _, options = spec.partition(":")
    if server not in API_SERVERS:
        raise argparse.ArgumentTypeError(f"{server}: one of {', '.join(API_SERVERS)}")
    return spec, server, tuple(o for o in options.split(",") if o)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite", help="the bench DB (name or URL)")
    parser.add_argument(
        "--variant",
        type=variant,
        action="append",
        help="server[:option,option…]; repeat (default: gunicorn, granian)",
    )
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5, help="per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=1)
    parser.add_argument(
        "--cold-urls", type=int, default=12000, help="distinct URLs per cold run (none repeats)"
    )
    parser.add_argument("--deep-fraction", type=float, default=0.9)
    parser.add_argument("--quiet-wait", type=float, default=20)
    parser.add_argument("--timeout", type=int, default=300, help="gunicorn --timeout")
    args = parser.parse_args(argv)
    variants = args.variant or [variant("gunicorn"), variant("granian")]
    load.require_wrk()
    url = bench_url(args.db)
    bench_database(url)
    OUT_DIR.mkdir(exist_ok=True)
    slices = 1 + args.rounds * len(variants)  # the warm-up, then one per run
    # describe_in_child asks for cold_urls × cold_slices(args) ids per list.
    facts = describe_in_child(
        url,
        argparse.Namespace(
            deep_fraction=args.deep_fraction,
            cold_urls=args.cold_urls,
            rounds=slices - 1,
            connections=[0],
        ),
    )
    urls = {key: paths for key, paths in url_lists(facts, None).items() if key[0] in SYSTEMS}
    servers = []
    try:
        for label, name, options in variants:
            log = OUT_DIR / f"servers-{len(servers)}-{name}.log"
            servers.append((label, API_SERVERS[name](url, args.timeout, log, options)))
        check_responses(urls, {"api": servers[0][1].port, "bare": servers[0][1].port}, facts)
        taken = dict.fromkeys(urls, 1)  # the next cold URL of each list (0 is the warm one)

        def script(system, kind, mode, tag):
            paths = urls[(system, kind)]
            if mode == "warm":
                part = paths[:1]
            else:
                start = taken[(system, kind)]
                part = paths[start : start + args.cold_urls]
                taken[(system, kind)] = start + args.cold_urls
            return load.write_script(part, OUT_DIR / f"wrk-servers-{system}-{kind}-{tag}.lua")

        ours = [pid for _, server in servers for pid in server.pids]
        for system in SYSTEMS:
            for kind, mode in KINDS:
                file = script(system, kind, mode, "warmup")
                for _, server in servers:
                    load.run(server.port, file, args.connections, args.warmup)
        runs = {}
        for number in range(args.rounds):
            wait_quiet(ours, args.quiet_wait)
            print(f"round {number + 1} of {args.rounds}", flush=True)
            for system in SYSTEMS:
                for kind, mode in KINDS:
                    for label, server in servers:
                        file = script(system, kind, mode, label.replace(":", "_"))
                        pids = server.pids
                        before = server_cpu(pids)
                        run = load.run(server.port, file, args.connections, args.seconds)
                        run["cpu_s"] = server_cpu(pids) - before
                        run["load_average"] = os.getloadavg()[0]
                        runs.setdefault((label, system, kind, mode), []).append(run)
                        print(
                            f"  {label:<40} {system:<4} {LABELS[(kind, mode)]:<12} "
                            f"{run['ok'] / run['seconds']:>7.0f} req/s  "
                            f"{1000 * run['cpu_s'] / max(1, run['ok']):6.2f} CPU s/1k  "
                            f"load {run['load_average']:.2f}",
                            flush=True,
                        )
    finally:
        for _, server in servers:
            server.stop()
    results = []
    for (label, system, kind, mode), done in runs.items():
        ok = sum(r["ok"] for r in done)
        seconds = sum(r["seconds"] for r in done)
        results.append(
            {
                "variant": label,
                "system": system,
                "request": LABELS[(kind, mode)],
                "rps": round(ok / seconds, 1),
                "rps_rounds": [round(r["ok"] / r["seconds"]) for r in done],
                "cpu_s_per_1k": round(1000 * sum(r["cpu_s"] for r in done) / max(1, ok), 2),
                "errors": sum(r["errors"] for r in done),
                "repeats": sum(r["repeats"] for r in done),
                "cache_hits": sum(r["cache_hits"] for r in done),
                "p50_ms": round(statistics.median(r["p50_ms"] for r in done), 2),
                "load_average": [
                    round(min(r["load_average"] for r in done), 2),
                    round(max(r["load_average"] for r in done), 2),
                ],
            }
        )
    out = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join(["python -m bench servers", *(argv or [])]),
        "rows": facts["rows"],
        "results": results,
    }
    (OUT_DIR / "servers.json").write_text(json.dumps(out, indent=2))
    print(
        f"\n{out['date']}, {facts['rows']:,} rows, {args.connections} connections, "
        f"{args.rounds} rounds of {args.seconds:g} s\n"
    )
    print(
        "| server | system | request | req/s (rounds) | CPU s / 1k req | errors | "
        "cache hits | load avg |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in sorted(results, key=lambda r: (r["request"], r["system"], r["variant"])):
        print(
            f"| {r['variant']} | {r['system']} | {r['request']} | {r['rps']:.0f} "
            f"({', '.join(map(str, r['rps_rounds']))}) | {r['cpu_s_per_1k']} | {r['errors']} | "
            f"{r['cache_hits']} | {r['load_average'][0]}–{r['load_average'][1]} |"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
