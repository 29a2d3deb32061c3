"""``/api/v1/pairs/{a}-{b}/``: the country-pair timeline as JSON (``trade.pairs``)."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.errors import InvalidParameters, MethodFirstMixin
from config.api.response_cache import CacheHeadersMixin
from config.api.urls_cache import absolute, detail_path
from core.evidence import evidence_path
from core.models import DatePrecision, Source
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
    """One record of the timeline, placed by its date (valid time: when it was so)."""

    kind = serializers.ChoiceField(choices=[(k, k) for k in pairs.KINDS])
    date = serializers.DateField(
        allow_null=True,
        help_text="Where the record is placed: the earliest day of its date (or, when it has "
        "none, of its source's publication date); null when undated.",
    )
    latest = serializers.DateField(
        allow_null=True, help_text="The latest day of that date; null when undated."
    )
    precision = serializers.ChoiceField(
        choices=DatePrecision.choices, help_text="How precisely the date is known."
    )
    date_basis = serializers.ChoiceField(
        choices=[("record", "record"), ("reported", "reported"), ("undated", "undated")],
        help_text="`record`: the record's own date; `reported`: its source's date (it happened "
        "by then); `undated`: neither is known.",
    )
    date_label = serializers.CharField(
        help_text="The date as given (`2025-03`, `reported 2025-03-14`), or `undated`."
    )
    date_note = serializers.CharField(
        allow_blank=True, help_text="What the source says of the date, in words."
    )
    uncertain = serializers.BooleanField(
        help_text="A window's day (`as_of`, `from`, `to`) falls inside the date's uncertainty, "
        "or the record is undated under `as_of`: it may lie on either side."
    )
    summary = serializers.CharField(help_text="What the record says, in one line.")
    record = PairRecordSerializer()
    evidence = PairEvidenceSerializer(many=True)


class PairWindowSerializer(serializers.Serializer):
    """The dates asked for, as sent (absent when not asked)."""

    as_of = serializers.CharField(required=False)
    from_ = serializers.CharField(required=False)
    to = serializers.CharField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class PairAmountSerializer(serializers.Serializer):
    """A sum of quantities in one unit, and the records it adds."""

    quantity = serializers.DecimalField(max_digits=20, decimal_places=3, coerce_to_string=True)
    qualifier = serializers.CharField(
        allow_blank=True,
        help_text="The amounts' qualifier (`at_most`, `approximate`, `at_least`), empty when "
        "exact, `mixed` when the amounts added have different ones.",
    )
    records = PairRecordSerializer(many=True)


class PairTotalSerializer(serializers.Serializer):
    """One year and commodity: what was agreed (commitments) beside what was reported
    (shipments other than planned ones), in one unit. Only what a year can honestly be named
    for is added: see the README ("Agreed beside reported")."""

    year = serializers.IntegerField()
    commodity = PairRecordSerializer()
    unit = serializers.CharField()
    agreed = PairAmountSerializer(allow_null=True)
    reported = PairAmountSerializer(allow_null=True)


class PairSerializer(serializers.Serializer):
    """Two countries in one chronological view: commitments and shipments between them,
    statements and policy decisions involving both, designations between them, each with its
    evidence, oldest first. Undated records come last (and are left out when `from` or `to`
    is given)."""

    countries = PairRecordSerializer(many=True)
    window = PairWindowSerializer()
    evidence_url = serializers.URLField(help_text="This timeline as a page.")
    items = PairItemSerializer(many=True)
    totals = PairTotalSerializer(many=True)


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


WINDOW_HELP = {
    "as_of": "Valid time: only records that had begun by that day (YYYY or YYYY-MM stand for "
    "the period's last day); a decision's status is the one it had then.",
    "from": "Only records whose date may fall on or after that day (YYYY or YYYY-MM stand for "
    "the period's first day). Undated records are left out.",
    "to": "Only records whose date may fall on or before that day (YYYY or YYYY-MM stand for "
    "the period's last day). Undated records are left out.",
}


def _window(request) -> pairs.Window:
    params = request.query_params
    allowed = ["format", *pairs.WINDOW_PARAMETERS]
    errors = {name: ["Unknown parameter."] for name in params if name not in allowed}
    if any(value != "json" for value in params.getlist("format")):
        errors["format"] = ["json."]
    try:
        window = pairs.parse_window(params)
    except pairs.WindowError as exc:
        errors.update(exc.errors)
    if errors:
        raise InvalidParameters(errors, allowed)
    return window


class PairView(CacheHeadersMixin, MethodFirstMixin, APIView):
    """The timeline of a pair of countries, by ISO alpha-2 codes (`RU-AF`), in either order."""

    permission_classes = [AllowAny]  # reading only; visibility is the records' own rule
    http_method_names = ["get", "head", "options"]

    def initial(self, request, *args, **kwargs):
        # Before content negotiation, as on every list: ``format=csv`` is a 400 naming what
        # is allowed, not a 404 as if the timeline were missing.
        self.window = _window(request)
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="pairs_retrieve",
        parameters=[
            OpenApiParameter("a", str, OpenApiParameter.PATH, description="ISO alpha-2 code."),
            OpenApiParameter("b", str, OpenApiParameter.PATH, description="ISO alpha-2 code."),
            *(
                OpenApiParameter(name, str, OpenApiParameter.QUERY, description=text)
                for name, text in WINDOW_HELP.items()
            ),
        ],
        responses={200: PairSerializer},
        tags=["pairs"],
    )
    def get(self, request, a: str, b: str):
        window = self.window
        timeline = pairs.pair(a, b, request.user, window)
        page = reverse("evidence-pair", kwargs={"a": timeline.a.iso2, "b": timeline.b.iso2})
        query = "&".join(f"{name}={value}" for name, value in window.given)
        data = {
            "countries": [_brief(request, timeline.a), _brief(request, timeline.b)],
            "window": dict(window.given),
            "evidence_url": absolute(request, f"{page}?{query}" if query else page),
            "items": [_item(request, item) for item in timeline.items],
            "totals": [_total(request, total) for total in timeline.totals],
        }
        return Response(data)


def _item(request, item) -> dict:
    return {
        "kind": item.kind,
        "date": item.date.isoformat() if item.date else None,
        "latest": item.latest.isoformat() if item.latest else None,
        "precision": item.precision,
        "date_basis": item.basis,
        "date_label": item.date_label,
        "date_note": item.note,
        "uncertain": item.uncertain,
        "summary": item.summary,
        "record": _brief(request, item.record),
        "evidence": [_evidence(request, q) for q in item.quotes],
    }


def _amount(request, amount) -> dict | None:
    if amount is None:
        return None
    return {
        "quantity": f"{amount.quantity:.3f}",
        "qualifier": amount.qualifier,
        "records": [_brief(request, record) for record in amount.records],
    }


def _total(request, total) -> dict:
    return {
        "year": total.year,
        "commodity": _brief(request, total.commodity),
        "unit": total.unit,
        "agreed": _amount(request, total.agreed),
        "reported": _amount(request, total.reported),
    }
