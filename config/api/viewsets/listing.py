"""Lists: a JSON page (from the response cache when the dataset has not moved), its
facets, and the other formats a list is served in."""

from django.db.models import Count, Q
from django.utils.http import http_date

from config.api import compiled, response_cache
from config.api.counting import cached_count
from config.api.filters import public_id_field
from config.api.viewsets.compiling import COMPILED
from config.api.viewsets.parameters import EXPORT_FORMATS

MAX_FACET_BUCKETS = 100


class ListingMixin:
    def cached(self, build):
        """``build()``'s response, from the response cache when the dataset has not moved."""
        key = response_cache.key_for(self.request, self.request_options, self.reader_class)
        hit = response_cache.lookup(key)
        if hit is not None:
            return hit
        return response_cache.remember(key, build())

    def list(self, request, *args, **kwargs):
        # ?format=csv, or Accept: text/csv alone: either way the negotiated renderer.
        fmt = request.accepted_renderer.format
        if fmt in EXPORT_FORMATS:
            return self.export(self.filter_queryset(self.get_queryset()), fmt)
        if fmt in self.extra_formats:
            return self.render_format(fmt)
        return self.cached(self.build_list)

    def render_format(self, fmt: str):
        """The list in one of ``extra_formats`` (a subclass that declares some renders them)."""
        raise NotImplementedError

    def build_list(self):
        compiled_path = self.uses_compiled()
        if not compiled_path:
            queryset = self.filter_queryset(self.get_queryset())
            page = self.paginate_queryset(queryset)
            data = self.get_serializer(page, many=True).data
            stamps = [getattr(row, self.last_modified_field) for row in page]
        else:
            page = self.paginate_queryset(self.filter_queryset(self.compiled_queryset()))
            # Each row's JSON is text the database wrote: the page joins it, unread.
            data = compiled.page([row[COMPILED] for row in page])
            stamps = [row[self.last_modified_field] for row in page]
        options = self.request_options
        count = cached_count(self.queryset.model, self.reader_class, options, self.count_queryset)
        response = self.paginator.get_paginated_response(data, count)
        facets = options.facets
        if facets:
            if compiled_path:
                queryset = self.filter_queryset(self.visible_queryset())
            response.data["facets"] = {name: self.facet(queryset, name) for name in facets}
        if stamps:
            response["Last-Modified"] = http_date(max(stamps).timestamp())
        return response

    def facet(self, queryset, name: str) -> "list[dict]":
        field = queryset.model._meta.get_field(name)
        if field.is_relation:
            key = f"{name}__{public_id_field(field.related_model)}"
            label_field = f"{name}__name"
            visible = self.visible_related(field.related_model)
            if visible is not None:
                # A related record the user may not see gets no bucket: its id is not public.
                queryset = queryset.filter(
                    Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__in": visible})
                )
        else:
            key = label_field = self.as_of_columns(queryset).get(name, name)
        rows = (
            queryset.order_by()
            .values(key, label_field)
            .annotate(count=Count("pk", distinct=field.many_to_many))
            .order_by("-count", key)[:MAX_FACET_BUCKETS]
        )
        choices = dict(field.choices or ())
        return [
            {
                "value": str(row[key]) if row[key] is not None else None,
                "label": str(choices.get(row[key], row[label_field])),
                "count": row["count"],
            }
            for row in rows
        ]
