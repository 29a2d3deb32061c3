"""The records' viewsets: ``config.api``'s base, plus evidence, visibility and curators' writes.

``RecordViewSet`` is what every resource of the dataset declares itself over. It adds to
the domain-free ``PublicReadOnlyViewSet``:
* inline citations, prefetched in one query, limited to those the user may see;
* ``Visible`` prefetches of nested and many-to-many records, limited the same way, derived
  from the serializer (``DerivedPrefetch``);
* the curators' writes and review actions (``core.api.writes``).
"""

import hashlib
from dataclasses import dataclass

from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import IntegerField, OuterRef, Prefetch, TextField, Value
from django.db.models.functions import Cast, Concat
from django.http import HttpResponse
from django.urls import reverse
from rest_framework.relations import ManyRelatedField, RelatedField
from rest_framework.serializers import ListSerializer, ModelSerializer
from rest_framework.settings import api_settings

from config.api import compiled, exports
from config.api.cache import dataset_version
from config.api.compiled import RowView
from config.api.errors import InvalidParameters
from config.api.filters import public_id_field
from config.api.renderers import AtomRenderer
from config.api.serializers import prefetched_name
from config.api.urls_cache import absolute
from config.api.views import PublicReadOnlyViewSet
from core import filtersets
from core.api import atom, serializers
from core.api.writes import CuratedWritesMixin, record_etag
from core.models import Change, CitableModel, Citation, Source, citable_models
from core.models.changes import shown_user_column
from core.visibility import visible_states


def citations_prefetch(user, include_retracted: bool = False) -> Prefetch:
    # The sources' full text is not shown in a citation; don't read it for every row.
    visible = (
        Citation.objects.visible_to(user, include_retracted)
        .select_related("source")
        .defer("search_document", "source__text", "source__search_document")
    )
    return Prefetch("citations", queryset=visible, to_attr=prefetched_name("citations"))


@dataclass(frozen=True)
class Visible:
    """A prefetch of related records, limited per request to what the user may see."""

    lookup: str
    model: type
    select: tuple[str, ...] = ()
    cited: bool = True

    def resolve(self, user, as_of=None) -> Prefetch:
        """The prefetch for ``user``; on an ``as_of`` day, of the records that existed then
        (a position's tenures held then, a decision's stages reached by then)."""
        queryset = self.model._default_manager.visible_as_related(user)
        if as_of is not None and getattr(self.model, "valid_time", None) is not None:
            queryset = queryset.as_of(as_of)
        if self.select:
            queryset = queryset.select_related(*self.select)
        if self.cited:
            queryset = queryset.prefetch_related(citations_prefetch(user))
        return Prefetch(self.lookup, queryset=queryset, to_attr=prefetched_name(self.lookup))


class PublicIdOrdered:
    """Lists in the order of the public id (``id``: ISO code, slug or UUID, whatever field
    the model names in ``public_id_field``) unless a resource declares its own ``ordering``."""

    ordering = ("id",)


class Derived:
    """A map of the viewset's derived from its serializer (``derive``), on first use; the
    entries a resource declares win for their field."""

    def __init__(self, declared: dict[str, tuple]):
        self.declared = declared
        self.derived = None

    def __get__(self, instance, owner):
        if self.derived is None:
            self.derived = {**self.derive(owner), **self.declared}
        return self.derived

    def derive(self, viewset) -> dict[str, tuple]:
        raise NotImplementedError


class DerivedSelect(Derived):
    """``select`` derived from the serializer: each field that reads a foreign key of the
    model (a brief object) joins its row, unless the resource prefetches it instead; a
    resource declares only the paths that differ (a deeper join, or a generic relation's
    content type), which win for their field."""

    def derive(self, viewset) -> dict[str, tuple]:
        derived = foreign_key_fields(viewset.serializer_class, viewset.queryset.model)
        return {name: paths for name, paths in derived.items() if name not in viewset.prefetch}


class DerivedPrefetch(Derived):
    """``prefetch`` derived from the serializer: each field that reads a list of related
    records (``to_many_fields``) gets a ``Visible`` prefetch; a resource declares only the
    lookups that differ, which win for their field."""

    def derive(self, viewset) -> dict[str, tuple]:
        return to_many_fields(viewset.serializer_class, viewset.queryset.model)


def foreign_key_fields(serializer_class, model) -> dict[str, tuple[str, ...]]:
    """Each field of ``serializer_class`` that reads a foreign key of ``model``:
    {field: (its source,)}."""
    found = {}
    for name, field in serializer_class().fields.items():
        if not isinstance(field, RelatedField):
            continue
        model_field = model_field_of(model, field.source)
        if model_field is None:
            continue
        if model_field.many_to_one or (model_field.one_to_one and model_field.concrete):
            found[name] = (field.source,)
    return found


def to_many_fields(serializer_class, model) -> dict[str, tuple[Visible]]:
    """Each field of ``serializer_class`` that reads a to-many relation of ``model``
    (many-to-many, forward or reverse, or a reverse foreign key): {field: (its prefetch,)}.

    A list of brief objects (``many=True`` related field) reads only the related rows; a
    nested list serializer (a position's tenures) also joins the brief objects of its own
    foreign keys and, if it shows them, prefetches the nested records' citations. The
    record's own citations are not here: ``RecordReadOnlyViewSet.get_prefetches`` adds
    them, with retracted ones when asked for.
    """
    found = {}
    for name, field in serializer_class().fields.items():
        if isinstance(field, ManyRelatedField):
            nested = None
        elif isinstance(field, ListSerializer) and isinstance(field.child, ModelSerializer):
            nested = type(field.child)
        else:
            continue
        model_field = model_field_of(model, field.source)
        if model_field is None or isinstance(model_field, GenericRelation):
            continue  # (the record's citations: prefetched with their own rules)
        if not (model_field.many_to_many or model_field.one_to_many):
            continue
        related = model_field.related_model
        if nested is None:
            found[name] = (Visible(field.source, related, cited=False),)
            continue
        select = foreign_key_fields(nested, related)
        cited = "citations" in nested().fields and issubclass(related, CitableModel)
        paths = tuple(path for paths in select.values() for path in paths)
        found[name] = (Visible(field.source, related, select=paths, cited=cited),)
    return found


def model_field_of(model, source: str):
    """The field of ``model`` a serializer field's ``source`` names, or None (a property, a
    method, a path through another record)."""
    if "." in source:
        return None
    try:
        return model._meta.get_field(source)
    except FieldDoesNotExist:
        return None


class RecordReadOnlyViewSet(PublicIdOrdered, PublicReadOnlyViewSet):
    """A resource of the dataset: visibility-limited prefetches and inline citations.

    Derived, not declared: the ordering (the public id, ``PublicIdOrdered``), the joins
    of the serializer's brief objects (``DerivedSelect``) and the prefetches of its lists
    (``DerivedPrefetch``).
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.select = DerivedSelect(declared_by(cls, "select"))
        cls.prefetch = DerivedPrefetch(declared_by(cls, "prefetch"))

    def get_prefetches(self) -> dict[str, tuple]:
        user = self.request.user
        prefetches = {
            field: tuple(
                lookup.resolve(user, self.as_of) if isinstance(lookup, Visible) else lookup
                for lookup in lookups
            )
            for field, lookups in self.prefetch.items()
        }
        if hasattr(self.queryset.model, "citations"):
            prefetches.setdefault("citations", (citations_prefetch(user, self.include_retracted),))
        return prefetches

    def etag_for(self, instance) -> str:
        if isinstance(instance, RowView):  # a .values() row of the compiled path
            row = instance.row
            public_id, version = row[lean_id_column(self.queryset.model)], row["version"]
        else:
            public_id, version = instance.public_id, instance.version
        # A record read on an as_of day is another representation of it.
        reader = f"{dataset_version()}:{self.reader_class}:{self.as_of}"
        digest = hashlib.sha256(reader.encode()).hexdigest()[:10]
        return record_etag(public_id, version, reader=digest)

    def compiled_extra_columns(self) -> tuple[str, ...]:
        # The ETag's columns, whatever fields were asked for.
        return (lean_id_column(self.queryset.model), "version")

    def compiled_key(self) -> tuple:
        # The citations' subqueries name content types and the citations' states; the brief
        # objects and nested records, the states of their models the reader may see.
        content_types = ContentType.objects.get_for_models(*citable_models())
        return (
            tuple(sorted(content_type.pk for content_type in content_types.values())),
            visible_states(self.request.user, Citation, include_retracted=self.include_retracted),
            self.visibility_class(),
        )

    def compiled_collections(self, base) -> compiled.Collections:
        # Records nested in a list (a position's tenures) carry the citations the serializer
        # path prefetches for them (``Visible``): without retracted ones.
        return compiled.Collections(
            self.compiled_citations(self.queryset.model, base, self.include_retracted),
            nested=lambda model: self.compiled_citations(model, base, False),
        )

    def compiled_citations(self, model, base, include_retracted: bool) -> dict:
        if not issubclass(model, CitableModel):
            return {}
        visible_sources = Source.objects.states_visible_as_related(self.request.user)
        item = compiled.compile_record(
            serializers.CitationSerializer,
            None,
            base=base,
            states=lambda model: visible_sources,
            collections={},
            model=Citation,
        )
        # In the order the serializer reads them: Citation.Meta.ordering, as the database
        # sorts it (an empty start: last on PostgreSQL, first on SQLite).
        citations = self.visible_citations(model, include_retracted).order_by(
            *Citation._meta.ordering
        )
        return {"citations": compiled.JSONArray(citations, item)}

    def export_extra(self, fmt: str) -> list:
        """A cited record's export adds its citations: in NDJSON the list its JSON holds
        (the same subquery and renderer as a JSON page), in CSV their count and the address
        of the list (``citations_url``). Each comes from the export's own query."""
        base = compiled.text_value(absolute(self.request, ""))
        collections = self.compiled_collections(base)
        if "citations" not in collections:
            return []
        if fmt == "ndjson":
            # The array each JSON record holds, as the database builds it for a page.
            return [
                exports.ExportColumn(
                    "citations", TextField(), value=collections["citations"], decode=compiled.record
                )
            ]
        model = self.queryset.model
        meta = model._meta
        list_path = absolute(self.request, reverse("api-v1:core-citation-list"))
        prefix = f"{list_path}?resource={meta.app_label}.{meta.model_name}&record="
        return [
            exports.ExportColumn(
                "citations",
                IntegerField(),
                value=exports.Count(self.visible_citations().values("pk")),
                plain=True,
            ),
            exports.ExportColumn(
                "citations_url",
                TextField(),
                value=Concat(
                    Value(prefix),
                    Cast(exports.text_of(model, lean_id_column(model)), TextField()),
                    output_field=TextField(),
                ),
                plain=True,
            ),
        ]

    def export_extra_names(self, fmt: str) -> list[str]:
        if not issubclass(self.queryset.model, CitableModel):
            return []
        return ["citations"] if fmt == "ndjson" else ["citations", "citations_url"]

    def visible_citations(self, model=None, include_retracted: bool | None = None):
        """The citations of the row (``OuterRef("pk")``, of ``model``: by default the
        resource's) the reader may see."""
        content_type = ContentType.objects.get_for_model(model or self.queryset.model)
        if include_retracted is None:
            include_retracted = self.include_retracted
        return Citation.objects.visible_to(self.request.user, include_retracted).filter(
            content_type=content_type, object_id=OuterRef("pk")
        )


def declared_by(cls, name: str) -> dict:
    """The map ``name`` declared by ``cls`` or, if it declares none, by its nearest base."""
    declared = next(c.__dict__[name] for c in cls.__mro__ if name in c.__dict__)
    return dict(declared.declared if isinstance(declared, Derived) else declared)


def lean_id_column(model) -> str:
    field = public_id_field(model)
    return "pk" if field == "pk" else field


class RecordViewSet(CuratedWritesMixin, RecordReadOnlyViewSet):
    """A resource that curators also write, through ``core.services``."""


class SourceViewSet(RecordViewSet):
    """Documents cited as evidence: articles, official statements, datasets and standards."""

    queryset = Source.objects.all()
    serializer_class = serializers.SourceSerializer
    filterset_class = filtersets.SourceFilterSet
    ordering_fields = ("id", "updated")
    facet_fields = ("kind", "language")


class ChangeViewSet(PublicIdOrdered, PublicReadOnlyViewSet):
    """The change feed: every create, update and delete of any record, in sequence.

    Sync by asking for the changes after the last one you have (`?after=<id>`) or since a
    time (`?since=2025-01-01T00:00:00Z`), then fetch the records at `record_url`. Changes
    made while a record was a draft are listed for curators only.
    """

    queryset = Change.objects.all()
    serializer_class = serializers.ChangeSerializer
    filterset_class = filtersets.ChangeFilterSet
    ordering_fields = ("id",)
    facet_fields = ("model", "action", "channel")
    last_modified_field = "timestamp"
    searchable = False
    extra_formats = ("atom",)
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, AtomRenderer]

    def compiled_key(self) -> tuple:
        # ``user`` is written as the reader may read it (``shown_user_column``).
        return (self.visibility_class(),)

    def get_ordering(self) -> list[str]:
        # A feed reader wants the latest changes: Atom lists newest first unless asked.
        renderer = getattr(self.request, "accepted_renderer", None)
        atom_format = renderer is not None and renderer.format == "atom"
        if atom_format and self.request_options.ordering is None:
            return ["-id"]
        return super().get_ordering()

    def render_format(self, fmt: str) -> HttpResponse:
        """The page of changes the JSON feed would give, as Atom (``core.api.atom``)."""
        shaping = sorted({"fields", "brief", "facet"} & self.request_options.names)
        if shaping:  # an entry has the shape Atom gives it: refused, not silently ignored
            raise InvalidParameters(
                {name: ["Not with format=atom."] for name in shaping},
                sorted(self.allowed_parameters()),
            )
        changes = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        page = atom.FeedPage(changes, self.request, self.paginator.get_next_link())
        return HttpResponse(atom.ChangeFeed().render(page), content_type=AtomRenderer.media_type)

    def export_values(self) -> dict:
        return {"user": shown_user_column(self.request.user)}
