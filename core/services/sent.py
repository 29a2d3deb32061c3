"""A record's citations as a client sends them, turned into changes of its evidence.

An API write lists the record's citations: each one it keeps (by ``id``, or by its source,
quote and locator), each one it adds, and nothing of those it drops. Sent with a
``retraction_reason``, a kept citation is retracted; sent with a field added to
``withdrawn``, it withdraws its support for that field (a withdrawal is never taken back).
A live citation left out is deleted, which ``record_save`` refuses for published evidence.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from core.models import Citation
from core.services.base import EvidenceConflict
from core.services.citations import CitationInput

#: What a client may send with an existing citation: any difference is an attempted edit.
EDITABLE_EVIDENCE = ("quote", "locator", "supports", "contradicts", "stated", "inferred", "note")


class SentCitationsInvalid(ValidationError):
    """The citations sent cannot be read as changes: ``errors`` is what the API answers for
    its ``citations`` field (a message, or one error object per citation sent)."""

    def __init__(self, errors: list):
        super().__init__("The citations sent are invalid.")
        self.errors = errors


@dataclass
class CitationChanges:
    """What a list of sent citations asks of the record's evidence (``record_save``'s
    arguments), and where each citation to add was in the list (for its errors)."""

    cite: list[CitationInput] = field(default_factory=list)
    uncite: dict = field(default_factory=dict)
    remove: list[Citation] = field(default_factory=list)
    withdraw: dict = field(default_factory=dict)
    positions: list[int] = field(default_factory=list)


def citation_changes(sent: list[dict], live: list[Citation]) -> CitationChanges:
    """``sent`` (dicts of the citation fields, ``source`` a ``Source``) against the record's
    ``live`` citations (drafts and published ones) → the changes they ask for."""
    existing = {c.pk: c for c in live}
    by_content = {(c.source_id, c.quote, c.locator): c for c in live}
    changes, kept = CitationChanges(), set()
    for position, item in enumerate(sent):
        known = existing.get(item.get("id")) or by_content.get(
            (item["source"].pk, item.get("quote", ""), item.get("locator", ""))
        )
        if item.get("id") and known is None:
            raise SentCitationsInvalid([f"No live citation {item['id']} on this record."])
        if known is not None:
            kept.add(known.pk)
            if item.get("retraction_reason"):
                changes.uncite[known] = item["retraction_reason"]
            elif "withdrawn" in item:
                changes.withdraw.update(_withdrawals(known, item["withdrawn"], position, len(sent)))
            elif item.get("id") and _edits(known, item):
                raise EvidenceConflict(
                    f"Citation {known.pk} is {known.review_state}: its evidence does not "
                    "change. Send it with a retraction_reason, and add the new one."
                )
            continue
        if item.get("withdrawn"):
            raise SentCitationsInvalid(
                _at(
                    position,
                    len(sent),
                    "A new citation withdraws nothing: leave the field out of its supports.",
                )
            )
        changes.positions.append(position)
        changes.cite.append(
            CitationInput(
                source=item["source"],
                quote=item.get("quote", ""),
                start=item.get("start"),
                locator=item.get("locator", ""),
                supports=item.get("supports", []),
                contradicts=item.get("contradicts", []),
                stated=item.get("stated", {}),
                inferred=item.get("inferred", False),
                note=item.get("note", ""),
            )
        )
    changes.remove = [c for pk, c in existing.items() if pk not in kept]
    return changes


def _edits(citation, item) -> list[str]:
    """The fields of ``item`` (sent with an existing citation's id) that would change it."""
    sent = {key: value for key, value in item.items() if key in EDITABLE_EVIDENCE}
    return [key for key, value in sent.items() if getattr(citation, key) != value]


def _at(position: int, count: int, message: str) -> list[dict]:
    """The errors of a list of ``count`` citations: ``message`` on the ``withdrawn`` of the
    one at ``position``."""
    errors = [{} for _ in range(count)]
    errors[position] = {"withdrawn": [message]}
    return errors


def _withdrawals(citation, sent: dict, position: int, count: int) -> dict:
    """``{citation: {field: reason}}`` for the fields ``sent`` adds to its ``withdrawn``.

    Sending back what was read changes nothing; a withdrawal left out or reworded would take
    it back, which is refused (409), as an edit of the evidence is.
    """
    stored = citation.withdrawn or {}
    taken_back = sorted(name for name, why in stored.items() if sent.get(name) != why)
    if taken_back:
        raise EvidenceConflict(
            f"Citation {citation.pk} withdrew its support for {', '.join(taken_back)}, with "
            "a reason: a withdrawal is never taken back nor reworded. Send it as it was read."
        )
    added = {name: why for name, why in sent.items() if name not in stored}
    unknown = sorted(name for name in added if name not in citation.supports)
    if unknown:
        raise SentCitationsInvalid(
            _at(
                position,
                count,
                f"Citation {citation.pk} does not support {', '.join(unknown)}: there is no "
                f"support to withdraw (it supports {citation.supports}).",
            )
        )
    return {citation: added} if added else {}
