"""What a release holds, and its rows in a stable order.

The visibility rule decides: a release holds what an anonymous reader of the API sees with
``include_retracted=true``, that is published records and retracted ones (marked so, with
their reason), never drafts. Retractions stay in because a downloader who holds an older
release must learn that a record was withdrawn and why. A released record's reference to
a record that is not released (a draft) is left out, as the API leaves it out; a required
one cannot be, and stops the release with the record named.
"""

import datetime
import decimal
import functools
import hashlib
import json
import uuid
from dataclasses import dataclass, field

import orjson
from django.apps import apps
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify

from config.api.exports import export_expressions
from config.api.filters import public_id_field
from core.canonical import sorted_json
from core.models import Citation, PublicModel


class SnapshotError(Exception):
    """The public data cannot be released as it is; the message names the record."""


def released(model) -> models.QuerySet:
    """The records of ``model`` a release holds: what anonymous readers may see."""
    return model._default_manager.visible_to(None, include_retracted=True)


def visible_related(model):
    """Related rows shown inside a released record (the exports' rule), as a subquery."""
    manager = model._default_manager
    if not hasattr(manager, "visible_as_related"):
        return None
    return manager.visible_as_related(None).values("pk")


def dataset_models() -> list[type]:
    """Every model of the dataset, in an order that loads (referenced models first)."""
    app_list = {}
    for model in apps.get_models():
        if issubclass(model, PublicModel):
            app_list.setdefault(model._meta.app_config, []).append(model)
    return serializers.sort_dependencies(app_list.items(), allow_cycles=True)


@functools.cache
def resource_name(model) -> str:
    """The resource's name in the API (``policy-decisions``), or its plural name."""
    meta = model._meta
    try:
        path = reverse(f"api-v1:{meta.app_label}-{meta.model_name}-list")
    except NoReverseMatch:
        return slugify(str(meta.verbose_name_plural))
    return path.rstrip("/").rsplit("/", 1)[-1]


def public_id_of(obj) -> str:
    return str(getattr(obj, public_id_field(type(obj))))


# --- the fixture ---------------------------------------------------------------------


class FixtureEncoder(DjangoJSONEncoder):
    """Django's encoder, but timestamps keep their microseconds (the API shows them)."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


@dataclass
class ReleasedKeys:
    """The primary keys released per model, computed once per model that is referenced."""

    keys: dict = field(default_factory=dict)

    def of(self, model) -> set:
        if model not in self.keys:
            self.keys[model] = set(released(model).values_list("pk", flat=True))
        return self.keys[model]


def _hide_unreleased(obj, keys: ReleasedKeys) -> None:
    for fk in obj._meta.concrete_fields:
        target = fk.related_model
        if not fk.many_to_one or not issubclass(target, PublicModel):
            continue
        value = getattr(obj, fk.attname)
        if value is None or value in keys.of(target):
            continue
        if not fk.null:
            raise SnapshotError(
                f"{obj._meta.label} {public_id_of(obj)}: {fk.name} refers to "
                f"{target._meta.label} {value}, which is not public (a draft). Publish or "
                "retract that record first."
            )
        setattr(obj, fk.attname, None)


def _m2m_prefetches(model) -> list[Prefetch]:
    return [
        Prefetch(
            m2m.name,
            queryset=released(m2m.related_model).order_by(public_id_field(m2m.related_model)),
        )
        for m2m in model._meta.many_to_many
    ]


#: Fields a release leaves out: derived from others, and computed again when it is loaded
#: (``compute_derived``), so a change to how they are derived changes no release file.
NOT_RELEASED = frozenset({"name_sort_key"})


def fixture_records(model, keys: ReleasedKeys, *, chunk_size: int = 2000):
    """``model``'s released records as Django's fixture entries, with natural keys."""
    queryset = released(model).order_by("pk")
    if model is Citation:
        queryset = released_citations().order_by("pk")
    # Natural keys of relations read the related rows: join them rather than query each.
    related = [fk.name for fk in model._meta.concrete_fields if fk.many_to_one]
    queryset = queryset.select_related(*related).prefetch_related(*_m2m_prefetches(model))
    for obj in queryset.iterator(chunk_size=chunk_size):
        _hide_unreleased(obj, keys)
        [entry] = serializers.serialize("python", [obj], use_natural_foreign_keys=True)
        entry["fields"] = {
            name: sorted_json(value)
            for name, value in entry["fields"].items()
            if name not in NOT_RELEASED
        }
        yield obj, entry


def encode_entry(entry: dict) -> str:
    return json.dumps(entry, cls=FixtureEncoder, ensure_ascii=False, indent=1)


def entry_digest(text: str) -> str:
    """A record's content, for the changelog: the sha256 of its fixture entry, canonical."""
    canonical = json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def fixture_digests(text: str) -> dict:
    """A release fixture's record digests (as ``files.write_fixture`` computes them)."""
    digests = {}
    for entry in json.loads(text):
        model = apps.get_model(entry["model"])
        field_name = public_id_field(model)
        public_id = entry["pk"] if field_name == "pk" else entry["fields"][field_name]
        content = entry_digest(json.dumps(entry))
        state = entry["fields"]["review_state"]
        digests[(entry["model"], str(entry["pk"]))] = (
            resource_name(model),
            str(public_id),
            state,
            content,
        )
    return digests


# --- the tables ------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """One tabular file's content: its column names and a function that yields its rows."""

    name: str
    model: type | None
    columns: list
    rows: object  # a callable returning an iterator of tuples
    link: tuple | None = None  # for a many-to-many table: (model, related model)

    def iter_rows(self):
        return self.rows()


def is_uuid_field(field) -> bool:
    target = field.target_field if field.is_relation else field
    return target.get_internal_type() == "UUIDField"


def record_table(model) -> Table:
    """A resource's table: the API export's columns, relations shown as public ids."""
    expressions = export_expressions(model, visible_related)
    names = [column.name for column in expressions]
    annotations = {f"c{index}": column.expression() for index, column in enumerate(expressions)}
    order = (public_id_field(model), "pk")
    # A relation's UUID read through an annotation comes back as the database stores it
    # (hex without dashes on SQLite): normalise it as the field itself would.
    uuids = [is_uuid_field(column.field) for column in expressions]

    def rows():
        queryset = released(model).order_by(*order).annotate(**annotations)
        for row in queryset.values_list(*annotations).iterator(chunk_size=2000):
            yield tuple(
                uuid.UUID(value) if is_uuid and isinstance(value, str) else sorted_json(value)
                for is_uuid, value in zip(uuids, row, strict=True)
            )

    return Table(resource_name(model), model, names, rows)


CITATION_COLUMNS = [
    "id",
    "review_state",
    "retraction_reason",
    "version",
    "created",
    "updated",
    "source",
    "record_model",
    "record_id",
    "quote",
    "start",
    "end",
    "locator",
    "supports",
    "contradicts",
    "stated",
    "inferred",
    "note",
    "supported_values",
    "withdrawn",
]


def released_citations() -> models.QuerySet:
    """Released citations of released records (a citation of a draft is not public)."""
    citable = [m for m in dataset_models() if hasattr(m, "citations") and m is not Citation]
    condition = models.Q(pk__in=[])
    for model in citable:
        condition |= models.Q(
            content_type__app_label=model._meta.app_label,
            content_type__model=model._meta.model_name,
            object_id__in=released(model).values("pk"),
        )
    return released(Citation).filter(condition)


def citation_table() -> Table:
    """Every released citation: its source, the record it supports and its evidence."""

    def rows():
        public_ids = {}
        queryset = released_citations().select_related("content_type").order_by("pk")
        own = ("record_model", "record_id", "source")
        fields = [name for name in CITATION_COLUMNS if name not in own]
        for citation in queryset.only(*fields, "source", "content_type", "object_id").iterator(
            2000
        ):
            model = citation.content_type.model_class()
            record_id = _record_public_id(model, citation.object_id, public_ids)
            values = {name: getattr(citation, name) for name in fields}
            values["source"] = citation.source_id
            values["record_model"] = model._meta.label_lower
            values["record_id"] = record_id
            yield tuple(sorted_json(values[name]) for name in CITATION_COLUMNS)

    return Table("citations", Citation, list(CITATION_COLUMNS), rows)


def _record_public_id(model, pk, cache: dict) -> str:
    field_name = public_id_field(model)
    if field_name == "pk":
        return str(pk)
    if model not in cache:
        cache[model] = dict(released(model).values_list("pk", field_name))
    return cache[model][pk]


def link_tables(model) -> list[Table]:
    """One table per many-to-many field: pairs of public ids, both ends released."""
    tables = []
    for m2m in model._meta.many_to_many:
        through = m2m.remote_field.through
        left, right = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
        related = m2m.related_model
        left_id = f"{left}__{public_id_field(model)}".replace("__pk", "_id")
        right_id = f"{right}__{public_id_field(related)}".replace("__pk", "_id")

        def rows(through=through, left=left, right=right, related=related, ids=(left_id, right_id)):
            queryset = through._default_manager.filter(
                **{f"{left}__in": released(model).values("pk")},
                **{f"{right}__in": released(related).values("pk")},
            )
            return queryset.order_by(*ids).values_list(*ids).iterator(chunk_size=2000)

        name = f"{resource_name(model)}-{m2m.name.replace('_', '-')}"
        tables.append(Table(name, None, [left, right], rows, link=(model, related)))
    return tables


def tables() -> list[Table]:
    """Every table of a release, in a stable order."""
    result = []
    for model in dataset_models():
        if model is Citation:
            continue
        result.append(record_table(model))
        result.extend(link_tables(model))
    result.append(citation_table())
    return result


# --- cell formats ----------------------------------------------------------------------


def csv_cell(value) -> str:
    """One value as CSV text: the same text the API's CSV export writes."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, list | dict):
        return orjson.dumps(value).decode()
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)
