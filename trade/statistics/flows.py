"""A pair's flows in one year, per HS heading: what was agreed (commitments), what was
reported in the news (shipments cited to text sources) and what was recorded in official
statistics (shipments cited to dataset rows), by each reporter, with the mirror flow.

* **Agreed**: a commitment's quantity for that year, as the pair's totals count it
  (``trade.pair_totals``: per year in each year of its term, per month times its months in
  the year, a total only when its whole term lies in the year).
* **Reported**: shipments (not planned ones) whose period lies in the year and whose
  evidence is a text source.
* **Recorded**: shipments whose period lies in the year and whose evidence is a dataset row:
  each as its reporter declared it (imports CIF, exports FOB), or reconciled (BACI).
* **Mirror**: where one side of a direction did not report it, the partner's figure stands
  for it, labelled as a mirror: Russia's exports to Afghanistan seen in Afghanistan's imports.

Everything is what ``user`` may see (``core.visibility`` through the managers), with the
citations the reader may see.
"""

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Q

from core.models.evidence import LOCATOR_KINDS
from trade import pairs
from trade.models import Commitment, Shipment, ShipmentStatus, TradeFlow
from trade.pair_totals import _agreed
from trade.statistics.facts import TOTAL, TOTAL_SLUG

KINDS = ("agreed", "reported", "recorded", "mirror")
TONNES = {"t": Decimal(1), "kg": Decimal("0.001")}


@dataclass
class Figure:
    """One figure of a heading: a commitment's or a shipment's, with its evidence."""

    kind: str
    record: object
    exporter: object
    importer: object
    quantity: Decimal | None = None
    unit: str = ""
    qualifier: str = ""
    value: Decimal | None = None
    currency: str = ""
    value_basis: str = ""
    reporter: object = None
    flow: str = ""
    mirror_for: object = None  # the country that did not report (mirror figures)
    citations: list = field(default_factory=list)

    @property
    def tonnes(self) -> Decimal | None:
        factor = TONNES.get(self.unit)
        return None if self.quantity is None or factor is None else self.quantity * factor

    @property
    def label(self) -> str:
        way = f"{self.exporter.iso2}→{self.importer.iso2}"
        if self.kind == "mirror":
            seen = "imports" if self.flow == TradeFlow.IMPORT else "exports"
            who = self.mirror_for.name
            return f"{way}: mirror, {self.reporter.name}’s {seen} ({who} did not report)"
        if self.kind == "recorded":
            if self.reporter is None:
                return f"{way}: reconciled (both sides’ declarations)"
            return f"{way}: {self.flow.replace('_', '-')} reported by {self.reporter.name}"
        return f"{way}: {self.kind}"


@dataclass
class Heading:
    """The figures of one HS heading (or of one commodity without an HS code)."""

    code: str
    commodities: list = field(default_factory=list)
    figures: list = field(default_factory=list)

    def of(self, kind: str) -> list:
        return [f for f in self.figures if f.kind == kind]

    @property
    def label(self) -> str:
        names = ", ".join(dict.fromkeys(str(c) for c in self.commodities))
        if self.code == TOTAL:
            return "All commodities"
        return f"HS {self.code}: {names}" if self.code.isdigit() else names


@dataclass
class PairFlows:
    a: object
    b: object
    year: int | None
    years: list
    headings: list


def heading_of(commodity) -> str:
    """HS heading (four digits), a chapter when that is all the code says, TOTAL, or the
    commodity's slug when it has no HS code."""
    if commodity.slug == TOTAL_SLUG and not commodity.hs_code:
        return TOTAL
    return commodity.hs_code[:4] if commodity.hs_code else f"~{commodity.slug}"


def _in_year(shipment, year: int | None) -> int | None:
    start, end = shipment.period_earliest, shipment.period_latest
    if start is None or start.year != end.year:
        return None
    return start.year if year is None or start.year == year else None


def _is_recorded(shipment) -> bool:
    return any(c.source.kind in LOCATOR_KINDS for c in shipment.prefetched_citations)


def _records(a, b, user):
    commitments = Commitment.objects.visible_to(user).filter(
        Q(supplier=a, recipient=b) | Q(supplier=b, recipient=a)
    )
    shipments = (
        Shipment.objects.visible_to(user)
        .filter(Q(exporter=a, importer=b) | Q(exporter=b, importer=a))
        .exclude(status=ShipmentStatus.PLANNED)
    )
    commitments = pairs._cited(
        commitments.select_related("commodity", "supplier", "recipient"), user
    )
    shipments = pairs._cited(
        shipments.select_related("commodity", "exporter", "importer", "reporter"), user
    )
    return list(commitments), list(shipments)


def _years(commitments, shipments) -> list[int]:
    shipped = {y for s in shipments if (y := _in_year(s, None))}
    last = max(shipped, default=datetime.date.today().year)
    agreed = {year for c in commitments for year, _ in _agreed(c, last)}
    return sorted(shipped | agreed)


def _figures(commitments, shipments, year: int) -> list[Figure]:
    figures = []
    last = max([year, *(y for s in shipments if (y := _in_year(s, None)))])
    for c in commitments:
        for agreed_year, quantity in _agreed(c, last):
            if agreed_year == year:
                figures.append(
                    Figure(
                        "agreed",
                        c,
                        c.supplier,
                        c.recipient,
                        quantity,
                        c.unit,
                        c.quantity_qualifier,
                        citations=c.prefetched_citations,
                    )
                )
    for s in shipments:
        if _in_year(s, year) is None:
            continue
        kind = "recorded" if _is_recorded(s) else "reported"
        figures.append(
            Figure(
                kind,
                s,
                s.exporter,
                s.importer,
                s.quantity,
                s.unit,
                s.quantity_qualifier,
                s.value,
                s.currency,
                s.value_basis,
                s.reporter,
                s.flow,
                citations=s.prefetched_citations,
            )
        )
    return figures + _mirrors([f for f in figures if f.kind == "recorded" and f.reporter])


def _mirrors(recorded: list[Figure]) -> list[Figure]:
    """For each direction and heading, the partner's figure where one side did not report."""
    declared = {}
    for f in recorded:
        if f.flow in (TradeFlow.IMPORT, TradeFlow.EXPORT):
            key = (f.exporter.pk, f.importer.pk, heading_of(f.record.commodity), f.record.period)
            declared.setdefault(key, []).append(f)
    mirrors = []
    for figures in declared.values():
        by = {f.flow for f in figures}
        for f in figures:
            missing = f.exporter if f.flow == TradeFlow.IMPORT else f.importer
            other = TradeFlow.EXPORT if f.flow == TradeFlow.IMPORT else TradeFlow.IMPORT
            if other not in by:
                mirrors.append(replace(f, kind="mirror", mirror_for=missing))
    return mirrors


def _order(figure: Figure):
    return (
        KINDS.index(figure.kind),
        figure.exporter.iso2,
        figure.importer.iso2,
        figure.reporter.iso2 if figure.reporter else "",
        str(figure.record.pk),
    )


def pair_flows(a: str, b: str, user, year: int | None = None) -> PairFlows:
    """The pair's flows in ``year`` (default: the latest year with any figure)."""
    country_a, country_b = pairs._countries(a, b, user)
    commitments, shipments = _records(country_a, country_b, user)
    years = _years(commitments, shipments)
    if year is None:
        year = years[-1] if years else None
    headings = {}
    for figure in _figures(commitments, shipments, year) if year else []:
        code = heading_of(figure.record.commodity)
        heading = headings.setdefault(code, Heading(code))
        heading.commodities.append(figure.record.commodity)
        heading.figures.append(figure)
    for heading in headings.values():
        heading.commodities = list({c.pk: c for c in heading.commodities}.values())
        heading.figures.sort(key=_order)
    ordered = [headings[code] for code in sorted(headings, key=lambda c: (c.startswith("~"), c))]
    return PairFlows(country_a, country_b, year, years, ordered)
