"""The review workflow: publish, retract, reopen, and the deletion of drafts.

draft ──publish──▶ published ──retract(reason)──▶ retracted ──reopen──▶ draft
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import capfirst

from core.corroboration import refresh_after
from core.models import CitableModel, Citation, PublicModel, ReviewState
from core.services.base import LIVE_STATES, EvidenceConflict, _locked, _save, label
from core.services.evidence_checks import (
    dependents,
    evidence_problems,
    published_problems,
    references,
)


def _require_state(record, state, message: str, *, then: str = "", error=ValidationError):
    """Each step of the review starts from one state; from any other it refuses with
    ``message`` and the state the record is in ("… ; Wire 12 is published.")."""
    if record.review_state != state:
        current = record.get_review_state_display().lower()
        raise error(f"{message}; {label(record)} is {current}." + (f" {then}" if then else ""))


def publishing_problems(record, citations):
    """What refuses publishing ``record`` on ``citations`` (empty: nothing), as
    ``record_publish`` and ``records_publish`` both check it."""
    for citation in citations:
        if citation.review_state == ReviewState.DRAFT:
            # A draft citation stands for the record as it is; publishing pins its values.
            citation.capture_values(record)
    return published_problems(record, citations=citations, states=LIVE_STATES)


@transaction.atomic
def record_publish(record: PublicModel, *, user, with_references: bool = False, _seen=None):
    """Publish a draft that stands on published records and evidence for each of its facts."""
    record = _locked(record)
    _require_state(record, ReviewState.DRAFT, "Only a draft can be published")
    seen = _seen if _seen is not None else set()
    seen.add((type(record), record.pk))
    citations = []
    if isinstance(record, CitableModel):
        citations = list(record.citations.select_related("source"))
    if with_references:
        targets = references(record) + [
            c.source for c in citations if c.review_state in LIVE_STATES
        ]
        if isinstance(record, Citation):
            targets.append(record.source)
        for target in targets:
            if target.review_state == ReviewState.DRAFT and (type(target), target.pk) not in seen:
                record_publish(target, user=user, with_references=True, _seen=seen)
        for citation in citations:
            citation.source.refresh_from_db()  # published just now, perhaps
    problems = publishing_problems(record, citations)
    if problems:
        raise ValidationError(problems)
    for citation in citations:
        if citation.review_state == ReviewState.DRAFT:
            citation.review_state = ReviewState.PUBLISHED
            _save(citation, user=user, reason="Published with the record it supports")
    record.review_state = ReviewState.PUBLISHED
    _save(record, user=user, reason="Published")
    refresh_after(record)
    return record


@transaction.atomic
def record_retract(record: PublicModel, *, reason: str, user) -> PublicModel:
    """Retract a published record, keeping it and the reason; it is never deleted."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("A retraction needs a reason.")
    record = _locked(record)
    _require_state(record, ReviewState.PUBLISHED, "Only a published record can be retracted")
    if isinstance(record, Citation):
        _check_citation_can_go(record)
    else:
        _check_no_dependents(record, "retracted")
    record.review_state = ReviewState.RETRACTED
    record.retraction_reason = reason
    _save(record, user=user, reason=f"Retracted: {reason}")
    refresh_after(record)
    return record


@transaction.atomic
def record_reopen(record: PublicModel, *, user) -> PublicModel:
    """Return a retracted record to draft, so it can be corrected and published again."""
    record = _locked(record)
    _require_state(record, ReviewState.RETRACTED, "Only a retracted record can be reopened")
    _check_no_dependents(record, "reopened")
    if isinstance(record, Citation):
        cited = record.record
        if cited is not None and cited.review_state == ReviewState.PUBLISHED:
            raise EvidenceConflict(
                "A citation of a published record is not reopened: add a new citation."
            )
    record.review_state = ReviewState.DRAFT
    record.retraction_reason = ""
    _save(record, user=user, reason="Reopened as draft")
    refresh_after(record)
    return record


def _check_no_dependents(record, verb: str) -> None:
    found = dependents(record)
    names = sorted(
        {
            label(d.record) if isinstance(d, Citation) and d.record else _label_with_state(d)
            for d in found
        }
    )
    if not found:
        return
    if all(d.review_state == ReviewState.PUBLISHED for d in found):
        raise EvidenceConflict(
            f"{capfirst(label(record))} cannot be {verb}: published records stand on it: "
            f"{'; '.join(names)}. Retract those first, or point them elsewhere."
        )
    raise EvidenceConflict(
        f"{capfirst(label(record))} cannot be {verb}: public records stand on it: "
        f"{'; '.join(names)}. A retracted record stays public with what it refers to: reopen "
        "it as a draft first (and point it elsewhere); retract or repoint a published one."
    )


def _label_with_state(record) -> str:
    if record.review_state == ReviewState.PUBLISHED:
        return label(record)
    return f"{label(record)} ({record.get_review_state_display().lower()})"


def _check_citation_can_go(citation: Citation) -> None:
    """A published record keeps a live citation, and support for each filled-in fact."""
    cited = citation.record
    if cited is None or cited.review_state != ReviewState.PUBLISHED:
        return
    others = list(cited.citations.exclude(pk=citation.pk).select_related("source"))
    problems = evidence_problems(cited, others)  # published evidence only
    if problems:
        raise EvidenceConflict(
            f"Citation {citation.pk} is evidence {label(cited)} needs: {' '.join(problems)} "
            "Add the replacement evidence first."
        )


@transaction.atomic
def record_delete(record: PublicModel, *, user) -> None:
    """Delete a draft. Anything that was ever public is retracted instead."""
    record = _locked(record)
    _require_state(
        record,
        ReviewState.DRAFT,
        "Only drafts are deleted",
        then="Retract it, with a reason, instead.",
        error=EvidenceConflict,
    )
    if isinstance(record, Citation):
        cited = record.record
        if cited is not None and cited.review_state == ReviewState.PUBLISHED:
            raise EvidenceConflict("A citation of a published record is retracted, not deleted.")
    if isinstance(record, CitableModel):
        public = record.citations.exclude(review_state=ReviewState.DRAFT)
        if public.exists():
            raise EvidenceConflict(
                f"{capfirst(label(record))} has public citations; retract it instead."
            )
    try:
        record._history_user = user
        record.delete()
    except models.ProtectedError as exc:
        names = sorted({label(obj) for obj in exc.protected_objects})
        raise EvidenceConflict(
            f"{capfirst(label(record))} is referred to by {'; '.join(names)}."
        ) from exc
