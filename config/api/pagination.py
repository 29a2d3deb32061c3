"""Keyset pagination: page 10,000 costs what page 1 costs.

The cursor holds the ordering values of the last row seen; the next page is the rows
after it (``WHERE (a, b) > (x, y)`` written out for mixed directions), read through the
ordering's index. No OFFSET is ever used. The ordering always ends in a unique key, so
the order is total and no row is skipped or repeated.

Empty values (NULL) of a nullable ordering field come last in both directions, on every
database (PostgreSQL puts them last ascending but first descending, SQLite the reverse), and
a cursor may hold one: ``ordered()`` says NULLS LAST explicitly and ``after()`` compares
with NULL as the order places it.

The total count is cached per query and dataset version (see ``config.api.cache``), so a
COUNT over a large table runs once per data change, not on every request.
"""

import base64
import binascii
import datetime
import hashlib
import json

from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.db.models import DecimalField, F, Q
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from config.api.cache import dataset_version

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
COUNT_TTL = 300
# Parameters that do not change which rows match, so not part of a cached count's key.
NOT_FILTERS = {"cursor", "limit", "format", "fields", "brief", "ordering", "facet"}


class KeysetPagination(BasePagination):
    limit_query_param = "limit"
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.view = view
        self.ordering = view.get_ordering()
        self.limit = self.get_limit(request)
        cursor = self.decode_cursor(request, view)
        backwards = bool(cursor and cursor["back"])
        queryset = queryset.order_by(*ordered(queryset.model, self.ordering))
        self.base_queryset = queryset
        if cursor:
            queryset = queryset.filter(self.after(cursor["values"], backwards))
        if backwards:
            queryset = queryset.reverse()
        rows = list(queryset[: self.limit + 1])
        has_more = len(rows) > self.limit
        rows = rows[: self.limit]
        if backwards:
            rows.reverse()
        self.rows = rows
        # Going forward, a given cursor means rows lie behind; going back, the reverse.
        self.has_next = has_more if not backwards else bool(rows)
        self.has_previous = bool(cursor) and bool(rows) if not backwards else has_more
        return rows

    def get_limit(self, request) -> int:
        raw = request.query_params.get(self.limit_query_param)
        if raw is None:
            return DEFAULT_LIMIT
        try:
            limit = int(raw)
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_LIMIT:
            raise ValidationError(
                {self.limit_query_param: [f"A whole number from 1 to {MAX_LIMIT}; got {raw!r}."]}
            )
        return limit

    def decode_cursor(self, request, view=None):
        raw = request.query_params.get(self.cursor_query_param)
        if not raw:
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(raw.encode() + b"==="))
            values, back = data["v"], bool(data.get("b"))
            if not isinstance(values, list) or len(values) != len(self.ordering):
                raise ValueError
            model = view.queryset.model if view is not None else None
            values = [
                _cursor_value(model, field.lstrip("-"), value)
                for field, value in zip(self.ordering, values, strict=True)
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
            raise ValidationError(
                {self.cursor_query_param: ["Not a cursor of this list; follow next/previous."]}
            ) from None
        return {"values": values, "back": back}

    def encode_cursor(self, row, back: bool) -> str:
        values = [_jsonable(_value(row, field.lstrip("-"))) for field in self.ordering]
        raw = json.dumps({"v": values, "b": int(back)}, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def after(self, values, backwards: bool) -> Q:
        """Rows strictly after ``values`` in the ordering (before, when going back).

        NULLs come last, so going back they come first: after a NULL come only NULLs (with
        a later tiebreak) going forward, and every value going back.
        """
        condition = Q()
        equal = Q()
        for field, value in zip(self.ordering, values, strict=True):
            name = field.lstrip("-")
            descending = field.startswith("-") != backwards
            if value is None:
                beyond = Q(**{f"{name}__isnull": False}) if backwards else None
                same = Q(**{f"{name}__isnull": True})
            else:
                beyond = Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
                if not backwards and nullable(self.base_queryset.model, name):
                    beyond |= Q(**{f"{name}__isnull": True})
                same = Q(**{name: value})
            if beyond is not None:
                condition |= equal & beyond
            equal &= same
        return condition

    def page_link(self, row, back: bool) -> str:
        params = self.request.query_params.copy()
        params[self.cursor_query_param] = self.encode_cursor(row, back)
        # QueryDict.urlencode keeps repeated parameters (facet=a&facet=b).
        return f"{self.request.build_absolute_uri(self.request.path)}?{params.urlencode()}"

    def get_next_link(self):
        return self.page_link(self.rows[-1], back=False) if self.has_next and self.rows else None

    def get_previous_link(self):
        return self.page_link(self.rows[0], back=True) if self.has_previous and self.rows else None

    def get_count(self) -> int:
        """The total, cached per dataset version, resource, visibility and filters."""
        request = self.request
        filters = sorted(
            (name, tuple(sorted(request.query_params.getlist(name))))
            for name in request.query_params
            if name not in NOT_FILTERS
        )
        meta = self.base_queryset.model._meta
        # Users of one visibility class see the same rows, so they may share a count.
        visibility = self.view.visibility_class()
        digest = hashlib.sha256(repr(filters).encode()).hexdigest()[:32]  # stable across workers
        key = f"count:{dataset_version()}:{meta.label}:{visibility}:{digest}"
        count = cache.get(key)
        if count is None:
            # The view's rows without the page's columns: a related record's name would join
            # its table, and a join makes the database visit every row instead of an index.
            counted = getattr(self.view, "count_queryset", lambda: self.base_queryset)()
            count = counted.order_by().count()
            cache.set(key, count, COUNT_TTL)
        return count

    def get_paginated_response(self, data):
        next_link, previous_link = self.get_next_link(), self.get_previous_link()
        response = Response(
            {
                "count": self.get_count(),
                "next": next_link,
                "previous": previous_link,
                "results": data,
            }
        )
        links = [
            f'<{url}>; rel="{rel}"'
            for url, rel in ((next_link, "next"), (previous_link, "prev"))
            if url
        ]
        if links:
            response["Link"] = ", ".join(links)
        return response

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": "Rows matching the filters, across all pages.",
                },
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The next page; also in the Link header (rel=next).",
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The previous page; also in the Link header (rel=prev).",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.limit_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}); "
                "in csv and ndjson, at most this many rows (default: all).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            },
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque position in the list; take it from next or previous. "
                "csv and ndjson start after it (a next cursor only). One this list did not "
                "issue is a 400.",
                # What encode_cursor writes: unpadded URL-safe base64 (empty: the first page).
                "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]*$"},
            },
        ]


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


def _cursor_value(model, path: str, value):
    """A cursor's value, checked as the ordering field's type: forged cursors are a 400.

    Only a nullable field's value may be null. A value that the field cannot hold, or that
    the database cannot compare (an integer out of its range, NUL in text, a decimal with
    more digits than the column), raises ``ValueError``.
    """
    field = model._meta.pk if path == "pk" else _field_at(model, path)
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
    return path != "pk" and _field_at(model, path).null


def _field_at(model, path: str):
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model or model
    if field.is_relation:
        field = field.target_field
    return field


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
