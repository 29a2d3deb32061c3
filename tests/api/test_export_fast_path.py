"""The fast CSV path writes exactly what the plain one writes, and what the values say.

SQLite builds a large export's CSV lines on several connections at once, chunk by chunk of
keys (``config.api.exports._parallel_lines``). For every exportable resource, on records
whose every field is filled with random non-null values (``tests.random_records``) and text
holding commas, quotes, line ends and non-ASCII letters, the export read that way (one row
per chunk, so every boundary is crossed) is byte for byte the export read by one query, and
each cell is the record's value as Python writes it (a reference built here from the ORM,
quoted by the CSV rule). NDJSON lines hold the same values. The chunks are built at most
``AHEAD`` before the one being sent: the memory of an export does not grow with its rows.
"""

import csv
import datetime
import decimal
import io
import json
import random
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, models

from config.api import exports
from core.models.changes import PUBLIC_ROLE, Change
from core.visibility import visible_as_related
from tests.api.test_compiled import VIEWSETS
from tests.random_records import fill_every_resource, filled
from trade.models import Shipment

# Committed rows: the export's other connections read only what is committed.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HOSTILE = 'a, "b"\r\nc — é,'
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the threaded path is SQLite's (PostgreSQL: COPY)"
)


def exportable():
    """(list URL, viewset) of every resource whose list has a CSV export."""
    return [(url, v) for url, v in VIEWSETS.items() if "csv" in _formats(v)]


def _formats(viewset) -> set:
    return {getattr(r, "format", None) for r in viewset().get_renderers()}


def hostile_text(made: dict) -> None:
    """Free text of one record per model made to hold every character CSV must quote."""
    for model, records in made.items():
        names = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.TextField | models.CharField)
            and not field.choices
            and not isinstance(field, models.SlugField | models.URLField)
            and not field.is_relation
            and field.name not in {"search_document", "name_sort_key", "content_hash"}
            and (field.max_length or 100) >= len(HOSTILE) + 8
            and not field.unique
            and field.name not in {"iso2", "iso3", "numeric", "currency", "hs_code", "language"}
        ]
        if names:
            model._base_manager.filter(pk=records[0].pk).update(**dict.fromkeys(names, HOSTILE))


def body(response) -> bytes:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def cell(value, field) -> str:
    """A value as the export writes it in CSV (empty: NULL or '')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        text = value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat()
        return text + "Z"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return f"{value:.{field.decimal_places}f}"
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(field, models.JSONField):
        return json.dumps(value)  # the stored text (Django writes it with json.dumps)
    return str(value)


def quoted(text: str) -> str:
    """The CSV rule of the export (PostgreSQL's COPY's): quoted when holding , " CR or LF."""
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def shown(related) -> bool:
    """Whether the public sees ``related`` inside another record (a draft it does not)."""
    state = getattr(related, "review_state", None)
    return state is None or state in visible_as_related(AnonymousUser(), type(related))


def reference_rows(model, names: list[str]) -> dict[str, list[str]]:
    """Each record's cells of the model's own columns (``names``), by public id: Python's
    reading of the ORM's values, relations by the related record's public id, a related
    record the public may not see as empty."""
    columns = dict(exports.export_columns(model, many_to_many=True))
    rows = {}
    for record in model._base_manager.all():
        cells = []
        for name in names:
            path = columns[name]
            if name == "id":
                value = getattr(record, path)
                field = model._meta.pk if path == "pk" else model._meta.get_field(path)
            elif model._meta.get_field(name).many_to_many:
                related = getattr(record, name).all()
                target = exports.public_id_field(related.model)
                ids = sorted(str(getattr(r, target)) for r in related if shown(r))
                cells.append(quoted(exports.LIST_SEPARATOR.join(ids)))
                continue
            else:
                field = exports.field_at(model, path)
                value = record
                for part in path.split("__"):
                    value = getattr(value, part, None) if value is not None else None
                    if isinstance(value, models.Model) and not shown(value):
                        value = None
            if model is Change and name == "user" and value:
                value = PUBLIC_ROLE  # the public reads who made a change by role, not name
            cells.append(quoted(cell(value, field)))
        rows[cells[0]] = cells
    return rows


def read_both_ways(client, url, monkeypatch, **params):
    """The export through the threaded path (one row per chunk) and through one query."""
    with monkeypatch.context() as patched:
        patched.setattr(exports, "PARALLEL", True)
        patched.setattr(exports, "PARALLEL_CHUNK_ROWS", 1)
        fast = body(client.get(url, params))
    with monkeypatch.context() as patched:
        patched.setattr(exports, "_parallel_lines", lambda *args: None)
        plain = body(client.get(url, params))
    return fast, plain


@sqlite_only
def test_threaded_csv_is_the_plain_csv_and_the_values(client, monkeypatch):
    made = fill_every_resource(random.Random(5))
    hostile_text(made)
    parallel = []
    original = exports._chunks_in_order
    monkeypatch.setattr(
        exports,
        "_chunks_in_order",
        lambda *a: parallel.append(1) or original(*a),
    )
    checked = 0
    for url, viewset in exportable():
        model = viewset.queryset.model
        fast, plain = read_both_ways(client, url, monkeypatch, format="csv")
        assert fast == plain, url
        text = fast.decode()
        lines = list(csv.reader(io.StringIO(text, newline="")))
        header, rows = lines[0], lines[1:]
        own = [name for name, _ in exports.export_columns(model, many_to_many=True)]
        own = [name for name in header if name in own]
        expected = reference_rows(model, own)
        public = {row[0]: row for row in rows}
        if model in made:
            assert rows, url  # the filled records are there to compare
        for record_id, cells in public.items():
            # Re-quote each parsed cell: the bytes of the line, column by column.
            assert [quoted(c) for c in cells[: len(own)]] == expected[quoted(record_id)], url
            checked += 1
        if model in made and HOSTILE in text:
            assert quoted(HOSTILE) in text
    assert parallel, "the threaded path was never taken"
    assert checked >= 30


@sqlite_only
def test_threaded_csv_keeps_filters_cursor_and_fields(client, monkeypatch):
    fill_every_resource(random.Random(8))
    url = "/api/v1/trade/shipments/"
    rows = client.get(url, {"limit": 2}).json()
    cursor = rows["next"].split("cursor=")[1].split("&")[0]
    for params in (
        {"format": "csv", "cursor": cursor},
        {"format": "csv", "fields": "id,note,value"},
        {"format": "csv", "q": "wheat"},
        {"format": "csv", "ordering": "-id"},  # not a chunked order: one query
    ):
        fast, plain = read_both_ways(client, url, monkeypatch, **params)
        assert fast == plain, params
        assert fast.count(b"\n") > 1 or params.get("q"), params


@sqlite_only
def test_chunks_are_built_a_few_ahead_of_the_one_sent(client, monkeypatch):
    rng = random.Random(9)
    made = fill_every_resource(rng, {Shipment})
    for _ in range(12):
        filled(Shipment, rng, made)
    monkeypatch.setattr(exports, "PARALLEL", True)
    monkeypatch.setattr(exports, "PARALLEL_CHUNK_ROWS", 1)
    started = []

    class Counting(exports.SQLiteCursorWrapper):
        def execute(self, sql, params=None):
            started.append(1)
            return super().execute(sql, params)

    monkeypatch.setattr(exports, "SQLiteCursorWrapper", Counting)
    response = client.get("/api/v1/trade/shipments/", {"format": "csv"})
    assert response.status_code == 200
    sent = 0
    for _ in response.streaming_content:
        sent += 1
        assert len(started) <= sent + exports.AHEAD + 1
    assert sent > exports.AHEAD + 2  # enough chunks for the bound to mean something


def test_ndjson_lines_hold_the_values_of_the_csv(client):
    """NDJSON and CSV are two writings of one row: each NDJSON value, written as CSV
    writes it, is the CSV's cell (numbers, booleans, nulls and lists by their text)."""
    fill_every_resource(random.Random(6))
    for url, viewset in exportable():
        if "ndjson" not in _formats(viewset):
            continue
        text = body(client.get(url, {"format": "csv"})).decode()
        rows = {r["id"]: r for r in csv.DictReader(io.StringIO(text, newline=""))}
        for line in body(client.get(url, {"format": "ndjson"})).decode().splitlines():
            record = json.loads(line)
            row = rows[str(record["id"])]
            for name, value in record.items():
                if name == "citations":
                    assert int(row["citations"]) == len(value)
                    continue
                if isinstance(value, dict | list) and row[name][:1] in ("[", "{"):  # JSON
                    assert json.loads(row[name]) == value, (url, name)
                    continue
                if isinstance(value, list):  # a many-to-many column
                    value = exports.LIST_SEPARATOR.join(value)
                elif isinstance(value, bool):
                    value = "true" if value else "false"
                assert row[name] == ("" if value is None else str(value)), (url, name)
