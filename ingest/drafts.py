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

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from core import services
from core.services import CitationInput
from diplomacy.models import (
    DecisionStage,
    DecisionStatus,
    DecisionType,
    Designation,
    DesignationKind,
    DesignationStatus,
    OrganizationKind,
    PolicyDecision,
    Statement,
    StatementMode,
    Tenure,
)
from ingest.models import ProposalReview, ReviewDecision
from ingest.review import NAMED, Item, named_record, proposal_problem, source_review
from trade.models import Commitment, Sector, Shipment, ShipmentKind, ShipmentStatus

#: The order records are made in: what others refer to first.
ORDER = ("country", "organization", "official", "commodity", "position", "quantity", "value")
ORDER += ("statement", "decision", "designation", "date")
LIVE = (ReviewDecision.ACCEPTED, ReviewDecision.EDITED)


class Refused(Exception):
    """This proposal cannot become a record; the message says why."""


@dataclass
class DraftReport:
    created: list = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _choice(value, choices, default):
    return value if value in choices.values else default


def _amount(item: Item) -> Decimal:
    text = str(item.value.get("amount", "")).replace(",", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise Refused(f"“{text}” is not a number: edit the proposal.") from None


def _said(exc: ValidationError) -> str:
    """A refusal's messages, each with the field it is about."""
    if hasattr(exc, "error_dict"):
        return " ".join(
            f"{name}: {m}" if name != "__all__" else m
            for name, ms in exc.message_dict.items()
            for m in ms
        )
    return " ".join(exc.messages)


class _Run:
    """One "create drafts": the records made so far, by proposal key."""

    def __init__(self, source, user):
        self.source, self.user = source, user
        self.review = source_review(source)
        self.records: dict[str, object] = {}  # key → record (matched or made)
        self.made: dict[str, object] = {}  # key → record made in this run
        self.used: dict[str, Item] = {}  # key → item acted on (accepted or related)
        self.lists: dict[str, list] = {}  # key → every record made of it (a decision, its stage)

    # --- proposals ------------------------------------------------------------------------

    def item(self, key: str) -> Item:
        found = self.review.find(key)
        if found is None:
            raise Refused(f"it relies on {key}, which the assistant no longer proposes.")
        if found.review is not None and found.review.decision == ReviewDecision.REJECTED:
            raise Refused(f"it relies on {found.kind} “{found.proposal.quote}”, rejected.")
        problem = proposal_problem(self.source.text, found.proposal)
        if problem:
            raise Refused(problem)
        self.used[key] = found
        return found

    def related(self, item: Item, kind: str) -> list[Item]:
        keys = [k for k in item.proposal.related if k.split(":", 1)[0] == kind]
        return [self.item(k) for k in keys]

    def party(self, item: Item, roles: tuple, kind: str, index: int):
        """(record, item or None) playing ``roles`` for ``item``: named in its value by key or
        public id, else the ``index``-th related proposal of ``kind``."""
        for role in roles:
            ref = item.value.get(role)
            if isinstance(ref, str) and ref.startswith(f"{kind}:"):
                found = self.item(ref)
                return self.entity(found), found
            record = named_record(kind, ref) if isinstance(ref, str) and ref else None
            if record is not None:
                return record, None  # a name that is no public id leaves it to ``related``
        candidates = self.related(item, kind)
        if index < len(candidates):
            return self.entity(candidates[index]), candidates[index]
        return None, None

    # --- writing ----------------------------------------------------------------------------

    def cite(self, cites: dict, item: Item | None, *fields, inferred=False, note="") -> None:
        """Add to ``cites`` (by span) that ``item``'s span supports ``fields``."""
        if item is None:
            return
        p = item.proposal
        entry = cites.setdefault(p.start, CitationInput(self.source, quote=p.quote, start=p.start))
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
        elif item.match:
            record = named_record(item.kind, item.match)
            if record is None:
                raise Refused(f"no {item.kind} has the id “{item.match}”.")
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
        return self.save(official, {item.proposal.start: self._c(item)})

    def new_organization(self, item):
        cites = {}
        country, _ = self.party(item, ("country",), "country", 0)
        kind = _choice(item.value.get("kind"), OrganizationKind, OrganizationKind.OTHER)
        org = NAMED["organization"](name=self._name(item), kind=kind, country=country)
        self.cite(cites, item, *(["country"] if country else []))
        return self.save(org, cites)

    def new_commodity(self, item):
        hs = str(item.value.get("hs_code") or "")
        sector = _choice(item.value.get("sector"), Sector, Sector.OTHER)
        note = str(item.value.get("hs_note") or "HS heading from the assistant's curated table.")
        commodity = NAMED["commodity"](
            name=self._name(item), hs_code=hs, hs_note=note if hs else "", sector=sector
        )
        cites = {}
        self.cite(cites, item, *(["hs_code"] if hs else []), inferred=bool(hs), note=note)
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

    def _date(self, item: Item, cites, name: str) -> dict:
        dates = self.related(item, "date")
        if not dates:
            return {}
        value = dates[0].value
        self.cite(cites, dates[0], name)
        return {name: str(value.get("value") or ""), f"{name}_note": str(value.get("note") or "")}

    # --- composite records ----------------------------------------------------------------

    def make_position(self, item):
        position = self.entity(item)
        official, o_item = self.party(item, ("official", "holder"), "official", 0)
        if official is None:
            return [position]
        cites = {}
        self.cite(cites, item, "position", "official")
        self.cite(cites, o_item, "official")
        tenure = Tenure(position=position, official=official)
        return [position, self.save(tenure, cites)]

    def make_quantity(self, item):
        value_items = self.related(item, "value") or [
            i for i in self.review.items if item.key in i.proposal.related and i.kind == "value"
        ]
        return [self._flow(item, item, value_items[0] if value_items else None)]

    def make_value(self, item):
        if any(k.startswith("quantity:") for k in item.proposal.related) or any(
            item.key in i.proposal.related and i.kind == "quantity" for i in self.review.items
        ):
            return []  # drafted with its quantity
        return [self._flow(item, None, item)]

    def _flow(self, item, q_item, v_item):
        cites = {}
        commodity, c_item = self.party(item, ("commodity",), "commodity", 0)
        commitment = item.value.get("record") == "commitment" or bool(item.value.get("per"))
        roles = (("supplier", "exporter"), ("recipient", "importer"))
        one, one_item = self.party(item, roles[0], "country", 0)
        two, two_item = self.party(item, roles[1], "country", 1)
        if commodity is None or one is None or two is None:
            raise Refused("it needs a commodity and two countries, related to it.")
        names = ("supplier", "recipient") if commitment else ("exporter", "importer")
        fields = {names[0]: one, names[1]: two, "commodity": commodity}
        self.cite(cites, c_item, "commodity")
        self.cite(cites, one_item, names[0])
        self.cite(cites, two_item, names[1])
        if q_item is not None:
            fields["quantity"] = _amount(q_item)
            fields["unit"] = str(q_item.value.get("unit") or "")
            fields["quantity_qualifier"] = str(q_item.value.get("qualifier") or "exact")
            self.cite(cites, q_item, "quantity", "unit")
        if commitment:
            per = str(item.value.get("per") or "total")
            title = f"{commodity} supply, {one} to {two}"
            record = Commitment(title=title[:300], per=per, **fields)
            record.__dict__.update(self._date(item, cites, "start"))
            return self.save(record, cites)
        if v_item is not None:
            fields["value"] = _amount(v_item)
            fields["currency"] = str(v_item.value.get("currency") or "")
            fields["value_qualifier"] = str(v_item.value.get("qualifier") or "exact")
            self.cite(cites, v_item, "value", "currency")
        kind = _choice(item.value.get("kind"), ShipmentKind, ShipmentKind.AGGREGATE)
        status = _choice(item.value.get("status"), ShipmentStatus, ShipmentStatus.REPORTED)
        record = Shipment(kind=kind, status=status, **fields)
        record.__dict__.update(self._date(item, cites, "period"))
        return self.save(record, cites)

    def make_statement(self, item):
        cites = {}
        speaker = {}
        for kind, name in (
            ("official", "speaker"),
            ("organization", "speaker_organization"),
            ("country", "speaker_country"),
        ):
            record, found = self.party(item, ("speaker",) if kind == "official" else (), kind, 0)
            if record is not None:
                speaker[name] = record
                self.cite(cites, found, name)
                break
        quote = str(item.value.get("quote") or "")
        mode = _choice(
            item.value.get("mode"),
            StatementMode,
            StatementMode.DIRECT if quote else StatementMode.REPORTED,
        )
        summary = str(item.value.get("summary") or item.proposal.quote)
        statement = Statement(summary=summary, quote=quote, mode=mode, **speaker)
        statement.__dict__.update(self._date(item, cites, "date"))
        self.cite(cites, item, *(["quote"] if quote else []))
        return [self.save(statement, cites)]

    def make_decision(self, item):
        cites = {}
        maker, m_item = self.party(item, ("decision_maker",), "official", 0)
        body, b_item = (None, None) if maker else self.party(item, (), "organization", 0)
        countries = [self.entity(c) for c in self.related(item, "country")]
        decision = PolicyDecision(
            title=str(item.value.get("title") or item.proposal.quote)[:300],
            decision_type=_choice(item.value.get("decision_type"), DecisionType, "other"),
            description=str(item.value.get("description") or ""),
            decision_maker=maker,
            decision_maker_organization=body,
        )
        filled = [n for n, v in (("decision_maker", maker), ("countries", countries)) if v]
        self.cite(cites, item, *filled, *(["decision_maker_organization"] if body else []))
        self.cite(cites, m_item, "decision_maker")
        self.cite(cites, b_item, "decision_maker_organization")
        self.save(decision, cites, m2m={"countries": countries})
        stage_cites = {}
        stage = DecisionStage(
            decision=decision,
            sequence=1,
            status=_choice(item.value.get("stage"), DecisionStatus, "under_consideration"),
        )
        stage.__dict__.update(self._date(item, stage_cites, "date"))
        self.cite(stage_cites, item, "status")
        return [decision, self.save(stage, stage_cites)]

    def make_designation(self, item):
        cites = {}
        org, o_item = self.party(item, ("organization",), "organization", 0)
        where, w_item = self.party(item, ("jurisdiction",), "country", 0)
        authority, a_item = self.party(item, ("authority",), "organization", 1)
        if org is None or where is None:
            raise Refused("it needs the organization designated and the country, related to it.")
        designation = Designation(
            organization=org,
            jurisdiction=where,
            authority=authority,
            kind=_choice(item.value.get("kind"), DesignationKind, DesignationKind.LISTED),
            status=_choice(item.value.get("status"), DesignationStatus, "in_force"),
            list_name=str(item.value.get("list_name") or ""),
        )
        designation.__dict__.update(self._date(item, cites, "start"))
        self.cite(cites, item, "status")
        self.cite(cites, o_item, "organization")
        self.cite(cites, w_item, "jurisdiction")
        self.cite(cites, a_item, "authority")
        return [self.save(designation, cites)]

    def make(self, item: Item) -> list:
        maker = getattr(self, f"make_{item.kind}", None)
        if maker is not None:
            return maker(item)
        if item.kind in NAMED:
            record = self.entity(item)
            return [record] if item.key in self.made else []
        raise Refused(f"a {item.kind} alone makes no record: accept what it dates or measures.")


def drafts_create(source, *, user) -> DraftReport:
    """Draft every accepted proposal of ``source`` not drafted yet (module docstring)."""
    run = _Run(source, user)
    report = DraftReport()
    todo = [
        i
        for i in run.review.items
        if i.review is not None and i.review.decision in LIVE and i.drafted is None
    ]
    todo.sort(key=lambda i: (ORDER.index(i.kind), i.proposal.start))
    for item in todo:
        saved = (dict(run.records), dict(run.made), dict(run.used), dict(run.lists))
        try:
            with transaction.atomic():
                run.used[item.key] = item
                records = run.make(item)
        except Refused as exc:
            run.records, run.made, run.used, run.lists = saved
            report.problems.append(f"{item.kind} “{item.proposal.quote}”: {exc}")
            continue
        report.created += [r for r in records if r not in report.created]
        if records and item.kind not in NAMED:
            run.made.setdefault(item.key, records[0])
            run.lists[item.key] = records
    _remember(run, user)
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
