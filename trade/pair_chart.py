"""A small dated chart of a pair's commitments and flows, drawn on the server as inline SVG.

One row per dated commitment (a bar over its term) or shipment (a bar over its period), on
a shared time axis of whole years; undated records are not drawn (the timeline lists them).
No script and no external file: the page's Content-Security-Policy stays as it is, and the
chart is the same with JavaScript off. The template ``evidence/pair_chart.html`` draws it.
"""

import datetime
from dataclasses import dataclass

from core.measures import format_measure

WIDTH, LABEL_WIDTH, ROW_HEIGHT, AXIS_HEIGHT = 720, 250, 22, 24
CHARTED = ("commitment", "shipment")


@dataclass
class Bar:
    kind: str
    label: str
    title: str
    x: float
    width: float
    y: int


@dataclass
class Chart:
    width: int
    height: int
    label_width: int
    bars: list
    ticks: list  # (x, year)


def _end(item, record) -> datetime.date:
    """A commitment runs to its end (or, open-ended, through its start's period)."""
    end = getattr(record, "end_latest", None) if item.kind == "commitment" else None
    return end or item.latest or item.date


def _label(item) -> str:
    r = item.record
    amount = format_measure(r.quantity, r.unit, qualifier=r.quantity_qualifier)
    agreed = "agreed" if item.kind == "commitment" else r.get_status_display().lower()
    return f"{r.commodity}, {agreed}{': ' + amount if amount else ''}"


def chart(items) -> Chart | None:
    """The chart of the dated commitments and shipments among ``items`` (None if none)."""
    rows = [i for i in items if i.kind in CHARTED and i.date is not None]
    if not rows:
        return None
    first = min(i.date for i in rows).year
    last = max(_end(i, i.record) for i in rows).year + 1
    origin = datetime.date(first, 1, 1)
    span = (datetime.date(last, 1, 1) - origin).days
    plot = WIDTH - LABEL_WIDTH - 10

    def x(day: datetime.date) -> float:
        return round(LABEL_WIDTH + plot * (day - origin).days / span, 1)

    bars = []
    for n, item in enumerate(rows):
        start, end = x(item.date), x(_end(item, item.record) + datetime.timedelta(days=1))
        title = f"{item.kind_label} {item.date_label}: {item.summary}"
        y = AXIS_HEIGHT + n * ROW_HEIGHT
        bars.append(Bar(item.kind, _label(item), title, start, max(end - start, 3), y))
    ticks = [(x(datetime.date(year, 1, 1)), year) for year in range(first, last + 1)]
    height = AXIS_HEIGHT + len(rows) * ROW_HEIGHT + 6
    return Chart(WIDTH, height, LABEL_WIDTH, bars, ticks)
