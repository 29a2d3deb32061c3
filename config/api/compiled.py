"""The serializer compiled to SQL: each record's JSON, built by the database.

The serializer is the one declaration of a representation: it serves writes and the
schema, and ``compile_record`` reads it (its fields, in order, for the fields asked for)
to make one expression per record whose value is that record's JSON text as the serializer
writes it. A page is then the page query's text column joined: ``[`` + rows + ``]``.

What a field compiles to, by its serializer field:
* a plain column (text, integer, choice, boolean, UUID, date, JSON): its value;
* a decimal: the string DRF writes (``COERCE_DECIMAL_TO_STRING``), with its decimal places;
* a datetime: ISO 8601 in UTC with ``Z``, microseconds only when there are some (as DRF);
* a ``BriefRelatedField``: ``{id, name, url}`` of the related row (its model's
  ``label_field`` column, cut to ``label_length`` characters if the model says so, or its
  ``label_expression()``), null where the reader may not see it (its review state is not
  in ``states(model)``);
* a many-to-many ``BriefRelatedField``: the array of the related rows' brief objects the
  reader may see, in the related model's ordering (a subquery of the through table);
* a nested list serializer (a position's tenures, a decision's stages): the array of the
  related rows the reader may see (``states``), each compiled from the nested serializer,
  in the related model's ordering; their collections (citations) are the view's
  ``Collections.nested(model)``;
* a field with ``lean_columns`` (a fuzzy date): the object of those columns;
* ``url`` and the serializer's ``address_fields``: the record's address;
* a ``LabelledAddressField``: the address of the record its two columns name (a ``CASE``
  over the models that have an address);
* a ``ReaderField``: its ``column(reader)``;
* a ``GenericRecordField``: ``{resource, id, url}`` by a ``CASE`` over the content types
  of the models that have an address (a named record's public id by a subquery);
* a collection the view supplies (citations): its expression, as it is.

Any other field raises ``NotCompilable`` when the plan is made: a resource either compiles
whole or says ``compiled = False`` (its view keeps the serializer path), never silently.

SQLite writes compact JSON in the serializer's key order. PostgreSQL's JSON functions put
spaces after ``:`` and ``,`` and JSONB columns come in their stored order, so on PostgreSQL
the page's text is parsed and written once more (``normalize_page``), with orjson.
"""

import functools
from collections.abc import Callable

import orjson
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from config.api.filters import public_id_field
from config.api.serializers import (
    BriefRelatedField,
    GenericRecordField,
    LabelledAddressField,
    ReaderField,
    path_of_label,
)
from config.api.urls_cache import detail_path

_PLACEHOLDER = "__compiled_public_id__"


class RowView:
    """A ``.values()`` row read as attributes (the ETag reads a record's id and version)."""

    __slots__ = ("row",)

    def __init__(self, row: dict):
        self.row = row

    def __getattr__(self, name):
        try:
            return self.row[name]
        except KeyError:
            raise AttributeError(name) from None


class NotCompilable(TypeError):
    """A serializer field with no compiled form."""


class _Vendor(models.Func):
    """SQL that differs on PostgreSQL (``postgresql_template``)."""

    output_field = models.TextField()
    postgresql_template = "%(expressions)s"

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template=self.postgresql_template, **extra_context)


class JSONObject(_Vendor):
    """``JSON_OBJECT(key, value, …)`` in the order given (PostgreSQL's JSON keeps it)."""

    template = "JSON_OBJECT(%(expressions)s)"
    postgresql_template = "JSON_BUILD_OBJECT(%(expressions)s)"

    def __init__(self, members: dict):
        arguments = []
        for key, value in members.items():
            arguments += [text_value(key), value]
        super().__init__(*arguments)


def text_value(text: str | None):
    """A query parameter typed as text (PostgreSQL cannot infer it inside JSON functions)."""
    return models.functions.Cast(models.Value(text), models.TextField())


class Nested(_Vendor):
    """JSON text used as a value inside another object (SQLite would quote it again)."""

    template = "JSON(%(expressions)s)"


class Boolean(_Vendor):
    template = (
        "CASE WHEN %(expressions)s IS NULL THEN NULL "
        "WHEN %(expressions)s THEN JSON('true') ELSE JSON('false') END"
    )


class Decimal(_Vendor):
    """The decimal as DRF writes it: a string with exactly ``places`` decimals."""

    def __init__(self, column: str, places: int):
        super().__init__(models.F(column))
        # %%%% : a literal % in SQL is written %% (Django formats SQL with its parameters).
        self.template = (
            f"CASE WHEN %(expressions)s IS NULL THEN NULL "
            f"ELSE PRINTF('%%%%.{int(places)}f', %(expressions)s) END"
        )
        # numeric(p, s) as text has exactly s decimals.
        self.postgresql_template = "(%(expressions)s)::text"


class DateTime(_Vendor):
    """ISO 8601 in UTC: ``2025-03-01T10:00:00Z``, ``.ffffff`` only when not zero (as DRF)."""

    # Django keeps a UTC datetime on SQLite as "YYYY-MM-DD HH:MM:SS[.ffffff]".
    template = "(REPLACE(%(expressions)s, ' ', 'T') || 'Z')"
    postgresql_template = (
        "CASE WHEN %(expressions)s IS NULL THEN NULL "
        "WHEN DATE_TRUNC('second', %(expressions)s) = %(expressions)s "
        """THEN TO_CHAR(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') """
        """ELSE TO_CHAR(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END"""
    )


class DashedUUID(_Vendor):
    """A UUID column as text with dashes: SQLite keeps its 32 hex digits (exports too)."""

    template = "||'-'||".join(
        f"SUBSTR(%(expressions)s, {start}, {length})"
        for start, length in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
    )


class Text(_Vendor):
    """A column as text (a UUID dashed on both databases)."""

    template = "CAST(%(expressions)s AS TEXT)"
    postgresql_template = "(%(expressions)s)::text"


class JSONArray(models.Subquery):
    """The ``item`` column of a queryset's rows as one JSON array, in its order (none: [])."""

    template = "(SELECT JSON_GROUP_ARRAY(JSON(item)) FROM (%(subquery)s) AS items)"
    output_field = models.TextField()

    def __init__(self, queryset, item):
        # A slice keeps the subquery's ORDER BY (Django drops it from an unsliced one).
        super().__init__(queryset.annotate(item=item).values("item")[:MAX_ITEMS])

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "(SELECT COALESCE(JSON_AGG(item), '[]'::json) FROM (%(subquery)s) AS items)"
        return self.as_sql(compiler, connection, template=template, **extra_context)


#: At most this many items in a record's collection (far more than any record has).
MAX_ITEMS = 100_000


class Concat(models.Func):
    """Text joined with ``||`` (NULL if any part is NULL)."""

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = models.TextField()


def _text_of(model, column: str):
    """A public id column as the text the API writes."""
    field = _model_field(model, column)
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    if isinstance(field, models.UUIDField) and connection.vendor == "sqlite":
        return DashedUUID(column)
    return Text(models.F(column))


def _model_field(model, path: str):
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    if name == "pk":
        return model._meta.pk
    return model._meta.get_field(name)


def address(base, path_of: Callable, model, public_id):
    """``base`` + the path ``path_of(model, id)`` of a public id (its text expression)."""
    template = path_of(model, _PLACEHOLDER)
    if template is None:
        return text_value(None)
    before, after = template.split(_PLACEHOLDER)
    return Concat(base, text_value(before), public_id, text_value(after))


def public_id_column(model, prefix: str = "") -> str:
    name = public_id_field(model)
    if name == "pk":
        name = "id" if prefix else "pk"
    return f"{prefix}__{name}" if prefix else name


def brief(model, related, prefix: str, base, states: tuple | None):
    """The brief object of the record at ``prefix`` (``BriefRelatedField``), None where
    there is none or the reader may not see it (``states``: review states they may)."""
    id_column = public_id_column(related, prefix)
    if getattr(related, "label_field", None):
        label = models.F(f"{prefix}__{related.label_field}")
        length = getattr(related, "label_length", None)
        if length is not None:
            label = shortened(label, length)
    elif hasattr(related, "label_expression"):
        label = related.label_expression(prefix)
    else:
        raise NotCompilable(f"{related.__name__}: no label_field nor label_expression()")
    public_id = _text_of(model, id_column)
    obj = JSONObject(
        {
            "id": public_id,
            "name": label,
            "url": address(base, detail_path, related, public_id),
        }
    )
    present = models.Q(**{f"{prefix}__isnull": False})
    if states is not None:
        present &= models.Q(**{f"{prefix}__review_state__in": states})
    text = models.TextField()
    return models.Case(models.When(present, then=obj), default=None, output_field=text)


def shortened(text, length: int):
    """``text`` cut to ``length`` characters, its last one an ellipsis when it was longer
    (as a model with a ``label_length`` cuts its ``brief_name``: ``Statement``)."""
    return _Shortened(text, length)


class _Shortened(_Vendor):
    """``CASE WHEN LENGTH(text) <= n THEN text ELSE SUBSTR(text, 1, n - 1) || '…' END``
    (lengths in characters on both databases, as Python's ``len``). The text is a column:
    its SQL, written three times, has no parameters."""

    def __init__(self, text, length: int):
        super().__init__(text)
        n = int(length)
        self.template = (
            f"CASE WHEN LENGTH(%(expressions)s) <= {n} THEN %(expressions)s "
            f"ELSE SUBSTR(%(expressions)s, 1, {n - 1}) || '…' END"
        )
        self.postgresql_template = self.template


def brief_list(model, model_field, base, states: Callable):
    """The brief objects of a many-to-many relation's records (forward or reverse) the
    reader may see, as a JSON array in the related model's ordering: a subquery of the
    through table, so each brief is ``brief()`` of the through row's relation."""
    if model_field.auto_created:  # the reverse side (ManyToManyRel): the field is the other's
        field = model_field.field
        here, there = field.m2m_reverse_field_name(), field.m2m_field_name()
        related = model_field.related_model
    else:
        field = model_field
        here, there = field.m2m_field_name(), field.m2m_reverse_field_name()
        related = field.related_model
    rows = field.remote_field.through._base_manager.filter(**{here: models.OuterRef("pk")})
    visible = states(related)
    if visible is not None:
        rows = rows.filter(**{f"{there}__review_state__in": visible})
    through = field.remote_field.through
    item = brief(through, related, there, base, None)
    return JSONArray(rows.order_by(*_ordering(related, there)), item)


def _ordering(model, prefix: str) -> list[str]:
    """``model``'s default ordering, of the rows at ``prefix``."""
    ordering = list(model._meta.ordering) or ["pk"]
    return [
        ("-" if item.startswith("-") else "") + f"{prefix}__{item.lstrip('-')}" if prefix else item
        for item in ordering
    ]


def nested_list(model, model_field, serializer, base, states: Callable, collections):
    """The records of a reverse foreign key (``model_field``, a one-to-many relation) the
    reader may see, each as ``serializer`` writes it, as a JSON array in their model's
    ordering."""
    related = model_field.related_model
    rows = related._base_manager.filter(**{model_field.field.name: models.OuterRef("pk")})
    visible = states(related)
    if visible is not None:
        rows = rows.filter(review_state__in=visible)
    nested = collections.nested(related) if isinstance(collections, Collections) else {}
    item = compile_record(
        serializer, None, base=base, states=states, collections=nested, model=related
    )  # (no ReaderField in a nested record yet: its reader would be passed on here)
    return JSONArray(rows.order_by(*_ordering(related, "")), item)


class Collections(dict):
    """The collection fields' expressions by name (a record's citations), and, through
    ``nested(model)``, those of the records of ``model`` nested in it (a tenure's)."""

    def __init__(self, fields: dict, nested: Callable | None = None):
        super().__init__(fields)
        self._nested = nested

    def nested(self, model) -> dict:
        return self._nested(model) if self._nested is not None else {}


def value(model, serializer_field, column: str):
    """A plain column as the serializer field writes it."""
    field = _model_field(model, column)
    kind = type(serializer_field)
    if isinstance(serializer_field, serializers.DecimalField):
        coerce = getattr(serializer_field, "coerce_to_string", None)
        if not (api_settings.COERCE_DECIMAL_TO_STRING if coerce is None else coerce):
            raise NotCompilable(f"{column}: decimals as numbers")
        return Decimal(column, serializer_field.decimal_places)
    if isinstance(serializer_field, serializers.DateTimeField):
        if getattr(serializer_field, "format", api_settings.DATETIME_FORMAT) != ISO_8601:
            raise NotCompilable(f"{column}: a datetime format other than ISO 8601")
        return DateTime(models.F(column))
    choices = getattr(serializer_field, "choice_strings_to_values", {})
    if any(str(k) != str(v) for k, v in choices.items()):
        raise NotCompilable(f"{column}: choices written otherwise than stored")
    if isinstance(field, models.BooleanField):
        return Nested(Boolean(models.F(column)))
    if isinstance(field, models.UUIDField) and connection.vendor == "sqlite":
        return DashedUUID(column)
    if isinstance(field, models.JSONField):
        return Nested(models.F(column))
    plain = (
        models.CharField,
        models.TextField,
        models.IntegerField,
        models.DateField,
        models.UUIDField,
    )
    if isinstance(field, plain) and not isinstance(field, models.DateTimeField):
        if kind in (serializers.SerializerMethodField,):
            raise NotCompilable(column)
        return models.F(column)
    raise NotCompilable(f"{column}: {type(field).__name__} as {kind.__name__}")


def labelled_address(field: LabelledAddressField, base):
    """``field``'s address: per model that has one, its path around the id column."""
    public_id = Text(models.F(field.id_column))
    cases = [
        models.When(
            **{field.label_column: model._meta.label_lower},
            then=address(base, detail_path, model, public_id),
        )
        for model in apps.get_models()
        if path_of_label(model._meta.label_lower, _PLACEHOLDER) is not None
    ]
    if field.null_when:
        cases.insert(0, models.When(models.Q(**field.null_when), then=text_value(None)))
    return models.Case(*cases, default=text_value(None), output_field=models.TextField())


def generic_record(model, field: GenericRecordField, base):
    """``field``'s object: per content type of a model with an address, its resource
    name, the record's public id (the stored id where the record is gone) and address."""
    from django.contrib.contenttypes.models import ContentType

    relation = model._meta.get_field(field.source)
    stored = _text_of(model, relation.fk_field)
    routed = [m for m in apps.get_models() if detail_path(m, _PLACEHOLDER) is not None]
    cases = []
    for related, content_type in ContentType.objects.get_for_models(*routed).items():
        id_field = public_id_field(related)
        if id_field == "pk":
            public_id = stored
        else:
            rows = related._base_manager.filter(pk=models.OuterRef(relation.fk_field))
            found = models.Subquery(rows.order_by().values(id_field)[:1])
            public_id = models.functions.Coalesce(
                models.functions.Cast(found, models.TextField()), stored
            )
        obj = JSONObject(
            {
                "resource": text_value(f"{content_type.app_label}.{content_type.model}"),
                "id": public_id,
                "url": address(base, detail_path, related, public_id),
            }
        )
        cases.append(models.When(**{f"{relation.ct_field}_id": content_type.pk}, then=obj))
    return models.Case(*cases, default=None, output_field=models.TextField())


def _field_expression(name, serializer_field, model, base, states, collections, addresses, reader):
    if name in collections:
        return Nested(collections[name])
    if isinstance(serializer_field, LabelledAddressField):
        return labelled_address(serializer_field, base)
    if isinstance(serializer_field, ReaderField):
        return serializer_field.column(reader)
    if isinstance(serializer_field, GenericRecordField):
        return Nested(generic_record(model, serializer_field, base))
    if isinstance(serializer_field, serializers.SerializerMethodField):
        if name not in addresses:
            raise NotCompilable(f"{model.__name__}.{name}: a method field")
        public_id = _text_of(model, public_id_column(model))
        return address(base, addresses[name], model, public_id)
    columns = getattr(serializer_field, "lean_columns", None)
    if columns is not None:
        keys = ("value", "precision", "earliest", "latest", "note")
        return Nested(JSONObject({k: models.F(c) for k, c in zip(keys, columns, strict=True)}))
    if isinstance(serializer_field, BriefRelatedField):
        try:
            model_field = model._meta.get_field(serializer_field.source)
        except FieldDoesNotExist as exc:
            raise NotCompilable(name) from exc
        if model_field.many_to_many or not model_field.is_relation:
            raise NotCompilable(f"{model.__name__}.{name}: a to-many relation")
        related = model_field.related_model
        return Nested(brief(model, related, name, base, states(related)))
    if isinstance(serializer_field, serializers.ManyRelatedField) and isinstance(
        serializer_field.child_relation, BriefRelatedField
    ):
        model_field = _relation(model, serializer_field.source)
        if not model_field.many_to_many:
            raise NotCompilable(f"{model.__name__}.{name}: not a many-to-many relation")
        return Nested(brief_list(model, model_field, base, states))
    if isinstance(serializer_field, serializers.ListSerializer) and isinstance(
        serializer_field.child, serializers.ModelSerializer
    ):
        model_field = _relation(model, serializer_field.source)
        if not model_field.one_to_many:
            raise NotCompilable(f"{model.__name__}.{name}: not a reverse foreign key")
        child = type(serializer_field.child)
        return Nested(nested_list(model, model_field, child, base, states, collections))
    if isinstance(
        serializer_field,
        serializers.ListSerializer | serializers.ManyRelatedField | serializers.Serializer,
    ):
        raise NotCompilable(f"{model.__name__}.{name}: {type(serializer_field).__name__}")
    source = serializer_field.source
    if source == "public_id":
        return _text_of(model, public_id_column(model))
    if "." in source or source == "*":
        raise NotCompilable(f"{model.__name__}.{name}: source {source!r}")
    try:
        model_field = model._meta.get_field(source)
    except FieldDoesNotExist as exc:
        raise NotCompilable(f"{model.__name__}.{name}: not a column") from exc
    if not model_field.concrete or model_field.is_relation:
        raise NotCompilable(f"{model.__name__}.{name}: not a column")
    column = "pk" if model_field.primary_key else model_field.attname
    return value(model, serializer_field, column)


def _relation(model, source: str):
    try:
        return model._meta.get_field(source)
    except FieldDoesNotExist as exc:
        raise NotCompilable(f"{model.__name__}.{source}: not a relation") from exc


@functools.lru_cache(maxsize=64)
def serializer_fields(serializer_class) -> dict:
    return dict(serializer_class().fields)


def compile_record(
    serializer_class,
    fields: frozenset | None,
    *,
    base,
    states: Callable,
    collections: dict,
    model=None,
    reader=None,
) -> JSONObject:
    """The record's JSON as ``serializer_class`` writes ``fields`` (None: all of them).

    ``base`` is the absolute URL prefix (an expression: a query parameter), ``states(model)``
    the review states of ``model`` the reader may see inside a record (None: all), and
    ``collections`` the expressions of collection fields (citations) by name. ``model``:
    for a serializer that names none (a nested one). ``reader``: the user (``ReaderField``).
    """
    model = model or serializer_class.Meta.model
    addresses = {"url": detail_path, **getattr(serializer_class, "address_fields", {})}
    members = {}
    for name, serializer_field in serializer_fields(serializer_class).items():
        if fields is not None and name not in fields:
            continue
        members[name] = _field_expression(
            name, serializer_field, model, base, states, collections, addresses, reader
        )
    return JSONObject(members)


class Compiled(models.Expression):
    """A resolved expression whose SQL is made once per database connection and kept.

    A page's JSON expression is hundreds of nodes: compiling it costs Django more than the
    database takes to run it. The view keeps one resolved queryset per kind of reader
    (``compiled_queryset``) and only adds conditions after it, which add joins with new
    aliases but never rename the ones this SQL names, so its text stays true.
    """

    def __init__(self, expression):
        super().__init__(output_field=expression.output_field)
        self.expression = expression
        self.made = {}

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, exprs):
        (self.expression,) = exprs

    def as_sql(self, compiler, connection):
        made = self.made.get(connection.alias)
        if made is None:
            sql, params = compiler.compile(self.expression)
            if connection.vendor == "postgresql":
                # As text: a page filtered through a many-to-many relation is DISTINCT,
                # and PostgreSQL has no equality for json (``page`` reads it).
                sql = f"({sql})::text"
            made = self.made[connection.alias] = sql, params
        return made

    def relabeled_clone(self, change_map):
        # Another query's aliases (a subquery): compile afresh.
        return Compiled(self.expression.relabeled_clone(change_map))


def check(serializer_class, collections: tuple[str, ...] = ()) -> None:
    """Raise ``NotCompilable`` if any field of ``serializer_class`` has no compiled form."""
    dummy = {name: text_value("[]") for name in collections}
    compile_record(
        serializer_class,
        None,
        base=text_value(""),
        states=lambda m: None,
        collections=Collections(dummy, nested=lambda model: dummy),
    )


def page(rows: list) -> orjson.Fragment | list:
    """The rows' JSON texts as the page's ``results``, joined unread.

    PostgreSQL's driver hands JSON values over already read (in their key order): those
    are written by orjson with the page, compact (see above).
    """
    if rows and not isinstance(rows[0], str):
        return rows
    if connection.vendor == "postgresql":  # its JSON text is not compact: read it
        return [orjson.loads(row) for row in rows]
    return _written("[" + ",".join(rows) + "]")


def record(text):
    if isinstance(text, str) and connection.vendor == "postgresql":
        return orjson.loads(text)
    return _written(text) if isinstance(text, str) else text


def _written(text: str):
    # Django stores a JSON column with json.dumps (ASCII: "\u00e9"), and SQLite's JSON()
    # keeps those escapes where orjson writes the letter: such a page is read and written
    # again (the only escapes orjson writes are of control characters, which it writes the
    # same way, so a page without "\u" needs no second look).
    if "\\u" in text:
        return orjson.loads(text)
    return orjson.Fragment(text)
