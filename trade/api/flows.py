"""``/api/v1/pairs/{a}-{b}/flows/?year=``: agreed, reported and recorded flows of a pair in a
year, per HS heading, with their citations (``trade.statistics.flows``)."""

import re

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.errors import InvalidParameters, MethodFirstMixin
from config.api.response_cache import CacheHeadersMixin
from trade.api.pairs import PairRecordSerializer, _brief
from trade.models import TradeFlow, ValueBasis
from trade.statistics.flows import KINDS, pair_flows


class FlowCitationSerializer(serializers.Serializer):
    """A citation in brief: the source, and the row (locator) or the words (quote) cited."""

    source = PairRecordSerializer()
    locator = serializers.CharField(allow_blank=True)
    quote = serializers.CharField(allow_blank=True)
    supports = serializers.ListField(child=serializers.CharField())


class FlowFigureSerializer(serializers.Serializer):
    """One figure: a commitment's yearly quantity (agreed), a shipment reported in the news,
    a flow recorded in official statistics, or a mirror (the partner's figure standing for a
    side that did not report)."""

    kind = serializers.ChoiceField(choices=[(k, k) for k in KINDS])
    label = serializers.CharField(help_text="What the figure is, in words.")
    record = PairRecordSerializer()
    exporter = serializers.CharField(help_text="ISO alpha-2 (the supplier of a commitment).")
    importer = serializers.CharField(help_text="ISO alpha-2 (the recipient of a commitment).")
    reporter = serializers.CharField(
        allow_null=True, help_text="Who declared it (recorded, mirror); null otherwise."
    )
    flow = serializers.ChoiceField(choices=TradeFlow.choices, allow_blank=True)
    mirror = serializers.BooleanField(help_text="The partner's figure, labelled as a mirror.")
    mirror_for = serializers.CharField(
        allow_null=True, help_text="The country that did not report (mirror figures)."
    )
    quantity = serializers.DecimalField(
        max_digits=20, decimal_places=3, allow_null=True, coerce_to_string=True
    )
    unit = serializers.CharField(allow_blank=True)
    qualifier = serializers.CharField(allow_blank=True)
    tonnes = serializers.DecimalField(
        max_digits=20,
        decimal_places=3,
        allow_null=True,
        coerce_to_string=True,
        help_text="The quantity in metric tons, when it is a mass.",
    )
    value = serializers.DecimalField(
        max_digits=20, decimal_places=2, allow_null=True, coerce_to_string=True
    )
    currency = serializers.CharField(allow_blank=True)
    value_basis = serializers.ChoiceField(choices=ValueBasis.choices, allow_blank=True)
    citations = FlowCitationSerializer(many=True)


class FlowHeadingSerializer(serializers.Serializer):
    """The figures of one HS heading (``2710``), of all goods (``TOTAL``), or of a commodity
    without an HS code (``~`` and its id)."""

    heading = serializers.CharField()
    label = serializers.CharField()
    commodities = PairRecordSerializer(many=True)
    agreed = FlowFigureSerializer(many=True)
    reported = FlowFigureSerializer(many=True)
    recorded = FlowFigureSerializer(many=True)
    mirror = FlowFigureSerializer(many=True)


class PairFlowsSerializer(serializers.Serializer):
    """A pair's flows in one year: agreed, reported in the news, recorded in official
    statistics (by each reporter) and mirrored, per HS heading, each with its citations."""

    countries = PairRecordSerializer(many=True)
    year = serializers.IntegerField(allow_null=True, help_text="The year shown.")
    years = serializers.ListField(
        child=serializers.IntegerField(), help_text="Every year with a figure."
    )
    headings = FlowHeadingSerializer(many=True)


def _year(request) -> int | None:
    params = request.query_params
    allowed = ["format", "year"]
    errors = {name: ["Unknown parameter."] for name in params if name not in allowed}
    if any(value != "json" for value in params.getlist("format")):
        errors["format"] = ["json."]
    years = params.getlist("year")
    if len(years) > 1:
        errors["year"] = ["Give it once."]
    elif years and not re.fullmatch(r"[12][0-9]{3}", years[0]):
        errors["year"] = ["A year, YYYY."]
    if errors:
        raise InvalidParameters(errors, allowed)
    return int(years[0]) if years else None


class PairFlowsView(CacheHeadersMixin, MethodFirstMixin, APIView):
    """The flows of a pair of countries in a year, by ISO alpha-2 codes (`RU-AF`)."""

    permission_classes = [AllowAny]  # reading only; visibility is the records' own rule
    http_method_names = ["get", "head", "options"]

    def initial(self, request, *args, **kwargs):
        self.year = _year(request)
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="pairs_flows_retrieve",
        parameters=[
            OpenApiParameter("a", str, OpenApiParameter.PATH, description="ISO alpha-2 code."),
            OpenApiParameter("b", str, OpenApiParameter.PATH, description="ISO alpha-2 code."),
            OpenApiParameter(
                "year",
                int,
                OpenApiParameter.QUERY,
                description="The year (YYYY); default: the latest year with a figure.",
            ),
        ],
        responses={200: PairFlowsSerializer},
        tags=["pairs"],
    )
    def get(self, request, a: str, b: str):
        flows = pair_flows(a, b, request.user, self.year)
        return Response(
            {
                "countries": [_brief(request, flows.a), _brief(request, flows.b)],
                "year": flows.year,
                "years": flows.years,
                "headings": [_heading(request, h) for h in flows.headings],
            }
        )


def _heading(request, heading) -> dict:
    data = {
        "heading": heading.code,
        "label": heading.label,
        "commodities": [_brief(request, c) for c in heading.commodities],
    }
    for kind in KINDS:
        data[kind] = [_figure(request, f) for f in heading.of(kind)]
    return data


def _number(value, places: int):
    return None if value is None else f"{value:.{places}f}"


def _figure(request, f) -> dict:
    return {
        "kind": f.kind,
        "label": f.label,
        "record": _brief(request, f.record),
        "exporter": f.exporter.iso2,
        "importer": f.importer.iso2,
        "reporter": f.reporter.iso2 if f.reporter else None,
        "flow": f.flow,
        "mirror": f.kind == "mirror",
        "mirror_for": f.mirror_for.iso2 if f.mirror_for else None,
        "quantity": _number(f.quantity, 3),
        "unit": f.unit,
        "qualifier": "" if f.qualifier in ("", "exact") else f.qualifier,
        "tonnes": _number(f.tonnes, 3),
        "value": _number(f.value, 2),
        "currency": f.currency,
        "value_basis": f.value_basis,
        "citations": [
            {
                "source": _brief(request, c.source),
                "locator": c.locator,
                "quote": c.quote,
                "supports": c.supports,
            }
            for c in f.citations
        ],
    }
