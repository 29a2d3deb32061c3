"""The records built of several proposals: a shipment or commitment (a quantity or value with
its commodity and countries), a statement with its speaker, a decision with its first stage,
a designation, a tenure (a position with the official named with it).

``Composites`` is the part of ``ingest.drafts``' run that makes them; each maker returns the
records it made, the one the proposal stands for first. Roles come from the proposal's value
(a key or a public id under ``"exporter"``, ``"supplier"``, ``"speaker"``...) or else from
the order of its ``related`` proposals.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from diplomacy.models import (
    DecisionStage,
    DecisionStatus,
    DecisionType,
    Designation,
    DesignationKind,
    DesignationStatus,
    PolicyDecision,
    Statement,
    StatementMode,
    Tenure,
)
from ingest.review import Item, named_record
from trade.models import Commitment, Shipment, ShipmentKind, ShipmentStatus


class Refused(Exception):
    """This proposal cannot become a record; the message says why."""


def choice(value, choices, default):
    """``value`` if it is one of ``choices``' values, else ``default``."""
    return value if value in choices.values else default


def amount(item: Item) -> Decimal:
    text = str(item.value.get("amount", "")).replace(",", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise Refused(f"“{text}” is not a number: edit the proposal.") from None


#: A qualifier as an extractor may name it → the one a measure stores (``core.numbers``).
QUALIFIERS = {"up_to": "at_most", "about": "approximate", "more_than": "at_least", "": "exact"}


def qualifier(item: Item) -> str:
    """How the measure stands to the number: ``exact``, ``approximate``, ``at_most``..."""
    said = str(item.value.get("qualifier") or "")
    return QUALIFIERS.get(said, said)


class Composites:
    """Makers of the records built of several proposals (``ingest.drafts._Run`` gives
    ``item``, ``related``, ``party``, ``entity``, ``cite``, ``save`` and ``dates``)."""

    def make_position(self, item):
        position = self.entity(item)
        made = [position] if item.key in self.made else []  # an existing post is not drafted
        official, o_item = self.party(item, ("official", "holder"), "official", 0)
        if official is None:
            return made
        cites = {}
        self.cite(cites, item, "position", "official")
        self.cite(cites, o_item, "official")
        tenure = Tenure(position=position, official=official)
        return [*made, self.save(tenure, cites)]

    def make_quantity(self, item):
        value_items = [i for i, _key in self.related(item, "value")] or [
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
        # "2 million tonnes a year" may be a flow as well as an agreement: a commitment only
        # when the proposal (or the curator's edit) says so.
        commitment = item.value.get("record") == "commitment"
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
            fields["quantity"] = amount(q_item)
            fields["unit"] = str(q_item.value.get("unit") or "")
            fields["quantity_qualifier"] = qualifier(q_item)
            self.cite(cites, q_item, "quantity", "unit")
        if commitment:
            # The period a quantity is for ("a year"; "total" when the words give none) is
            # stated with it: the quantity's words support it.
            per = str(item.value.get("per") or "total") if q_item is not None else ""
            self.cite(cites, q_item, *(["per"] if per else []))
            title = f"{commodity} supply, {one} to {two}"
            record = Commitment(title=title[:300], per=per, **fields)
            record.__dict__.update(self.dates(item, cites, "start"))
            return self.save(record, cites)
        if v_item is not None:
            fields["value"] = amount(v_item)
            fields["currency"] = str(v_item.value.get("currency") or "")
            fields["value_qualifier"] = qualifier(v_item)
            self.cite(cites, v_item, "value", "currency")
        kind = choice(item.value.get("kind"), ShipmentKind, ShipmentKind.AGGREGATE)
        status = choice(item.value.get("status"), ShipmentStatus, ShipmentStatus.REPORTED)
        record = Shipment(kind=kind, status=status, **fields)
        record.__dict__.update(self.dates(item, cites, "period"))
        return self.save(record, cites)

    def make_statement(self, item):
        cites = {}
        speaker = {}
        said = item.value.get("speaker_kind")  # the extractor may say who speaks
        for kind, name in (
            ("official", "speaker"),
            ("organization", "speaker_organization"),
            ("country", "speaker_country"),
        ):
            if said and kind != said:
                continue
            record, at = self.party(item, ("speaker",), kind, 0)
            if record is not None:
                speaker[name] = record
                self.cite(cites, at, name)
                break
        quote = str(item.value.get("quote") or "")
        mode = choice(
            item.value.get("mode"),
            StatementMode,
            StatementMode.DIRECT if quote else StatementMode.REPORTED,
        )
        summary = str(item.value.get("summary") or item.proposal.quote)
        statement = Statement(summary=summary, quote=quote, mode=mode, **speaker)
        statement.__dict__.update(self.dates(item, cites, "date"))
        self.cite(cites, item, *(["quote"] if quote else []))
        return [self.save(statement, cites)]

    def make_decision(self, item):
        cites = {}
        maker, m_item = self.party(item, ("decision_maker",), "official", 0)
        body, b_item = (None, None) if maker else self.party(item, (), "organization", 0)
        countries, spans = self._countries(item)
        decision = PolicyDecision(
            title=str(item.value.get("title") or item.proposal.quote)[:300],
            decision_type=choice(item.value.get("decision_type"), DecisionType, "other"),
            description=str(item.value.get("description") or ""),
            decision_maker=maker,
            decision_maker_organization=body,
        )
        for at in spans:
            self.cite(cites, at, "countries")
        self.cite(cites, m_item, "decision_maker")
        self.cite(cites, b_item, "decision_maker_organization")
        unnamed = [
            name
            for name, filled in (
                ("decision_maker", maker and not m_item),
                ("decision_maker_organization", body and not b_item),
                ("countries", countries and not spans),
            )
            if filled
        ]
        if unnamed or not cites:
            # The decision's words: evidence that it was taken, and of what no name states.
            self.cite(cites, item, *unnamed)
        self.save(decision, cites, m2m={"countries": countries})
        stage_cites = {}
        stage = DecisionStage(
            decision=decision,
            sequence=1,
            status=choice(item.value.get("stage"), DecisionStatus, "under_consideration"),
        )
        stage.__dict__.update(self.dates(item, stage_cites, "date"))
        self.cite(stage_cites, item, "status")
        return [decision, self.save(stage, stage_cites)]

    def _countries(self, item) -> tuple[list, list]:
        """The countries a decision involves (named in its value, or related), and the words
        that name each."""
        refs = [r for r in item.value.get("countries") or [] if isinstance(r, str) and r]
        refs += [k for k in item.proposal.related if k.startswith("country:")]
        countries, spans = [], []
        for ref in dict.fromkeys(refs):
            found = self._named("country", ref)
            record = self.entity(found) if found is not None else named_record("country", ref)
            if record is None:
                raise Refused(f"no country has the id “{ref}”.")
            if record not in countries:
                countries.append(record)
            if found is not None:
                spans.append(self.span(found, item, ref))
        return countries, spans

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
            kind=choice(item.value.get("kind"), DesignationKind, DesignationKind.LISTED),
            status=choice(item.value.get("status"), DesignationStatus, "in_force"),
            list_name=str(item.value.get("list_name") or ""),
        )
        designation.__dict__.update(self.dates(item, cites, "start"))
        self.cite(cites, item, "status")
        self.cite(cites, o_item, "organization")
        self.cite(cites, w_item, "jurisdiction")
        self.cite(cites, a_item, "authority")
        return [self.save(designation, cites)]
