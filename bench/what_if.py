"""Change C of bench/DIAGNOSIS.md (the lean list path), measured in-process, app not edited.

    python -m bench profile --what-if C '/api/v1/trade/shipments/?limit=50'   # its profile
    .venv/bin/python bench/what_if.py [--db sqlite|postgresql] [--repeat 200]
    python -m bench run --what-if C --results bench/out/RESULTS-what-if.md    # under gunicorn

Changes A, B, D, E and F of the diagnosis have landed in the app (config/api/views.py,
pagination.py, exports.py, filters.py), so their experiments are gone; C is what is left.
It is applied by monkeypatching, in this process only (or in the benchmark's gunicorn, via
``BENCH_WHAT_IF``, read by bench/baseline_urls.py):

  current   the code as it is
  C         the page and its citations read with ``values()`` and assembled into the same
            JSON by plain functions (no model instances, no DRF fields per row); Shipment only

The JSON of every measured page is compared with the current code's: a variant that changes
a single byte of output is reported as such. Requests go through the Django test client and
the whole middleware stack; the bare ``values()`` view is measured the same way as the
yardstick.
"""

import argparse
import decimal
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_url, setup_django


def patch_lean_list():
    """A prototype of the lean list path, for Shipment (generic in the real change)."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils.http import http_date

    from config.api import pagination, views
    from config.api.urls_cache import absolute, detail_path
    from diplomacy.models import Citation, Country, Source
    from trade.models import Commodity, Shipment

    own = [
        f.attname
        for f in Shipment._meta.concrete_fields
        if not f.is_relation and f.name != "search_document"
    ]
    relations = {
        "exporter": (Country, "iso2", "name"),
        "importer": (Country, "iso2", "name"),
        "commodity": (Commodity, "slug", "name"),
    }
    columns = [
        *own,
        *(
            f"{name}__{part}"
            for name, (_, public, title) in relations.items()
            for part in (public, title, "review_state")
        ),
    ]
    q3, q2 = decimal.Decimal("0.001"), decimal.Decimal("0.01")
    places = {"quantity": q3, "value": q2}
    source_kinds = dict(Source._meta.get_field("kind").choices)

    def stamp(value):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    def day(value):
        return value.isoformat() if value else None

    def brief(request, model, public_id, name, state):
        if state == "draft" and not request.user.is_authenticated:
            return None
        return {
            "id": public_id,
            "name": name,
            "url": absolute(request, detail_path(model, public_id)),
        }

    def source_name(row):
        title = row["source__title"]
        if title:
            return title
        return f"{source_kinds.get(row['source__kind'], row['source__kind'])} " + (
            row["source__content_hash"][:12] or str(row["source_id"])
        )

    def original_value(row, field):  # pagination._value for dict rows
        return row["id"] if field == "pk" else row[field]

    pagination._value = lambda row, field: (
        original_value(row, field) if isinstance(row, dict) else _getattr_path(row, field)
    )

    original_list = views.PublicViewSet.list

    def lean_list(self, request, *args, **kwargs):
        if (
            self.queryset.model is not Shipment
            or request.query_params.get("format")
            in (
                "csv",
                "ndjson",
            )
            or request.query_params.get("fields")
            or request.query_params.get("brief")
        ):
            return original_list(self, request, *args, **kwargs)
        queryset = Shipment.objects.visible_to(request.user, self.include_retracted)
        queryset = self.filter_queryset(queryset).values(*columns)
        rows = self.paginate_queryset(queryset)
        ids = [row["id"] for row in rows]
        citations = {}
        for c in (
            Citation.objects.visible_to(request.user)
            .filter(content_type=ContentType.objects.get_for_model(Shipment), object_id__in=ids)
            .values(
                "object_id",
                "id",
                "source_id",
                "source__title",
                "source__kind",
                "source__content_hash",
                "source__review_state",
                "quote",
                "start",
                "end",
                "note",
            )
        ):
            citations.setdefault(c["object_id"], []).append(
                {
                    "id": str(c["id"]),
                    "source": brief(
                        request,
                        Source,
                        str(c["source_id"]),
                        source_name(c),
                        c["source__review_state"],
                    ),
                    "quote": c["quote"],
                    "start": c["start"],
                    "end": c["end"],
                    "note": c["note"],
                }
            )
        data = []
        for row in rows:
            url = absolute(request, detail_path(Shipment, row["id"]))
            item = {"id": str(row["id"]), "url": url}
            for name, (model, public, title) in relations.items():
                item[name] = brief(
                    request,
                    model,
                    row[f"{name}__{public}"],
                    row[f"{name}__{title}"],
                    row[f"{name}__review_state"],
                )
            item.update(
                kind=row["kind"],
                period={
                    "value": row["period"],
                    "precision": row["period_precision"],
                    "earliest": day(row["period_earliest"]),
                    "latest": day(row["period_latest"]),
                    "note": row["period_note"],
                },
            )
            for name in ("quantity", "value"):
                value = row[name]
                item[name] = None if value is None else format(value.quantize(places[name]), "f")
                if name == "quantity":
                    item["unit"] = row["unit"]
                else:
                    item["currency"] = row["currency"]
            item.update(
                transport_mode=row["transport_mode"],
                status=row["status"],
                is_quantity_estimated=row["is_quantity_estimated"],
                is_value_estimated=row["is_value_estimated"],
                note=row["note"],
                citations=citations.get(row["id"], []),
                review_state=row["review_state"],
                retraction_reason=row["retraction_reason"],
                version=row["version"],
                created=stamp(row["created"]),
                updated=stamp(row["updated"]),
            )
            data.append(item)
        response = self.get_paginated_response(data)
        if rows:
            response["Last-Modified"] = http_date(max(r["updated"] for r in rows).timestamp())
        return response

    views.PublicViewSet.list = lean_list


def _getattr_path(row, field):
    if field == "pk":
        return row.pk
    value = row
    for part in field.split("__"):
        value = getattr(value, part)
    return value


VARIANTS = {"current": [], "C": [patch_lean_list]}
# bench/run.py --what-if serves these too (through bench/baseline_urls.py).
SERVER_VARIANTS = VARIANTS


def run_variant(db: str, name: str, repeat: int, targets: dict) -> dict:
    """In a fresh interpreter, so patches never leak between variants."""
    command = [sys.executable, __file__, "--db", db, "--variant", name]
    result = subprocess.run(
        [*command, "--repeat", str(repeat), "--targets", json.dumps(targets)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_in_process(name: str, repeat: int, targets: dict) -> dict:
    setup_django()
    for patch in VARIANTS[name]:
        patch()
    from django.test import Client

    client = Client(SERVER_NAME="127.0.0.1")
    out = {}
    for key, target in targets.items():
        response = client.get(target)
        assert response.status_code == 200, response.content[:300]
        body = json.loads(response.content)
        for _ in range(5):
            client.get(target)
        began = time.perf_counter()
        for _ in range(repeat):
            client.get(target)
        out[key] = {"ms": 1000 * (time.perf_counter() - began) / repeat, "body": body}
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite", help="sqlite, postgresql or a bench DB URL")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--variant", help=argparse.SUPPRESS)
    parser.add_argument("--targets", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = bench_url(args.db)  # refuses anything but a bench database
    if args.variant:
        print(json.dumps(measure_in_process(args.variant, args.repeat, json.loads(args.targets))))
        return
    setup_django()
    from bench.run import API, BASELINE, FILTER, api_cursor
    from trade.models import Shipment

    ids = Shipment.objects.filter(review_state="published").order_by("id")
    deep_id = str(ids.values_list("id", flat=True)[round(ids.count() * 0.9) - 1])
    targets = {
        "page 1": f"{API}?limit=50",
        "deep page": f"{API}?limit=50&cursor={api_cursor([deep_id])}",
        "filtered": f"{API}?limit=50&exporter={FILTER['exporter']}&commodity={FILTER['commodity']}",
        "bare values() view": f"{BASELINE}?limit=50",
    }
    results = {name: run_variant(args.db, name, args.repeat, targets) for name in VARIANTS}
    reference = results["current"]
    print(f"Mean ms per request, in-process, {args.repeat} requests each:\n")
    print(f"{'variant':<8}" + "".join(f"{key:>22}" for key in targets) + "   same output")
    for name, result in results.items():
        same = all(
            result[key]["body"] == reference[key]["body"] for key in targets if "bare" not in key
        )
        print(
            f"{name:<8}"
            + "".join(f"{result[key]['ms']:>20.2f}ms" for key in targets)
            + f"   {'yes' if same else 'NO'}"
        )
    bare = sum(r["bare values() view"]["ms"] for r in results.values()) / len(results)
    print(f"\nAPI page 1 as a share of the bare view's speed (bare {bare:.2f} ms):")
    for name, result in results.items():
        print(f"  {name:<8} {bare / result['page 1']['ms']:.0%}")


if __name__ == "__main__":
    main()
