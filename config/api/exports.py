"""CSV and NDJSON exports: every matching row, streamed in constant memory.

Columns are flat: the model's own fields, and each relation as the related record's public
id (``exporter`` = ``RU``). The ``id`` column is the record's public id. A many-to-many field
is one column too: the related records' public ids, sorted, joined by ``;`` in CSV
(``rail;road``) and a JSON array in NDJSON. The view may add columns of its own
(``extra``: a record's citations, see ``core.api.views``); their values come from the same
query (a correlated subquery per row), so an export still runs one query.

CSV is written by the database itself (UUIDs, ISO 8601 timestamps, ``true``/``false``,
fixed decimals, quoting), because converting 24 values a row in Python costs several times
the query. On PostgreSQL the rows come from ``COPY (SELECT …) TO STDOUT (FORMAT csv)``. On
SQLite the SELECT builds each whole line, so Python handles one string a row instead of 24
(measured on 1M rows: 11.5 s instead of 14.5 s through ``csv.writer``); a value is quoted
as COPY quotes it (holding a comma, a double quote, CR or LF: enclosed, inner quotes
doubled), and only the columns whose values can hold one are checked, because the check
costs SQLite more than the rest of the line (see ``_may_need_quotes``). Lines end in LF on
both. On SQLite a large export's lines may be built by two connections at once, in chunks
of consecutive keys sent in order (``_parallel_lines``, off by default: see ``PARALLEL``).
NDJSON keeps JSON types (numbers, booleans, null), so it goes through Django's
``values_list()`` iterator.

Granian (``config/granian.py``, the server in production) has no worker timeout, so a whole
export streams to the end; under gunicorn (still supported) it must finish within the
worker timeout, or the worker is killed mid-stream after the 200 was sent.
"""

import collections
import dataclasses
import hashlib
import itertools
import logging
import queue
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import psycopg
from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.backends.sqlite3.base import SQLiteCursorWrapper
from django.http import StreamingHttpResponse

from config.api.compiled import DashedUUID as _DashedUUID
from config.api.filters import public_id_field
from config.api.keyset_fields import field_at
from config.api.renderers import dumps

CHUNK_ROWS = 2000
logger = logging.getLogger(__name__)

# How each database writes a column's value as the export's text. ``%%%%`` reaches the
# database as a literal ``%`` after Django's and the driver's parameter substitution.
SQL_FORMATS = {
    "sqlite": {
        "UUIDField": "substr({c},1,8)||'-'||substr({c},9,4)||'-'||substr({c},13,4)||'-'"
        "||substr({c},17,4)||'-'||substr({c},21,12)",
        # UTC written "Z", as the JSON and NDJSON representations write it.
        "DateTimeField": "replace({c},' ','T')||'Z'",
        "DecimalField": "CASE WHEN {c} IS NOT NULL THEN printf('%%%%.{places}f',{c}) END",
        "BooleanField": "CASE {c} WHEN 1 THEN 'true' WHEN 0 THEN 'false' END",
        # Stored as ISO text already: an expression has no declared type, so the driver
        # hands the text over instead of parsing a date per value (PARSE_DECLTYPES).
        "DateField": "CAST({c} AS TEXT)",
    },
    "postgresql": {
        "UUIDField": "({c})::text",
        # ISO 8601 in UTC as Python writes it: microseconds in full, left out when zero
        # (to_json would drop their trailing zeros, unlike NDJSON and SQLite).
        "DateTimeField": "to_char({c} AT TIME ZONE 'UTC','YYYY-MM-DD\"T\"HH24:MI:SS')"
        "||CASE WHEN to_char({c},'US')='000000' THEN '' ELSE to_char({c},'.US') END"
        "||'Z'",
        "DecimalField": "({c})::text",
        # The column once: it may be an expression with parameters (``as_of_uncertain``).
        "BooleanField": "CASE ({c}) WHEN true THEN 'true' WHEN false THEN 'false' END",
        "DateField": "({c})::text",
        "JSONField": "({c})::text",
    },
}


#: How a many-to-many column's public ids are joined in CSV.
LIST_SEPARATOR = ";"


def export_columns(model, *, many_to_many: bool = False) -> list[tuple[str, str]]:
    """Flat columns of a model's exports: (column name, ORM path). Relations by public id.
    With ``many_to_many`` (the API's exports; releases have link tables instead), each
    such field too, its path the related records' public ids (see ``_joined``)."""
    skip = {"search_document", "name_sort_key"}  # derived: for q and for ordering=name
    id_field = public_id_field(model)
    columns = [("id", id_field)]
    for field in model._meta.concrete_fields:
        if field.name in skip or field.primary_key:
            continue
        if field.is_relation:
            target = public_id_field(field.related_model)
            path = f"{field.name}__{target}" if target != "pk" else field.attname
            columns.append((field.name, path))
        else:
            columns.append((field.name, field.attname))
    for field in model._meta.many_to_many if many_to_many else ():
        columns.append((field.name, f"{field.name}__{public_id_field(field.related_model)}"))
    return columns


def export_response(
    queryset,
    fmt: str,
    *,
    visible_related=None,
    fields=None,
    columns=None,
    values=None,
    extra=(),
    etag=None,
    flags=None,
) -> StreamingHttpResponse:
    """Stream ``queryset`` as ``fmt``: only the columns in ``fields``, when given.

    The query runs, and its first rows are read, before the response is returned: any
    error in it is an ordinary error response, never a 200 cut short. See ``primed``.

    ``visible_related(model)`` gives the related rows the user may see (a subquery of keys,
    or None when the model has no such rule): a relation column shows only those, and is
    empty for the others, so an export never names a record its reader may not see.

    ``columns`` maps a field to the annotation that holds its value (a state on an ``as_of``
    day): the column of that name reads it instead. ``extra`` are the view's own columns
    (``ExportColumn`` with a ``value``), written after the model's. ``values`` maps a
    column to the expression it writes instead of the stored value (what the reader may
    read of it). ``flags`` maps the name of a true/false column added at the end
    (``as_of_uncertain`` on an ``as_of`` day) to its annotation.
    """
    moved, values = columns or {}, values or {}
    columns = [
        dataclasses.replace(column, path=moved[column.name]) if column.name in moved else column
        for column in export_expressions(queryset.model, visible_related, fields, many_to_many=True)
    ]
    columns = [
        dataclasses.replace(column, value=values[column.name]) if column.name in values else column
        for column in columns
    ]
    columns += [column for column in extra if fields is None or column.name in fields]
    for name, annotation in (flags or {}).items():
        columns.append(ExportColumn(name, models.BooleanField(name=name), annotation))
    if fmt == "csv":
        body, content_type = stream_csv(queryset, columns), "text/csv; charset=utf-8"
    else:
        body, content_type = stream_ndjson(queryset, columns), "application/x-ndjson"
    response = StreamingHttpResponse(primed(body), content_type=content_type)
    filename = f"{queryset.model._meta.model_name}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if etag:
        response["ETag"] = etag
    return response


def export_etag(*parts) -> str:
    """An export's ETag: a digest of what its bytes depend on (the dataset version, the
    reader's class, the format and the normalized query), as a JSON page's is; the body
    is streamed, so it cannot be hashed."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f'"{digest}"'


@dataclass(frozen=True)
class ExportColumn:
    """One column: its name, the model field it writes, its ORM path, and for a relation the
    condition under which its target may be shown (None: always).

    A computed column has a ``value`` (an expression of the row) instead of a path; its
    ``decode(value)`` gives the NDJSON value (e.g. a JSON array from its text), and
    ``plain`` says its text never holds a comma, a quote or a line break.
    """

    name: str
    field: models.Field
    path: str = ""
    shown: models.Q | None = None
    value: models.Expression | None = None
    decode: Callable | None = None
    plain: bool = False

    def source(self):
        """The column's value before any visibility condition."""
        return self.value if self.value is not None else models.F(self.path)

    def expression(self, value=None, output_field=None):
        """``value`` (default: the column) where the target may be shown, else NULL."""
        value = value if value is not None else self.source()
        if self.shown is None:
            return value
        return models.Case(
            models.When(self.shown, then=value),
            default=None,
            output_field=output_field or self.field,
        )


def export_expressions(
    model, visible_related=None, fields=None, *, many_to_many: bool = False
) -> list[ExportColumn]:
    """The export columns of ``model`` (of ``fields``), relations limited by
    ``visible_related``."""
    result = []
    for name, path in export_columns(model, many_to_many=many_to_many):
        if fields is not None and name not in fields:
            continue
        shown = None
        relation = model._meta.get_field(name) if name != "id" else None
        if relation is not None and relation.many_to_many:
            result.append(_joined(model, relation, visible_related))
            continue
        if relation is not None and relation.is_relation and visible_related is not None:
            visible = visible_related(relation.related_model)
            if visible is not None:
                shown = models.Q(**{f"{name}__in": visible})
        result.append(ExportColumn(name, field_at(model, path), path, shown))
    return result


class ListText(models.Subquery):
    """The one column (``v``) of a subquery's rows, sorted and joined by ``;``."""

    output_field = models.TextField()

    def as_sql(self, compiler, connection, template=None, **extra_context):
        if connection.vendor == "postgresql":
            template = (
                f"(SELECT STRING_AGG(v::text, '{LIST_SEPARATOR}' ORDER BY v::text) "
                "FROM (%(subquery)s) AS i)"
            )
        else:  # SQLite aggregates in the order its FROM gives
            template = (
                f"(SELECT GROUP_CONCAT(v, '{LIST_SEPARATOR}') FROM "
                "(SELECT v FROM (%(subquery)s) ORDER BY v) AS i)"
            )
        return super().as_sql(compiler, connection, template=template, **extra_context)


class Count(models.Subquery):
    """How many rows a correlated subquery has.

    Its order is dropped: SQLite would otherwise sort every row's subquery (a temporary
    B-tree per exported row) only to count it."""

    output_field = models.IntegerField()
    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS i)"

    def __init__(self, queryset, **extra):
        super().__init__(queryset.order_by(), **extra)


def text_of(model, path: str):
    """A column as the API writes it in text: a UUID with its dashes (SQLite keeps 32 hex
    digits), anything else as it is."""
    field = field_at(model, path)
    return _DashedUUID(path) if isinstance(field, models.UUIDField) else models.F(path)


def _joined(model, relation, visible_related) -> ExportColumn:
    """A many-to-many column: the public ids of the related records the reader may see."""
    target = relation.related_model
    through = relation.remote_field.through
    source_name, target_name = relation.m2m_field_name(), relation.m2m_reverse_field_name()
    rows = through.objects.filter(**{source_name: models.OuterRef("pk")})
    visible = visible_related(target) if visible_related is not None else None
    if visible is not None:
        rows = rows.filter(**{f"{target_name}__in": visible})
    id_field = public_id_field(target)
    path = f"{target_name}_id" if id_field == "pk" else f"{target_name}__{id_field}"
    rows = rows.order_by().annotate(v=text_of(through, path)).values("v")
    return ExportColumn(
        relation.name,
        models.TextField(),
        value=ListText(rows),
        decode=_split,
        plain=True,
    )


def _split(text):
    return sorted(text.split(LIST_SEPARATOR)) if text else []


def primed(body):
    """``body`` with its first chunk read now, and any later failure logged and re-raised.

    Reading the first chunk runs the query, so a bad query (or a database that is down)
    fails before the status line, as an ordinary error response. After the first byte, an
    exception must reach the server, which then aborts the connection: the client sees an
    incomplete transfer, never a file that looks whole.
    """
    first = next(body, None)
    return _logged(itertools.chain([] if first is None else [first], body))


def _logged(chunks):
    try:
        yield from chunks
    except Exception:
        logger.exception("Export failed after its first byte; the response is cut off")
        raise


# SQLite: a text value as a CSV field, quoted when it holds a comma, a quote, CR or LF (one
# GLOB scan costs less than an instr() per character).
SQLITE_QUOTED = (
    "CASE WHEN {c} GLOB '*[\",'||char(10)||char(13)||']*' "
    "THEN '\"'||replace({c},'\"','\"\"')||'\"' ELSE {c} END"
)


def formatted_select(queryset, columns, *, copy: bool, quoted: bool = False):
    """The export's SELECT, every column already text in the export's format.

    For COPY, empty strings become NULL: COPY writes '' as ``""`` but NULL as nothing, and
    an empty field is what the API writes for both. With ``quoted`` (SQLite), the columns
    whose values may hold a separator come out as CSV fields (see ``csv_lines_select``).
    """
    formats = SQL_FORMATS.get(connections[queryset.db].vendor, {})
    annotations = {}
    for index, column in enumerate(columns):
        field = column.field
        template = formats.get(field.get_internal_type())
        if template is None and copy:
            template = "NULLIF(({c})::text,'')"
        if template is None and quoted and _may_need_quotes(column):
            template = SQLITE_QUOTED
        if template is None:
            annotations[f"c{index}"] = column.expression()
            continue
        # The format repeats the column (SQLite's UUID), so it wraps the bare column, and the
        # visibility condition wraps the formatted text: its parameters appear once.
        sql = template.format(c="%(expressions)s", places=getattr(field, "decimal_places", 0))
        text = models.CharField()
        formatted = _Formatted(column.source(), template=sql, output_field=text)
        annotations[f"c{index}"] = column.expression(formatted, output_field=text)
    query = queryset.annotate(**annotations).values_list(*annotations).query
    return query.sql_with_params()


class _Formatted(models.Func):
    """A format template around a value that may repeat it (SQLite's UUID and quoting): the
    value's parameters, if it has any (a computed column), are given once per repetition."""

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, **extra_context)
        return sql, tuple(params) * self.extra["template"].count("%(expressions)s")


#: Values of these fields are numbers, ISO dates and times, UUIDs or true/false (formatted
#: by ``SQL_FORMATS``): never a comma, a quote or a line break.
UNQUOTED_FIELDS = (
    models.IntegerField,
    models.BooleanField,
    models.DecimalField,
    models.UUIDField,
    models.DateTimeField,
    models.DateField,
    models.SlugField,
)


def _may_need_quotes(column) -> bool:
    """May a value of this column hold a comma, a quote, CR or LF?

    Not a related record's public id (an ISO code, a slug or a UUID), a choice (the
    values are the code's own), a slug, a number, a date or a UUID; any other text may.
    """
    field = column.field
    if column.value is not None:
        return not column.plain
    return not ("__" in column.path or field.choices or isinstance(field, UNQUOTED_FIELDS))


def csv_lines_select(queryset, columns):
    """SQLite: a SELECT of one text column, each row's whole CSV line (without its LF).

    One ``printf`` writes the line: NULL and '' both become an empty field, integers SQLite's
    text of them, which is Python's too (the models have no float columns). Joining the
    fields with ``||`` instead copies the growing line once per field: 16 % slower.
    """
    sql, params = formatted_select(queryset, columns, copy=False, quoted=True)
    line = ",".join(["%%s"] * len(columns))  # %% is % once Django has put in the parameters
    fields = ", ".join(f'"c{index}"' for index in range(len(columns)))
    return f"SELECT printf('{line}', {fields}) FROM ({sql})", params


def stream_csv(queryset, columns):
    """The header line with the first rows, then the rest; the query runs before any yield."""
    header = ",".join(column.name for column in columns) + "\n"
    # The database the router reads this queryset from: a replica when there are some.
    database = connections[queryset.db]
    copy = database.vendor == "postgresql"
    try:
        if copy:
            select = formatted_select(queryset, columns, copy=True)
        else:
            select = csv_lines_select(queryset, columns)
    except EmptyResultSet:  # a filter no row can match (sequence__lt=-1): just the header
        yield header
        return
    if copy:
        rows = _copy_rows(database, *select)
    else:
        rows = _parallel_lines(queryset, columns, database) or _line_rows(database, *select)
    first = next(rows, b"")
    yield header.encode() + (first if isinstance(first, bytes) else first.encode())
    yield from rows


#: SQLite: whether a large export's lines are built by several connections at once. Off:
#: in the quiet benchmark of 2026-12-07 it gave 1M rows in 33.9 s against Datasette's 110.2 s
#: (3.25x; one query had given 3.02x the day before), no clear gain, while the worker's RSS
#: grew by 10-13 MB after the first tenth (peak 185 MB; flat with one query). Kept, with its
#: tests, for a machine with cores to spare.
PARALLEL = False
#: SQLite: threads that build a large export's lines, each on its own connection.
EXPORT_THREADS = 2
#: SQLite: rows of the table per chunk of a parallel export (about 2.6 MB of CSV for a
#: shipment), and how many chunks may be built ahead of the one being sent.
PARALLEL_CHUNK_ROWS = 2000
AHEAD = EXPORT_THREADS
#: SQLite: the readers map this much of the file (0: they read it with system calls). Off:
#: mapping saved 10-20 % of the CPU in measurements, but a mapped page counts in the
#: worker's RSS (page cache, not memory it holds), which then grows by the file's size.
MMAP_BYTES = 0


def _parallel_lines(queryset, columns, database):
    """SQLite: the CSV lines built by ``EXPORT_THREADS`` connections at once, or None.

    SQLite builds the lines (see ``csv_lines_select``) in the thread that steps the query,
    and releases the GIL while it does: one query keeps one core busy. So the rows are cut
    in chunks of consecutive keys, ``(b0, b1], (b1, b2], …``, where ``b1, b2, …`` are every
    ``PARALLEL_CHUNK_ROWS``-th key of the whole table (a scan of the key's index, whatever
    the filters), and threads build the chunks while this one sends them in order.

    Every connection reads the same state of the data: their read transactions begin
    while this thread's connection holds the write lock (``BEGIN IMMEDIATE``), so no write
    can commit between them. None (the caller reads with one query) when the order is not
    one unique, non-null column ascending, the queryset is sliced, the request's connection
    is inside a transaction (other connections would not see its rows), or the write lock
    cannot be had.
    """
    key = _chunk_key(queryset) if PARALLEL else None
    if key is None or database.in_atomic_block or not database.get_autocommit():
        return None
    variants = {}
    for low, high in ((False, True), (True, True), (True, False), (False, False)):
        bounded = queryset.filter(_KeyRange(key.name, low, high))
        variants[low, high] = csv_lines_select(bounded, columns)
    opened = []
    try:
        for _ in range(EXPORT_THREADS):
            opened.append(_reader(database))
        if not _same_snapshot(database, opened):
            raise sqlite3.OperationalError("no snapshot")
    except sqlite3.Error:
        for connection in opened:
            connection.close()
        return None
    return _chunks_in_order(database, key, variants, opened)


def _chunk_key(queryset):
    """The model field the export is ordered by, if one unique, non-null column ascending."""
    query = queryset.query
    if query.low_mark or query.high_mark is not None or len(query.order_by) != 1:
        return None
    name = query.order_by[0]
    if not isinstance(name, str) or name.startswith("-") or "__" in name:
        return None
    model = queryset.model
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    if field.null or not (field.unique or field.primary_key) or not field.concrete:
        return None
    return field


def _reader(database):
    """A new connection to ``database``, configured as Django configures its own."""
    connection = database.get_new_connection(database.get_connection_params())
    connection.isolation_level = None  # transactions begun explicitly
    connection.text_factory = bytes  # the lines go out as they come: no decoding
    if MMAP_BYTES:
        connection.execute(f"PRAGMA mmap_size = {int(MMAP_BYTES)}")
    return connection


def _same_snapshot(database, readers) -> bool:
    """Begin the readers' transactions while no write can commit (see ``_parallel_lines``)."""
    database.ensure_connection()
    main = database.connection
    try:
        main.execute("BEGIN IMMEDIATE")
    except sqlite3.Error:
        return False
    try:
        for reader in readers:
            reader.execute("BEGIN")
            reader.execute("SELECT COUNT(*) FROM sqlite_master").fetchall()  # the snapshot
    finally:
        main.execute("ROLLBACK")
    return True


def _boundaries(database, field):
    """Every ``PARALLEL_CHUNK_ROWS``-th key of the table, in order (the key's own index)."""
    quote = database.ops.quote_name
    table, column = quote(field.model._meta.db_table), quote(field.column)
    after = f"SELECT {column} FROM {table} WHERE {column} > %s ORDER BY {column} LIMIT 1 OFFSET %s"
    first = f"SELECT {column} FROM {table} ORDER BY {column} LIMIT 1 OFFSET %s"
    with database.cursor() as cursor:
        cursor.execute(first, [PARALLEL_CHUNK_ROWS - 1])
        while row := cursor.fetchone():
            yield row[0]
            cursor.execute(after, [row[0], PARALLEL_CHUNK_ROWS - 1])


def _chunks_in_order(database, field, variants, readers):
    """Each chunk's lines as bytes, in key order, built ``AHEAD`` at most by the readers."""
    free = queue.SimpleQueue()
    for reader in readers:
        free.put(reader)

    def build(low, high):
        sql, params = variants[low is not None, high is not None]
        bounds = iter([value for value in (low, high) if value is not None])
        params = [next(bounds) if p is _BOUND else p for p in params]
        reader = free.get()
        try:
            cursor = reader.cursor(factory=SQLiteCursorWrapper)
            cursor.execute(sql, params)
            lines = [row[0] for row in cursor.fetchall()]
        finally:
            free.put(reader)
        return b"\n".join(lines) + b"\n" if lines else b""

    pending = collections.deque()
    with ThreadPoolExecutor(len(readers), thread_name_prefix="export") as pool:
        try:
            low = None
            for high in itertools.chain(_boundaries(database, field), [None]):
                pending.append(pool.submit(build, low, high))
                low = high
                while len(pending) > AHEAD:
                    if chunk := pending.popleft().result():
                        yield chunk
            while pending:
                if chunk := pending.popleft().result():
                    yield chunk
        finally:
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True)
            for reader in readers:
                reader.close()


#: Where a chunk's bound goes in the parameters of its query (see ``_KeyRange``).
_BOUND = object()


class _KeyRange(models.Expression):
    """``low < key <= high`` (either side left out): the rows of one chunk."""

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, name: str, low: bool, high: bool):
        super().__init__()
        self.key, self.low, self.high = models.F(name), low, high

    def get_source_expressions(self):
        return [self.key]

    def set_source_expressions(self, exprs):
        (self.key,) = exprs

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.key)
        conditions = [f"{column} > %s"] * self.low + [f"{column} <= %s"] * self.high
        if not conditions:
            return "1 = 1", []
        return " AND ".join(conditions), [*params, _BOUND] * len(conditions)


def _line_rows(database, sql, params):
    with database.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK_ROWS):
            yield "\n".join([row[0] for row in rows]) + "\n"


def _copy_rows(database, sql, params):
    database.ensure_connection()
    raw = database.connection
    # COPY takes no parameters: bind them client-side, as the driver would.
    query = psycopg.ClientCursor(raw).mogrify(sql, params)
    # The driver's own errors as Django's (the raw cursor bypasses Django's wrapper): a server
    # shutting down mid-COPY is an OperationalError, answered 503 like any other outage.
    with (
        database.wrap_database_errors,
        raw.cursor() as cursor,
        cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT csv)") as copy,
    ):
        for block in copy:
            yield bytes(block)


def stream_ndjson(queryset, columns):
    names = [column.name for column in columns]
    annotations = {f"c{index}": column.expression() for index, column in enumerate(columns)}
    decoders = [(i, c.decode) for i, c in enumerate(columns) if c.decode is not None]
    rows = (
        queryset.annotate(**annotations).values_list(*annotations).iterator(chunk_size=CHUNK_ROWS)
    )
    chunk = []
    for row in rows:
        if decoders:
            row = list(row)
            for index, decode in decoders:
                row[index] = decode(row[index])
        chunk.append(dumps(dict(zip(names, row, strict=True))))
        if len(chunk) == 500:
            yield b"\n".join(chunk) + b"\n"
            chunk = []
    if chunk:
        yield b"\n".join(chunk) + b"\n"
