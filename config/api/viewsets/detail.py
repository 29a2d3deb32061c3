"""A record: its JSON (from the response cache when the dataset has not moved), dated and
tagged."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.http import http_date
from rest_framework.response import Response

from config.api import compiled
from config.api.compiled import RowView
from config.api.filters import public_id_field
from config.api.viewsets.compiling import COMPILED


class DetailMixin:
    def retrieve(self, request, *args, **kwargs):
        return self.cached(self.build_detail)

    def build_detail(self):
        if not self.uses_compiled():
            instance = self.get_object()
            response = Response(self.get_serializer(instance).data)
            stamp = getattr(instance, self.last_modified_field)
            etag = self.etag_for(instance)
        else:
            queryset = self.compiled_queryset()
            field = public_id_field(queryset.model)
            try:
                row = queryset.get(**{field: self.kwargs["public_id"]})
            except (queryset.model.DoesNotExist, DjangoValidationError, ValueError):
                raise Http404 from None
            response = Response(compiled.record(row[COMPILED]))
            stamp = row[self.last_modified_field]
            etag = self.etag_for(RowView(row))
        response["Last-Modified"] = http_date(stamp.timestamp())
        if etag:
            response["ETag"] = etag
        return response

    def etag_for(self, instance) -> str | None:
        """A record's ETag; None lets ConditionalGetMiddleware hash the body."""
        return None
