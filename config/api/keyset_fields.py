"""The fields of a keyset ordering: whether they hold NULLs, and a cursor's values checked
as their types (``config.api.keyset``)."""

import datetime

from django.db import connection
from django.db.models import DecimalField


def cursor_value(model, path: str, value):
    """A cursor's value, checked as the ordering field's type: forged cursors are a 400.

    Only a nullable field's value may be null. A value that the field cannot hold, or that
    the database cannot compare (an integer out of its range, NUL in text, a decimal with
    more digits than the column), raises ``ValueError``.
    """
    field = field_at(model, path)
    if value is None and field.null:
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ValueError("a cursor holds text and numbers only")
    python = field.to_python(value)
    if python is None:
        raise ValueError("null")
    if isinstance(field, DecimalField):
        field.run_validators(python)  # max_digits: PostgreSQL refuses a wider numeric
    if isinstance(python, str) and "\x00" in python:
        raise ValueError("NUL")
    if isinstance(python, datetime.datetime):
        if python.utcoffset() is None:
            raise ValueError("our cursors carry the UTC offset")
        python = python.astimezone(datetime.UTC)  # PostgreSQL refuses offsets over 15:59
    if isinstance(python, int) and not isinstance(python, bool):
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        if (low is not None and python < low) or (high is not None and python > high):
            raise ValueError("out of range")
    return python


def nullable(model, path: str) -> bool:
    """Does the ordering field at ``path`` hold NULLs (which sort last)?"""
    return path != "pk" and field_at(model, path).null


def field_at(model, path: str):
    """The model field at ``path`` (``pk``, ``name``, ``exporter__iso2``); a relation as the
    column it holds (``decision`` is its key)."""
    if path == "pk":
        return model._meta.pk
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model or model
    if field.is_relation:
        field = field.target_field
    return field
