"""JSON built by the database for exports: a correlated subquery's rows as one JSON array.

Pages and records are compiled from the serializer (``config.api.compiled``); NDJSON
exports read a record's citations through ``JSONRows`` (see ``core.api.views``).
"""

from django.db import models


class JSONRows(models.Subquery):
    """The rows of a correlated subquery as one JSON array of objects (text; no rows: "[]").

    One expression in the page's own query, where a prefetch would be one more query per
    page, with its own compiling, converters and model instances. ``members`` names each
    key of an object, in order, and its column (or a tuple of columns: an array of them).
    Values are written as the API writes them: UUIDs dashed, booleans true/false, JSON
    columns as JSON, text and numbers as they are; any other kind of column is refused.
    Objects come in no set order: the renderer sorts them.
    """

    output_field = models.TextField()
    # JSON(): a value read from a subquery is text to SQLite, which would quote it again.
    template = "(SELECT JSON_GROUP_ARRAY(JSON(item)) FROM (%(subquery)s) AS items)"

    def __init__(self, queryset, members: dict[str, str | tuple[str, ...]]):
        model = queryset.model
        arguments = []
        for key, columns in members.items():
            if not key.isidentifier():
                raise ValueError(f"Not a plain key: {key!r}")
            value = (
                _JSONArray(*(_json_value(model, column) for column in columns))
                if isinstance(columns, tuple)
                else _json_value(model, columns)
            )
            arguments += [models.expressions.RawSQL(f"'{key}'", ()), value]
        item = _JSONObject(*arguments)
        super().__init__(queryset.order_by().annotate(item=item).values("item"))

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "(SELECT COALESCE(JSON_AGG(item)::text, '[]') FROM (%(subquery)s) AS items)"
        return self.as_sql(compiler, connection, template=template, **extra_context)


def _json_value(model, column: str):
    field = _model_field(model, column)
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    if isinstance(field, models.UUIDField):
        return _DashedUUID(column)
    if isinstance(field, models.BooleanField):
        return _JSONBoolean(column)
    if isinstance(field, models.JSONField):
        return _JSONText(column)
    if isinstance(field, models.CharField | models.TextField | models.IntegerField):
        return models.F(column)
    raise TypeError(f"No JSON form for {field!r}: add it to lean._json_value().")


def _model_field(model, path: str):
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


class _VendorFunc(models.Func):
    """A function whose SQL differs on PostgreSQL (``postgresql_template``)."""

    output_field = models.TextField()
    postgresql_template = "%(expressions)s"

    def as_postgresql(self, compiler, connection, **extra_context):
        template = self.postgresql_template
        return self.as_sql(compiler, connection, template=template, **extra_context)


class _JSONObject(_VendorFunc):
    # PostgreSQL's JSON (not JSONB) keeps the keys in the order given.
    template = "JSON_OBJECT(%(expressions)s)"
    postgresql_template = "JSON_BUILD_OBJECT(%(expressions)s)"


class _JSONArray(_VendorFunc):
    template = "JSON_ARRAY(%(expressions)s)"
    postgresql_template = "JSON_BUILD_ARRAY(%(expressions)s)"


class _DashedUUID(_VendorFunc):
    # SQLite keeps a UUID as its 32 hex digits; PostgreSQL's JSON writes the dashed form.
    template = "||'-'||".join(
        f"SUBSTR(%(expressions)s, {start}, {length})"
        for start, length in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
    )


#: Public: exports write UUIDs the same way (``config.api.exports``).
DashedUUID = _DashedUUID


class _JSONBoolean(_VendorFunc):
    # SQLite keeps a boolean as 0 or 1.
    template = (
        "CASE WHEN %(expressions)s IS NULL THEN NULL "
        "WHEN %(expressions)s THEN JSON('true') ELSE JSON('false') END"
    )


class _JSONText(_VendorFunc):
    # SQLite keeps JSON as text: JSON() marks it as JSON, so it is not quoted as a string.
    template = "JSON(%(expressions)s)"
