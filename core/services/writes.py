"""Creating and changing a record with its many-to-many values and its citations, in one call."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import capfirst

from core import support
from core.corroboration import refresh_after
from core.models import CitableModel, Citation, PublicModel, ReviewState, Source
from core.services.base import EvidenceConflict, _save, label
from core.services.citations import CitationInput, _withdraw, _write_citations
from core.services.evidence_checks import published_problems


@transaction.atomic
def record_save(
    record: PublicModel,
    *,
    user,
    m2m: dict | None = None,
    cite: list[CitationInput] = (),
    uncite: dict | None = None,
    remove: list[Citation] = (),
    withdraw: dict | None = None,
    reason: str = "",
    publish_sources: bool = False,
) -> PublicModel:
    """Create or change a record with its many-to-many values and citations, all or nothing.

    ``cite`` adds citations (supporting the values the record takes in this save);
    ``uncite`` maps citations to retract to their reasons; ``withdraw`` maps citations to
    ``{field: reason}``, the supports they withdraw; ``remove`` lists citations to delete
    (drafts of draft records only). A published record takes a new value only with a live
    citation that supports it, added in the same call. Review state is never changed here:
    that is what publish, retract and reopen are for, with one exception:
    ``publish_sources`` lets a published record cite a draft source, which is published in
    the same step by ``record_publish`` (its identity checks).
    """
    m2m = m2m or {}
    uncite = uncite or {}
    withdraw = withdraw or {}
    creating = record._state.adding
    origin_changed = False
    if not creating:
        stored = type(record)._default_manager.select_for_update().filter(pk=record.pk).first()
        if stored is None:
            raise ValidationError(f"{capfirst(label(record))} no longer exists.")
        origin_changed = isinstance(record, Source) and _origin_of(stored) != _origin_of(record)
        record.review_state = stored.review_state
        record.retraction_reason = stored.retraction_reason
        _check_editable(stored, record)
    _check_removable(record, remove)
    record.full_clean()
    _save(record, user=user, reason=reason or ("Created" if creating else "Changed"))
    for name, values in m2m.items():
        getattr(record, name).set(values)
    support.forget(record)
    citations = _write_citations(
        record, cite=cite, uncite=uncite, remove=remove, user=user, publish=publish_sources
    )
    for citation, fields in withdraw.items():
        for name, why in fields.items():
            _withdraw(citation, name, why, user=user)
    if withdraw:
        citations = list(record.citations.select_related("source"))
    if record.review_state == ReviewState.PUBLISHED:
        problems = published_problems(record, citations=citations)
        if problems and (uncite or remove or withdraw):
            # The evidence taken away is what the record needs: a conflict, not bad data.
            raise EvidenceConflict(problems)
        if problems:
            raise ValidationError(problems)
    if isinstance(record, CitableModel) or origin_changed:
        refresh_after(record)  # its corroboration, or that of every record citing the source
    return record


def _origin_of(source: Source) -> tuple:
    """What a source's independent origin is computed from (``core.corroboration``)."""
    return (source.origin, source.publisher, source.relays_id)


def _check_editable(stored, record) -> None:
    """A retracted record stays as it was withdrawn; a public record keeps its public id."""
    if stored.review_state == ReviewState.RETRACTED:
        raise EvidenceConflict(
            f"{capfirst(label(stored))} is retracted: it stays as it was withdrawn. Reopen it "
            "as a draft to correct it, then publish it again."
        )
    if stored.review_state != ReviewState.DRAFT and str(stored.public_id) != str(record.public_id):
        raise EvidenceConflict(
            f"The public id of {label(stored)} ({stored.public_id}) is stable once it was "
            "public: consumers and releases refer to it."
        )


def _check_removable(record, remove) -> None:
    public = [c for c in remove if c.review_state != ReviewState.DRAFT]
    if record.review_state == ReviewState.PUBLISHED:
        public = list(remove)
    if public:
        ids = ", ".join(str(c.pk) for c in public)
        raise EvidenceConflict(
            f"Published evidence is never deleted: citations {ids} would go. Retract each "
            "with a retraction_reason instead."
        )
