"""The review of one source's proposals: what the assistant proposes, checked against the
stored text, merged with what curators decided (``ProposalReview``).

``source_review`` runs the extractor (``ingest.extract.propose``) on the source's stored
text, refuses any proposal whose span is not exactly its quote in that text, and hides the
ones a curator rejected. ``proposal_decide`` records an accept, an edit or a reject.
``marked_text`` is the text with a ``<mark>`` per proposal, coloured by kind.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from core.admin.dashboard import change_url
from core.models import DatePrecision, Source
from diplomacy.models import Country, Official, Organization, Position
from ingest import extract
from ingest.models import ProposalReview, ReviewDecision
from ingest.proposals import KINDS, Proposal
from trade.models import Commodity

logger = logging.getLogger(__name__)

#: Kinds that name a record (matched by public id, or new).
NAMED = {
    "country": Country,
    "official": Official,
    "organization": Organization,
    "position": Position,
    "commodity": Commodity,
}
#: Kinds drafted as a shipment, or as a commitment when ``value["record"]`` says so.
FLOWS = ("quantity", "value")
#: Value entries a curator corrects as numbers.
NUMBERS = ("amount",)


def named_record(kind: str, public_id: str):
    """The existing record of ``kind`` whose public id is ``public_id``, or None."""
    model = NAMED[kind]
    lookup = {"iso2": public_id.upper()} if model is Country else {"slug": public_id}
    return model._default_manager.filter(**lookup).first()


def proposal_problem(text: str, proposal: Proposal) -> str:
    """Why ``proposal`` cannot be reviewed on ``text`` ("" when its span is its quote)."""
    where = f"{proposal.kind} “{proposal.quote}” [{proposal.start}, {proposal.end})"
    if proposal.kind not in KINDS:
        return f"Proposal {where} is refused: {proposal.kind!r} is not a kind ({', '.join(KINDS)})."
    start, end = proposal.start, proposal.end
    if not (isinstance(start, int) and isinstance(end, int)) or not 0 <= start < end:
        return f"Proposal {where} is refused: its span is not a range of the text."
    if end > len(text):
        return (
            f"Proposal {where} is refused: its span runs past the end of the source's text "
            f"({len(text)} characters)."
        )
    if text[start:end] != proposal.quote:
        return (
            f"Proposal {where} is refused: the source's text there reads “{text[start:end]}”, "
            "not its quote. The text changed since it was proposed, or the extractor erred; "
            "cite those words by hand on the record's form."
        )
    return ""


def proposal_from(data: dict) -> Proposal:
    """A ``Proposal`` from its ``as_dict()`` form (as a decision row keeps it)."""
    names = {f.name for f in dataclasses.fields(Proposal)}
    kwargs = {k: v for k, v in data.items() if k in names}
    kwargs["related"] = tuple(kwargs.get("related") or ())
    return Proposal(**kwargs)


@dataclass
class Item:
    """One proposal as the page shows it, with the curator's decision if any."""

    proposal: Proposal
    review: ProposalReview | None = None
    problem: str = ""
    #: What the proposals it is built from read, e.g. ["potash", "Belarus", "India"].
    related_quotes: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.proposal.key

    @property
    def kind(self) -> str:
        return self.proposal.kind

    @property
    def state(self) -> str:
        return self.review.decision if self.review is not None else "pending"

    @property
    def value(self) -> dict:
        return self.review.value if self.review is not None else self.proposal.value

    @property
    def match(self) -> str:
        if self.review is not None:
            return self.review.match
        return self.proposal.match or ""

    @property
    def editable(self) -> list[tuple[str, str]]:
        """The value's plain entries, as (name, text) for the edit form."""
        entries = [
            (name, "" if v is None else str(v))
            for name, v in self.value.items()
            if v is None or isinstance(v, str | int | float | bool | Decimal)
        ]
        if self.kind in FLOWS and "record" not in self.value:
            entries.append(("record", "shipment"))  # or "commitment": what to draft
        return entries

    @property
    def shown(self) -> str:
        """The value as the list shows it: "amount 2000000 · unit t · qualifier at_most"."""
        shown = []
        for name, v in self.value.items():
            if name == "mentions" and isinstance(v, list):
                shown.append(f"named {len(v)} time{'s' if len(v) != 1 else ''}")
            elif isinstance(v, list) and all(isinstance(x, str) for x in v) and v:
                shown.append(f"{name} {', '.join(v)}")
            elif v not in (None, "") and not isinstance(v, dict | list):
                shown.append(f"{name} {v}")
        return " · ".join(shown)

    @property
    def anchor(self) -> str:
        return "p-" + self.key.replace(":", "-")

    @property
    def drafted(self):
        return self.review.drafted if self.review is not None else None

    @property
    def to_draft(self) -> bool:
        """Accepted and not drafted yet, and making a record of its own (a matched country
        or a date alone makes none: they go into the records built on them)."""
        if self.state == "pending" or self.state == ReviewDecision.REJECTED:
            return False
        if self.drafted is not None or self.kind in ("country", "date"):
            return False
        return not (self.kind in NAMED and self.match)

    @property
    def drafted_url(self) -> str | None:
        return change_url(self.drafted) if self.drafted is not None else None


@dataclass
class Review:
    """The page's content: shown proposals, refused ones, rejected keys."""

    source: Source
    items: list[Item] = field(default_factory=list)
    refused: list[Item] = field(default_factory=list)
    rejected: list[ProposalReview] = field(default_factory=list)
    #: Every decision row of the source, by key.
    rows: dict[str, ProposalReview] = field(default_factory=dict)
    #: Why the assistant proposes nothing this time ("" when it ran): its error, told.
    failure: str = ""

    def find(self, key: str) -> Item | None:
        for item in [*self.items, *self.refused]:
            if item.key == key:
                return item
        row = self.rows.get(key)
        return Item(proposal_from(row.proposal), row) if row is not None else None

    def by_kind(self) -> list[tuple[str, list[Item]]]:
        return [(k, [i for i in self.items if i.kind == k]) for k in KINDS if self.of_kind(k)]

    def of_kind(self, kind: str) -> list[Item]:
        return [i for i in self.items if i.kind == kind]

    def marked(self) -> SafeString:
        return marked_text(self.source.text, [i.proposal for i in self.items])


def published_day(source: Source) -> datetime.date | None:
    """The day relative dates are read against: the source's date, when known to the day."""
    if source.published_precision == DatePrecision.DAY:
        return source.published_earliest
    return None


def source_review(source: Source) -> Review:
    rows = {row.key: row for row in source.proposal_reviews.all()}
    review = Review(source, rows=rows)
    try:
        extraction = extract.propose(
            source.text, published=published_day(source), language=source.language or "en"
        )
    except Exception as exc:
        # The review page and "create drafts" rerun the rules on every request: a defect of
        # the rules on this text must read as one, not as a server error, and the source
        # stays usable by hand.
        logger.exception("The extraction assistant failed on source %s", source.pk)
        review.failure = (
            f"The extraction assistant ({extract.EXTRACTOR} {extract.EXTRACTOR_VERSION}) "
            f"failed on this source's text ({type(exc).__name__}); the error was logged. "
            "Nothing is proposed, and nothing already accepted is drafted until it runs "
            "again: cite this source by hand on each record's form meanwhile."
        )
        review.rejected = [r for r in rows.values() if r.decision == ReviewDecision.REJECTED]
        return review
    review.rejected = [r for r in rows.values() if r.decision == ReviewDecision.REJECTED]
    seen = set()
    for proposal in extraction.proposals:
        if proposal.key in seen:
            continue
        seen.add(proposal.key)
        row = rows.get(proposal.key)
        if row is not None and row.decision == ReviewDecision.REJECTED:
            continue
        item = Item(proposal, row, proposal_problem(source.text, proposal))
        (review.refused if item.problem else review.items).append(item)
    review.items.sort(key=lambda i: (i.proposal.start, -i.proposal.end, KINDS.index(i.kind)))
    quotes = {}
    for i in review.items:  # a record named again: its other mentions read as it does
        mentions = i.value.get("mentions")
        for m in mentions if isinstance(mentions, list | tuple) else []:
            if isinstance(m, list | tuple) and len(m) == 2:
                quotes[f"{i.kind}:{m[0]}:{m[1]}"] = i.proposal.quote
    quotes.update({i.key: i.proposal.quote for i in review.items})
    quotes.update({r.key: f"{r.kind} (rejected)" for r in review.rejected})
    for item in review.items:
        item.related_quotes = [
            quotes.get(key, f"{key.split(':')[0]} (not proposed)") for key in item.proposal.related
        ]
    return review


def _edited_value(item: Item, edits: dict) -> dict:
    value = dict(item.value)
    for name, text in edits.items():
        text = (text or "").strip()
        if name == "record" and item.kind in FLOWS:
            if text not in ("shipment", "commitment"):
                raise ValidationError(f"record: “{text}” is not shipment or commitment.")
        elif name not in value:
            continue  # only the proposal's own entries are corrected here
        if name in NUMBERS and text:
            try:
                Decimal(text.replace(",", ""))
            except InvalidOperation:
                raise ValidationError(f"{name}: “{text}” is not a number.") from None
            text = text.replace(",", "")
        value[name] = text
    return value


@transaction.atomic
def proposal_decide(
    source: Source, *, key: str, action: str, user, edits=None, match=None
) -> ProposalReview:
    """Accept, edit (``edits``: new text per value entry; ``match``: another existing
    record's public id, or "" for a new one) or reject the proposal ``key`` of ``source``."""
    if action not in ("accept", "edit", "reject"):
        raise ValidationError(f"Unknown action {action!r}: accept, edit or reject.")
    review = source_review(source)
    item = review.find(key)
    if item is None:
        raise ValidationError(
            f"No proposal {key} for this source: the assistant no longer proposes it. Reload "
            "the page."
        )
    problem = proposal_problem(source.text, item.proposal)
    if problem:
        raise ValidationError(problem)
    if item.drafted is not None:
        raise ValidationError(
            f"Proposal {key} is drafted already, as “{item.drafted}”: change that draft on its "
            "own page."
        )
    value, chosen = dict(item.value), item.match
    if action == "edit":
        value = _edited_value(item, edits or {})
        if match is not None and item.kind in NAMED:
            chosen = match.strip()
            found = named_record(item.kind, chosen) if chosen else None
            if chosen and found is None:
                raise ValidationError(f"No {item.kind} has the id “{chosen}”.")
            if found is not None:
                chosen = found.public_id
    decision = {
        "accept": ReviewDecision.ACCEPTED,
        "edit": ReviewDecision.EDITED,
        "reject": ReviewDecision.REJECTED,
    }[action]
    row, _ = ProposalReview.objects.update_or_create(
        source=source,
        key=key,
        defaults={
            "kind": item.kind,
            "decision": decision,
            "proposal": item.proposal.as_dict(),
            "value": value,
            "match": chosen or "",
            "user": user,
        },
    )
    return row


# --- the text, marked --------------------------------------------------------------------------


def _open(p: Proposal, end: int) -> str:
    return format_html(
        '<mark class="ingest-mark kind-{}" data-key="{}" data-kind="{}" data-start="{}" '
        'data-end="{}" title="{}">',
        p.kind,
        p.key,
        p.kind,
        p.start,
        end,
        f"{p.kind}: {p.quote}",
    )


def marked_text(text: str, proposals: list[Proposal]) -> SafeString:
    """``text``, escaped, with a ``<mark>`` around each proposal's span.

    Spans nest (a statement holds its speaker's name); a span that crosses an open one is
    cut at that one's end, so the markup stays well formed (the list shows it whole).
    """
    ordered = sorted(proposals, key=lambda p: (p.start, -p.end, KINDS.index(p.kind)))
    out, pos, stack = [], 0, []  # stack: the ends of the open marks, innermost last
    for p in ordered:
        while stack and stack[-1] <= p.start:
            end = stack.pop()
            out += [escape(text[pos:end]), "</mark>"]
            pos = end
        end = min(p.end, stack[-1]) if stack else p.end
        out += [escape(text[pos : p.start]), _open(p, end)]
        pos = p.start
        stack.append(end)
    while stack:
        end = stack.pop()
        out += [escape(text[pos:end]), "</mark>"]
        pos = end
    out.append(escape(text[pos:]))
    # Safe: the text between marks is escaped, and the marks are built by format_html.
    return mark_safe("".join(str(part) for part in out))
