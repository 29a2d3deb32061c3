"""Two countries in one chronological view: the shipments between them, the statements and
policy decisions that involve both, and the designations in force between them, each with
its evidence.

It needs both apps' models, so it lives in the top layer. Visibility is ``core.visibility``'s
rule through the managers; the queries are a fixed number whatever the number of items.

A country is *involved* in
* a shipment as its exporter or importer;
* a statement as the speaking side (``speaker_country``, or the speaking organization's
  country) or as a country it is about (``about_countries``, or the country of an
  organization it is about);
* a policy decision as one of its ``countries``, or as the country of its subject organization
  or of its deciding organization;
* a designation in force as its jurisdiction, or as the designated organization's country.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.http import Http404

from core.api.views import citations_prefetch
from core.evidence import evidence_path, quote_in_context
from diplomacy.models import (
    Country,
    DecisionStage,
    Designation,
    DesignationStatus,
    PolicyDecision,
    Statement,
)
from trade.models import Shipment

KINDS = ("shipment", "statement", "policy_decision", "designation")


@dataclass
class PairItem:
    """One record of the pair's timeline."""

    kind: str
    record: object
    date: datetime.date | None  # the earliest day it may have happened; None when unknown
    date_label: str
    quotes: list = field(default_factory=list)

    @property
    def evidence_url(self) -> str | None:
        return evidence_path(type(self.record), self.record.public_id)

    @property
    def kind_label(self) -> str:
        return self.kind.replace("_", " ").capitalize()


@dataclass
class Pair:
    a: Country
    b: Country
    items: list


def _countries(a: str, b: str, user) -> tuple[Country, Country]:
    codes = [a.upper(), b.upper()]
    if codes[0] == codes[1]:
        raise Http404("A pair is two different countries.")
    found = Country.objects.visible_to(user, include_retracted=True).in_bulk(
        codes, field_name="iso2"
    )
    missing = [code for code in codes if code not in found]
    if missing:
        raise Http404(f"No country {', '.join(missing)}.")
    return found[codes[0]], found[codes[1]]


def _date(record, name: str) -> tuple[datetime.date | None, str]:
    value = getattr(record, name, "")
    note = getattr(record, f"{name}_note", "")
    return getattr(record, f"{name}_earliest", None), value or note or "date unknown"


def _statement_involves(country) -> Q:
    return (
        Q(speaker_country=country)
        | Q(speaker_organization__country=country)
        | Q(about_countries=country)
        | Q(about_organizations__country=country)
    )


def _decision_involves(country) -> Q:
    return (
        Q(countries=country)
        | Q(subject_organization__country=country)
        | Q(decision_maker_organization__country=country)
    )


def _ids(queryset, a, b, involves) -> set:
    """Records involving both: a query per country, on ids only."""
    with_a = set(queryset.filter(involves(a)).values_list("pk", flat=True))
    with_b = set(queryset.filter(involves(b)).values_list("pk", flat=True))
    return with_a & with_b


def _quotes(record) -> list:
    return [quote_in_context(c) for c in record.prefetched_citations]


def _cited(queryset, user):
    visible = citations_prefetch(user)
    return queryset.prefetch_related(
        Prefetch("citations", queryset=visible.queryset.defer(None), to_attr="prefetched_citations")
    )


def _order(item: PairItem):
    return (
        item.date is None,
        item.date or datetime.date.min,
        KINDS.index(item.kind),
        str(item.record),
    )


def pair(a: str, b: str, user) -> Pair:
    """The pair's timeline, oldest first; records of unknown date last, in a stable order."""
    country_a, country_b = _countries(a, b, user)
    items = []

    shipments = Shipment.objects.visible_to(user).filter(
        Q(exporter=country_a, importer=country_b) | Q(exporter=country_b, importer=country_a)
    )
    for s in _cited(shipments.select_related("commodity", "exporter", "importer"), user):
        items.append(PairItem("shipment", s, *_date(s, "period"), quotes=_quotes(s)))

    statements = Statement.objects.visible_to(user)
    ids = _ids(statements, country_a, country_b, _statement_involves)
    statements = statements.filter(pk__in=ids).select_related(
        "speaker", "speaker_organization", "speaker_country"
    )
    for s in _cited(statements, user):
        items.append(PairItem("statement", s, *_date(s, "date"), quotes=_quotes(s)))

    decisions = PolicyDecision.objects.visible_to(user)
    ids = _ids(decisions, country_a, country_b, _decision_involves)
    stages = Prefetch(
        "stages", queryset=DecisionStage.objects.visible_to(user), to_attr="visible_stages"
    )
    for d in _cited(decisions.filter(pk__in=ids).prefetch_related(stages), user):
        dated = [s for s in d.visible_stages if s.date_earliest]
        first = min(dated, key=lambda s: s.date_earliest) if dated else None
        first = first or next(iter(d.visible_stages), None)
        date, label = _date(first, "date") if first else (None, "date unknown")
        if d.status:
            label = f"{label} — now {d.get_status_display().lower()}"
        items.append(PairItem("policy_decision", d, date, label, quotes=_quotes(d)))

    designations = (
        Designation.objects.visible_to(user)
        .filter(status=DesignationStatus.IN_FORCE)
        .filter(
            Q(jurisdiction=country_a, organization__country=country_b)
            | Q(jurisdiction=country_b, organization__country=country_a)
        )
        .select_related("organization", "jurisdiction", "authority")
    )
    for d in _cited(designations, user):
        date, label = _date(d, "start")
        if date is None:
            date, label = _date(d, "as_of")
        items.append(PairItem("designation", d, date, label, quotes=_quotes(d)))

    items.sort(key=_order)
    return Pair(country_a, country_b, items)
