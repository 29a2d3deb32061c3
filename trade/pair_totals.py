"""Per year and commodity, what a pair agreed (commitments) beside what was reported
(shipments): the pair timeline's ``totals``.

Only what the records state is added up, and only where a year can be named honestly:

* a commitment ``per`` year counts its quantity in every calendar year of its term; ``per``
  month, its quantity times the months of the term inside that year (a term known only to
  the year counts the whole year); ``total``, only when its whole term lies in one year.
  An open term (no end) runs through the last year any item of the pair is dated in.
  A term whose start is unknown is not counted.
* a shipment counts in the year of its period (an undated one is not counted). Planned
  shipments are plans, not reports: they are left out; so are flows recorded in official
  statistics (cited to a dataset row), which the pair's flows compare (``?year=``).
* only the years the timeline's window reaches are shown (``from``, ``to``, ``as_of``).
* quantities are added only within one unit; an amount with a qualifier ("up to", "about")
  keeps it, and a sum of amounts with different qualifiers says ``mixed``.

Each total lists the records it adds, so a reader can open their evidence.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from core.measures import format_measure
from core.models.evidence import LOCATOR_KINDS
from trade.models import CommitmentPer, ShipmentStatus


@dataclass
class Amount:
    quantity: Decimal = Decimal(0)
    qualifiers: set = field(default_factory=set)
    records: list = field(default_factory=list)

    def add(self, quantity, qualifier, record) -> None:
        self.quantity += quantity
        self.qualifiers.add("" if qualifier in (None, "", "exact") else qualifier)
        self.records.append(record)

    @property
    def qualifier(self) -> str:
        if len(self.qualifiers) > 1:
            return "mixed"
        return next(iter(self.qualifiers), "")


@dataclass
class YearTotal:
    year: int
    commodity: object
    unit: str
    agreed: Amount | None = None
    reported: Amount | None = None

    def shown(self, amount: Amount | None) -> str:
        """An amount as people read it ("up to 2,000,000 t"), "" when none."""
        if amount is None:
            return ""
        text = format_measure(amount.quantity, self.unit, qualifier=amount.qualifier)
        return f"{text} (qualifiers differ)" if amount.qualifier == "mixed" else text

    @property
    def agreed_text(self) -> str:
        return self.shown(self.agreed)

    @property
    def reported_text(self) -> str:
        return self.shown(self.reported)


def _months_in(year: int, start: datetime.date, end: datetime.date) -> int:
    first = max(start, datetime.date(year, 1, 1))
    last = min(end, datetime.date(year, 12, 31))
    if first > last:
        return 0
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _agreed(commitment, last_year: int):
    """(year, quantity) pairs a commitment adds."""
    start, end = commitment.start_earliest, commitment.end_latest
    if commitment.quantity is None or start is None:
        return []
    open_end = end is None
    end = end or datetime.date(max(last_year, start.year), 12, 31)
    years = range(start.year, end.year + 1)
    if commitment.per == CommitmentPer.YEAR:
        return [(year, commitment.quantity) for year in years]
    if commitment.per == CommitmentPer.MONTH:
        return [(year, commitment.quantity * _months_in(year, start, end)) for year in years]
    if commitment.per == CommitmentPer.TOTAL and not open_end and start.year == end.year:
        return [(start.year, commitment.quantity)]
    return []


def _reported(item) -> bool:
    """A shipment reported (not planned) and not recorded in official statistics: a flow
    cited to a dataset row is compared in the pair's flows (``trade.statistics.flows``)."""
    if item.record.status == ShipmentStatus.PLANNED:
        return False
    return not any(q.citation.source.kind in LOCATOR_KINDS for q in item.quotes)


def totals(items, window=None) -> list[YearTotal]:
    """The pair's totals by year, commodity and unit, oldest first (``items``: the
    timeline's, already limited to what the reader may see and to its window)."""
    first = window.start.year if window and window.start else datetime.MINYEAR
    ends = [day.year for day in (window.end, window.as_of) if day] if window else []
    last = min(ends, default=datetime.MAXYEAR)
    dated = [item.date.year for item in items if item.date] + [
        item.latest.year for item in items if item.latest
    ]
    last_year = max(dated, default=datetime.date.today().year)
    rows = {}

    def row(year, record):
        if not first <= year <= last:
            return None
        key = (year, record.commodity_id, record.unit)
        if key not in rows:
            rows[key] = YearTotal(year, record.commodity, record.unit)
        return rows[key]

    for item in items:
        record = item.record
        if item.kind == "commitment":
            for year, quantity in _agreed(record, last_year):
                if (total := row(year, record)) is None:
                    continue
                total.agreed = total.agreed or Amount()
                total.agreed.add(quantity, record.quantity_qualifier, record)
        elif item.kind == "shipment" and _reported(item):
            start, end = record.period_earliest, record.period_latest
            if record.quantity is None or start is None or start.year != end.year:
                continue
            if (total := row(start.year, record)) is None:
                continue
            total.reported = total.reported or Amount()
            total.reported.add(record.quantity, record.quantity_qualifier, record)
    by_key = defaultdict(list)
    for (year, _, unit), total in rows.items():
        by_key[(year, str(total.commodity), unit)].append(total)
    return [total for key in sorted(by_key) for total in by_key[key]]
