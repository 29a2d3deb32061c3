"""The review workflow: the only way a record's review state changes.

Transitions::

    draft ──publish──▶ published ──retract(reason)──▶ retracted ──reopen──▶ draft

* **publish** (draft → published). A citable record (every ``CitableModel``) needs at least
  one *supporting* citation: one that is not retracted and whose source is not retracted.
  Publishing also publishes the record's draft supporting citations and their draft sources,
  so that a public record always leads to a public quote in a public source. Citations of a
  retracted source are left as they are.
* **retract** (published → retracted) needs a non-empty reason, kept in ``retraction_reason``.
  Nothing is deleted. A draft cannot be retracted: it was never public, so it is edited or
  deleted instead. A citation or source cannot be retracted while it is the last support of
  a published record, since that would leave a public fact without evidence; the record is
  retracted first, or given another citation.
* **reopen** (retracted → draft) lets a curator correct a retracted record and publish it
  again through the same checks. The reason is cleared on the record; the history keeps it,
  with who retracted it and when.

There is deliberately no published → draft step: a public record leaves public view only by
retraction, with its reason, so that consumers who used it learn why it went.

Every change goes through ``save()`` (never ``QuerySet.update()``), so the history records it
with the acting user and a change reason. Refused transitions raise ``ValidationError`` and
change nothing. Each service reloads the record under a row lock (``select_for_update``; on
SQLite the IMMEDIATE transaction serializes writers), so unsaved changes to the instance
passed in are discarded: services change the review state, never content.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import capfirst

from config.models import PublicModel, ReviewState
from diplomacy.models import CitableModel, Citation, Source


def _locked(record: PublicModel) -> PublicModel:
    """Reload ``record`` in place from a locked row: the checks below see committed data."""
    model = type(record)
    if not model._default_manager.select_for_update().filter(pk=record.pk).exists():
        raise ValidationError(f"{capfirst(model._meta.verbose_name)} “{record}” no longer exists.")
    record.refresh_from_db()
    return record


def _save(record: PublicModel, *, user, reason: str) -> None:
    record._history_user = user
    record._change_reason = reason
    record.save()


def _label(record: PublicModel) -> str:
    return f"{record._meta.verbose_name} “{record}”"


def _supporting_citations(record: CitableModel):
    return record.citations.exclude(review_state=ReviewState.RETRACTED).exclude(
        source__review_state=ReviewState.RETRACTED
    )


@transaction.atomic
def record_publish(record: PublicModel, *, user) -> PublicModel:
    """Publish a draft; a citable record needs a supporting citation, which is published too."""
    record = _locked(record)
    if record.review_state != ReviewState.DRAFT:
        raise ValidationError(
            f"Only a draft can be published; {_label(record)} is "
            f"{record.get_review_state_display().lower()}."
        )
    citations = []
    if isinstance(record, CitableModel):
        citations = list(_supporting_citations(record).select_related("source"))
        if not citations:
            raise ValidationError(
                f"{capfirst(_label(record))} has no citation of a source that is not "
                "retracted. Add a citation with its quote before publishing."
            )
    if isinstance(record, Citation):
        citations = [record]
    sources = {citation.source_id: citation.source for citation in citations}
    for source in sources.values():
        if source.review_state == ReviewState.RETRACTED:
            raise ValidationError(f"The cited source “{source}” is retracted.")
        if source.review_state == ReviewState.DRAFT:
            source.review_state = ReviewState.PUBLISHED
            _save(source, user=user, reason=f"Published with {_label(record)}")
    for citation in citations:
        if citation is not record and citation.review_state == ReviewState.DRAFT:
            citation.review_state = ReviewState.PUBLISHED
            _save(citation, user=user, reason=f"Published with {_label(record)}")
    record.review_state = ReviewState.PUBLISHED
    _save(record, user=user, reason="Published")
    return record


def _records_left_unsupported(record: PublicModel) -> list[str]:
    """Published records whose every supporting citation goes if ``record`` is retracted."""
    if isinstance(record, Citation):
        doomed = Citation.objects.filter(pk=record.pk)
    elif isinstance(record, Source):
        doomed = record.citations.all()
    else:
        return []
    orphans = []
    for citation in doomed.exclude(review_state=ReviewState.RETRACTED):
        cited = citation.record
        if cited is None or cited.review_state != ReviewState.PUBLISHED:
            continue
        others = _supporting_citations(cited).exclude(pk__in=doomed.values("pk"))
        if not others.exists():
            orphans.append(_label(cited))
    return sorted(set(orphans))


@transaction.atomic
def record_retract(record: PublicModel, *, reason: str, user) -> PublicModel:
    """Retract a published record, keeping it and the reason; it is never deleted."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("A retraction needs a reason.")
    record = _locked(record)
    if record.review_state != ReviewState.PUBLISHED:
        raise ValidationError(
            f"Only a published record can be retracted; {_label(record)} is "
            f"{record.get_review_state_display().lower()}."
        )
    orphans = _records_left_unsupported(record)
    if orphans:
        raise ValidationError(
            f"{capfirst(_label(record))} is the last evidence of published records: "
            f"{'; '.join(orphans)}. Retract those first, or cite them elsewhere."
        )
    record.review_state = ReviewState.RETRACTED
    record.retraction_reason = reason
    _save(record, user=user, reason=f"Retracted: {reason}")
    return record


@transaction.atomic
def record_reopen(record: PublicModel, *, user) -> PublicModel:
    """Return a retracted record to draft, so it can be corrected and published again."""
    record = _locked(record)
    if record.review_state != ReviewState.RETRACTED:
        raise ValidationError(
            f"Only a retracted record can be reopened; {_label(record)} is "
            f"{record.get_review_state_display().lower()}."
        )
    record.review_state = ReviewState.DRAFT
    record.retraction_reason = ""
    _save(record, user=user, reason="Reopened as draft")
    return record
