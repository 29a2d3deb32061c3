"""The base viewset: every resource is a few declarative attributes over it.

It carries, once for all resources: visibility, lookup by public id, strict query
parameters (an unknown one is a 400 that lists the allowed ones), ``q``, ``ordering``,
``facet``, keyset pagination, CSV/NDJSON streaming, caching headers and the prefetches that
the requested fields need. Each concern is a mixin of this package; they share the
request's options, parsed once (``config.api.request_options``).

It knows no domain. What it asks of a model's default manager (queryset):
``visible_to(user, include_retracted)`` (what the user may read),
``visible_as_related(user)`` (related records the user may see inside another),
``visibility_class(user)`` (a cache key: users of one class see the same rows) and, where
``searchable``, ``search(q, user)`` (the matches ``user`` may know of).
"""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets

from config.api.errors import MethodFirstMixin, ProblemRenderingMixin
from config.api.exporting import ExportsMixin
from config.api.pagination import KeysetPagination
from config.api.response_cache import CacheHeadersMixin
from config.api.viewsets.compiling import CompiledMixin
from config.api.viewsets.detail import DetailMixin
from config.api.viewsets.listing import ListingMixin
from config.api.viewsets.ordering import OrderingMixin
from config.api.viewsets.parameters import ParametersMixin
from config.api.viewsets.querying import QueryingMixin


class PublicReadOnlyViewSet(
    ParametersMixin,
    QueryingMixin,
    OrderingMixin,
    ListingMixin,
    DetailMixin,
    CompiledMixin,
    ExportsMixin,
    CacheHeadersMixin,
    MethodFirstMixin,
    ProblemRenderingMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Subclasses set ``queryset``, ``serializer_class``, ``filterset_class``, ``ordering``.

    Optional: ``ordering_fields`` (indexed fields a client may sort by; ``id`` is the public
    id; empty values sort last), ``ordering_columns`` (an ordering name → the column it sorts
    by, where they differ), ``facet_fields``, ``searchable`` (``q``), and ``select`` / ``prefetch``:
    for each serializer field, the ``select_related`` paths or prefetch lookups it needs,
    applied only when the field is asked for, so ``?fields=`` also trims the queries.
    """

    lookup_field = "public_id"
    lookup_value_regex = "[^/]+"
    filter_backends = [DjangoFilterBackend]
    pagination_class = KeysetPagination
    ordering: tuple[str, ...] = ("pk",)
    ordering_fields: tuple[str, ...] = ()
    ordering_columns: dict[str, str] = {}
    facet_fields: tuple[str, ...] = ()
    select: dict[str, tuple[str, ...]] = {}
    prefetch: dict[str, tuple] = {}
    last_modified_field = "updated"
    searchable = True
    streams_exports = True  # lists stream CSV/NDJSON (see config.api.negotiation)
    #: The manager method that says what the reader may read (``visible_to`` for records).
    visibility_method = "visible_to"
    #: Formats besides json/csv/ndjson that this list renders itself (``render_format``).
    extra_formats: tuple[str, ...] = ()
