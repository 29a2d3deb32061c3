"""``/api/v1/pairs/{a}-{b}/``: the country-pair timeline as JSON (``trade.pairs``)."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.errors import MethodFirstMixin, NoParametersMixin
from config.api.response_cache import CacheHeadersMixin
from config.api.urls_cache import absolute, detail_path
from core.evidence import evidence_path
from core.models import Source
from trade import pairs


class PairRecordSerializer(serializers.Serializer):
    """A record in brief, with its API and evidence addresses."""

    id = serializers.CharField(help_text="Public id.")
    name = serializers.CharField()
    url = serializers.URLField(help_text="The record in the API.")
    evidence_url = serializers.URLField(help_text="The record's evidence page.")


class PairEvidenceSerializer(serializers.Serializer):
    """A citation with the text around its quote."""

    source = PairRecordSerializer()
    quote = serializers.CharField(allow_blank=True)
    start = serializers.IntegerField(allow_null=True)
    end = serializers.IntegerField(allow_null=True)
    locator = serializers.CharField(allow_blank=True)
    supports = serializers.ListField(child=serializers.CharField())
    inferred = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True)
    context_before = serializers.CharField(
        allow_blank=True, help_text="About 100 characters of the source before the quote."
    )
    context_after = serializers.CharField(
        allow_blank=True, help_text="About 100 characters of the source after the quote."
    )


class PairItemSerializer(serializers.Serializer):
    """One record of the timeline."""

    kind = serializers.ChoiceField(choices=[(k, k) for k in pairs.KINDS])
    date = serializers.DateField(
        allow_null=True, help_text="The earliest day it may have happened; null when unknown."
    )
    date_label = serializers.CharField(help_text="The date as the source gives it, in words.")
    record = PairRecordSerializer()
    evidence = PairEvidenceSerializer(many=True)


class PairSerializer(serializers.Serializer):
    """Two countries in one chronological view: shipments between them, statements and
    policy decisions involving both, designations in force, each with its evidence.
    Records of unknown date come last."""

    countries = PairRecordSerializer(many=True)
    evidence_url = serializers.URLField(help_text="This timeline as a page.")
    items = PairItemSerializer(many=True)


def _brief(request, record) -> dict:
    model = type(record)
    name = record.brief_name if isinstance(record, Source) else str(record)
    return {
        "id": record.public_id,
        "name": name,
        "url": absolute(request, detail_path(model, record.public_id)),
        "evidence_url": absolute(request, evidence_path(model, record.public_id)),
    }


def _evidence(request, quote) -> dict:
    c = quote.citation
    return {
        "source": _brief(request, c.source),
        "quote": c.quote,
        "start": c.start,
        "end": c.end,
        "locator": c.locator,
        "supports": c.supports,
        "inferred": c.inferred,
        "note": c.note,
        "context_before": quote.before,
        "context_after": quote.after,
    }


class PairView(CacheHeadersMixin, NoParametersMixin, MethodFirstMixin, APIView):
    """The timeline of a pair of countries, by ISO alpha-2 codes (`RU-AF`), in either order."""

    permission_classes = [AllowAny]  # reading only; visibility is the records' own rule
    http_method_names = ["get", "head", "options"]

    @extend_schema(
        operation_id="pairs_retrieve",
        parameters=[
            OpenApiParameter("a", str, OpenApiParameter.PATH, description="ISO alpha-2 code."),
            OpenApiParameter("b", str, OpenApiParameter.PATH, description="ISO alpha-2 code."),
        ],
        responses={200: PairSerializer},
        tags=["pairs"],
    )
    def get(self, request, a: str, b: str):
        timeline = pairs.pair(a, b, request.user)
        page = reverse("evidence-pair", kwargs={"a": timeline.a.iso2, "b": timeline.b.iso2})
        data = {
            "countries": [_brief(request, timeline.a), _brief(request, timeline.b)],
            "evidence_url": absolute(request, page),
            "items": [
                {
                    "kind": item.kind,
                    "date": item.date.isoformat() if item.date else None,
                    "date_label": item.date_label,
                    "record": _brief(request, item.record),
                    "evidence": [_evidence(request, q) for q in item.quotes],
                }
                for item in timeline.items
            ],
        }
        return Response(data)
