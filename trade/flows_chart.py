"""A pair's flows in one year as a small bar chart, drawn on the server as inline SVG.

One group of bars per HS heading: agreed, reported in the news, recorded by each reporter,
and mirror figures, each bar one figure's quantity in metric tons (figures in other units,
or without a quantity, are in the table only). No script, no external file: the page's
Content-Security-Policy stays as it is. The template ``evidence/pair_flows_chart.html``
draws it.
"""

from dataclasses import dataclass

from core.measures import format_number

WIDTH, LABEL_WIDTH, BAR_HEIGHT, GAP = 720, 300, 16, 10
COLOURS = {"agreed": "#0b4f8a", "reported": "#8ab4f8", "recorded": "#2e7d32", "mirror": "#a5d6a7"}


@dataclass
class FlowBar:
    kind: str
    label: str
    title: str
    width: float
    y: int
    colour: str


@dataclass
class FlowChart:
    width: int
    height: int
    label_width: int
    bars: list
    headings: list  # (y, label)


def flows_chart(flows) -> FlowChart | None:
    """The chart of the figures with a mass, or None when there is none."""
    figures = [(h, f) for h in flows.headings for f in h.figures if f.tonnes is not None]
    if not figures:
        return None
    largest = max(f.tonnes for _, f in figures) or 1
    plot = WIDTH - LABEL_WIDTH - 10
    bars, headings, y, current = [], [], 0, None
    for heading, figure in figures:
        if heading is not current:
            current = heading
            y += GAP
            headings.append((y + 12, heading.label))
            y += BAR_HEIGHT
        amount = f"{format_number(figure.tonnes)} t"
        bars.append(
            FlowBar(
                figure.kind,
                f"{figure.kind}: {amount}",
                f"{figure.label}: {amount}",
                max(round(plot * float(figure.tonnes / largest), 1), 2),
                y,
                COLOURS[figure.kind],
            )
        )
        y += BAR_HEIGHT + 2
    return FlowChart(WIDTH, y + GAP, LABEL_WIDTH, bars, headings)
