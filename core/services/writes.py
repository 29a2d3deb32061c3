"""Creating and changing a record with its many-to-many values and its citations, in one call."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import capfirst

from core import support
from core.corroboration import refresh_after, refresh_record
from core.models import CitableModel, Citation, PublicModel, ReviewState, Source
from core.services.base import LIVE_STATES, CitationsInvalid, EvidenceConflict, _save, label
from core.services.citations import CitationInput, _withdraw, _write_citations
from core.services.evidence_checks import _related_fields, published_problems
from core.services.sent import citation_changes


def record_save(
    record: PublicModel,
    *,
    user,
    m2m: dict | None = None,
    cite: list[CitationInput] = (),
    uncite: dict | None = None,
    remove: list[Citation] = (),
    withdraw: dict | None = None,
    sent: list[dict] | None = None,
    reason: str = "",
    publish_sources: bool = False,
    stored: PublicModel | None = None,
) -> PublicModel:
    """Create or change a record with its many-to-many values and citations, all or nothing.

    ``cite`` adds citations (supporting the values the record takes in this save);
    ``uncite`` maps citations to retract to their reasons; ``withdraw`` maps citations to
    ``{field: reason}``, the supports they withdraw; ``remove`` lists citations to delete
    (drafts of draft records only). ``sent`` is the alternative an API client gives: the
    record's whole list of citations, turned into those changes (``core.services.sent``).
    A published record takes a new value only with a live citation that supports it, added
    in the same call. Review state is never changed here: that is what publish, retract and
    reopen are for, with one exception: ``publish_sources`` lets a published record cite a
    draft source, which is published in the same step by ``record_publish`` (its identity
    checks).

    ``stored``: the record as the caller read it, locked, in this transaction, before its
    changes (``lock_record``); without it the row is locked and read here. Either way it is
    read once, validated once, and its citations are read once. The caller's transaction then
    holds the lock, and an error here ends it: no savepoint of its own.
    """
    with transaction.atomic(savepoint=stored is None):
        return _record_save(
            record,
            user=user,
            m2m=m2m or {},
            cite=cite,
            uncite=uncite,
            remove=remove,
            withdraw=withdraw,
            sent=sent,
            reason=reason,
            publish_sources=publish_sources,
            stored=stored,
        )


def _record_save(
    record, *, user, m2m, cite, uncite, remove, withdraw, sent, reason, publish_sources, stored
):
    creating = record._state.adding
    origin_changed = False
    if not creating:
        if stored is None:
            stored = lock_record(type(record)._default_manager.all(), pk=record.pk)
        if stored is None:
            raise ValidationError(f"{capfirst(label(record))} no longer exists.")
        origin_changed = isinstance(record, Source) and _origin_of(stored) != _origin_of(record)
        record.review_state = stored.review_state
        record.retraction_reason = stored.retraction_reason
    if sent is None:
        if not creating:
            _check_editable(stored, record)
        _check_removable(record, remove)
        validate(record, stored)
    else:
        validate(record, stored)  # the record's own errors first, as it was sent
        if not creating:
            _check_editable(stored, record)
    live = live_citations(record)
    if sent is not None:
        if not isinstance(record, CitableModel):
            raise ValidationError({"citations": f"A {record._meta.verbose_name} cites nothing."})
        changes = citation_changes(sent, live)
        cite, uncite, remove, withdraw = (
            changes.cite,
            changes.uncite,
            changes.remove,
            changes.withdraw,
        )
        _check_removable(record, remove)
    uncite = uncite or {}
    withdraw = withdraw or {}
    reason = reason or ("Created" if creating else "Changed")
    if creating:
        _save(record, user=user, reason=reason)  # what its values and citations refer to
    for name, values in m2m.items():
        getattr(record, name).set(values)
    support.forget(record)
    try:
        citations = _write_citations(
            record,
            cite=cite,
            uncite=uncite,
            remove=remove,
            user=user,
            live=live,
            publish=publish_sources,
        )
    except CitationsInvalid as exc:
        if sent is None:
            raise
        # Each error at the place of its citation in the list sent.
        errors = [{} for _ in sent]
        for position, item_errors in zip(changes.positions, exc.items, strict=True):
            errors[position] = item_errors
        raise CitationsInvalid(errors) from exc
    for citation, fields in withdraw.items():
        for name, why in fields.items():
            _withdraw(citation, name, why, user=user)
    # The withdrawing citations as they are now (a caller's objects, perhaps not ``live``'s).
    withdrawn = {c.pk: c for c in withdraw}
    citations = [withdrawn.get(c.pk, c) for c in citations]
    if record.review_state == ReviewState.PUBLISHED:
        problems = published_problems(
            record, citations=citations, changed_relations=_changed_relations(record, stored, m2m)
        )
        if problems and (uncite or remove or withdraw):
            # The evidence taken away is what the record needs: a conflict, not bad data.
            raise EvidenceConflict(problems)
        if problems:
            raise ValidationError(problems)
    if isinstance(record, CitableModel):
        # Its corroboration, from the citations in hand: stored with the change itself (one
        # UPDATE, in its history), or after a new record's first save.
        refresh_record(record, citations, store=creating)
    if not creating:
        _save(record, user=user, reason=reason)
    if origin_changed:
        refresh_after(record)  # the corroboration of every record citing the source
    return record


def _changed_relations(record, stored, m2m: dict) -> set[str] | None:
    """The relations of a published ``record`` that this save sets to something else (None:
    all of them, for a record that was not published when read)."""
    if stored is None or stored.review_state != ReviewState.PUBLISHED:
        return None
    return {
        f.name
        for f in _related_fields(type(record))
        if (
            f.name in m2m
            if f.many_to_many
            else getattr(record, f.attname) != getattr(stored, f.attname)
        )
    }


def lock_record(queryset, **lookup) -> PublicModel | None:
    """The record ``lookup`` finds in ``queryset``, read once and locked until the end of the
    transaction (None if there is none): what a write checks and changes."""
    return queryset.select_for_update(of=("self",)).filter(**lookup).first()


def live_citations(record) -> list[Citation]:
    """The record's draft and published citations, with their sources (one query)."""
    if record._state.adding or not isinstance(record, CitableModel):
        return []
    return list(record.citations.select_related("source").filter(review_state__in=LIVE_STATES))


def check_fields(record, *, batched: bool = False) -> None:
    """A new record's own rules (``full_clean``). ``batched`` (``records_create``): less those
    that ask the database one row at a time (its references exist, its unique values, the
    table's constraints), which the batch checks in one query each, or the database itself."""
    if not batched:
        record.full_clean()
        return
    relations = [f.name for f in record._meta.concrete_fields if f.is_relation]
    record.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)


def validate(record, stored=None) -> None:
    """``record.full_clean()``, once, without asking the database what it already knows:
    that the related records it still names exist (foreign keys left as they were stored),
    and that a unique value left as stored is still its own."""
    if stored is None:
        record.full_clean()
        return
    unchanged = {
        f.name
        for f in record._meta.concrete_fields
        if getattr(record, f.attname) == getattr(stored, f.attname)
    }
    known = {f.name for f in record._meta.concrete_fields if f.is_relation} & unchanged
    errors = {}
    try:
        record.clean_fields(exclude=known)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    try:
        record.clean()
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    failed = set(errors)
    # A single-field unique value as stored is still unique (its index says so); values
    # unique together are asked whenever one of them is checked.
    together = {name for check in _together(record) for name in check}
    try:
        record.validate_unique(exclude=failed | (unchanged - together))
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    try:
        # A check of fields all left as stored held when they were stored.
        record.validate_constraints(exclude=failed, unchanged=unchanged)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _together(record) -> list[tuple]:
    """The fields that are unique together (``unique_together`` and unique constraints)."""
    unique_checks, _date_checks = record._get_unique_checks()
    return [fields for _model, fields in unique_checks if len(fields) > 1]


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
