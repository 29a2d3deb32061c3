"""Generic serializer pieces of the API: brief related objects, sparse fields, model validation.

* A related record reads as a brief object ``{id, name, url}``; a write accepts that
  object or the bare public id. A related record the user may not see
  (``obj.is_visible_to(user)`` is false) reads as ``null``.
* ``?fields=a,b`` keeps only those fields; ``?brief=true`` keeps the brief ones.
* ``ModelValidatingSerializer`` runs the model's own ``full_clean()`` (fields, constraints),
  so an invalid write is a 400 naming the field, never a database error.

The records' base serializer (citations, review state, dates) is ``core.api.serializers``.
"""

import json
from collections.abc import Callable

from django.apps import apps
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils.encoders import JSONEncoder

from config.api.filters import public_id_field
from config.api.request_options import RequestOptions
from config.api.urls_cache import absolute, detail_path


def label(obj) -> str:
    return getattr(obj, "brief_name", None) or str(obj)


def prefetched_name(field: str) -> str:
    """Where a visibility-filtered prefetch is stored on each row (read by the serializers).

    A list attribute, not the related manager: a manager per row costs ~0.2 ms.
    """
    return f"visible_{field}"


def may_see(request, obj) -> bool:
    check = getattr(obj, "is_visible_to", None)
    if check is None:
        return True
    return check(getattr(request, "user", None))


class BriefRelatedField(serializers.RelatedField):
    """Reads as a brief object; a write takes the public id or ``{"id": …}``."""

    default_error_messages = {
        "does_not_exist": "No {model} with public id {value!r}.",
        "invalid": "Give the public id as a string, or an object with an id.",
    }

    def to_representation(self, obj):
        request = self.context.get("request")
        if not may_see(request, obj):
            return None  # not for this user, even as the target of a record they may see
        return {
            "id": obj.public_id,
            "name": label(obj),
            "url": absolute(request, detail_path(type(obj), obj.public_id)),
        }

    def to_internal_value(self, data):
        if isinstance(data, dict):
            data = data.get("id")
        if not isinstance(data, str) or data == "":
            self.fail("invalid")
        preloaded = getattr(self, "_preloaded", {})
        if data in preloaded:
            return preloaded[data]
        queryset = self.writable_queryset()
        field = public_id_field(queryset.model)
        try:
            return queryset.get(**{field: data})
        except (queryset.model.DoesNotExist, DjangoValidationError, ValueError):
            self.fail("does_not_exist", model=queryset.model._meta.verbose_name, value=data)

    def writable_queryset(self):
        """The records a write may name: a record the writer may not see is answered like one
        that does not exist."""
        queryset = self.get_queryset()
        manager = queryset.model._default_manager
        request = self.context.get("request")
        if hasattr(manager, "visible_to") and request is not None:
            queryset = queryset & manager.visible_to(request.user, include_retracted=True)
        return queryset

    def preload(self, values) -> None:
        """Read the records ``values`` name (public ids or brief objects) in one query, for
        a list of writes that each name one (citations naming their sources): those found
        are not asked again one by one; the others get the single lookup's answer."""
        # Only well-formed ids are read here; anything else (a nested object, a number) gets
        # the single lookup's answer, a 400, like any value the field refuses.
        named = (v.get("id") if isinstance(v, dict) else v for v in values)
        ids = {v for v in named if isinstance(v, str) and v}
        queryset = self.writable_queryset()
        field = public_id_field(queryset.model)
        try:
            found = list(queryset.filter(**{f"{field}__in": ids}))
        except (DjangoValidationError, ValueError):  # a malformed id: each is asked alone
            return
        by_id = {str(getattr(obj, "pk" if field == "pk" else field)): obj for obj in found}
        self._preloaded = {value: by_id[value] for value in ids if value in by_id}

    def get_choices(self, cutoff=None):
        # The browsable form would list every record; there is none, and lists can be huge.
        return {}

    @classmethod
    def many_init(cls, *args, **kwargs):
        field = super().many_init(*args, **kwargs)
        field.__class__ = PrefetchedManyRelatedField
        return field


def path_of_label(label: str, public_id) -> str | None:
    """The address path of the record of model ``label`` (``app_label.model``), or None."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return detail_path(model, public_id)


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class LabelledAddressField(serializers.Field):
    """The address of the record a row names by two columns, its model's label
    (``app_label.model``) and its public id; null where the label names no resource, or
    where the row's columns hold the values ``null_when`` gives (a deleted record).

    Read-only; the JSON the database builds writes it too (``config.api.compiled``).
    """

    def __init__(self, label_column: str, id_column: str, null_when: dict | None = None, **kw):
        self.label_column, self.id_column = label_column, id_column
        self.null_when = null_when or {}
        kw.update(source="*", read_only=True)
        super().__init__(**kw)

    def to_representation(self, obj):
        if self.null_when and all(getattr(obj, k) == v for k, v in self.null_when.items()):
            return None
        path = path_of_label(getattr(obj, self.label_column), getattr(obj, self.id_column))
        return absolute(self.context.get("request"), path)


class GenericRecordField(serializers.Field):
    """The record a generic relation (``source``: a ``GenericForeignKey``) points to, as
    ``{resource, id, url}``: its model's ``app_label.model``, its public id (the stored id
    if the record is gone) and its address.

    Read-only; the JSON the database builds writes it too (``config.api.compiled``).
    """

    def __init__(self, **kw):
        kw["read_only"] = True
        super().__init__(**kw)

    def get_attribute(self, instance):
        return instance  # reads the relation's two columns and the record, below

    def to_representation(self, instance):
        relation = type(instance)._meta.get_field(self.source)
        content_type = getattr(instance, relation.ct_field)
        record = getattr(instance, self.source)
        if record is not None:
            public_id = str(record.public_id)
        else:
            public_id = str(getattr(instance, relation.fk_field))
        return {
            "resource": content_type.app_label + "." + content_type.model,
            "id": public_id,
            "url": absolute(
                self.context.get("request"), detail_path(content_type.model_class(), public_id)
            ),
        }


class ReaderField(serializers.CharField):
    """A text column as the reader may read it: ``shown(reader, value)``; in the JSON the
    database builds, ``column(reader)``, the same rule as an expression of the row.

    Read-only.
    """

    def __init__(self, shown: Callable, column: Callable, **kw):
        self.shown, self.column = shown, column
        kw["read_only"] = True
        super().__init__(**kw)

    def to_representation(self, value):
        return self.shown(getattr(self.context.get("request"), "user", None), value)


class PrefetchedManyRelatedField(serializers.ManyRelatedField):
    """Reads the visibility-filtered list the view prefetched, when there is one.

    A write must send a JSON list (DRF's own field would take ``{}`` as an empty list).
    """

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)

    def get_attribute(self, instance):
        name = prefetched_name(self.source)
        if name in instance.__dict__:
            return instance.__dict__[name]
        return super().get_attribute(instance)


class PrefetchedListSerializer(serializers.ListSerializer):
    """Reads the visibility-filtered list the view prefetched, when there is one."""

    def get_attribute(self, instance):
        name = prefetched_name(self.source)
        if name in instance.__dict__:
            return instance.__dict__[name]
        return super().get_attribute(instance)


def requested_fields(serializer_class, request) -> set[str] | None:
    """The fields ``request`` asks for (``fields=``, ``brief=``), or None for all: read from
    its options, parsed once (``config.api.request_options``)."""
    return RequestOptions.of(request).requested_fields(serializer_class)


class SparseFields:
    """A top-level serializer keeps only the fields the request asks for (``fields=``,
    ``brief=``), as the JSON the database builds does."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None or self.parent is not None:
            return
        keep = requested_fields(type(self), request)
        if keep is not None:
            for name in list(self.fields):
                if name not in keep:
                    self.fields.pop(name)


def is_to_many(model, name) -> bool:
    try:
        field = model._meta.get_field(name)
    except Exception:
        return False
    return field.many_to_many or field.one_to_many


def api_errors(exc: DjangoValidationError, serializer) -> dict:
    """Model field names → API field names (dates are objects, slugs are ``id``)."""
    fuzzy = getattr(serializer.Meta, "fuzzy_dates", ())
    result = {}
    for name, messages in exc.message_dict.items():
        api_name = name
        for date in fuzzy:
            if name == date or name.startswith(f"{date}_"):
                api_name = date
        if name == "__all__":
            api_name = "non_field_errors"
        if name == getattr(serializer, "public_id_source", None):
            api_name = "id"
        result.setdefault(api_name, []).extend(messages)
    return result


class KnownFieldsOnly:
    """A write naming a field the representation does not have is a 400 that names it.

    DRF drops unknown keys in silence, so a misspelt field (``"aliasses"``) would answer
    201 and save nothing. A read-only field of the record is known: a client may send it
    back as it read it (a GET's body round-trips), but a value that differs from the
    record's, or any read-only field in a new record, is a 400 that names it, not a change
    silently dropped.
    """

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(str(key) for key in data if key not in self.fields)
            if unknown:
                message = f"Unknown field. Fields you may write: {', '.join(self.writable())}."
                raise serializers.ValidationError({name: [message] for name in unknown})
            if self.parent is None:
                self.check_read_only(data)
        return super().to_internal_value(data)

    def writable(self) -> list[str]:
        return sorted(name for name, f in self.fields.items() if not f.read_only)

    def check_read_only(self, data: dict) -> None:
        names = [name for name in data if self.fields[name].read_only]
        if not names:
            return
        instance = getattr(self, "instance", None)
        current = self.to_representation(instance) if instance is not None else {}
        as_json = lambda value: json.loads(json.dumps(value, cls=JSONEncoder))  # noqa: E731
        changed = sorted(
            name for name in names if name not in current or as_json(current[name]) != data[name]
        )
        if changed:
            message = (
                "Read-only: leave it out, or send it as the record has it. "
                f"Fields you may write: {', '.join(self.writable())}."
            )
            raise serializers.ValidationError({name: [message] for name in changed})


# --- JSON types as the schema states them ---------------------------------------------------
# DRF coerces (0 → "0", "true" → True, 1 → Decimal): a request the schema calls invalid would
# be accepted. A model serializer maps its fields to these instead (``STRICT_FIELD_MAPPING``).


class StrictCharField(serializers.CharField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictSlugField(serializers.SlugField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictDecimalField(serializers.DecimalField):
    """Decimals travel as strings (COERCE_DECIMAL_TO_STRING), so a write sends a string."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


STRICT_FIELD_MAPPING = {
    **serializers.ModelSerializer.serializer_field_mapping,
    models.CharField: StrictCharField,
    models.TextField: StrictCharField,
    models.SlugField: StrictSlugField,
    models.BooleanField: StrictBooleanField,
    models.IntegerField: StrictIntegerField,
    models.PositiveIntegerField: StrictIntegerField,
    models.PositiveSmallIntegerField: StrictIntegerField,
    models.SmallIntegerField: StrictIntegerField,
    models.BigIntegerField: StrictIntegerField,
    models.DecimalField: StrictDecimalField,
}
