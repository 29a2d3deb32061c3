"""What each record of a pair's timeline says, in one line ("what changed").

Numbers read as people read them (``core.measures``): "up to 2,000,000 t a year".
"""

from core.measures import format_measure
from diplomacy.models import Designation, DesignationChange, PolicyDecision, Statement
from trade.models import Commitment, CommitmentPer, Shipment

PER_WORDS = {
    CommitmentPer.YEAR: "a year",
    CommitmentPer.MONTH: "a month",
    CommitmentPer.TOTAL: "in total",
}


def _commitment(c: Commitment) -> str:
    parts = [f"{c.supplier.iso2} to supply {c.commodity} to {c.recipient.iso2}"]
    amount = format_measure(c.quantity, c.unit, qualifier=c.quantity_qualifier)
    if amount:
        parts[0] += f": {amount} {PER_WORDS.get(c.per, '')}".rstrip()
    term = " to ".join(d for d in (c.start or c.start_note, c.end or c.end_note) if d)
    if term:
        parts.append(f"term {term}")
    if c.price_terms:
        parts.append(c.price_terms.rstrip("."))
    if c.currency:
        parts.append(f"paid in {c.currency}")
    if c.transport_modes:
        parts.append("by " + ", ".join(c.transport_modes))
    return "; ".join(parts)


def _shipment(s: Shipment) -> str:
    # The record's name already says what and between whom ("Wheat RU→AF").
    amount = format_measure(s.quantity, s.unit, qualifier=s.quantity_qualifier)
    return f"{s.get_status_display()}: {amount}" if amount else s.get_status_display()


def _decision(d: PolicyDecision, stage) -> str:
    if stage is False:
        return "No stage yet on that day"
    status = stage.get_status_display() if stage else d.get_status_display()
    return status or "No stage"


def _statement(s: Statement) -> str:
    speaker = s.speaker or s.speaker_organization or s.speaker_country
    return f"{s.get_mode_display()} of {speaker}"


def summary(record, stage=None) -> str:
    """One line for ``record`` (``stage``: a decision's stage on the ``as_of`` day, ``False``
    when it had none yet, ``None`` for its current status)."""
    if isinstance(record, Commitment):
        return _commitment(record)
    if isinstance(record, Shipment):
        return _shipment(record)
    if isinstance(record, PolicyDecision):
        return _decision(record, stage)
    if isinstance(record, Designation):
        return record.get_status_display()
    if isinstance(record, DesignationChange):
        return f"{record.get_status_display()}: {record.description}".rstrip(": ")
    if isinstance(record, Statement):
        return _statement(record)
    return str(record)
