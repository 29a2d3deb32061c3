"""Keyset positions: a cursor holds the ordering values of the last row seen.

The next page is the rows after it (``WHERE (a, b) > (x, y)`` written out for mixed
directions), read through the ordering's index. No OFFSET is ever used. The ordering always
ends in a unique key, so the order is total and no row is skipped or repeated.

Empty values (NULL) of a nullable ordering field come last in both directions, on every
database (PostgreSQL puts them last ascending but first descending, SQLite the reverse), and
a cursor may hold one: ``ordered()`` says NULLS LAST explicitly and ``after()`` compares
with NULL as the order places it. Used by JSON pages (``config.api.pagination``) and by
exports (``config.api.exporting``) alike.
"""

import base64
import binascii
import json

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Q
from rest_framework.exceptions import ValidationError

from config.api.keyset_fields import cursor_value, nullable

CURSOR_ERROR = "Not a cursor of this list; follow next/previous."


def decode_cursor(raw: str | None, model, ordering) -> dict | None:
    """``{"values": [...], "back": bool}`` of cursor ``raw`` (None for none); a cursor that
    this ordering of ``model`` did not issue is a 400."""
    if not raw:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(raw.encode() + b"==="))
        values, back = data["v"], bool(data.get("b"))
        if not isinstance(values, list) or len(values) != len(ordering):
            raise ValueError
        values = [
            cursor_value(model, field.lstrip("-"), value)
            for field, value in zip(ordering, values, strict=True)
        ]
    except (
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        OverflowError,
        binascii.Error,
        DjangoValidationError,
        FieldDoesNotExist,
    ):
        raise ValidationError({"cursor": [CURSOR_ERROR]}) from None
    return {"values": values, "back": back}


def encode_cursor(row, ordering, back: bool) -> str:
    values = [_jsonable(_value(row, field.lstrip("-"))) for field in ordering]
    raw = json.dumps({"v": values, "b": int(back)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def after(model, ordering, values, backwards: bool) -> Q:
    """Rows strictly after ``values`` in the ordering (before, when going back).

    NULLs come last, so going back they come first: after a NULL come only NULLs (with
    a later tiebreak) going forward, and every value going back.
    """
    condition = Q()
    equal = Q()
    for field, value in zip(ordering, values, strict=True):
        name = field.lstrip("-")
        descending = field.startswith("-") != backwards
        if value is None:
            beyond = Q(**{f"{name}__isnull": False}) if backwards else None
            same = Q(**{f"{name}__isnull": True})
        else:
            beyond = Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
            if not backwards and nullable(model, name):
                beyond |= Q(**{f"{name}__isnull": True})
            same = Q(**{name: value})
        if beyond is not None:
            condition |= equal & beyond
        equal &= same
    return condition


def ordered(model, ordering) -> list:
    """``order_by()`` arguments for ``ordering`` (names, ``-`` for descending): a nullable
    field sorts its NULLs last in either direction, the same on every database."""
    result = []
    for item in ordering:
        name = item.lstrip("-")
        if nullable(model, name):
            column = F(name)
            item = (
                column.desc(nulls_last=True)
                if item.startswith("-")
                else column.asc(nulls_last=True)
            )
        result.append(item)
    return result


def _value(row, field):
    if isinstance(row, dict):  # the compiled path reads .values() rows
        return row[field]
    if field == "pk":
        return row.pk
    value = row
    for part in field.split("__"):
        value = getattr(value, part)
    return value


def _jsonable(value):
    if value is None or isinstance(value, int | float | str | bool):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
