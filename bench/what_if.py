"""What the proposed read-path changes would buy, measured in-process, without editing the app.

    DATABASE_URL=sqlite:///bench/bench.sqlite3 .venv/bin/python bench/what_if.py [--repeat 200]

Each variant is applied by monkeypatching, in this process only, and adds to the previous:

  current   the code as it is
  A         filter_queryset: django-filter only when a filter parameter is present, with a
            FilterSet restricted to the parameters given (no deepcopy of ~100 filters and
            no form class per request)
  A+B       + the citations Prefetch with ``to_attr`` (no related manager and no
            ``_apply_rel_filters()`` queryset per row)
  A+B+C     + a lean list read path: the page and its citations read with ``values()`` and
            assembled into the same JSON by plain functions (no model instances, no DRF
            fields per row)

For every variant the JSON of each measured page is compared with the current code's: a
variant that changes a single byte of output is reported as such. Requests go through the
Django test client and the whole middleware stack; the bare ``values()`` view is measured
the same way as the yardstick.
"""

import argparse
import decimal
import functools
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django


def patch_filter_fast_path():
    from config.api import views
    from config.api.errors import InvalidParameters
    from core.search import search

    @functools.lru_cache(maxsize=256)
    def restricted(filterset_class, names):
        sub = type(filterset_class.__name__, (filterset_class,), {"__module__": __name__})
        sub.base_filters = {name: filterset_class.base_filters[name] for name in names}
        return sub

    def filter_queryset(self, queryset):
        params = self.request.query_params
        base = self.filterset_class.base_filters
        names = tuple(sorted(name for name in params if name in base))
        if names:
            filterset = restricted(self.filterset_class, names)(
                params, queryset=queryset, request=self.request
            )
            if not filterset.is_valid():
                raise InvalidParameters(
                    views.filter_errors(filterset), sorted(self.allowed_parameters())
                )
            queryset = filterset.qs
        q = params.get("q")
        if q:
            queryset = search(queryset, q)
        return queryset

    views.PublicViewSet.filter_queryset = filter_queryset


def patch_citations_to_attr():
    from django.db.models import Prefetch
    from rest_framework.serializers import ListSerializer

    from config.api import views

    def citations_prefetch(user):
        from core.models import Citation

        visible = Citation.objects.visible_to(user).select_related("source")
        return Prefetch("citations", queryset=visible, to_attr="visible_citations")

    views.citations_prefetch = citations_prefetch
    original = ListSerializer.get_attribute

    def get_attribute(self, instance):
        if self.field_name == "citations" and "visible_citations" in instance.__dict__:
            return instance.__dict__["visible_citations"]
        return original(self, instance)

    ListSerializer.get_attribute = get_attribute


def patch_lean_list():
    """A prototype of the lean list path, for Shipment (generic in the real change)."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils.http import http_date

    from config.api import pagination, views
    from config.api.urls_cache import absolute, detail_path
    from core.models import Citation, Source
    from diplomacy.models import Country
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


# --- the CSV export ----------------------------------------------------------------------------

# Change E has landed: its SQL formats live in config.api.exports (SQL_FORMATS).


def formatted_export_sql(queryset, connection, copy=False):
    """The export's SELECT with every column already formatted as text by the database.

    For COPY, empty strings become NULL: COPY writes NULL as nothing and '' as "", while
    Python's csv writer (the current export) writes both as nothing."""
    from django.db.models import CharField, F, Func

    from config.api.exports import SQL_FORMATS, export_columns

    model = queryset.model
    columns = export_columns(model)
    formats = SQL_FORMATS[connection.vendor]
    annotations = {}
    for i, (_, path) in enumerate(columns):
        field = model._meta.pk if path == "pk" else _field_at(model, path)
        template = formats.get(field.get_internal_type())
        if template is None and copy:
            template = "NULLIF(({c})::text,'')"
        if template is None:
            annotations[f"c{i}"] = F(path)
            continue
        sql = template.format(c="%(expressions)s", places=getattr(field, "decimal_places", 0))
        annotations[f"c{i}"] = Func(F(path), template=sql, output_field=CharField())
    qs = queryset.annotate(**annotations).values_list(*annotations)
    return [name for name, _ in columns], *qs.query.sql_with_params()


def _field_at(model, path):
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model or model
    return field


def stream_formatted_csv(names, sql, params):
    """E2: the formatted SELECT through a (server-side on PostgreSQL) cursor + csv.writerows."""
    import csv
    import io

    from django.db import connection

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(names)
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(2000):
            writer.writerows(rows)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def stream_copy_csv(names, sql, params):
    """E3 (PostgreSQL): COPY (formatted SELECT) TO STDOUT; lines end in LF, not CRLF."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cursor:
        query = psycopg_mogrify(raw, sql, params)
        with cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER false)") as copy:
            yield ",".join(names) + "\r\n"
            for block in copy:
                yield bytes(block)


def psycopg_mogrify(raw, sql, params):
    import psycopg

    return psycopg.ClientCursor(raw).mogrify(sql, params)


def patch_export(kind):
    from django.db import connection
    from django.http import StreamingHttpResponse

    from config.api import views

    def export(self, queryset, fmt):
        if fmt != "csv":
            return original(self, queryset, fmt)
        names, sql, params = formatted_export_sql(queryset, connection, copy=kind == "copy")
        body = (stream_copy_csv if kind == "copy" else stream_formatted_csv)(names, sql, params)
        response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
        filename = f"{queryset.model._meta.model_name}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    original = views.PublicViewSet.export
    views.PublicViewSet.export = export


def measure_export(kind):
    import hashlib

    setup_django()
    from django.db import connection
    from django.test import Client

    if kind != "current":
        patch_export(kind)
    client = Client(SERVER_NAME="127.0.0.1")
    digest = hashlib.sha256()
    size = lines = 0
    began = time.perf_counter()
    response = client.get("/api/v1/trade/shipments/", {"format": "csv"})
    assert response.status_code == 200, response.content[:300]
    for chunk in response.streaming_content:
        chunk = chunk.replace(b"\r\n", b"\n")  # COPY writes LF; compare content, not endings
        digest.update(chunk)
        size += len(chunk)
        lines += chunk.count(b"\n")
    return {
        "kind": kind,
        "vendor": connection.vendor,
        "seconds": round(time.perf_counter() - began, 2),
        "rows": lines - 1,
        "sha256": digest.hexdigest(),
    }


def patch_count_key():
    """D: the cached count keyed by the request's filters, not by compiling the SQL."""
    from django.core.cache import cache

    from config.api.cache import dataset_version
    from config.api.pagination import COUNT_TTL, KeysetPagination

    not_filters = {"cursor", "limit", "format", "fields", "brief", "ordering", "facet"}

    def get_count(self):
        request = self.request
        params = sorted(
            (name, tuple(sorted(request.query_params.getlist(name))))
            for name in request.query_params
            if name not in not_filters
        )
        user, meta = request.user, self.base_queryset.model._meta
        # Visibility as in PublicQuerySet.visible_to: curators also count drafts.
        curator = user.is_authenticated and user.has_perm(
            f"{meta.app_label}.change_{meta.model_name}"
        )
        key = f"count:{dataset_version()}:{meta.label}:{curator}:{hash(tuple(params))}"
        count = cache.get(key)
        if count is None:
            count = self.base_queryset.order_by().count()
            cache.set(key, count, COUNT_TTL)
        return count

    KeysetPagination.get_count = get_count


def patch_filter_by_pk():
    """F: relation filters compare the foreign key column with the pks that the filter's own
    validation already fetched (exporter_id = …), instead of joining to compare the public id
    (exporter.iso2 = …), so that an index (fk, id) serves the keyset order."""
    from django_filters import rest_framework as filters

    import config.urls  # noqa: F401  (imports every view, so every FilterSet exists)
    from config.api.filters import PublicFilterSet

    original = filters.ModelMultipleChoiceFilter.get_filter_predicate

    def get_filter_predicate(self, v):
        relation = getattr(self, "by_pk", None)
        return {relation: v.pk} if relation and v is not None else original(self, v)

    filters.ModelMultipleChoiceFilter.get_filter_predicate = get_filter_predicate
    pending = list(PublicFilterSet.__subclasses__())
    while pending:
        filterset = pending.pop()
        pending.extend(filterset.__subclasses__())
        for flt in filterset.base_filters.values():
            if isinstance(flt, filters.ModelMultipleChoiceFilter) and "__" in flt.field_name:
                flt.by_pk = flt.field_name.split("__")[0]


def patch_export_fast():
    """E: the formatted SELECT; on PostgreSQL through COPY (LF line ends), else writerows."""
    from django.db import connection

    patch_export("copy" if connection.vendor == "postgresql" else "formatted")


VARIANTS = {
    "current": [],
    "A": [patch_filter_fast_path],
    "A+B": [patch_filter_fast_path, patch_citations_to_attr],
    "A+B+C": [patch_filter_fast_path, patch_citations_to_attr, patch_lean_list],
    "A+B+C+D+F": [
        patch_filter_fast_path,
        patch_citations_to_attr,
        patch_lean_list,
        patch_count_key,
        patch_filter_by_pk,
    ],
}
# Only for gunicorn runs (bench/run.py --what-if): the list variants plus the fast export.
SERVER_VARIANTS = {
    **VARIANTS,
    "A+B+C+E": [*VARIANTS["A+B+C"], patch_export_fast],
    "A+B+C+D+E+F": [*VARIANTS["A+B+C+D+F"], patch_export_fast],
}


def run_variant(name, patches, targets, repeat, reference):
    """In a fresh interpreter, so patches never leak between variants."""
    import subprocess

    result = subprocess.run(
        [
            sys.executable,
            __file__,
            "--variant",
            name,
            "--repeat",
            str(repeat),
            "--targets",
            json.dumps(targets),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_in_process(name, repeat, targets):
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--variant")
    parser.add_argument("--targets")
    parser.add_argument("--variants", help="comma-separated subset of the variants")
    parser.add_argument("--export", help="measure the CSV export: current, formatted or copy")
    args = parser.parse_args()
    if args.export:
        print(json.dumps(measure_export(args.export)))
        return
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
    results = {}
    chosen = args.variants.split(",") if args.variants else list(VARIANTS)
    if "current" not in chosen:
        chosen.insert(0, "current")
    for name in chosen:
        results[name] = run_variant(name, VARIANTS[name], targets, args.repeat, None)
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
