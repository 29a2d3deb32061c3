"""The rows a request reads: what the reader may see, on which day, filtered and searched,
with the joins and prefetches that the requested fields need."""

import functools

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404

from config.api.errors import InvalidParameters
from config.api.filters import public_id_field
from config.api.viewsets.filtering import filter_errors, filterset_for


class QueryingMixin:
    @property
    def knows_valid_time(self) -> bool:
        return hasattr(self.queryset, "as_of")

    @property
    def as_of(self):
        """The ``as_of`` day of this request (valid time), or None."""
        return self.request_options.as_of if self.knows_valid_time else None

    def at_day(self, queryset):
        """``queryset`` as it stood on the ``as_of`` day, if one was asked for."""
        return queryset.as_of(self.as_of) if self.as_of is not None else queryset

    def as_of_columns(self, queryset) -> dict[str, str]:
        """Field → the column holding its value on the ``as_of`` day (filters, facets)."""
        return queryset.as_of_columns() if self.as_of is not None else {}

    @property
    def include_retracted(self) -> bool:
        if self.request.method not in ("GET", "HEAD"):
            return True  # curators act on records in any state, retracted ones included
        return self.request_options.include_retracted

    def visible(self):
        """What the reader may read (``visibility_method`` of the model's manager)."""
        manager = self.queryset.model._default_manager
        return getattr(manager, self.visibility_method)(self.request.user, self.include_retracted)

    def visible_queryset(self):
        return self.at_day(self.visible())

    @functools.cached_property
    def reader_class(self) -> str:
        """Users of one class see the same rows: the key of shared counts and caches."""
        manager = self.queryset.model._default_manager
        return manager.visibility_class(self.request.user)

    def visibility_class(self) -> str:
        return self.reader_class

    def visible_related(self, model):
        """The rows of a related ``model`` the user may see inside a record, as a subquery."""
        manager = model._default_manager
        if not hasattr(manager, "visible_as_related"):
            return None
        return manager.visible_as_related(self.request.user).values("pk")

    def requested_fields(self) -> set[str] | None:
        """The fields asked for (``fields=``, ``brief=``; all on a write), or None for all."""
        if self.request.method not in ("GET", "HEAD"):
            return None
        return self.request_options.requested_fields(self.get_serializer_class())

    def get_queryset(self):
        queryset = self.visible_queryset()
        wanted = self.requested_fields()
        selects = {
            path
            for field, paths in self.select.items()
            if wanted is None or field in wanted
            for path in paths
        }
        if selects:
            queryset = queryset.select_related(*sorted(selects))
        prefetches = [
            lookup
            for field, lookups in self.get_prefetches().items()
            if wanted is None or field in wanted
            for lookup in lookups
        ]
        if prefetches:
            queryset = queryset.prefetch_related(*prefetches)
        return queryset

    def get_prefetches(self) -> dict[str, tuple]:
        """For each serializer field, the prefetch lookups it needs (see ``prefetch``)."""
        return dict(self.prefetch)

    def count_queryset(self):
        """The rows the list counts: visible and filtered, with no columns or joins."""
        return self.filter_queryset(self.visible_queryset())

    def filter_queryset(self, queryset):
        options = self.request_options
        names = tuple(sorted(options.names & self.filterset_class.base_filters.keys()))
        if names:
            # A FilterSet of just the filters asked for: building all ~100 costs ~9 ms.
            # On an as_of day, a state's filters read its value then (an annotation).
            columns = tuple(sorted(self.as_of_columns(queryset).items()))
            filterset = filterset_for(self.filterset_class, names, columns)(
                options.filters(names), queryset=queryset, request=self.request
            )
            if not filterset.is_valid():
                raise InvalidParameters(filter_errors(filterset), sorted(self.allowed_parameters()))
            queryset = filterset.qs
        if options.q and self.searchable:
            queryset = queryset.search(options.q, user=self.request.user)
        return queryset

    def get_object(self):
        queryset = self.get_queryset()
        field = public_id_field(queryset.model)
        try:
            obj = queryset.get(**{field: self.kwargs["public_id"]})
        except (queryset.model.DoesNotExist, DjangoValidationError, ValueError):
            raise Http404 from None
        self.check_object_permissions(self.request, obj)
        return obj
