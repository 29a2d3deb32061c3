"""FilterSets of the evidence resources, and the base of every record's FilterSet."""

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api.filters import (
    BooleanFilter,
    IntegerFilter,
    MultiValueFilter,
    PublicFilterSet,
    UTCIsoDateTimeFilter,
    filters_for_field,
    public_id_field,
)
from core.models import Change, Citation, Source, citable_models
from core.models.changes import sees_all_changes
from core.search import document

COMMON = ("review_state", "created", "updated")


class MinOriginsFilter(IntegerFilter):
    """A count of origins (0 to 32767, the column's range): anything else is a 400."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra.update(min_value=0, max_value=32767)


class FuzzyDateFilterSet(PublicFilterSet):
    """Filters by the bounds of each fuzzy date of the model (its ``fuzzy_dates``):
    ``<date>_earliest`` and ``<date>_latest`` with their range lookups, derived from the
    model, so that ``Meta.fields`` does not list them. A bound listed there is kept as is."""

    @classmethod
    def get_filters(cls):
        found = super().get_filters()
        model = cls._meta.model
        for date in getattr(model, "fuzzy_dates", ()) if model is not None else ():
            for bound in ("earliest", "latest"):
                name = f"{date}_{bound}"
                for key, derived in filters_for_field(name, model._meta.get_field(name)).items():
                    found.setdefault(key, derived)
        return found


class RecordFilterSet(FuzzyDateFilterSet):
    """A record's filters, plus ``source``: the records citing a source (by its UUID), and
    the corroboration filters ``contested`` and ``min_origins``.

    Only citations the user may see count, so a draft citation reveals nothing.
    """

    source = filters.UUIDFilter(
        method="filter_source", help_text="Records that cite this source (its UUID)."
    )
    contested = BooleanFilter(
        field_name="contested", help_text="Has a field that a published source contradicts."
    )
    min_origins = MinOriginsFilter(
        field_name="min_origins",
        lookup_expr="gte",
        help_text="Each supported field has at least this many independent origins.",
    )

    def filter_source(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        cited = Citation.objects.visible_to(user).filter(
            content_type=ContentType.objects.get_for_model(queryset.model),
            object_id=models.OuterRef("pk"),
            source_id=value,
            source__in=Source.objects.visible_to(user).values("pk"),
        )
        return queryset.filter(models.Exists(cited))


class AliasFilterSet(RecordFilterSet):
    """A named record's filters, plus ``name_or_alias``: the name or any alias, any case."""

    name_or_alias = filters.CharFilter(
        method="filter_name_or_alias",
        help_text="The name or one of the aliases equals this, ignoring case "
        "(petrol finds gasoline where petrol is its alias).",
    )

    def filter_name_or_alias(self, queryset, name, value):
        wanted = value.strip().casefold()
        # The document holds the name and the aliases: it narrows the rows to a few, which
        # are then compared whole (an alias is a list item, not a substring of the JSON).
        rows = queryset.filter(search_document__contains=document([value])).values_list(
            "pk", "name", "aliases"
        )
        keys = [
            pk
            for pk, own, aliases in rows
            if wanted in {n.casefold() for n in [own, *(aliases or [])] if isinstance(n, str)}
        ]
        return queryset.filter(pk__in=keys)


class SourceFilterSet(FuzzyDateFilterSet):
    class Meta:
        model = Source
        text_fields = ("title", "publisher")
        fields = (
            "kind",
            "title",
            "publisher",
            "document_url",
            "language",
            "licence",
            "content_hash",
            "supersedes",
            "published_precision",
            "retrieved",
            *COMMON,
        )


def _resources():
    return [(m._meta.label_lower, m._meta.verbose_name) for m in citable_models()]


def _factual_fields():
    names = {name for model in citable_models() for name in model.factual_fields}
    return [(name, name) for name in sorted(names)]


class CitationFilterSet(PublicFilterSet):
    """A citation's filters: the cited record (``resource``, ``record``), the source, the
    fields it supports and its stance. Repeat a parameter for OR."""

    resource = extend_schema_field({"type": "string", "enum": [v for v, _ in _resources()]})(
        filters.MultipleChoiceFilter(
            choices=_resources(),
            method="filter_resource",
            help_text="The cited record's resource, as app_label.model (trade.shipment).",
        )
    )
    record = extend_schema_field({"type": "string", "maxLength": 100})(
        MultiValueFilter(
            method="filter_record",
            inner=forms.CharField(max_length=100),
            help_text="The cited record's public id (ISO code, slug or UUID); with resource, "
            "of that resource only.",
        )
    )
    supports = extend_schema_field({"type": "string", "enum": [v for v, _ in _factual_fields()]})(
        filters.MultipleChoiceFilter(
            choices=_factual_fields(),
            method="filter_supports",
            help_text="Supports this field of its record (a factual field's name).",
        )
    )
    stance = filters.MultipleChoiceFilter(
        choices=[
            ("supports", "Supports fields of its record"),
            ("contradicts", "Contradicts fields of its record"),
        ],
        method="filter_stance",
        help_text="supports: names fields it supports; contradicts: names fields whose "
        "recorded value it disputes.",
    )

    class Meta:
        model = Citation
        fields = ("source", "inferred", "locator", *COMMON)

    def filter_resource(self, queryset, name, values):
        wanted = [m for m in citable_models() if m._meta.label_lower in values]
        types = ContentType.objects.get_for_models(*wanted).values()
        return queryset.filter(content_type__in=[t.pk for t in types])

    def filter_record(self, queryset, name, values):
        found = models.Q(pk__in=[])
        for model in citable_models():
            id_name = public_id_field(model)
            field = model._meta.pk if id_name == "pk" else model._meta.get_field(id_name)
            ids = []
            for value in values:
                try:
                    ids.append(field.to_python(value))
                except ValidationError:
                    continue  # not an id of this model: it cites no record of it
            if ids:
                keys = model._base_manager.filter(**{f"{field.name}__in": ids}).values("pk")
                content_type = ContentType.objects.get_for_model(model)
                found |= models.Q(content_type=content_type, object_id__in=keys)
        return queryset.filter(found)

    def filter_supports(self, queryset, name, values):
        # supported_values holds each supported field (core.support); has_key runs anywhere.
        wanted = models.Q(pk__in=[])
        for value in values:
            wanted |= models.Q(supported_values__has_key=value)
        return queryset.filter(wanted)

    def filter_stance(self, queryset, name, values):
        wanted = models.Q(pk__in=[])
        for value in values:
            wanted |= ~models.Q(**{value: []})
        return queryset.filter(wanted)


class ChangeFilterSet(PublicFilterSet):
    since = UTCIsoDateTimeFilter(
        field_name="timestamp",
        lookup_expr="gte",
        help_text="Changes at or after this time (ISO 8601), to sync from a known point.",
    )
    after = IntegerFilter(
        field_name="id",
        lookup_expr="gt",
        help_text="Changes after this sequence number (the id of the last change you have).",
    )
    user = MultiValueFilter(
        field_name="user",
        method="filter_user",
        inner=forms.CharField(max_length=150),
        help_text="Changes by this curator (username). For curators only: usernames are not "
        "public.",
    )

    class Meta:
        model = Change
        fields = (
            "model",
            "record_id",
            "object_id",
            "cited_model",
            "cited_id",
            "action",
            "review_state",
            "channel",
            "timestamp",
        )

    def filter_user(self, queryset, name, values):
        if not sees_all_changes(getattr(self.request, "user", None)):
            # A filter by name would tell who made which change: the name it hides.
            raise serializers.ValidationError({name: ["For curators only."]})
        return queryset.filter(user__in=values)
