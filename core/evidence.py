"""The public evidence pages' data: a record with its quotes in context, a source's text with
every cited span highlighted.

Generic over every record of the dataset (``CitableModel``, found through the app registry):
``core`` knows no app built on it. Visibility is ``core.visibility``'s rule, through the
managers' ``visible_to`` / ``visible_as_related``, as in the API. Each page reads a fixed
number of queries, whatever the number of citations: one per cited model, not per row.

Addresses mirror the API's: ``/api/v1/trade/shipments/<id>/`` is shown at
``/evidence/trade/shipments/<id>/``; sources at ``/evidence/sources/<id>/``.
"""

import datetime
import functools
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils.text import capfirst

from config.api.urls_cache import detail_path
from core import support
from core.corroboration import describe
from core.measures import format_measure, format_number
from core.models import CitableModel, Citation, PublicModel, ReviewState, Source
from core.notes import quote_states_note
from core.validtime import UNCERTAIN
from core.visibility import is_curator, visible_as_related

CONTEXT_CHARS = 100  # on each side of a quote: about 200 characters around it
_PLACEHOLDER = "__public_id__"
#: Bookkeeping fields that the record page does not list as the record's fields.
HIDDEN_FIELDS = {
    "id",
    "review_state",
    "retraction_reason",
    "version",
    "created",
    "updated",
    "search_document",
    "name_sort_key",
}


# --- addresses --------------------------------------------------------------------------


def _api_root() -> str:
    return reverse("api-v1:api-root")


def evidence_path(model, public_id) -> str | None:
    """The evidence page of a record (``None`` for models the API does not serve).

    Built from a template per model, reversed once, as ``detail_path`` does for the API.
    """
    template = _evidence_template(model)
    return template.replace(_PLACEHOLDER, str(public_id)) if template else None


@functools.cache
def _evidence_template(model) -> str | None:
    if model is Source:
        zero = uuid.UUID(int=0)
        return reverse("evidence:source", kwargs={"pk": zero}).replace(str(zero), _PLACEHOLDER)
    api = detail_path(model, _PLACEHOLDER)
    if api is None:
        return None
    return reverse("evidence:index") + api.removeprefix(_api_root())


@functools.cache
def resource_models() -> dict[str, type]:
    """``"trade/shipments"`` → ``Shipment``: every record model the API serves."""
    found = {}
    for model in apps.get_models():
        if not issubclass(model, PublicModel):
            continue
        api = detail_path(model, _PLACEHOLDER)
        if api is not None:
            resource = api.removeprefix(_api_root()).removesuffix(f"/{_PLACEHOLDER}/")
            found[resource] = model
    return found


def _public_id_field(model) -> str:
    return model.public_id_field


def _related_selects(model) -> list[str]:
    """Forward foreign keys to other records: what ``__str__`` and the field list show."""
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.many_to_one and issubclass(f.related_model, PublicModel)
    ]


def _get_visible(queryset, model, public_id):
    try:
        return queryset.get(**{_public_id_field(model): public_id})
    except (model.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404(f"No {model._meta.verbose_name} {public_id}.") from exc


# --- quotes in context -------------------------------------------------------------------


@dataclass
class Quote:
    """One citation as shown to a reader: the quote with the text around it."""

    citation: Citation
    before: str = ""
    after: str = ""
    source_url: str = ""
    first_shown_under: str = ""  # set when the quote was already shown under another field
    stated: object = None  # for a contradiction: the value the source gives instead
    earlier: str = ""  # the earlier value it supported, when it does not support this one
    withdrawn: str = ""  # why its support for this field was withdrawn
    fields: list | None = None  # the fields whose current values it supports, when known

    @property
    def anchor(self) -> str:
        return f"citation-{self.citation.pk}"

    @property
    def supported(self) -> list:
        return self.citation.supports if self.fields is None else self.fields


def quote_in_context(citation: Citation) -> Quote:
    text = citation.source.text
    quote = Quote(citation, source_url=evidence_path(Source, citation.source_id))
    if citation.start is None or not text:
        return quote
    lo = max(0, citation.start - CONTEXT_CHARS)
    hi = min(len(text), citation.end + CONTEXT_CHARS)
    quote.before = ("…" if lo > 0 else "") + text[lo : citation.start]
    quote.after = text[citation.end : hi] + ("…" if hi < len(text) else "")
    return quote


# --- a record's page ----------------------------------------------------------------------


@dataclass
class FieldRow:
    name: str
    label: str
    value: object = None
    links: list = field(default_factory=list)  # (label, url or None) of related records
    factual: bool = False
    quotes: list = field(default_factory=list)
    contradictions: list = field(default_factory=list)  # quotes that state another value
    corroboration: str = ""  # "2 sources, 2 independent origins; contested by 1 source"
    #: Citations that name this field but do not support its value: they supported an
    #: earlier value, or their support was withdrawn (``Quote.earlier``, ``Quote.withdrawn``).
    former: list = field(default_factory=list)

    @property
    def unsupported(self) -> bool:
        filled = self.value not in (None, "") or bool(self.links)
        return self.factual and filled and not self.quotes


@dataclass
class RecordPage:
    record: PublicModel
    model: type
    rows: list
    unassigned: list  # citations that support no particular field
    history: list
    history_count: int
    api_url: str | None
    changes_url: str
    sources: list
    title: str = ""
    #: The record's dated changes (valid time), as (date, label, evidence page) oldest first.
    timeline: list = field(default_factory=list)
    #: The day of valid time the page shows the record at (``?as_of=``), or None for today.
    as_of: datetime.date | None = None
    #: On that day, do dates known only to the month or year leave its state open?
    as_of_uncertain: bool = False

    @property
    def verbose_name(self) -> str:
        return self.model._meta.verbose_name


def public_label(record, user) -> str:
    """``str(record)`` when ``user`` may see every record it names, else its kind and id.

    A label such as "Wheat RU→AF" is made of related records: each must pass the API's rule
    for related records (``visible_as_related``), or the page would name what the API hides.
    """
    for name in _related_selects(type(record)):
        related = getattr(record, name)
        if related is not None and not related.is_visible_to(user):
            return f"{capfirst(record._meta.verbose_name)} {record.public_id}"
    return str(record)


def _link(record, user) -> tuple[str, str | None]:
    if record is None:
        return ("", None)
    if not record.is_visible_to(user):
        return ("(not public)", None)
    return (public_label(record, user), evidence_path(type(record), record.public_id))


def _number(record, name: str) -> str:
    """A number as people read it: "up to 2,000,000 t", "USD 3,200,000", "12.5"."""
    value = getattr(record, name)
    measure = getattr(type(record), "measures", {}).get(name)
    if value is None or measure is None:
        return "" if value is None else format_number(value)
    qualifier = getattr(record, measure.qualifier, "")
    unit = getattr(record, measure.unit, "")
    if measure.kind == "money":
        return format_measure(value, currency=unit, qualifier=qualifier)
    return format_measure(value, unit, qualifier=qualifier)


def _field_rows(record, user, citations) -> list[FieldRow]:
    model = type(record)
    factual = set(getattr(model, "factual_fields", ()))
    fuzzy = set(getattr(model, "fuzzy_dates", ()))
    notes = {f"{name}_note" for name in fuzzy}
    # A qualifier is read with its measure ("up to 2,000,000 t"), not on a row of its own.
    notes |= {measure.qualifier for measure in getattr(model, "measures", {}).values()}
    shown = {}  # citation → the field it is shown in full under (each once; ids stay unique)
    rows = []
    for f in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        if f.name in HIDDEN_FIELDS or not f.editable or f.name in notes:
            continue
        row = FieldRow(f.name, f.verbose_name, factual=f.name in factual)
        if f.many_to_many:
            row.links = [_link(r, user) for r in getattr(record, f"visible_{f.name}")]
        elif f.is_relation:
            row.links = [_link(getattr(record, f.name), user)] if getattr(record, f.attname) else []
        elif f.choices:
            row.value = getattr(record, f"get_{f.name}_display")()
        elif isinstance(f, models.BooleanField):
            row.value = "Yes" if getattr(record, f.name) else "No"
        elif isinstance(f, models.DecimalField):
            row.value = _number(record, f.name)
        else:
            row.value = getattr(record, f.name)
            if f.name in fuzzy:
                note = getattr(record, f"{f.name}_note")
                row.value = "; ".join(str(v) for v in (row.value, note) if v)
        row.quotes, row.former, row.contradictions = _quotes_of(record, f, citations, shown)
        row.corroboration = describe(getattr(record, "corroboration", {}).get(f.name))
        empty = row.value in (None, "", [], {}) and not row.links
        if empty and not row.quotes and not row.former and not row.contradictions:
            continue
        rows.append(row)
    return rows


def _stated_as_read(record, name: str, stated):
    """A contradicting source's figure as people read it ("1,200,000 t"), in the record's unit
    or currency; any other stated value as given."""
    measure = getattr(record, "measures", {}).get(name)
    if measure is None or stated is None:
        return stated
    try:
        value = Decimal(str(stated).replace(",", ""))
    except ArithmeticError:
        return stated
    unit = getattr(record, measure.unit, "")
    if measure.kind == "money":
        return format_measure(value, currency=unit)
    return format_measure(value, unit)


def _quotes_of(record, f, citations, shown: dict) -> tuple[list, list, list]:
    """The quotes that support ``f``'s value; those that name ``f`` but supported an earlier
    value or withdrew their support; and those that contradict it (each quote in full once,
    under its first field)."""
    current, former, contradictions = [], [], []
    for c in citations:
        named, contradicting = f.name in c.supports, f.name in c.contradicts
        note = not named and not contradicting and quote_states_note(c, record, f.name)
        if not (named or contradicting or note):
            continue
        quote = quote_in_context(c)
        quote.fields = [n for n in c.supports if support.supports_value(c, n, record)]
        quote.first_shown_under = shown.setdefault(c.pk, str(f.verbose_name))
        if quote.first_shown_under == str(f.verbose_name):
            quote.first_shown_under = ""
        if contradicting:
            quote.stated = _stated_as_read(record, f.name, (c.stated or {}).get(f.name))
            contradictions.append(quote)
        elif note or support.supports_value(c, f.name, record):
            current.append(quote)
        elif f.name in (c.withdrawn or {}):
            quote.withdrawn = c.withdrawn[f.name]
            former.append(quote)
        else:
            quote.earlier = support.shown(record, f.name, (c.supported_values or {}).get(f.name))
            former.append(quote)
    return current, former, contradictions


def record_page(model, public_id, user, as_of: datetime.date | None = None) -> RecordPage:
    """The evidence page of a record; with ``as_of``, the record as it stood on that day
    (valid time, as the API's ``?as_of=``): its state then and its dated changes up to then.
    """
    manager = model._default_manager
    queryset = manager.visible_to(user, include_retracted=True).select_related(
        *_related_selects(model)
    )
    if as_of is not None:
        queryset = queryset.as_of(as_of)
    for f in model._meta.many_to_many:
        related = f.related_model._default_manager.visible_as_related(user)
        queryset = queryset.prefetch_related(
            models.Prefetch(f.name, queryset=related, to_attr=f"visible_{f.name}")
        )
    try:
        record = _get_visible(queryset, model, public_id)
    except Http404 as exc:
        if as_of is None:
            raise
        raise Http404(f"No {model._meta.verbose_name} {public_id} on {as_of}.") from exc
    citations = []
    if issubclass(model, CitableModel):
        citations = list(
            record.citations.visible_to(user)
            .filter(source__review_state__in=visible_as_related(user, Source))
            .select_related("source")
            .order_by("source_id", "start", "id")
        )
    rows = _field_rows(record, user, citations)
    unassigned = [quote_in_context(c) for c in citations if not c.supports and not c.contradicts]
    history = list(_history(record, user)[:5])
    sources = list({c.source_id: c.source for c in citations}.values())
    api_url = detail_path(model, record.public_id)
    return RecordPage(
        record=record,
        model=model,
        rows=rows,
        unassigned=unassigned,
        history=history,
        history_count=_history(record, user).count(),
        api_url=f"{api_url}?as_of={as_of}" if api_url and as_of else api_url,
        changes_url=f"{reverse('api-v1:core-change-list')}?record_id={record.public_id}",
        sources=[(s, evidence_path(Source, s.pk)) for s in sources],
        title=public_label(record, user),
        timeline=_timeline(record, user, as_of),
        as_of=as_of,
        as_of_uncertain=bool(getattr(record, UNCERTAIN, False)),
    )


def _timeline(record, user, as_of=None) -> list:
    """The dated changes the record's valid time names (``valid_time.history``), that
    ``user`` may see: a designation's status changes, a decision's stages; with ``as_of``,
    those that may have happened by that day (as the API's nested changes)."""
    valid_time = getattr(type(record), "valid_time", None)
    if valid_time is None or not valid_time.history:
        return []
    changes = getattr(record, valid_time.history).visible_as_related(user)
    if as_of is not None:
        changes = changes.as_of(as_of)  # by the change model's own valid time, as the API
    return [
        (change.date or "undated", change, evidence_path(type(change), change.public_id))
        for change in changes.order_by("date_earliest", "date_latest", "created")
    ]


def _history(record, user):
    # As the change feed: changes made while the record was a draft are for curators.
    entries = record.history.order_by("-history_date", "-history_id").select_related("history_user")
    if is_curator(user, type(record)):
        return entries
    return entries.exclude(review_state=ReviewState.DRAFT)


# --- a source's page ------------------------------------------------------------------------


@dataclass
class Cited:
    """A citation on the source page, numbered, with the record it supports."""

    number: int
    citation: Citation
    record: PublicModel
    record_url: str | None
    title: str = ""  # the record's label, as this reader may see it

    @property
    def anchor(self) -> str:
        return f"citation-{self.citation.pk}"

    @property
    def text_anchor(self) -> str:
        return f"at-{self.citation.pk}"

    @property
    def label(self) -> str:
        fields = ", ".join(self.citation.supports) or "the record as a whole"
        return f"Citation {self.number}: {self.title} ({fields})"


@dataclass
class Segment:
    """A stretch of the text between two span boundaries, and the citations covering it."""

    text: str
    covering: list
    ending: list  # citations whose span ends here: their reference marks follow the segment
    starting: list = field(default_factory=list)  # spans that begin here: anchors precede it

    @property
    def depth(self) -> int:
        return min(len(self.covering), 3)

    @property
    def label(self) -> str:
        numbers = ", ".join(str(c.number) for c in self.covering)
        word = "citation" if len(self.covering) == 1 else "citations"
        return f"Quoted by {word} {numbers}"

    @property
    def ids(self) -> str:
        return " ".join(str(c.citation.pk) for c in self.covering)


def segments(text: str, cited: list[Cited]) -> list[Segment]:
    """Split ``text`` at every span boundary; each piece lists the spans that cover it, so
    overlapping quotes stay legible (a piece quoted twice is marked once, more strongly)."""
    spans = [c for c in cited if c.citation.start is not None and c.citation.end <= len(text)]
    bounds = sorted({0, len(text)} | {b for c in spans for b in (c.citation.start, c.citation.end)})
    pieces = []
    for lo, hi in pairwise(bounds):
        covering = [c for c in spans if c.citation.start <= lo and c.citation.end >= hi]
        ending = [c for c in spans if c.citation.end == hi]
        starting = [c for c in spans if c.citation.start == lo]
        pieces.append(Segment(text[lo:hi], covering, ending, starting))
    return pieces


@dataclass
class SourcePage:
    source: Source
    cited: list
    segments: list
    located: list  # locator citations (datasets, standards)
    successors: list


def cited_records(citations, user) -> dict:
    """(content type id, object id) → record, for those ``user`` may see: a query per model."""
    by_type: dict[int, list] = {}
    types = {}
    for c in citations:
        by_type.setdefault(c.content_type_id, []).append(c.object_id)
        types[c.content_type_id] = c.content_type
    found = {}
    for type_id, object_ids in by_type.items():
        model = types[type_id].model_class()
        if model is None:
            continue
        visible = (
            model._default_manager.visible_as_related(user)
            .select_related(*_related_selects(model))
            .in_bulk(object_ids)
        )
        found.update({(type_id, pk): record for pk, record in visible.items()})
    return found


def source_page(pk, user) -> SourcePage:
    source = _get_visible(Source.objects.visible_to(user, include_retracted=True), Source, pk)
    citations = list(
        Citation.objects.visible_to(user)
        .filter(source=source)
        .select_related("content_type")
        .order_by("start", "end", "id")
    )
    records = cited_records(citations, user) if citations else {}
    cited = []
    for c in citations:
        record = records.get((c.content_type_id, c.object_id))
        if record is None:
            continue  # the record is a draft this reader may not see
        url = evidence_path(type(record), record.public_id)
        cited.append(Cited(len(cited) + 1, c, record, url, public_label(record, user)))
    successors = list(source.superseded_by.visible_to(user, include_retracted=True))
    return SourcePage(
        source=source,
        cited=cited,
        segments=segments(source.text, cited),
        located=[c for c in cited if c.citation.start is None],
        successors=[(s, evidence_path(Source, s.pk)) for s in successors],
    )
