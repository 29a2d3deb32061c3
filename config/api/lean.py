"""The lean read path: pages and records rendered from ``.values()`` rows, not model instances.

The serializer stays the definition of the representation. A ``LeanPlan`` is derived from it
once per serializer class and set of requested fields: for each field, the columns it reads
and how it renders them. Plain fields render through the serializer field's own
``to_representation`` (so decimals, datetimes and choices come out exactly as the serializer
writes them); a related record becomes the same brief object ``BriefRelatedField`` makes,
from columns of the same joined query; a field that declares ``lean_columns`` (a fuzzy
date) reads a row view of those columns. Collections (citations) come from one more query
per page through ``lean_collections`` hooks that the view supplies.

A serializer with any other field (a nested list with no hook, a method field that is not an
address named in ``url`` or the serializer's ``address_fields``) has no plan, and the view
keeps the serializer path.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from config.api.filters import public_id_field
from config.api.serializers import BriefRelatedField
from config.api.urls_cache import absolute, detail_path


class RowView:
    """A ``.values()`` row read as attributes, for fields that read several columns."""

    __slots__ = ("row",)

    def __init__(self, row: dict):
        self.row = row

    def __getattr__(self, name):
        try:
            return self.row[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class Renderer:
    name: str
    columns: tuple[str, ...]
    render: Callable  # (row, context) -> value
    #: A plain column's values of these types are written as they are, with no call.
    as_is: tuple[type, ...] = ()


@dataclass(eq=False)  # hashed by identity: plan_for() makes one per serializer and fields
class LeanPlan:
    model: type
    renderers: list[Renderer]
    collections: tuple[str, ...] = ()
    columns: tuple[str, ...] = field(default=())

    def __post_init__(self):
        # One tuple per field, read in the loop below: 50 rows × 20 fields a page.
        self.steps = tuple(
            (
                r.name,
                r.columns[0] if r.as_is else None,
                r.as_is,
                collection_column(r.name) if r.name in self.collections else None,
                r.render,
            )
            for r in self.renderers
        )

    def render(self, row: dict, context: dict, collections: dict) -> dict:
        data = {}
        for name, column, as_is, collection, render in self.steps:
            if column is not None:
                value = row[column]
                if value is None or type(value) in as_is:
                    data[name] = value
                    continue
            if collection is not None:
                data[name] = collections[name](orjson.loads(row[collection] or "[]"), context)
            else:
                data[name] = render(row, context)
        return data


def collection_column(name: str) -> str:
    """The page query's column that holds collection ``name`` of each row."""
    return f"_lean_{name}"


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


def value_renderer(serializer_field) -> Callable:
    """``serializer_field``'s representation of a column's value (None stays None), with
    no call for the values the field would write unchanged."""
    to_representation = serializer_field.to_representation
    unchanged = _written_as_is(serializer_field)

    def render(value):
        if value is None or type(value) in unchanged:
            return value
        return to_representation(value)

    return render


def _plain(name: str, serializer_field, column: str) -> Renderer:
    render_value = value_renderer(serializer_field)

    def render(row, context):
        return render_value(row[column])

    return Renderer(name, (column,), render, as_is=_written_as_is(serializer_field))


#: DRF fields whose ``to_representation`` returns a value of these exact types unchanged.
_AS_IS = (
    (serializers.CharField, (str,)),
    (serializers.IntegerField, (int,)),
    (serializers.BooleanField, (bool,)),
)


def _written_as_is(serializer_field) -> tuple[type, ...]:
    """The value types ``serializer_field`` writes unchanged: they skip the call per value."""
    method = type(serializer_field).to_representation
    for field_class, types in _AS_IS:
        if method is field_class.to_representation:
            return types
    if method is serializers.ChoiceField.to_representation and all(
        key == value for key, value in serializer_field.choice_strings_to_values.items()
    ):
        return (str,)  # text choices: each stored value is its own representation
    return ()


def _datetime(name: str, serializer_field, column: str) -> Renderer:
    """DRF's ISO 8601 datetime, without looking the time zone up again for every value.

    ``context["timezone"]`` is the zone DRF's field would use (looked up once per page);
    anything but an aware datetime goes through the field itself.
    """
    to_representation = serializer_field.to_representation

    def render(row, context):
        value = row[column]
        zone = context.get("timezone")
        if value is None or zone is None or value.tzinfo is None:
            return None if value is None else to_representation(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return Renderer(name, (column,), render)


def _is_plain_iso_datetime(serializer_field) -> bool:
    return (
        type(serializer_field) is serializers.DateTimeField
        and getattr(serializer_field, "format", api_settings.DATETIME_FORMAT) == ISO_8601
        and not hasattr(serializer_field, "timezone")
    )


def _grouped(name: str, serializer_field, columns: tuple[str, ...]) -> Renderer:
    # A field may render straight from the row's columns (``lean_representation``, in the
    # order of ``lean_columns``); otherwise it reads them as attributes of a row view.
    from_columns = getattr(serializer_field, "lean_representation", None)

    def render(row, context):
        if from_columns is not None:
            return from_columns(*[row[column] for column in columns])
        return serializer_field.to_representation(RowView(row))

    return Renderer(name, columns, render)


def _address(name: str, model, path_of) -> Renderer:
    """An address built from the record's public id, as the serializer's method builds it."""
    id_column = _public_id_column(model, "")

    def render(row, context):
        return absolute(context["request"], path_of(model, row[id_column]))

    return Renderer(name, (id_column,), render)


def _public_id_column(model, prefix: str) -> str:
    name = public_id_field(model)
    name = "pk" if name == "pk" and not prefix else ("id" if name == "pk" else name)
    return f"{prefix}__{name}" if prefix else name


def _brief(name: str, related) -> Renderer | None:
    """The brief object of a related record, from its joined columns (None if not shown)."""
    label = getattr(related, "label_field", None)
    if label is None:
        return None  # its label is not one column: keep the serializer path
    id_column = _public_id_column(related, name)
    label_column = f"{name}__{label}"
    state_column = f"{name}__review_state"
    has_state = _has_field(related, "review_state")
    columns = (id_column, label_column, *((state_column,) if has_state else ()))

    def render(row, context):
        public_id = row[id_column]
        if public_id is None:
            return None
        if has_state and row[state_column] not in context["visible"](related):
            return None  # not for this user, even as the target of a record they may see
        # A page names few related records, many times: each brief is built once per page.
        key = (related, public_id, row[label_column])
        brief = context["briefs"].get(key)
        if brief is None:
            public_id = str(public_id)
            brief = context["briefs"][key] = {
                "id": public_id,
                "name": str(row[label_column]),
                "url": absolute(context["request"], detail_path(related, public_id)),
            }
        return brief

    return Renderer(name, columns, render)


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _renderer(name, serializer_field, model, collections, addresses) -> Renderer | None:
    if name in collections:
        return Renderer(name, (), None)
    if isinstance(serializer_field, serializers.SerializerMethodField) and name in addresses:
        return _address(name, model, addresses[name])
    columns = getattr(serializer_field, "lean_columns", None)
    if columns is not None:
        return _grouped(name, serializer_field, tuple(columns))
    if isinstance(serializer_field, BriefRelatedField):
        try:
            model_field = model._meta.get_field(serializer_field.source)
        except FieldDoesNotExist:
            return None
        if model_field.many_to_many or not model_field.is_relation:
            return None
        return _brief(name, model_field.related_model)
    if isinstance(serializer_field, serializers.SerializerMethodField | serializers.ListSerializer):
        return None
    if isinstance(serializer_field, serializers.ManyRelatedField | serializers.Serializer):
        return None
    source = serializer_field.source
    if source == "public_id":
        return _plain(name, serializer_field, _public_id_column(model, ""))
    if "." in source or source == "*":
        return None
    try:
        model_field = model._meta.get_field(source)
    except FieldDoesNotExist:
        return None
    if not model_field.concrete or model_field.is_relation:
        return None
    column = "pk" if model_field.primary_key else model_field.attname
    if _is_plain_iso_datetime(serializer_field):
        return _datetime(name, serializer_field, column)
    return _plain(name, serializer_field, column)


@functools.lru_cache(maxsize=256)
def plan_for(serializer_class, fields: frozenset | None, collections: frozenset) -> LeanPlan | None:
    """The lean plan of ``serializer_class`` for the requested ``fields`` (None: all)."""
    model = serializer_class.Meta.model
    serializer_fields = serializer_class().fields
    # Method fields that are addresses: name → function(model, public id) → path.
    addresses = {"url": detail_path, **getattr(serializer_class, "address_fields", {})}
    renderers = []
    for name, serializer_field in serializer_fields.items():
        if fields is not None and name not in fields:
            continue
        renderer = _renderer(name, serializer_field, model, collections, addresses)
        if renderer is None:
            return None
        renderers.append(renderer)
    columns = {"pk"}
    for renderer in renderers:
        columns.update(renderer.columns)
    return LeanPlan(
        model=model,
        renderers=renderers,
        collections=tuple(name for name in collections if name in {r.name for r in renderers}),
        columns=tuple(sorted(columns)),
    )
