"""The list views' CSV and NDJSON exports: options checked as JSON's are, then streamed.

``ExportsMixin`` is part of ``config.api.views.PublicReadOnlyViewSet``; the streaming
itself is ``config.api.exports``.
"""

from django.http import HttpResponseNotModified, StreamingHttpResponse
from django.utils.http import parse_etags

from config.api import exports
from config.api.cache import dataset_version
from config.api.errors import InvalidParameters
from config.api.keyset import after, decode_cursor, ordered
from config.api.pagination import page_limit


class ExportsMixin:
    """``export(queryset, fmt)`` and the hooks a resource's view may fill in."""

    def export(self, queryset, fmt: str) -> StreamingHttpResponse:
        """Every matching row as ``fmt``; ``limit`` and ``cursor`` mean what they mean in
        JSON (at most ``limit`` rows, those after the cursor's row), checked the same way.
        An export reads forward: a cursor of a previous page is refused."""
        extra = self.export_extra(fmt)
        options = self.request_options
        fields = options.requested_fields(self.get_serializer_class())
        if fields is not None:
            model = queryset.model
            columns = [name for name, _ in exports.export_columns(model, many_to_many=True)]
            columns += [column.name for column in extra]
            missing = sorted(fields - set(columns))
            if missing:
                raise InvalidParameters(
                    {"fields": [f"Not columns of {fmt}: {missing}. Columns: {columns}."]},
                    sorted(self.allowed_parameters()),
                )
        queryset = self.export_page(queryset)
        etag = exports.export_etag(
            dataset_version(),
            self.reader_class,
            fmt,
            self.request.get_host(),
            self.request.path,
            options.canonical(),
        )
        if etag in parse_etags(self.request.headers.get("If-None-Match", "")):
            return HttpResponseNotModified(headers={"ETag": etag})
        return exports.export_response(
            queryset,
            fmt,
            visible_related=self.visible_related,
            fields=fields,
            columns=self.as_of_columns(queryset),
            values=self.export_values(),
            extra=extra,
            etag=etag,
            flags=queryset.as_of_flags() if self.as_of is not None else None,
        )

    def export_page(self, queryset):
        """``queryset`` in the list's order, after ``cursor`` and cut at ``limit``."""
        options, ordering = self.request_options, self.list_ordering
        limit = page_limit(options, default=None)
        cursor = decode_cursor(options.cursor, queryset.model, ordering)
        if cursor and cursor["back"]:
            raise InvalidParameters(
                {"cursor": ["An export reads forward: use a cursor of a next page."]},
                sorted(self.allowed_parameters()),
            )
        queryset = queryset.order_by(*ordered(queryset.model, ordering))
        if cursor:
            queryset = queryset.filter(after(queryset.model, ordering, cursor["values"], False))
        return queryset[:limit] if limit is not None else queryset

    def export_values(self) -> dict:
        """Columns whose exported value is an expression of the row, not the stored value."""
        return {}

    def export_extra(self, fmt: str) -> "list[exports.ExportColumn]":
        """Columns the view adds to its exports, after the model's (see ``exports``)."""
        return []

    def export_extra_names(self, fmt: str) -> "list[str]":
        """The names of ``export_extra``'s columns, known without a request (the schema)."""
        return []
