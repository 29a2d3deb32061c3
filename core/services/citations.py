"""Citations: the citations a save adds, retracts, deletes or withdraws support from, and the
re-anchoring of quotes in a corrected source."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from core import support
from core.canonical import sorted_json
from core.corroboration import refresh_after
from core.models import CitableModel, Citation, ReviewState, Source
from core.services.base import (
    LIVE_STATES,
    CitationsInvalid,
    EvidenceConflict,
    _locked,
    _save,
    label,
)
from core.services.evidence_checks import evidence_problems
from core.services.review import record_publish


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
    citation = Citation(
        source=item.source,
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
    citation.record = record  # its content type and id, and the record itself, not re-read
    return citation


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


#: What a new citation is not asked again: its id is new, and its source and content type
#: are the objects the caller holds (a source read for this write, the content type cache).
KNOWN_FIELDS = ("id", "source", "content_type")


def citation_inputs_problem(cite) -> dict:
    """What is wrong with the number of citations one save adds ({} if nothing)."""
    if len(cite) > MAX_CITATIONS_PER_SAVE:
        return {"citations": f"At most {MAX_CITATIONS_PER_SAVE} new citations in one save."}
    return {}


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
            citation.clean_fields(exclude=KNOWN_FIELDS)
            citation.check_evidence(bound=False)  # clean() but the record's existence
        else:
            citation.full_clean(exclude=KNOWN_FIELDS)
    except ValidationError as exc:
        return None, exc.message_dict
    return citation, {}


def _write_citations(record, *, cite, uncite, remove, user, live, publish=False) -> list[Citation]:
    """Write the citations asked for; the record's live citations after it (``live``: before
    it, with their sources), without reading them again."""
    if not isinstance(record, CitableModel):
        if cite or uncite or remove:
            raise ValidationError({"citations": f"A {record._meta.verbose_name} cites nothing."})
        return []
    if citation_inputs_problem(cite):
        raise ValidationError(citation_inputs_problem(cite))
    for citation in remove:
        citation.delete()
    errors, seen, created = [], set(), []
    for item in cite:
        citation, problems = checked_citation(record, item, seen, user=user, publish=publish)
        errors.append(problems)
        if citation is not None:
            _save(citation, user=user, reason="Cited")
            created.append(citation)
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
    gone = {c.pk for c in remove} | {c.pk for c in uncite}
    return [c for c in live if c.pk not in gone] + created


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
