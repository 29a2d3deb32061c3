"""The one write path: every change of records and citations, from every channel.

The admin, the API, the loader and the management commands call these services and hold no
rules of their own. Each service runs in one transaction, on rows it has locked, and either
changes everything it was asked to or nothing.

The review workflow::

    draft ──publish──▶ published ──retract(reason)──▶ retracted ──reopen──▶ draft

The rules (``ValidationError`` for bad data, ``EvidenceConflict`` when the request would
destroy or orphan published evidence):

* **Published evidence is never deleted.** Only drafts are deleted. A citation of a
  published record is retracted with a reason; the last live citation of a published record,
  or the last one supporting one of its filled-in factual fields, cannot be retracted.
* **Every citation is checked** (``Citation.check_evidence``): a quote found at its span in a
  text source, or a locator in a dataset, and ``supports`` naming factual fields.
* **Cited text is frozen** (``Source.check_change``).
* **Published stands on published.** A record is published only when everything it refers
  to (related records, the sources of its evidence) is published; ``with_references``
  publishes those drafts first, through the same checks (``publish_sources`` on a save, the
  draft sources a published record newly cites). A record that public records (published or
  retracted) refer to cannot be retracted or reopened, nor deleted.
* **Field-level evidence.** A published record's every filled-in factual field is supported
  by a live citation, and a measure (a quantity with its unit, money with its currency, and
  its qualifier) is given by a quote that supports it (``core.measures``). A date known only
  as a note is supported by a quote with the note's words (``core.notes``).
* **Support is per value** (``core.support``). A citation supports the values its fields
  held when it was cited; a published record takes a new value only with a citation of it
  in the same call. A citation's support for one field is withdrawn with a reason
  (``citation_withdraw_support``), never taken back, and never from the last support.
"""

import json
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.text import capfirst

from config.api.cache import bump_dataset_version
from core import support
from core.canonical import sorted_json
from core.corroboration import refresh_after, refresh_records
from core.history import current_channel
from core.measures import measure_problems
from core.models import Change, CitableModel, Citation, PublicModel, ReviewState, Source
from core.models.changes import change_for
from core.notes import note_only, note_problem, quote_states_note
from core.visibility import PUBLIC_STATES

LIVE_STATES = (ReviewState.DRAFT, ReviewState.PUBLISHED)
#: What a published record stands on: its published citations of published sources.
PUBLIC_EVIDENCE = (ReviewState.PUBLISHED,)


class EvidenceConflict(ValidationError):
    """The change would delete or orphan published evidence (the API answers 409)."""


class CitationsInvalid(ValidationError):
    """Some citations to add are invalid: ``items`` holds each one's errors, in order."""

    def __init__(self, items: list[dict]):
        super().__init__("Some citations are invalid.")
        self.items = items


def label(record) -> str:
    return f"{record._meta.verbose_name} “{record}”"


# --- what a record stands on, and what stands on it ----------------------------------------


def _related_fields(model):
    for f in model._meta.get_fields():
        if not f.is_relation or (f.auto_created and not f.concrete):
            continue
        target = f.related_model
        if (
            isinstance(target, type)
            and issubclass(target, PublicModel)
            and (f.concrete or f.many_to_many)
        ):
            yield f


def references(record, *, m2m: dict | None = None) -> list[PublicModel]:
    """The records ``record`` refers to: its related records (``m2m`` overrides the stored
    many-to-many values, for a record not yet saved as it will be)."""
    found = []
    for f in _related_fields(type(record)):
        if f.many_to_many:
            if m2m is not None and f.name in m2m:
                found.extend(m2m[f.name])
            elif record.pk and not record._state.adding:
                found.extend(getattr(record, f.name).all())
        else:
            target = getattr(record, f.name, None)
            if target is not None and target.pk != record.pk:
                found.append(target)
    return found


def dependents(record) -> list[PublicModel]:
    """Public records (published or retracted) that refer to ``record``, or, for a source,
    published citations of it.

    A retracted record is still public knowledge, shown with what it refers to: if what it
    stands on became a draft, readers would see the draft (or nothing) in its place.
    """
    found = []
    if isinstance(record, Source):
        for citation in record.citations.filter(review_state=ReviewState.PUBLISHED):
            found.append(citation)
    for rel in record._meta.related_objects:
        model = rel.related_model
        if not (isinstance(model, type) and issubclass(model, PublicModel)):
            continue
        if rel.many_to_many:
            accessor = rel.get_accessor_name()
            queryset = getattr(record, accessor).all()
        elif rel.one_to_many or rel.one_to_one:
            queryset = model._default_manager.filter(**{rel.field.name: record})
        else:
            continue
        # A retracted citation is no longer shown as evidence; a retracted record still is.
        states = (ReviewState.PUBLISHED,) if model is Citation else PUBLIC_STATES
        found.extend(queryset.filter(review_state__in=states).exclude(pk=record.pk))
    return found


# --- field-level evidence ------------------------------------------------------------------


def is_filled(record, name: str, m2m: dict | None = None) -> bool:
    f = record._meta.get_field(name)
    if f.many_to_many:
        if m2m is not None and name in m2m:
            return bool(m2m[name])
        return bool(record.pk) and not record._state.adding and getattr(record, name).exists()
    if f.is_relation:
        return getattr(record, f.attname) is not None
    value = getattr(record, name)
    note = getattr(record, f"{name}_note", "")  # a fuzzy date known only in words
    # An empty list (transport modes, say) states nothing, as an empty text does not.
    return value not in (None, "", []) or bool(note)


def evidence_problems(
    record, citations, *, m2m: dict | None = None, states=PUBLIC_EVIDENCE
) -> list[str]:
    """What keeps ``record`` from standing as published on ``citations``: those in ``states``
    (published ones; drafts too when they are about to be published with it) count."""
    problems = []
    live = [c for c in citations if c.review_state in states]
    live = [
        c
        for c in live
        if c.source.review_state == ReviewState.PUBLISHED or (c.source.review_state in states)
    ]
    if not live:
        return [
            f"{capfirst(label(record))} has no citation of a source that is not retracted. "
            "Cite the evidence, with its quote, first."
        ]
    missing, notes, backed = [], [], {}
    elsewhere = record.fields_evidenced_elsewhere()
    for name in type(record).factual_fields:
        if name in elsewhere or not is_filled(record, name, m2m):
            continue
        value = support.field_value(record, name, m2m)
        backing = [c for c in live if support.supports(c, name, value)]
        if backing:
            backed.update((id(c), c) for c in backing)
            continue
        if note_only(record, name):
            # A date known only in words stands on a quote that has those words.
            if not any(quote_states_note(c, record, name) for c in live):
                notes.append(name)
            continue
        stale = support.stale_problem(record, name, value, live)
        if stale:
            problems.append(stale)
        else:
            missing.append(name)
    if missing:
        problems.insert(
            0,
            f"No citation supports {', '.join(missing)}: on the citation whose quote states "
            f'them, tick {", ".join(missing)} under “Supports” (API: "supports": '
            f"{json.dumps(missing)}); or empty those fields if no source states them.",
        )
    problems += [note_problem(record, name) for name in notes]
    problems += measure_problems(record, list(backed.values()))
    return problems


def reference_problems(record, *, m2m: dict | None = None, citations=()) -> list[str]:
    drafts = [r for r in references(record, m2m=m2m) if r.review_state != ReviewState.PUBLISHED]
    drafts += [
        c.source
        for c in citations
        if c.review_state in LIVE_STATES and c.source.review_state == ReviewState.DRAFT
    ]
    if not drafts:
        return []
    names = sorted({f"{label(r)} ({r.get_review_state_display().lower()})" for r in drafts})
    return [
        "A published record stands only on published records; these are not published: "
        f"{'; '.join(names)}. Publish them first (or publish with with_references=true)."
    ]


def published_problems(
    record, *, m2m: dict | None = None, citations=None, states=PUBLIC_EVIDENCE
) -> list[str]:
    """Everything a published ``record`` must satisfy, as it is (or as it will be).

    ``states``: the citations that count as its evidence (drafts too when they are about to
    be published with it).
    """
    if citations is None:
        citations = (
            list(record.citations.select_related("source"))
            if isinstance(record, CitableModel)
            else []
        )
    problems = reference_problems(record, m2m=m2m, citations=citations)
    if isinstance(record, CitableModel):
        problems += evidence_problems(record, citations, m2m=m2m, states=states)
    if isinstance(record, Citation):
        problems += _citation_publish_problems(record)
    if isinstance(record, Source):
        problems += record.identity_problems()
    return problems


# --- locking and saving ----------------------------------------------------------------------


def _locked(record: PublicModel) -> PublicModel:
    """Reload ``record`` in place from a locked row: the checks below see committed data."""
    model = type(record)
    if not model._default_manager.select_for_update().filter(pk=record.pk).exists():
        raise ValidationError(f"{capfirst(label(record))} no longer exists.")
    record.refresh_from_db()
    return record


def _save(record: PublicModel, *, user, reason: str) -> None:
    record._history_user = user
    record._change_reason = reason
    record.save()


# --- review ------------------------------------------------------------------------------------


@transaction.atomic
def record_publish(record: PublicModel, *, user, with_references: bool = False, _seen=None):
    """Publish a draft that stands on published records and evidence for each of its facts."""
    record = _locked(record)
    if record.review_state != ReviewState.DRAFT:
        raise ValidationError(
            f"Only a draft can be published; {label(record)} is "
            f"{record.get_review_state_display().lower()}."
        )
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
    for citation in citations:
        if citation.review_state == ReviewState.DRAFT:
            # A draft citation stands for the record as it is; publishing pins its values.
            citation.capture_values(record)
    problems = published_problems(record, citations=citations, states=LIVE_STATES)
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


def _citation_publish_problems(citation: Citation) -> list[str]:
    """A public citation supports a public record (and quotes a public source: a reference)."""
    cited = citation.record
    if cited is None or cited.review_state != ReviewState.PUBLISHED:
        return [
            "A citation is published with the record it supports: publish the record, and its "
            "citations are published with it."
        ]
    return []


@transaction.atomic
def record_retract(record: PublicModel, *, reason: str, user) -> PublicModel:
    """Retract a published record, keeping it and the reason; it is never deleted."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("A retraction needs a reason.")
    record = _locked(record)
    if record.review_state != ReviewState.PUBLISHED:
        raise ValidationError(
            f"Only a published record can be retracted; {label(record)} is "
            f"{record.get_review_state_display().lower()}."
        )
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
    if record.review_state != ReviewState.RETRACTED:
        raise ValidationError(
            f"Only a retracted record can be reopened; {label(record)} is "
            f"{record.get_review_state_display().lower()}."
        )
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


# --- create, update, delete ------------------------------------------------------------------


@dataclass
class CitationInput:
    """A citation to add, as every channel describes it."""

    source: Source
    quote: str = ""
    start: int | None = None
    locator: str = ""
    supports: list[str] = field(default_factory=list)
    contradicts: list[str] = field(default_factory=list)
    stated: dict = field(default_factory=dict)
    inferred: bool = False
    note: str = ""


def new_citation(record, item: CitationInput, *, m2m: dict | None = None) -> Citation:
    """The citation ``item`` describes, of ``record``, unsaved: it supports the values the
    record holds now (``m2m``: its many-to-many values as they will be saved)."""
    return Citation(
        source=item.source,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        quote=item.quote,
        start=item.start,
        locator=item.locator,
        supports=list(item.supports),
        contradicts=list(item.contradicts),
        stated=dict(item.stated),
        supported_values=support.captured_values(record, item.supports, m2m),
        inferred=item.inferred,
        note=item.note,
        review_state=(
            ReviewState.PUBLISHED
            if record.review_state == ReviewState.PUBLISHED
            else ReviewState.DRAFT
        ),
    )


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
    check_fields(record)
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


def check_fields(record, *, batched: bool = False) -> None:
    """A record's own rules (``full_clean``). ``batched`` (``records_create``): less those
    that ask the database one row at a time (its references exist, its unique values, the
    table's constraints), which the batch checks in one query each, or the database itself."""
    if not batched:
        record.full_clean()
        return
    relations = [f.name for f in record._meta.concrete_fields if f.is_relation]
    record.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)


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


def _source_problems(source: Source, *, user, publish: bool) -> list[str]:
    """Why a published record may not cite ``source`` (publishing it now if asked and able)."""
    if source.review_state == ReviewState.PUBLISHED:
        return []
    if source.review_state == ReviewState.DRAFT and publish:
        try:
            with transaction.atomic():
                record_publish(source, user=user)  # refreshes ``source`` in place
        except ValidationError as exc:
            return [f"“{source}” cannot be published with this change: {' '.join(exc.messages)}"]
        return []
    if source.review_state == ReviewState.DRAFT:
        return [
            f"“{source}” is not published: a published record cites published sources only. "
            "Publish it first, or save with with_references=true (in the admin: save the "
            "form) to publish it in the same step, through the same checks."
        ]
    return [
        f"“{source}” is retracted: a published record cites published sources only. Cite "
        "another source, or reopen and publish this one first."
    ]


#: Citations one save may add: a record's evidence is a handful of quotes, and each is
#: checked against its source's text (thousands in one request would hold a worker for a
#: minute). More are added in further saves.
MAX_CITATIONS_PER_SAVE = 100


def _same_citation(item: CitationInput) -> tuple:
    return (item.source.pk, item.quote, item.start, item.locator)


def checked_citation(record, item: CitationInput, seen: set, *, user, publish=False, batched=False):
    """``(citation, {})``: the citation ``item`` describes, unsaved, that passed every rule of
    a new citation; or ``(None, errors by field)``. ``seen``: the citations of this save so
    far (the same one twice is refused).

    ``batched`` (``records_create``): the checks that ask the database one row at a time (its
    record and source exist, a unique id, the table's constraints) are made once per batch by
    the caller instead; the others are the same calls.
    """
    if _same_citation(item) in seen:
        return None, {"quote": ["The same citation (source, quote, span) is sent twice."]}
    seen.add(_same_citation(item))
    citation = new_citation(record, item)
    if citation.review_state == ReviewState.PUBLISHED:
        problems = _source_problems(item.source, user=user, publish=publish)
        if problems:
            return None, {"source": problems}
    try:
        if batched:
            citation.clean_fields(exclude=("source", "content_type"))
            citation.check_evidence(bound=False)  # clean() but the record's existence
        else:
            citation.full_clean()
    except ValidationError as exc:
        return None, exc.message_dict
    return citation, {}


def citation_inputs_problem(cite) -> dict:
    """What is wrong with the number of citations one save adds ({} if nothing)."""
    if len(cite) > MAX_CITATIONS_PER_SAVE:
        return {"citations": f"At most {MAX_CITATIONS_PER_SAVE} new citations in one save."}
    return {}


def _write_citations(record, *, cite, uncite, remove, user, publish=False) -> list[Citation]:
    if not isinstance(record, CitableModel):
        if cite or uncite or remove:
            raise ValidationError({"citations": f"A {record._meta.verbose_name} cites nothing."})
        return []
    if citation_inputs_problem(cite):
        raise ValidationError(citation_inputs_problem(cite))
    for citation in remove:
        citation.delete()
    errors, seen = [], set()
    for item in cite:
        citation, problems = checked_citation(record, item, seen, user=user, publish=publish)
        if problems:
            errors.append(problems)
            continue
        _save(citation, user=user, reason="Cited")
        errors.append({})
    if any(errors):
        raise CitationsInvalid(errors)
    for citation, reason in uncite.items():
        if not (reason or "").strip():
            raise ValidationError(
                {"citations": [f"Retracting citation {citation.pk} needs a retraction_reason."]}
            )
        if citation.review_state == ReviewState.PUBLISHED:
            citation.refresh_from_db()
            citation.review_state = ReviewState.RETRACTED
            citation.retraction_reason = reason.strip()
            _save(citation, user=user, reason=f"Retracted: {reason.strip()}")
        elif citation.review_state == ReviewState.DRAFT:
            citation.delete()
    return list(record.citations.select_related("source"))


@transaction.atomic
def record_delete(record: PublicModel, *, user) -> None:
    """Delete a draft. Anything that was ever public is retracted instead."""
    record = _locked(record)
    if record.review_state != ReviewState.DRAFT:
        raise EvidenceConflict(
            f"Only drafts are deleted; {label(record)} is "
            f"{record.get_review_state_display().lower()}. Retract it, with a reason, instead."
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


def citations_capture_values(citations) -> None:
    """Pin the values citations came without (a release older than per-value support): each
    supports what its record holds now. For the loader, whose saves are raw."""
    for citation in citations:
        captured = citation.supported_values or {}
        missing = [name for name in citation.supports if name not in captured]
        record = citation.record
        if record is None or not missing:
            continue
        citation.supported_values = sorted_json(
            {**captured, **support.captured_values(record, missing)}
        )
        Citation.objects.filter(pk=citation.pk).update(supported_values=citation.supported_values)


# --- withdrawing a citation's support for one field --------------------------------------------


@transaction.atomic
def citation_withdraw_support(citation: Citation, *, field: str, reason: str, user) -> Citation:
    """Withdraw ``citation``'s support for the record's field ``field``, keeping the reason.

    The one change a public citation takes (``Citation.check_change``): the citation stays,
    and no longer counts as evidence of that field. Refused (``EvidenceConflict``) when a
    published record's filled-in field would be left with no live support.
    """
    citation = _locked(citation)
    cited = citation.record
    if cited is not None:
        _locked(cited)  # two withdrawals at once cannot each count on the other's support
    _withdraw(citation, field, reason, user=user)
    if cited is not None and cited.review_state == ReviewState.PUBLISHED:
        problems = evidence_problems(cited, list(cited.citations.select_related("source")))
        if problems:
            raise EvidenceConflict(
                f"Citation {citation.pk} is the support of {field} that {label(cited)} "
                f"needs: {' '.join(problems)} Add the replacement evidence first."
            )
    return citation


def _withdraw(citation: Citation, name: str, reason: str, *, user) -> None:
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError(
            {
                "withdrawn": f"Withdrawing the support of citation {citation.pk} for {name} "
                "needs a reason."
            }
        )
    if citation.review_state == ReviewState.RETRACTED:
        raise ValidationError(
            {"withdrawn": f"Citation {citation.pk} is retracted: it supports nothing already."}
        )
    if name in (citation.withdrawn or {}):
        raise ValidationError(
            {"withdrawn": f"Citation {citation.pk}'s support for {name} is withdrawn already."}
        )
    citation.withdrawn = {**(citation.withdrawn or {}), name: reason}
    citation.full_clean()  # the same rules as every channel: a field it supports, a reason
    _save(citation, user=user, reason=f"Support for {name} withdrawn: {reason}")


# --- source corrections ------------------------------------------------------------------------


@dataclass
class ReanchorReport:
    moved: list[Citation] = field(default_factory=list)
    not_found: list[Citation] = field(default_factory=list)


@transaction.atomic
def source_reanchor(old: Source, new: Source, *, user) -> ReanchorReport:
    """Move every live quote of ``old`` into ``new`` (which supersedes it) where it occurs once.

    A moved citation is a new citation of ``new``; the old one is retracted, pointing at it,
    so published evidence is never deleted. Quotes not found (or found more than once) are
    listed for a curator to re-cite by hand.
    """
    if new.supersedes_id != old.pk:
        raise ValidationError(f"“{new}” does not supersede “{old}”: set its supersedes first.")
    report = ReanchorReport()
    for citation in old.citations.filter(review_state__in=LIVE_STATES).order_by("start", "id"):
        if not citation.quote or new.text.count(citation.quote) != 1:
            report.not_found.append(citation)
            continue
        moved = Citation(
            source=new,
            content_type_id=citation.content_type_id,
            object_id=citation.object_id,
            quote=citation.quote,
            supports=citation.supports,
            contradicts=citation.contradicts,
            stated=citation.stated,
            # What it supported in the old source, earlier values included.
            supported_values=citation.supported_values,
            withdrawn=citation.withdrawn,
            inferred=citation.inferred,
            note=citation.note,
            review_state=citation.review_state,
        )
        if (
            moved.review_state == ReviewState.PUBLISHED
            and new.review_state != ReviewState.PUBLISHED
        ):
            report.not_found.append(citation)
            continue
        moved.full_clean()
        _save(moved, user=user, reason=f"Re-anchored from source {old.pk}")
        if citation.review_state == ReviewState.PUBLISHED:
            citation.review_state = ReviewState.RETRACTED
            citation.retraction_reason = (
                f"Re-anchored in the corrected source {new.pk} as {moved.pk}."
            )
            _save(citation, user=user, reason="Re-anchored")
        else:
            citation.delete()
        report.moved.append(moved)
    refresh_after(old)
    return report


# --- many new records at once ------------------------------------------------------------------

#: Records per batch of ``records_create``: a few queries each, and memory bounded by it.
BATCH_SIZE = 1000


@dataclass
class NewRecord:
    """A record to create with ``records_create``, and the citations it comes with."""

    record: PublicModel
    cite: list[CitationInput] = field(default_factory=list)


@transaction.atomic
def records_create(items, *, user, reason: str = "Created") -> list[PublicModel]:
    """Create many new drafts of one model with their citations: ``record_save``'s rules for
    a new record, checked and written a batch at a time. All or nothing.

    The same calls check each record (``check_fields``) and each citation
    (``checked_citation``); what those would ask the database once per row is asked once per
    batch: that every reference and cited record exists, that unique values are new. The
    table's constraints are the database's own: a batch it refuses is checked again record by
    record (``validate_unique``, ``validate_constraints``) to name the one at fault. As
    ``record_save`` writes them, each record and citation gets its history entry and its line
    in the change feed (in bulk), its corroboration is refreshed, and the dataset version
    moves. Records land as drafts: they are published through ``record_publish``.
    """
    created, batch = [], []
    for item in items:
        batch.append(item)
        if len(batch) == BATCH_SIZE:
            created += _create_batch(batch, user=user, reason=reason)
            batch = []
    if batch:
        created += _create_batch(batch, user=user, reason=reason)
    return created


def _create_batch(items: list[NewRecord], *, user, reason: str) -> list[PublicModel]:
    model = type(items[0].record)
    records = [item.record for item in items]
    for record in records:
        if type(record) is not model or not record._state.adding:
            raise ValueError("records_create adds new records, of one model per call.")
        if record.review_state != ReviewState.DRAFT:
            raise ValidationError(
                f"{capfirst(label(record))}: records are created as drafts, then published "
                "(record_publish)."
            )
        try:
            check_fields(record, batched=True)
        except ValidationError as exc:
            raise ValidationError(_named(record, exc)) from None
    _check_batch(model, records)
    for record in records:
        record.compute_derived()  # what save() derives; bulk_create does not call it
    _insert(model, records)
    citations = []
    for item in items:
        if item.cite and not isinstance(item.record, CitableModel):
            raise ValidationError({"citations": f"A {model._meta.verbose_name} cites nothing."})
        if citation_inputs_problem(item.cite):
            raise ValidationError(citation_inputs_problem(item.cite))
        seen, errors = set(), []
        for cite in item.cite:
            citation, problems = checked_citation(item.record, cite, seen, user=user, batched=True)
            errors.append(problems)
            if citation is not None:
                citation.record = item.record  # the change feed names it without a query
                citation.compute_derived()
                citation.canonicalize()
                citations.append(citation)
        if any(errors):
            raise CitationsInvalid(errors)
    if citations:
        _check_batch(Citation, citations)
        _insert(Citation, citations)
    _history(records, user=user, reason=reason)
    _history(citations, user=user, reason="Cited")
    if issubclass(model, CitableModel):
        refresh_records(model, [record.pk for record in records])
    bump_dataset_version()
    transaction.on_commit(bump_dataset_version, robust=True)
    return records


def _named(record, exc: ValidationError) -> list[str]:
    try:
        name = capfirst(label(record))
    except ObjectDoesNotExist:  # its name reads a reference that does not exist
        name = capfirst(f"{record._meta.verbose_name} {record.pk}")
    return [f"{name}: {message}" for message in exc.messages]


def _check_batch(model, objs) -> None:
    """What ``full_clean`` asks the database per row, for a batch: every reference exists,
    every unique value is new (and not twice in the batch)."""
    for f in model._meta.concrete_fields:
        if f.many_to_one or f.one_to_one:
            target = f.target_field.attname
            wanted = {getattr(obj, f.attname) for obj in objs} - {None}
            found = set(
                f.remote_field.model._base_manager.filter(**{f"{target}__in": wanted})
                .complex_filter(f.get_limit_choices_to())
                .values_list(target, flat=True)
            )
            for obj in objs:
                value = getattr(obj, f.attname)
                if value is not None and value not in found:
                    message = f.error_messages["invalid"] % {
                        "model": f.remote_field.model._meta.verbose_name,
                        "pk": value,
                        "field": target,
                        "value": value,
                    }
                    raise ValidationError(_named(obj, ValidationError({f.name: message})))
        if f.unique:
            values = [getattr(obj, f.attname) for obj in objs]
            taken = set(
                model._default_manager.filter(**{f"{f.attname}__in": values}).values_list(
                    f.attname, flat=True
                )
            )
            seen = set()
            for obj, value in zip(objs, values, strict=True):
                if value in taken or value in seen:
                    error = obj.unique_error_message(model, (f.name,))
                    raise ValidationError(_named(obj, ValidationError({f.name: error})))
                seen.add(value)


def _insert(model, objs) -> None:
    try:
        with transaction.atomic():  # a savepoint: PostgreSQL can go on to name the fault
            model._default_manager.bulk_create(objs, batch_size=BATCH_SIZE)
    except IntegrityError:
        for obj in objs:
            obj._state.adding = True
            try:
                obj.validate_unique()
                obj.validate_constraints()
            except ValidationError as exc:
                raise ValidationError(_named(obj, exc)) from None
        raise


def _history(objs, *, user, reason: str) -> None:
    """One history entry and one change-feed line per new object, as a save writes them."""
    if not objs:
        return
    channel = current_channel()
    entries = type(objs[0]).history.bulk_history_create(
        objs,
        default_user=user,
        default_change_reason=reason,
        custom_historical_attrs={"history_channel": channel},
    )
    Change.objects.bulk_create(
        change_for(obj, entry, channel=channel, user=user)
        for obj, entry in zip(objs, entries, strict=True)
    )
