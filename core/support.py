"""Which values a citation stands for: support is per value, not per field.

The one question every reader of evidence asks (publishing checks, corroboration, the
evidence pages, the release tables): does this citation still support the value this
record's field holds now?

A citation keeps, in ``supported_values``, each field it supports with the value the field
held when it was cited (``captured_values``), in a canonical form that survives JSON and
works on the historical models of a migration (it reads ``_meta`` only):

* a relation: the related record's primary key as a string (``None`` when empty);
* a many-to-many relation: the sorted list of the related records' keys as strings;
* a decimal: its digits as a string, without trailing zeros (``"12500"``, ``"0.5"``);
* a date with precision (a field with a ``<name>_precision`` sibling):
  ``{"value": "2025-03", "precision": "month"}``;
* a choice, a text, a number or a boolean: its stored value.

When the record's value changes, the citation no longer supports it: it "supported the
earlier value". A curator may also withdraw a citation's support for one field, with a
reason (``Citation.withdrawn``); a withdrawn support supports nothing.

Every channel captures the values (the services, ``Citation.save``, the loader, the migration
for older rows). A citation written by a raw load (``loaddata`` of a file from before
values were captured) has none for a field: it is taken to support the value the field
holds, as the migration and the loader assume when they fill them in.
"""

import functools
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import models

#: Where a record keeps its many-to-many values already read (see ``_current``).
_CACHE = "_support_values"


def field_value(record, name: str, m2m: dict | None = None):
    """The canonical value of ``record``'s field ``name`` (``m2m`` overrides the stored
    many-to-many values, for a record checked as it will be saved)."""
    f, kind = _kind(type(record), name)
    if kind == "m2m":
        if m2m is not None and name in m2m:
            return sorted(str(getattr(r, "pk", r)) for r in m2m[name])
        if record._state.adding or record.pk is None:
            return []
        prefetched = getattr(record, "_prefetched_objects_cache", {}).get(name)
        if prefetched is not None:
            return sorted(str(r.pk) for r in prefetched)
        return sorted(str(pk) for pk in getattr(record, name).values_list("pk", flat=True))
    value = getattr(record, f.attname)
    if kind == "relation":
        return None if value is None else str(value)
    if kind == "decimal":
        return _decimal(f.to_python(value)) if value not in (None, "") else None
    if kind == "fuzzy":
        return {"value": value or "", "precision": getattr(record, f"{name}_precision")}
    if value is None or isinstance(value, str | bool | int | float):
        return value
    return f.value_to_string(record)


@functools.cache
def _kind(model, name: str) -> tuple:
    """``model``'s field ``name`` and how its value is written (read once per model)."""
    f = model._meta.get_field(name)
    if f.many_to_many:
        return f, "m2m"
    if f.is_relation:
        return f, "relation"
    if isinstance(f, models.DecimalField):
        return f, "decimal"
    try:
        model._meta.get_field(f"{name}_precision")
    except FieldDoesNotExist:
        return f, "plain"
    return f, "fuzzy"  # a date with precision (``core.models.records.fuzzy_date``)


def _decimal(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def captured_values(record, names, m2m: dict | None = None) -> dict:
    """``{name: canonical value}`` of the fields ``names``: what a new citation supports."""
    return {name: field_value(record, name, m2m) for name in sorted(names)}


def _current(record, name: str):
    """``field_value(record, name)``, with a many-to-many value read once per record: readers
    ask it for every citation of the record, and it would be a query each time. The other
    values are computed afresh (a read of the attribute: as fast as a cache lookup, and
    never stale when the record's attribute changes)."""
    _f, kind = _kind(type(record), name)
    if kind != "m2m":
        return field_value(record, name)
    cache = record.__dict__.setdefault(_CACHE, {})
    if name not in cache:
        cache[name] = field_value(record, name)
    return cache[name]


def forget(record) -> None:
    """Drop the values cached on ``record`` (its many-to-many values were just set)."""
    record.__dict__.pop(_CACHE, None)


def supports_value(citation, name: str, record) -> bool:
    """Whether ``citation`` supports the current value of ``record``'s field ``name``."""
    if not names_field(citation, name):
        return False
    captured = citation.supported_values or {}
    return name not in captured or captured[name] == _current(record, name)


def supports(citation, name: str, value) -> bool:
    """``supports_value`` against a canonical ``value`` the caller computed."""
    if not names_field(citation, name):
        return False
    captured = citation.supported_values or {}
    return name not in captured or captured[name] == value


def names_field(citation, name: str) -> bool:
    """The citation names ``name`` in ``supports`` and has not withdrawn that support."""
    return name in citation.supports and name not in (citation.withdrawn or {})


def earlier_value(citation, name: str, value):
    """The value ``citation`` supported, when it names ``name`` but supported another value
    than ``value`` (``NOTHING`` otherwise: it supports ``value``, or not this field)."""
    if not names_field(citation, name):
        return NOTHING
    captured = citation.supported_values or {}
    if name not in captured or captured[name] == value:
        return NOTHING
    return captured[name]


NOTHING = object()


def shown(record, name: str, value) -> str:
    """A canonical value as a reader reads it: ``12,500``, a related record's name, a
    choice's label, a date with its precision."""
    f = record._meta.get_field(name)
    if value is None or value == "" or value == []:
        return "(empty)"
    if f.is_relation:
        keys = value if isinstance(value, list) else [value]
        found = {str(pk): r for pk, r in f.related_model._default_manager.in_bulk(keys).items()}
        return ", ".join(str(found.get(key, key)) for key in keys)
    if isinstance(f, models.DecimalField):
        return f"{Decimal(value):,f}"
    if isinstance(value, dict):  # a date with precision
        return value.get("value") or "(no date)"
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    return str(value)


def stale_problem(record, name: str, value, citations) -> str:
    """Why ``name`` stands unsupported when ``citations`` supported only earlier values of it
    ("" when none did): the refusal says what to do."""
    earlier = [
        (c.created is not None, c.created, captured)
        for c in citations
        if (captured := earlier_value(c, name, value)) is not NOTHING
    ]
    if not earlier:
        return ""
    *_, before = max(earlier, key=lambda item: item[:2])
    now = shown(record, name, value)
    return (
        f"{name} changed from {shown(record, name, before)} to {now}: no citation states "
        f"{now}; add the quote that gives it in the same save."
    )
