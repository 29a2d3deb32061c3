"""``/api/v1/citations/``: the evidence on its own, in the representation records nest.

A citation reads as it does inside its record (``CitationSerializer``), plus its address
and the record it supports (resource, public id, address). A reader sees the citations
that ``Citation.objects.visible_as_evidence`` gives them: those whose record and source
they may see, as every other reader decides it.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, OuterRef, Prefetch, Subquery, TextField, Value, When
from django.db.models.functions import Cast
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api import exports
from config.api.filters import public_id_field
from config.api.serializers import GenericRecordField, requested_fields
from config.api.urls_cache import absolute, detail_path
from core import filtersets
from core.api.serializers import AS_OF_UNCERTAIN, CitationSerializer
from core.api.views import RecordReadOnlyViewSet
from core.models import Citation, Source, citable_models
from core.validtime import UNCERTAIN


class CitedRecordSerializer(serializers.Serializer):
    """The record a citation supports."""

    resource = serializers.CharField(help_text="Its resource, as app_label.model.")
    id = serializers.CharField(help_text="Its public id.")
    url = serializers.URLField(help_text="Its address in the API.")


@extend_schema_field(CitedRecordSerializer)
class CitedRecordField(GenericRecordField):
    """The record a citation supports."""


class CitationEntrySerializer(CitationSerializer):
    """A citation on its own: the evidence as its record nests it, with its address and
    the record it supports (``record``)."""

    url = serializers.SerializerMethodField(help_text="This citation's address in the API.")
    record = CitedRecordField()
    version = serializers.IntegerField(read_only=True)
    created = serializers.DateTimeField(read_only=True)
    updated = serializers.DateTimeField(read_only=True)

    #: Read on an ``as_of`` day only: optional in the schema, as on every record.
    conditional_fields = {"as_of_uncertain": ("AsOfUncertain", AS_OF_UNCERTAIN)}
    #: The fields of the nested representation come between these.
    leading = ("id", "url", "record")
    trailing = ("version", "created", "updated")

    class Meta(CitationSerializer.Meta):
        model = Citation
        brief_fields = ("id", "url", "record")

    def get_fields(self):
        fields = super().get_fields()
        order = [*self.leading, *(n for n in fields if n not in (*self.leading, *self.trailing))]
        return {name: fields[name] for name in (*order, *self.trailing)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None or self.parent is not None:
            return
        keep = requested_fields(type(self), request)  # ?fields=, ?brief=
        if keep is not None:
            for name in list(self.fields):
                if name not in keep:
                    self.fields.pop(name)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        uncertain = getattr(instance, UNCERTAIN, None)
        if uncertain is not None:  # read on an as_of day, as every record is
            data["as_of_uncertain"] = bool(uncertain)
        return data

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return absolute(self.context.get("request"), detail_path(Citation, obj.pk))


class CitationViewSet(RecordReadOnlyViewSet):
    """The evidence: each citation of a record to a source, read-only.

    A citation holds the quote and its span in the source's text (or a dataset's
    locator), the fields of its record it supports, each with the value it supports
    (`supported_values`), those it contradicts with the value the source states instead,
    and the fields whose support it withdrew, with the reason. Filter by the cited record
    (`resource`, `record`), the `source`, a supported field (`supports`) or the `stance`;
    curators also see drafts. Records carry the same citations inline (`citations`).
    """

    queryset = Citation.objects.all()
    serializer_class = CitationEntrySerializer
    filterset_class = filtersets.CitationFilterSet
    visibility_method = "visible_as_evidence"
    ordering_fields = ("id", "updated")
    facet_fields = ("review_state", "inferred")
    select = {"record": ("content_type",)}
    prefetch = {
        # The source's full text is not shown: one query a page, without it.
        "source": (Prefetch("source", queryset=Source.objects.defer("text", "search_document")),),
        "record": ("record",),
    }

    def export_extra_names(self, fmt: str) -> list[str]:
        return ["resource", "record"]

    def export_extra(self, fmt: str) -> list:
        """The cited record as plain columns, beside ``content_type`` and ``object_id``:
        ``resource`` (app_label.model) and ``record`` (its public id), from the same query."""
        resources, records = [], []
        for model, content_type in ContentType.objects.get_for_models(*citable_models()).items():
            resources.append(
                When(content_type_id=content_type.pk, then=Value(model._meta.label_lower))
            )
            field = public_id_field(model)
            if field == "pk":
                public_id = exports.text_of(Citation, "object_id")
            else:
                rows = model._base_manager.filter(pk=OuterRef("object_id")).order_by()
                public_id = Subquery(rows.values(field)[:1])
            records.append(When(content_type_id=content_type.pk, then=Cast(public_id, TextField())))
        return [
            exports.ExportColumn(
                name, TextField(), value=Case(*cases, output_field=TextField()), plain=True
            )
            for name, cases in (("resource", resources), ("record", records))
        ]
