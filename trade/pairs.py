"""Two countries in one dated view: the shipments between them, the commitments one made to
supply the other, the statements and policy decisions that involve both, and the
designations between them, each with its evidence.

It needs both apps' models, so it lives in the top layer. Visibility is ``core.visibility``'s
rule through the managers; the queries are a fixed number whatever the number of items.

A country is *involved* in
* a shipment as its exporter or importer; a commitment as its supplier or recipient;
* a statement as the speaking side (``speaker_country``, the speaking organization's country,
  or the country of a position its speaker holds or is posted to) or as a country it is
  about (``about_countries``, or the country of an organization it is about); a statement
  about a decision of the pair is in the pair too;
* a policy decision as one of its ``countries``, or as the country of its subject organization
  or of its deciding organization;
* a designation as its jurisdiction, or as the designated organization's country.

Dates are valid time (when it was so in the world), placed honestly: an item sits at the
earliest day of its own date, with that date's precision; a record with no date of its own
but a dated source sits at the source's date, labelled "reported"; the rest come last,
labelled "undated". The item sources are a list (``SOURCES``): one more kind is one line.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.http import Http404

from core.api.views import citations_prefetch
from core.evidence import evidence_path, quote_in_context
from core.models import DatePrecision, parse_partial_date
from diplomacy.models import (
    Country,
    DecisionStage,
    Designation,
    DesignationChange,
    PolicyDecision,
    Position,
    Statement,
    Tenure,
)
from trade.models import Commitment, Shipment
from trade.pair_summaries import summary
from trade.pair_totals import totals


@dataclass
class PairItem:
    """One record of the pair's timeline."""

    kind: str
    record: object
    date: datetime.date | None  # where it is placed: the earliest day it may have happened
    latest: datetime.date | None  # the latest day it may have happened
    precision: str  # of the date it is placed by: day, month, year or unknown
    basis: str  # "record" (its own date), "reported" (its source's date) or "undated"
    date_label: str
    note: str = ""  # what the source says of the date, in words
    summary: str = ""  # what changed, in one line
    quotes: list = field(default_factory=list)
    uncertain: bool = False  # a window's edge falls inside the date's uncertainty

    @property
    def evidence_url(self) -> str | None:
        return evidence_path(type(self.record), self.record.public_id)

    @property
    def kind_label(self) -> str:
        return self.kind.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Window:
    """The valid-time window asked for: ``as_of`` (records that had begun by that day), and
    ``from``/``to`` (records whose date may fall between them). Days are inclusive."""

    as_of: datetime.date | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    given: tuple = ()  # (name, value) as sent

    @property
    def dated_only(self) -> bool:
        return self.start is not None or self.end is not None


class WindowError(ValueError):
    """Bad window values: ``errors`` maps each parameter to its message."""

    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors


WINDOW_PARAMETERS = ("as_of", "from", "to")


def parse_window(params) -> Window:
    """``as_of``, ``from`` and ``to`` as YYYY, YYYY-MM or YYYY-MM-DD. A period stands for its
    last day in ``as_of`` and ``to``, and for its first day in ``from``."""
    days, errors, given = {}, {}, []
    for name in WINDOW_PARAMETERS:
        values = params.getlist(name) if hasattr(params, "getlist") else [params.get(name)]
        values = [v for v in values if v is not None]
        if not values:
            continue
        if len(values) > 1:
            errors[name] = ["Give it once."]
            continue
        try:
            precision, earliest, latest = parse_partial_date(values[0])
        except Exception as exc:
            errors[name] = [getattr(exc, "messages", [str(exc)])[0]]
            continue
        if precision == DatePrecision.UNKNOWN:
            errors[name] = ["Not a date. Use YYYY, YYYY-MM or YYYY-MM-DD."]
            continue
        days[name] = earliest if name == "from" else latest
        given.append((name, values[0]))
    if not errors and days.get("from") and days.get("to") and days["from"] > days["to"]:
        errors["to"] = ["`to` lies before `from`."]
    if errors:
        raise WindowError(errors)
    return Window(days.get("as_of"), days.get("from"), days.get("to"), tuple(given))


@dataclass
class Pair:
    a: Country
    b: Country
    items: list
    window: Window = Window()
    #: Per year and commodity, agreed beside reported (``trade.pair_totals``).
    totals: list = field(default_factory=list)


# --- dates ------------------------------------------------------------------------------


def _reported(record) -> tuple:
    """The earliest publication date among the record's public sources, if any."""
    dated = [
        c.source for c in getattr(record, "prefetched_citations", []) if c.source.published_earliest
    ]
    if not dated:
        return None
    return min(dated, key=lambda s: (s.published_earliest, s.published_latest))


def _item(kind: str, record, dated=None, name: str = "", label: str = "") -> PairItem:
    """An item placed by ``dated``'s fuzzy date ``name``, else by its source's date."""
    quotes = [quote_in_context(c) for c in record.prefetched_citations]
    note = getattr(dated, f"{name}_note", "") if dated is not None else ""
    item = PairItem(kind, record, None, None, DatePrecision.UNKNOWN, "undated", "undated", note)
    if dated is not None and getattr(dated, f"{name}_earliest", None):
        item.date = getattr(dated, f"{name}_earliest")
        item.latest = getattr(dated, f"{name}_latest")
        item.precision = getattr(dated, f"{name}_precision")
        item.basis, item.date_label = "record", getattr(dated, name)
    elif source := _reported(record):
        item.date, item.latest = source.published_earliest, source.published_latest
        item.precision, item.basis = source.published_precision, "reported"
        item.date_label = f"reported {source.published}"
    if label:
        item.date_label = f"{item.date_label} — {label}"
    item.quotes = quotes
    return item


def _in_window(item: PairItem, window: Window) -> bool:
    if item.date is None:
        return not window.dated_only
    if window.as_of and item.date > window.as_of:
        return False  # it had not begun
    if window.end and item.date > window.end:
        return False
    return not (window.start and item.latest < window.start)


def _uncertain(item: PairItem, window: Window) -> bool:
    if item.date is None:
        return window.as_of is not None
    edges = [d for d in (window.as_of, window.end) if d] + (
        [window.start - datetime.timedelta(days=1)] if window.start else []
    )
    return any(item.date <= day < item.latest for day in edges)


# --- the records ------------------------------------------------------------------------


def _cited(queryset, user):
    visible = citations_prefetch(user)
    return queryset.prefetch_related(
        Prefetch("citations", queryset=visible.queryset.defer(None), to_attr="prefetched_citations")
    )


def _ids(queryset, a, b, involves) -> set:
    """Records involving both: a query per country, on ids only."""
    with_a = set(queryset.filter(involves(a)).values_list("pk", flat=True))
    with_b = set(queryset.filter(involves(b)).values_list("pk", flat=True))
    return with_a & with_b


def _decision_involves(country) -> Q:
    return (
        Q(countries=country)
        | Q(subject_organization__country=country)
        | Q(decision_maker_organization__country=country)
    )


def _decision_ids(a, b, user) -> set:
    return _ids(PolicyDecision.objects.visible_to(user), a, b, _decision_involves)


def shipments(a, b, user, window):
    rows = Shipment.objects.visible_to(user).filter(
        Q(exporter=a, importer=b) | Q(exporter=b, importer=a)
    )
    rows = rows.select_related("commodity", "exporter", "importer")
    return [_item("shipment", s, s, "period") for s in _cited(rows, user)]


def commitments(a, b, user, window):
    rows = Commitment.objects.visible_to(user).filter(
        Q(supplier=a, recipient=b) | Q(supplier=b, recipient=a)
    )
    rows = rows.select_related("commodity", "supplier", "recipient")
    return [_item("commitment", c, c, "start") for c in _cited(rows, user)]


def _speakers(country, user):
    """Officials who hold (in a visible tenure) a visible position of ``country``'s side,
    or one posted to it."""
    positions = Position.objects.visible_to(user).filter(
        Q(country=country) | Q(posted_to=country) | Q(organization__country=country)
    )
    tenures = Tenure.objects.visible_to(user).filter(position__in=positions.values("pk"))
    return tenures.values("official")


def statements(a, b, user, window):
    visible = Statement.objects.visible_to(user)

    def involves(country):
        return (
            Q(speaker_country=country)
            | Q(speaker_organization__country=country)
            | Q(speaker__in=_speakers(country, user))
            | Q(about_countries=country)
            | Q(about_organizations__country=country)
        )

    ids = _ids(visible, a, b, involves)
    ids |= set(
        visible.filter(about_decisions__in=_decision_ids(a, b, user)).values_list("pk", flat=True)
    )
    rows = visible.filter(pk__in=ids).select_related(
        "speaker", "speaker_organization", "speaker_country"
    )
    return [_item("statement", s, s, "date") for s in _cited(rows, user)]


def decisions(a, b, user, window):
    stages = Prefetch(
        "stages", queryset=DecisionStage.objects.visible_to(user), to_attr="visible_stages"
    )
    rows = PolicyDecision.objects.visible_to(user).filter(pk__in=_decision_ids(a, b, user))
    items = []
    for d in _cited(rows.prefetch_related(stages), user):
        dated = sorted((s for s in d.visible_stages if s.date_earliest), key=_stage_order)
        first = dated[0] if dated else next(iter(d.visible_stages), None)
        items.append(_item("policy_decision", d, first, "date"))
        items[-1].summary = summary(d, stage=_stage_then(d, dated, window))
    return items


def _stage_order(stage):
    return (stage.date_earliest, stage.date_latest, stage.created)


def _stage_then(decision, dated, window):
    """The stage in force on ``as_of`` (the latest placed on or before it), or the latest."""
    if window.as_of is None:
        return None
    placed = [s for s in dated if s.date_earliest <= window.as_of]
    return placed[-1] if placed else False


def _designations(a, b, user):
    return Designation.objects.visible_to(user).filter(
        Q(jurisdiction=a, organization__country=b) | Q(jurisdiction=b, organization__country=a)
    )


def designations(a, b, user, window):
    rows = _designations(a, b, user).select_related("organization", "jurisdiction", "authority")
    items = []
    for d in _cited(rows, user):
        items.append(_item("designation", d, d, "start" if d.start_earliest else "as_of"))
    return items


def designation_changes(a, b, user, window):
    """Each dated change of a designation between the two: in force, suspended, removed."""
    rows = (
        DesignationChange.objects.visible_to(user)
        .filter(designation__in=_designations(a, b, user).values("pk"))
        .select_related("designation__organization", "designation__jurisdiction")
    )
    return [_item("designation_change", c, c, "date") for c in _cited(rows, user)]


#: The kinds of the timeline and where their items come from, in the order of a day's items.
SOURCES = (
    ("commitment", commitments),
    ("shipment", shipments),
    ("statement", statements),
    ("policy_decision", decisions),
    ("designation", designations),
    ("designation_change", designation_changes),
)
KINDS = tuple(kind for kind, _ in SOURCES)


def _order(item: PairItem):
    return (
        item.date is None,
        item.date or datetime.date.min,
        item.latest or datetime.date.min,
        KINDS.index(item.kind),
        str(item.record),
    )


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


def pair(a: str, b: str, user, window: Window = Window()) -> Pair:
    """The pair's timeline, oldest first; undated records last, in a stable order."""
    country_a, country_b = _countries(a, b, user)
    items = []
    for _, source in SOURCES:
        for item in source(country_a, country_b, user, window):
            if _in_window(item, window):
                item.summary = item.summary or summary(item.record)
                item.uncertain = _uncertain(item, window)
                items.append(item)
    items.sort(key=_order)
    return Pair(country_a, country_b, items, window, totals(items, window))
