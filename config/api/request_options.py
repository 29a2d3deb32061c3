"""A request's options, parsed once into one typed object that every step reads.

The viewset builds ``RequestOptions`` from the query string when the request begins
(``RequestOptions.of(request)``, kept on the request); filtering, pagination, rendering,
the serializers' field selection and the cache keys read it, never the query string again.
A boolean option takes every spelling ``config.api.options`` accepts, so ``brief=True``,
``brief=1`` and ``brief=true`` are one request: one body, one cache entry, one set of links.

A bad value is recorded in ``invalid`` (option → message), not raised here: the viewset's
parameter check reports it with the others (``limit`` where a page or an export is cut).
"""

import datetime
from dataclasses import dataclass, field

from django.utils.datastructures import MultiValueDict

from config.api.as_of import parse_as_of
from config.api.options import parse_boolean

LIST_PARAMS = {"ordering", "fields", "brief", "format", "limit", "cursor", "facet"}
DETAIL_PARAMS = {"fields", "brief", "format"}
VISIBILITY_PARAMS = {"include_retracted"}
VALID_TIME_PARAMS = {"as_of"}  # on resources whose queryset knows valid time (``as_of(day)``)
BOOLEANS = ("brief", "include_retracted", "with_references")
# Options that do not change which rows match: not part of a cached count's key.
NOT_FILTERS = {"cursor", "limit", "format", "fields", "brief", "ordering", "facet"}
DEFAULT_LIMIT = 50
MAX_LIMIT = 1000


def parse_ordering(raw: str) -> tuple[tuple[str, bool], ...]:
    """``ordering=a,-b`` as ((name, descending), …); an empty item has the name ``""``."""
    return tuple((item.removeprefix("-"), item.startswith("-")) for item in raw.split(","))


@dataclass(frozen=True)
class RequestOptions:
    """What a request asks for, besides its filters' values (which ``filters`` keeps)."""

    #: Parameter names and values as sent, in order, with booleans written ``true``/``false``.
    params: tuple[tuple[str, tuple[str, ...]], ...]
    fields: frozenset[str] | None = None  # ``fields=``, None when absent
    brief: bool = False
    format: str | None = None
    limit: int | None = None  # None when absent (a page has DEFAULT_LIMIT rows, an export all)
    cursor: str | None = None  # opaque: the paginator reads it against the ordering
    ordering: tuple[tuple[str, bool], ...] | None = None  # None: the resource's default
    facets: tuple[str, ...] = ()
    as_of: datetime.date | None = None
    include_retracted: bool = False
    with_references: bool = False
    q: str | None = None
    invalid: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, request) -> "RequestOptions":
        """The request's options, parsed at its first use and kept on it."""
        options = getattr(request, "_api_options", None)
        if options is None:
            options = cls.from_query(request.query_params)
            request._api_options = options
        return options

    @classmethod
    def from_query(cls, query) -> "RequestOptions":
        """Parse a query string (a ``QueryDict``)."""
        invalid, booleans, params = {}, {}, []
        for name, values in query.lists():
            if name in BOOLEANS:
                values = [_boolean(value) for value in values]
                try:
                    booleans[name] = parse_boolean(values[-1], False)
                except ValueError as exc:
                    invalid[name] = str(exc)
            params.append((name, tuple(values)))
        raw = dict(query.items())  # the last value of each (repeated options are a 400)
        as_of = None
        if raw.get("as_of"):
            try:
                as_of = parse_as_of(raw["as_of"])
            except ValueError as exc:
                invalid["as_of"] = str(exc)
        return cls(
            params=tuple(params),
            fields=frozenset(raw["fields"].split(",")) if raw.get("fields") else None,
            brief=booleans.get("brief", False),
            format=raw.get("format"),
            limit=_limit(raw.get("limit"), invalid),
            cursor=raw.get("cursor") or None,
            ordering=parse_ordering(raw["ordering"]) if raw.get("ordering") else None,
            facets=tuple(query.getlist("facet")),
            as_of=as_of,
            include_retracted=booleans.get("include_retracted", False),
            with_references=booleans.get("with_references", False),
            q=raw.get("q"),
            invalid=invalid,
        )

    @property
    def names(self) -> frozenset[str]:
        """The parameters the request has."""
        return frozenset(name for name, _ in self.params)

    def requested_fields(self, serializer_class) -> set[str] | None:
        """The fields asked for (``fields=``, ``brief=``), or None for all."""
        if self.fields is not None:
            return set(self.fields)  # " id" or "" is an unknown field: a 400
        if self.brief:
            return set(serializer_class.Meta.brief_fields)
        return None

    def filters(self, names) -> MultiValueDict:
        """The values of the filters ``names``, as a filterset reads them."""
        wanted = set(names)
        return MultiValueDict({name: list(vals) for name, vals in self.params if name in wanted})

    def canonical(self) -> tuple:
        """One key for every URL that means the same request (booleans in any spelling,
        parameters in any order): the response cache's and the exports' ETags'."""
        return tuple(sorted((name, value) for name, values in self.params for value in values))

    def rows_key(self) -> tuple:
        """What decides which rows match (filters, ``q``, visibility, day): a count's key."""
        rows = sorted(self.params)
        return tuple((name, tuple(sorted(vs))) for name, vs in rows if name not in NOT_FILTERS)


def _boolean(value: str) -> str:
    """``value`` as ``true``/``false`` if it is a boolean's spelling, else as it is."""
    try:
        parsed = parse_boolean(value)
    except ValueError:
        return value
    return value if parsed is None else ("true" if parsed else "false")


def _limit(raw: str | None, invalid: dict) -> int | None:
    if raw is None:
        return None
    try:
        limit = int(raw)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        invalid["limit"] = f"A whole number from 1 to {MAX_LIMIT}; got {raw!r}."
        return None
    return limit
