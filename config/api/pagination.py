"""Keyset pagination: page 10,000 costs what page 1 costs (see ``config.api.keyset``).

The view hands the paginator all it reads: the queryset, the request (for the links'
address), the ordering and the request's options (``config.api.request_options``). The
paginator never calls back into the view; the page's total comes from
``config.api.counting`` and is passed in with the data.
"""

from django.http import QueryDict
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from config.api.keyset import after, decode_cursor, encode_cursor, ordered
from config.api.request_options import DEFAULT_LIMIT, MAX_LIMIT, RequestOptions


def page_limit(options: RequestOptions, default: int | None = DEFAULT_LIMIT) -> int | None:
    """The rows a page (or an export) may hold; a bad ``limit`` is a 400."""
    if "limit" in options.invalid:
        raise ValidationError({"limit": [options.invalid["limit"]]})
    return options.limit if options.limit is not None else default


class KeysetPagination(BasePagination):
    limit_query_param = "limit"
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, ordering, options: RequestOptions):
        """The page of ``queryset`` in ``ordering`` (model field names, ``-`` descending)
        that ``options`` (``limit``, ``cursor``) ask for."""
        self.request, self.ordering, self.options = request, list(ordering), options
        self.limit = page_limit(options)
        model = queryset.model
        cursor = decode_cursor(options.cursor, model, self.ordering)
        backwards = bool(cursor and cursor["back"])
        queryset = queryset.order_by(*ordered(model, self.ordering))
        if cursor:
            queryset = queryset.filter(after(model, self.ordering, cursor["values"], backwards))
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

    def page_link(self, row, back: bool) -> str:
        # The request's parameters in their order, booleans written one way (so one body
        # serves every spelling), and repeated ones kept (facet=a&facet=b).
        params = QueryDict(mutable=True)
        for name, values in self.options.params:
            params.setlist(name, list(values))
        params[self.cursor_query_param] = encode_cursor(row, self.ordering, back)
        return f"{self.request.build_absolute_uri(self.request.path)}?{params.urlencode()}"

    def get_next_link(self):
        return self.page_link(self.rows[-1], back=False) if self.has_next and self.rows else None

    def get_previous_link(self):
        return self.page_link(self.rows[0], back=True) if self.has_previous and self.rows else None

    def get_paginated_response(self, data, count: int):
        next_link, previous_link = self.get_next_link(), self.get_previous_link()
        response = Response(
            {
                "count": count,
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
