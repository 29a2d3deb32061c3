"""Accepted proposals become draft records, through the one write path (``core.services``).

``drafts_create(source, user=...)`` takes every accepted or edited proposal of ``source``
not drafted yet and writes, as drafts, with ``services.record_save``:

* named records: countries are reference data, matched and never created; officials,
  organizations, positions and commodities are matched by their public id or created;
* a quantity (or a value) with its commodity and two countries: a shipment, or a commitment
  when the proposal says so (``"record": "commitment"`` or a period ``per``);
* a statement with its speaker; a decision with its first stage; a designation; a position
  held by an official named with it: a tenure.

Each record cites the source once per proposal it is built from, at that proposal's span,
supporting the fields that span states (the quantity's span supports quantity and unit, the
exporter's name supports exporter): support is per value. A proposal names the records it
is built from in ``related``; roles are read from its value (``"exporter"``, ``"supplier"``,
``"speaker"``...: a proposal's key or a public id) or else from the order of ``related``.

Nothing is published here: each draft is published from its own admin page. A proposal that
cannot become a record is reported, and the others are still drafted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from core import services
from core.services import CitationInput
from diplomacy.models import OrganizationKind
from ingest.composites import Composites, Refused, choice
from ingest.models import ProposalReview, ReviewDecision
from ingest.review import NAMED, Item, named_record, proposal_problem, source_review
from trade.models import Sector

#: The order records are made in: what others refer to first.
ORDER = ("country", "organization", "official", "commodity", "position", "quantity", "value")
ORDER += ("statement", "decision", "designation", "date")
LIVE = (ReviewDecision.ACCEPTED, ReviewDecision.EDITED)


@dataclass
class DraftReport:
    """What one "create drafts" made (every record, in order) and what it could not."""

    created: list = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _said(exc: ValidationError) -> str:
    """A refusal's messages, each with the field it is about."""
    if hasattr(exc, "error_dict"):
        return " ".join(
            f"{name}: {m}" if name != "__all__" else m
            for name, ms in exc.message_dict.items()
            for m in ms
        )
    return " ".join(exc.messages)


class _Run(Composites):
    """One "create drafts": the records made so far, by proposal key."""

    def __init__(self, source, user):
        self.source, self.user = source, user
        self.review = source_review(source)
        self.records: dict[str, object] = {}  # key → record (matched or made)
        self.made: dict[str, object] = {}  # key → record made in this run
        self.used: dict[str, Item] = {}  # key → item acted on (accepted or related)
        self.lists: dict[str, list] = {}  # key → every record made of it (a decision, its stage)
        self.saved: list = []  # every record drafted, in order

    # --- proposals ------------------------------------------------------------------------

    def item(self, key: str) -> Item:
        found = self.review.find(key) or self._by_mention(key)
        if found is None:
            raise Refused(f"it relies on {key}, which the assistant no longer proposes.")
        if found.review is not None and found.review.decision == ReviewDecision.REJECTED:
            raise Refused(f"it relies on {found.kind} “{found.proposal.quote}”, rejected.")
        problem = proposal_problem(self.source.text, found.proposal)
        if problem:
            raise Refused(problem)
        self.used[found.key] = found
        return found

    def _by_mention(self, key: str) -> Item | None:
        """The proposal one of whose mentions (``value["mentions"]``: every span where the
        text names the same record) is at ``key``'s span."""
        kind, _, span = key.partition(":")
        at = [int(n) for n in span.split(":")] if re.fullmatch(r"\d+:\d+", span) else None
        for item in self.review.items:
            mentions = item.value.get("mentions")
            if not (at and item.kind == kind and isinstance(mentions, list | tuple)):
                continue
            if tuple(at) in {tuple(m) for m in mentions if isinstance(m, list | tuple)}:
                return item
        return None

    def _named(self, kind: str, ref: str) -> Item | None:
        """The proposal of ``kind`` that ``ref`` names: by key, or by its match, code, slug or
        name (an extractor may name a role so)."""
        if ref.startswith(f"{kind}:"):
            return self.item(ref)
        folded = ref.casefold()
        for item in self.review.items:
            names = (item.match, *(item.value.get(k) for k in ("iso2", "slug", "name")))
            if item.kind == kind and folded in {str(n).casefold() for n in names if n}:
                return self.item(item.key)
        return None

    def span(self, found: Item, near: Item, ref: str = "") -> tuple[int, int]:
        """Where to cite ``found`` for ``near``: the mention ``ref`` names, else the mention
        inside ``near``'s span or nearest to it."""
        text, p = self.source.text, near.proposal
        mentions = found.value.get("mentions")
        spans = [
            (m[0], m[1])
            for m in (mentions if isinstance(mentions, list | tuple) else [])
            if isinstance(m, list | tuple) and len(m) == 2 and all(isinstance(n, int) for n in m)
        ]
        spans = [(s, e) for s, e in spans if 0 <= s < e <= len(text)]
        spans = spans or [(found.proposal.start, found.proposal.end)]
        at = ref.split(":")[1:]
        if len(at) == 2 and at[0].isdigit() and at[1].isdigit() and tuple(map(int, at)) in spans:
            return int(at[0]), int(at[1])
        return min(spans, key=lambda se: (not p.start <= se[0] < p.end, abs(se[0] - p.start)))

    def related(self, item: Item, kind: str) -> list[tuple[Item, str]]:
        keys = [k for k in item.proposal.related if k.split(":", 1)[0] == kind]
        return [(self.item(k), k) for k in keys]

    def party(self, item: Item, roles: tuple, kind: str, index: int):
        """(record, span to cite or None) playing ``roles`` for ``item``: named in its value
        (by key, public id or name), else the ``index``-th related proposal of ``kind``."""
        for role in roles:
            ref = item.value.get(role)
            if not isinstance(ref, str) or not ref:
                continue
            found = self._named(kind, ref)
            if found is not None:
                return self.entity(found), self.span(found, item, ref)
            record = named_record(kind, ref)
            if record is not None:
                return record, None  # a record the text names, not proposed: no words to cite
        candidates = self.related(item, kind)
        if index < len(candidates):
            found, key = candidates[index]
            return self.entity(found), self.span(found, item, key)
        return None, None

    def cite(self, cites: dict, at, *fields, inferred=False, note="") -> None:
        """Add to ``cites`` that the words at ``at`` (a proposal, or a span) support ``fields``."""
        if at is None:
            return
        if isinstance(at, Item):
            at = (at.proposal.start, at.proposal.end)
        # By span: two proposals may start together ("Uzbekistan has banned…").
        quote = self.source.text[at[0] : at[1]]
        entry = cites.setdefault(at, CitationInput(self.source, quote=quote, start=at[0]))
        entry.supports = sorted({*entry.supports, *fields})
        if inferred:
            entry.inferred, entry.note = True, note

    def save(self, record, cites: dict, *, m2m=None):
        opts = record._meta
        if not self.user.has_perm(f"{opts.app_label}.add_{opts.model_name}"):
            raise Refused(f"you may not add a {opts.verbose_name}.")
        if hasattr(record, "slug") and not record.slug:
            record.slug = slugify(record.name)[:100]  # as the admin's form fills it in
        try:
            services.record_save(
                record, user=self.user, m2m=m2m, cite=list(cites.values()), reason="Drafted"
            )
            self.saved.append(record)
        except services.CitationsInvalid as exc:
            messages = [m for item in exc.items for ms in item.values() for m in ms]
            raise Refused(f"{opts.verbose_name}'s citation: {' '.join(messages)}") from exc
        except ValidationError as exc:
            raise Refused(f"{opts.verbose_name}: {_said(exc)}") from exc
        return record

    def entity(self, item: Item):
        """The record a named proposal stands for: matched, or made as a draft."""
        if item.key in self.records:
            return self.records[item.key]
        if item.drafted is not None:
            record = item.drafted
        elif item.match or (item.kind == "country" and item.value.get("iso2")):
            ref = item.match or str(item.value["iso2"])
            record = named_record(item.kind, ref)
            if record is None:
                raise Refused(f"no {item.kind} has the id “{ref}”.")
        elif item.kind == "country":
            raise Refused(
                f"countries are reference data, matched and never created: “{item.proposal.quote}"
                "” names none. Edit it to pick one."
            )
        else:
            record = self.made[item.key] = getattr(self, f"new_{item.kind}")(item)
        self.records[item.key] = record
        return record

    def _name(self, item: Item) -> str:
        return str(item.value.get("name") or item.proposal.quote).strip()

    def new_official(self, item):
        official = NAMED["official"](name=self._name(item))
        return self.save(official, {(item.proposal.start, item.proposal.end): self._c(item)})

    def new_organization(self, item):
        cites = {}
        country, _ = self.party(item, ("country",), "country", 0)
        kind = choice(item.value.get("kind"), OrganizationKind, OrganizationKind.OTHER)
        org = NAMED["organization"](name=self._name(item), kind=kind, country=country)
        self.cite(cites, item, *(["country"] if country else []))
        return self.save(org, cites)

    def new_commodity(self, item):
        hs = str(item.value.get("hs_code") or "")
        sector = choice(item.value.get("sector"), Sector, Sector.OTHER)
        note = str(item.value.get("hs_note") or "HS heading from the assistant's curated table.")
        commodity = NAMED["commodity"](
            name=self._name(item), hs_code=hs, hs_note=note if hs else "", sector=sector
        )
        commodity.slug = str(item.value.get("slug") or "")[:100]  # the extractor's, if any
        cites = {}
        inferred = bool(hs) and bool(item.value.get("hs_inferred", True) or item.proposal.inferred)
        self.cite(cites, item, *(["hs_code"] if hs else []), inferred=inferred, note=note)
        return self.save(commodity, cites)

    def new_position(self, item):
        cites = {}
        country, c_item = self.party(item, ("country",), "country", 0)
        posted_to, p_item = self.party(item, ("posted_to",), "country", 1)
        org, o_item = self.party(item, ("organization",), "organization", 0)
        position = NAMED["position"](
            name=self._name(item), country=country, posted_to=posted_to, organization=org
        )
        filled = [n for n, v in (("country", country), ("posted_to", posted_to)) if v]
        self.cite(cites, item, *filled, *(["organization"] if org else []))
        self.cite(cites, c_item, "country")
        self.cite(cites, p_item, "posted_to")
        self.cite(cites, o_item, "organization")
        return self.save(position, cites)

    def _c(self, item):
        return CitationInput(self.source, quote=item.proposal.quote, start=item.proposal.start)

    def dates(self, item: Item, cites, name: str) -> dict:
        dates = self.related(item, "date")
        if not dates:
            return {}
        value = dates[0][0].value
        self.cite(cites, dates[0][0], name)
        day = value.get("value") or value.get("date") or ""
        return {name: str(day), f"{name}_note": str(value.get("note") or "")}

    def make(self, item: Item) -> list:
        maker = getattr(self, f"make_{item.kind}", None)
        if maker is not None:
            return maker(item)
        if item.kind in NAMED:
            record = self.entity(item)
            return [record] if item.key in self.made else []
        raise Refused(f"a {item.kind} alone makes no record: accept what it dates or measures.")


@transaction.atomic
def drafts_create(source, *, user) -> DraftReport:
    """Draft every accepted proposal of ``source`` not drafted yet (module docstring)."""
    run = _Run(source, user)
    report = DraftReport()
    if run.review.failure:
        report.problems.append(run.review.failure)
        return report
    todo = [
        i
        for i in run.review.items
        if i.review is not None and i.review.decision in LIVE and i.drafted is None
    ]
    todo.sort(key=lambda i: (ORDER.index(i.kind), i.proposal.start))
    for item in todo:
        saved = (dict(run.records), dict(run.made), dict(run.used), dict(run.lists))
        drafted = len(run.saved)
        try:
            with transaction.atomic():
                run.used[item.key] = item
                records = run.make(item)
        except Refused as exc:
            run.records, run.made, run.used, run.lists = saved
            del run.saved[drafted:]  # rolled back with the savepoint
            report.problems.append(f"{item.kind} “{item.proposal.quote}”: {exc}")
            continue
        if records:
            run.made.setdefault(item.key, records[0])
            run.lists[item.key] = records
    _remember(run, user)
    report.created = list(run.saved)
    return report


def _remember(run: _Run, user) -> None:
    """Keep, on each proposal acted on, the record made of it (related ones count as
    accepted: the curator accepted what is built on them)."""
    for key, item in run.used.items():
        record = run.made.get(key)
        defaults = {"kind": item.kind, "proposal": item.proposal.as_dict(), "user": user}
        row = item.review or ProposalReview.objects.filter(source=run.source, key=key).first()
        if row is None:
            row = ProposalReview(
                source=run.source,
                key=key,
                decision=ReviewDecision.ACCEPTED,
                value=item.value,
                match=item.match,
                **defaults,
            )
        if record is not None:
            row.drafted_type = ContentType.objects.get_for_model(record)
            row.drafted_id = record.pk
            made = run.lists.get(key, [record])
            row.made = [[r._meta.label_lower, str(r.pk)] for r in made]
        row.save()
