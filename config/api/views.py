"""The base viewset: every resource is a few declarative attributes over it.

It carries, once for all resources: visibility, lookup by public id, strict query
parameters (an unknown one is a 400 that lists the allowed ones), ``q``, ``ordering``,
``facet``, keyset pagination, CSV/NDJSON streaming, caching headers and the prefetches that
the requested fields need.

It knows no domain. What it asks of a model's default manager (queryset):
``visible_to(user, include_retracted)`` (what the user may read),
``visible_as_related(user)`` (related records the user may see inside another),
``visibility_class(user)`` (a cache key: users of one class see the same rows) and, where
``searchable``, ``search(q, user)`` (the matches ``user`` may know of).
"""

import copy
import functools
import re
import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import Http404
from django.utils.http import http_date
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets
from rest_framework.response import Response

from config.api import compiled, response_cache
from config.api.as_of import parse_as_of
from config.api.compiled import RowView
from config.api.errors import InvalidParameters, MethodFirstMixin, ProblemRenderingMixin
from config.api.exporting import ExportsMixin
from config.api.filters import public_id_field
from config.api.options import MESSAGE, is_boolean, parse_boolean
from config.api.pagination import KeysetPagination
from config.api.response_cache import CacheHeadersMixin
from config.api.serializers import requested_fields
from config.api.urls_cache import absolute

LIST_PARAMS = {"ordering", "fields", "brief", "format", "limit", "cursor", "facet"}
DETAIL_PARAMS = {"fields", "brief", "format"}
VISIBILITY_PARAMS = {"include_retracted"}
VALID_TIME_PARAMS = {"as_of"}  # on resources whose queryset knows valid time (``as_of(day)``)
FORMATS = ("json", "csv", "ndjson")
EXPORT_FORMATS = ("csv", "ndjson")
MAX_FACET_BUCKETS = 100
# q: more words cost more than they find (SQLite builds one condition per word).
MAX_Q_WORDS = 20
MAX_Q_CHARS = 500
#: How an integer id is written: ASCII digits, no leading zero.
CANONICAL_INTEGER = re.compile(r"0|[1-9][0-9]*", re.ASCII)
# Parameters whose empty value means "none": every other one must have a value.
MAY_BE_EMPTY = {"q", "cursor"}
# Options that take one value: repeated, the last would silently win (filters mean OR).
SINGLE_VALUED = (LIST_PARAMS | DETAIL_PARAMS | VISIBILITY_PARAMS | VALID_TIME_PARAMS | {"q"}) - {
    "facet"
}


def parse_ordering(raw: str) -> list[tuple[str, bool]]:
    """``ordering=a,-b`` as [(name, descending)]; an empty item has the name ``""``."""
    return [(item.removeprefix("-"), item.startswith("-")) for item in raw.split(",")]


def is_canonical_id(model, value: str) -> bool:
    """Is ``value`` the id as the API writes it? One record has one URL: an upper-case or
    dash-less UUID, ``004`` for 4 or fullwidth digits name no record (404), though the
    database would parse them into one."""
    if "\x00" in value:
        return False
    name = public_id_field(model)
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    if isinstance(field, models.UUIDField):
        try:
            return str(uuid.UUID(value)) == value
        except ValueError:
            return False
    if isinstance(field, models.IntegerField):  # AutoField and BigAutoField too
        return CANONICAL_INTEGER.fullmatch(value) is not None
    return True


class PublicReadOnlyViewSet(
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

    # --- parameters ---------------------------------------------------------------

    def allowed_parameters(self) -> set[str]:
        if self.request.method not in ("GET", "HEAD"):
            return {"format"}
        allowed = DETAIL_PARAMS | VISIBILITY_PARAMS
        if self.knows_valid_time:
            allowed = allowed | VALID_TIME_PARAMS
        if self.action == "list":
            allowed = allowed | LIST_PARAMS | set(self.get_filterset_class_filters())
            if self.searchable:
                allowed = allowed | {"q"}
        return allowed

    def get_filterset_class_filters(self):
        filterset_class = getattr(self, "filterset_class", None)
        return filterset_class.base_filters if filterset_class else {}

    def check_parameters(self, request):
        params = request.query_params
        allowed = self.allowed_parameters()
        errors = {name: ["Unknown parameter."] for name in params if name not in allowed}
        for name, values in params.lists():
            if name in allowed and name not in MAY_BE_EMPTY and "" in values:
                errors[name] = ["Give a value, or leave the parameter out."]
            if name in allowed and name in SINGLE_VALUED and len(values) > 1:
                errors[name] = ["Give it once."]
            if "\x00" in name or any("\x00" in value for value in values):
                # No database stores NUL in text; PostgreSQL refuses it in any query.
                errors[name] = ["NUL characters (%00) are not allowed."]
        if errors:
            raise InvalidParameters(errors, sorted(allowed))
        fmt = params.get("format")
        formats = FORMATS + (self.extra_formats if self.action == "list" else ())
        if fmt is not None and fmt not in formats:
            errors["format"] = [f"One of {', '.join(formats)}."]
        elif fmt in EXPORT_FORMATS + self.extra_formats and self.action != "list":
            errors["format"] = [f"{fmt} is for lists; a record is served as json."]
        self.as_of = None
        if params.get("as_of") and self.knows_valid_time:
            try:
                self.as_of = parse_as_of(params["as_of"])
            except ValueError as exc:
                errors["as_of"] = [str(exc)]
        for name in ("brief", "include_retracted"):
            if not is_boolean(params.get(name)):
                errors[name] = [MESSAGE]
        fields = requested_fields(self.get_serializer_class(), params)
        if fields is not None:
            known = set(self.get_serializer_class()().fields)
            unknown = sorted(fields - known)
            if unknown:
                errors["fields"] = [f"Unknown fields {unknown}. Known: {sorted(known)}."]
        if "ordering" in params and self.action == "list":
            bad = [
                name
                for name, _ in parse_ordering(params["ordering"])
                if name not in self.ordering_fields
            ]
            if bad:
                errors["ordering"] = [
                    f"Cannot order by {bad}. Allowed: {list(self.ordering_fields)}, "
                    "each optionally prefixed with - for descending."
                ]
        unknown_facets = sorted(set(params.getlist("facet")) - set(self.facet_fields))
        if unknown_facets and self.action == "list":
            errors["facet"] = [f"No facet {unknown_facets}. Allowed: {list(self.facet_fields)}."]
        q = params.get("q")
        if q and self.searchable and (len(q) > MAX_Q_CHARS or len(q.split()) > MAX_Q_WORDS):
            errors["q"] = [f"At most {MAX_Q_WORDS} words and {MAX_Q_CHARS} characters."]
        if errors:
            allowed_names = sorted(allowed)
            raise InvalidParameters(errors, allowed_names)

    def initial(self, request, *args, **kwargs):
        # A method the endpoint does not have is a 405, before parameters or authentication.
        self.check_method(request, *args, **kwargs)
        if self.lookup_field in kwargs and not is_canonical_id(
            self.queryset.model, kwargs[self.lookup_field]
        ):
            raise Http404
        # Before content negotiation, so a bad ?format= is a 400 and not DRF's 404.
        self.check_parameters(request)
        super().initial(request, *args, **kwargs)

    # --- querysets ------------------------------------------------------------------

    #: The ``as_of`` day of this request (valid time), parsed by ``check_parameters``.
    as_of = None

    @property
    def knows_valid_time(self) -> bool:
        return hasattr(self.queryset, "as_of")

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
        return bool(parse_boolean(self.request.query_params.get("include_retracted"), False))

    def visible(self):
        """What the reader may read (``visibility_method`` of the model's manager)."""
        manager = self.queryset.model._default_manager
        return getattr(manager, self.visibility_method)(self.request.user, self.include_retracted)

    def get_queryset(self):
        queryset = self.at_day(self.visible())
        wanted = requested_fields(self.get_serializer_class(), self.request.query_params)
        if self.request.method not in ("GET", "HEAD"):
            wanted = None
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

    def count_queryset(self):
        """The rows the list counts: visible and filtered, with no columns or joins."""
        return self.filter_queryset(self.visible_queryset())

    def get_prefetches(self) -> dict[str, tuple]:
        """For each serializer field, the prefetch lookups it needs (see ``prefetch``)."""
        return dict(self.prefetch)

    def visibility_class(self) -> str:
        """Users of one class see the same rows: the key of shared counts and caches."""
        manager = self.queryset.model._default_manager
        return manager.visibility_class(self.request.user)

    def visible_related(self, model):
        """The rows of a related ``model`` the user may see inside a record, as a subquery."""
        manager = model._default_manager
        if not hasattr(manager, "visible_as_related"):
            return None
        return manager.visible_as_related(self.request.user).values("pk")

    def filter_queryset(self, queryset):
        params = self.request.query_params
        names = tuple(sorted(name for name in params if name in self.filterset_class.base_filters))
        if names:
            # A FilterSet of just the filters asked for: building all ~100 costs ~9 ms.
            # On an as_of day, a state's filters read its value then (an annotation).
            columns = tuple(sorted(self.as_of_columns(queryset).items()))
            filterset = filterset_for(self.filterset_class, names, columns)(
                params, queryset=queryset, request=self.request
            )
            if not filterset.is_valid():
                raise InvalidParameters(filter_errors(filterset), sorted(self.allowed_parameters()))
            queryset = filterset.qs
        q = params.get("q")
        if q and self.searchable:
            queryset = queryset.search(q, user=self.request.user)
        return queryset

    def get_ordering(self) -> list[str]:
        """The requested ordering, ended by the default's unique key so that it is total.

        ``id`` means the public id (ISO code, slug or UUID), as everywhere in the API. The
        tiebreak runs in the direction of the key before it, so that one index (key, id)
        serves both directions.
        """
        requested = self.request.query_params.get("ordering")
        items = parse_ordering(requested or ",".join(self.ordering))
        fields = [self.model_ordering(("-" if desc else "") + name) for name, desc in items]
        tiebreak = self.model_ordering(self.ordering[-1]).lstrip("-")
        if tiebreak not in {f.lstrip("-") for f in fields}:
            fields.append(("-" if fields[-1].startswith("-") else "") + tiebreak)
        return fields

    def model_ordering(self, item: str) -> str:
        sign, name = ("-" if item.startswith("-") else ""), item.lstrip("-")
        if name == "id":
            field = public_id_field(self.queryset.model)
            return sign + ("id" if field == "pk" else field)
        return sign + self.ordering_columns.get(name, name)

    def get_object(self):
        queryset = self.get_queryset()
        field = public_id_field(queryset.model)
        try:
            obj = queryset.get(**{field: self.kwargs["public_id"]})
        except (queryset.model.DoesNotExist, DjangoValidationError, ValueError):
            raise Http404 from None
        self.check_object_permissions(self.request, obj)
        return obj

    # --- reading --------------------------------------------------------------------

    def cached(self, build):
        """``build()``'s response, from the response cache when the dataset has not moved."""
        key = response_cache.key_for(self)
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
        request = self.request
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
        response = self.get_paginated_response(data)
        facets = request.query_params.getlist("facet")
        if facets:
            if compiled_path:
                queryset = self.filter_queryset(self.visible_queryset())
            response.data["facets"] = {name: self.facet(queryset, name) for name in facets}
        if stamps:
            response["Last-Modified"] = http_date(max(stamps).timestamp())
        return response

    # --- the compiled path (config.api.compiled) ---------------------------------------

    #: Pages and records are JSON built by the database from the serializer's fields
    #: (``config.api.compiled``). False: the serializer renders them (a resource whose
    #: fields do not all compile says so here; ``tests/api/test_compiled.py`` checks it).
    compiled = True

    def compiled_collections(self, base) -> dict:
        """Per collection field (citations), the expression of its JSON array for a row."""
        return {}

    def compiled_extra_columns(self) -> tuple[str, ...]:
        """Columns the view itself reads from each row (beyond the JSON)."""
        return ()

    def compiled_key(self) -> tuple:
        """What, besides the visible rows, the compiled queryset depends on (see below)."""
        return ()

    def uses_compiled(self) -> bool:
        if not self.compiled or self.request.method not in ("GET", "HEAD"):
            return False
        return self.as_of is None  # states on a day are annotations: the serializer reads them

    def visible_queryset(self):
        return self.at_day(self.visible())

    def compiled_queryset(self):
        """The visible rows, each with its JSON (``COMPILED``), made once per kind of reader.

        Making it (visibility, the JSON expression, the collections' subqueries) costs the
        ORM more than a page's SQL costs the database; it depends on no data, only on what
        the reader may see and the fields asked for, which the key holds exactly.
        """
        serializer_class = self.get_serializer_class()
        wanted = requested_fields(serializer_class, self.request.query_params)
        fields = frozenset(wanted) if wanted is not None else None
        visible = self.visible_queryset()
        base = absolute(self.request, "")
        key = (
            type(self),
            fields,
            base,
            repr(visible.query.where),
            tuple(self.get_ordering()),
            self.compiled_key(),
        )
        queryset = _compiled_querysets.get(key)
        if queryset is None:
            if len(_compiled_querysets) >= MAX_COMPILED_QUERYSETS:
                _compiled_querysets.clear()
            user = self.request.user
            base_value = compiled.text_value(base)
            expression = compiled.compile_record(
                serializer_class,
                fields,
                base=base_value,
                states=functools.cache(functools.partial(_states_visible_as_related, user)),
                collections=self.compiled_collections(base_value),
                reader=user,
            )
            ordering = {item.lstrip("-") for item in self.get_ordering()}
            columns = {"pk", *ordering, self.last_modified_field, *self.compiled_extra_columns()}
            queryset = visible.annotate(**{COMPILED: expression})
            annotations = queryset.query.annotations
            annotations[COMPILED] = compiled.Compiled(annotations[COMPILED])
            queryset = queryset.values(*sorted(columns), COMPILED)
            _compiled_querysets[key] = queryset
        return queryset.all()  # a clone: the kept one is never evaluated

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


# Compiled querysets by view, fields and what the reader may see (``compiled_queryset``).
_compiled_querysets = {}
MAX_COMPILED_QUERYSETS = 512
#: The column of each row's JSON text in the compiled queryset.
COMPILED = "_json"


@functools.lru_cache(maxsize=1024)
def filterset_for(filterset_class, names: tuple[str, ...], columns: tuple = ()):
    """A subclass of ``filterset_class`` that holds only the filters ``names``; those of a
    field named in ``columns`` (field, column) filter on that column instead."""
    subclass = type(filterset_class.__name__, (filterset_class,), {"__module__": __name__})
    subclass.base_filters = {name: filterset_class.base_filters[name] for name in names}
    for name, column in columns:
        for key, base in list(subclass.base_filters.items()):
            if base.field_name == name:
                moved = copy.deepcopy(base)
                moved.field_name = column
                subclass.base_filters[key] = moved
    return subclass


def filter_errors(filterset) -> dict[str, list[str]]:
    """The filterset's errors, each followed by the values the filter accepts, if few."""
    errors = {}
    for name, messages in filterset.errors.items():
        messages = list(messages)
        choices = filterset.filters[name].extra.get("choices")
        if choices and not callable(choices):
            messages.append(f"Allowed: {', '.join(str(value) for value, _ in choices)}.")
        errors[name] = messages
    return errors


def _states_visible_as_related(user, model) -> tuple:
    manager = model._default_manager
    states = getattr(manager, "states_visible_as_related", None)
    return states(user) if states is not None else ()
