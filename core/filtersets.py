"""FilterSets of the evidence resources, and the base of every record's FilterSet."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django_filters import rest_framework as filters

from config.api.filters import (
    BooleanFilter,
    IntegerFilter,
    PublicFilterSet,
    UTCIsoDateTimeFilter,
)
from core.models import Change, Citation, Source
from core.search import document

COMMON = ("review_state", "created", "updated")


class MinOriginsFilter(IntegerFilter):
    """A count of origins (0 to 32767, the column's range): anything else is a 400."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra.update(min_value=0, max_value=32767)


class RecordFilterSet(PublicFilterSet):
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


class SourceFilterSet(PublicFilterSet):
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
            "published_earliest",
            "published_latest",
            "retrieved",
            *COMMON,
        )


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
            "user",
            "timestamp",
        )
