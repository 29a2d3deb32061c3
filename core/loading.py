"""Atomic, validated loading of dataset fixtures (the seed, and releases).

``loaddata`` saves raw rows: it skips the models' own checks and records no history. This
loader deserializes the same fixture format, saves it inside one transaction, then runs
the checks of the one write path on what it loaded: every model's validation (fields,
constraints, citations' quotes and locators) and ``core.services.published_problems`` on
every published record (evidence for each fact, published references). Any problem rolls
the whole load back and is reported with the record it concerns. A citation that comes
without ``supported_values`` (a file from before support was per value) keeps the values
stored for it, or, new, is given its record's values as loaded.

A release (its folder or its ``datapackage.json``) is verified first: every file's size and
sha256 must match the package (``core.releases.verify``), or nothing is read at all.

Only the dataset's own models load (records, sources and citations); users, tokens,
sessions, history and the change feed are refused, as is a file naming one id twice.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction
from django.dispatch import Signal
from django.utils import timezone

from core.corroboration import DERIVED, refresh_loaded, refresh_uncounted
from core.history import Channel, history_channel
from core.models import Change, Citation, PublicModel, ReviewState
from core.models.changes import change_for
from core.releases.verify import ReleaseCorrupt, is_release, release_fixture
from core.services import citations_capture_values, dependents, published_problems

#: Sent inside the load's transaction once the file is in: receivers may add reference
#: data (the ISO countries) and return how many records they added.
dataset_loaded = Signal()


class DatasetError(Exception):
    """The fixture cannot be loaded; nothing was changed."""


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    reference_added: int = 0
    problems: list[str] = field(default_factory=list)


def _label(obj) -> str:
    return f"{obj._meta.label} {obj.pk}"


def _describe(obj, exc: ValidationError) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return [f"{_label(obj)}: {' '.join(exc.messages)}"]
    return [
        f"{_label(obj)}: {name}: {' '.join(messages)}"
        for name, messages in exc.message_dict.items()
    ]


def _check(wrapped, *, exists: bool) -> list[str]:
    """Validate a record before it is saved, so a violation is named, not an IntegrityError.

    Fields that refer to records later in the file are checked once those are loaded; a
    required one cannot wait, so an unknown reference there is reported now.
    """
    obj = wrapped.object
    obj._state.adding = not exists  # so unique checks do not find the row itself
    deferred = wrapped.deferred_fields or {}
    missing = [
        f"{_label(obj)}: {field.name}: refers to {value!r}, which does not exist"
        for field, value in deferred.items()
        if not (field.null or field.many_to_many)
    ]
    if missing:
        return missing
    pending = {field.name for field in deferred}
    try:
        # Fields and constraints now (what the database would refuse); the rules that look
        # at other records (a citation's record and quote) once the whole file is in.
        obj.clean_fields(exclude=pending)
        obj.validate_constraints(exclude=pending)
        if exists:
            obj.check_change()
        obj.validate_unique(exclude=pending)
    except ValidationError as exc:
        return _describe(obj, exc)
    return []


def _admissible(obj, seen: set) -> str:
    """Why ``obj`` may not be loaded at all ("" if it may)."""
    model = type(obj)
    if not issubclass(model, PublicModel):
        return (
            f"{model._meta.label} {obj.pk}: not a dataset model; a dataset file holds records, "
            "sources and citations only."
        )
    key = (model._meta.label, str(obj.pk))
    if key in seen:
        return f"{_label(obj)}: appears twice in the file."
    seen.add(key)
    return ""


def _stamp(obj, now) -> None:
    """A file may leave out the timestamps (a hand-written one does): the load is the time."""
    obj.created = obj.created or now
    obj.updated = obj.updated or now


#: Review states a file may move an existing record between: publish, retract, reopen.
TRANSITIONS = {
    (ReviewState.DRAFT, ReviewState.PUBLISHED),
    (ReviewState.PUBLISHED, ReviewState.RETRACTED),
    (ReviewState.RETRACTED, ReviewState.DRAFT),
}


def _transition_problem(obj, changes: dict) -> list[str]:
    """A file moves a record's review state only as the workflow does."""
    stored = type(obj)._default_manager.filter(pk=obj.pk).values_list("review_state", flat=True)
    before = stored.first()
    if before is None or before == obj.review_state:
        return []
    if (before, obj.review_state) not in TRANSITIONS:
        return [
            f"{_label(obj)}: review state {before} → {obj.review_state} is not a step of the "
            "workflow (draft → published → retracted → draft)."
        ]
    changes[(type(obj), obj.pk)] = before
    return []


def _published_problems(saved, changes: dict) -> list[str]:
    """The rules of the one write path, on what the load leaves: every published record it
    loaded, the records that stand on what it changed, and the records of its citations."""
    problems = []
    checked = set()

    def check(record):
        key = (type(record), record.pk)
        if key in checked or record.review_state != ReviewState.PUBLISHED:
            return
        checked.add(key)
        problems.extend(f"{_label(record)}: {problem}" for problem in published_problems(record))

    for obj, _created in saved:
        check(obj)
        if isinstance(obj, Citation) and obj.record is not None:
            check(obj.record)
        if (type(obj), obj.pk) in changes:
            stand_on_it = dependents(obj)
            if stand_on_it and obj.review_state != ReviewState.PUBLISHED:
                names = ", ".join(sorted(_label(d) for d in stand_on_it))
                problems.append(f"{_label(obj)}: public records stand on it: {names}.")
    return problems


def _without_values(obj) -> bool:
    """A citation from a file without ``supported_values`` (a release older than per-value
    support) keeps the values stored for it; one without a value for some field it supports
    is given its record's value once the file is in
    (``core.services.citations_capture_values``). True for the latter."""
    if not isinstance(obj, Citation) or not isinstance(obj.supported_values, dict):
        return False
    if not set(obj.supports) - set(obj.supported_values):
        return False
    stored = Citation.objects.filter(pk=obj.pk).values_list("supported_values", flat=True)
    if not obj.supported_values and stored.exists():
        obj.supported_values = stored.first()
        return False
    return True


def _same_as_stored(obj) -> bool | None:
    """True if the row exists unchanged, False if it differs, None if it is new."""
    model = type(obj)
    stored = model._default_manager.filter(pk=obj.pk).first()
    if stored is None:
        return None
    skip = {"created", "updated", *DERIVED}  # derived: computed after the load, never read
    return all(
        getattr(stored, f.attname) == getattr(obj, f.attname)
        for f in model._meta.concrete_fields
        if f.name not in skip
    )


def _fixture_entries(path: Path, raw: str) -> list:
    """The fixture's entries, or a ``DatasetError`` saying what the file is instead (Django's
    own reader says nothing when the text is not JSON)."""
    try:
        entries = json.loads(raw)
    except ValueError as exc:
        raise DatasetError(f"{path}: not JSON: {exc}.") from exc
    if not isinstance(entries, list):
        raise DatasetError(f"{path}: a fixture is a JSON list of records, not {_kind(entries)}.")
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("model"), str):
            raise DatasetError(
                f"{path}: entry {number} is not a record: a JSON object with a `model` and "
                "its `fields`."
            )
    return entries


def _kind(value) -> str:
    kinds = {dict: "an object", str: "a string", bool: "a boolean"}
    return kinds.get(type(value), "a number or null")


def load_dataset(path: Path, *, user=None) -> LoadReport:
    """Load one fixture file, or a release, atomically; raise ``DatasetError`` naming every
    problem."""
    report = LoadReport()
    path = Path(path)
    if is_release(path):
        try:
            path = release_fixture(path)
        except ReleaseCorrupt as exc:
            raise DatasetError(str(exc)) from exc
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path}: cannot read: {exc}") from exc
    format_ = path.suffix.lstrip(".") or "json"
    if format_ != "json":
        raise DatasetError(f"{path}: not a dataset file; give a JSON fixture (.json).")
    entries = _fixture_entries(path, raw)
    try:
        with history_channel(Channel.IMPORT), transaction.atomic():
            saved, deferred, seen, loaded, uncaptured = [], [], set(), [], []
            changes = {}  # (model, pk) → the review state before the load
            now = timezone.now()
            objects = serializers.deserialize("python", entries, handle_forward_references=True)
            for wrapped in objects:
                problem = _admissible(wrapped.object, seen)
                if problem:
                    report.problems.append(problem)
                    continue
                _stamp(wrapped.object, now)
                if hasattr(wrapped.object, "compute_derived"):
                    wrapped.object.compute_derived()
                if _without_values(wrapped.object):
                    uncaptured.append(wrapped.object)
                state = _same_as_stored(wrapped.object)
                problems = _check(wrapped, exists=state is not None)
                problems += _transition_problem(wrapped.object, changes)
                if problems:
                    report.problems.extend(problems)
                    continue
                wrapped.save()
                loaded.append(wrapped.object)
                if wrapped.deferred_fields:
                    deferred.append(wrapped)
                if state is None:
                    report.created += 1
                elif state is False:
                    report.updated += 1
                else:
                    report.unchanged += 1
                    continue
                saved.append((wrapped.object, state is None))
            for wrapped in deferred:
                # References to records later in the file; unresolved ones are bad references.
                try:
                    wrapped.save_deferred_fields()
                except (DeserializationError, ObjectDoesNotExist) as exc:
                    report.problems.append(f"{_label(wrapped.object)}: bad reference: {exc}")
            if not report.problems:
                citations_capture_values(uncaptured)
            for obj, _created in saved:
                try:
                    obj.full_clean()
                except ValidationError as exc:
                    report.problems.extend(_describe(obj, exc))
            if not report.problems:
                report.problems.extend(_published_problems(saved, changes))
            if report.problems:
                raise DatasetError("\n".join(report.problems))
            # Corroboration is derived from the evidence, never taken from the file.
            refresh_loaded(loaded)
            _record_history(saved, user)
            for _receiver, added in dataset_loaded.send(sender=load_dataset):
                report.reference_added += added or 0
            if report.reference_added:
                refresh_uncounted()  # what the receivers added, with its evidence
        # Fresh statistics after a bulk load: without them SQLite's planner can pick a
        # relation index and sort a whole table instead of walking the keyset's index.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    except DeserializationError as exc:
        raise DatasetError(f"{path}: {exc}") from exc
    except (ObjectDoesNotExist, DatabaseError, ValueError) as exc:
        raise DatasetError(f"{path}: {type(exc).__name__}: {exc}") from exc
    return report


def _record_history(saved, user):
    """Raw saves record no history; write one entry per created or changed record."""
    by_model = {}
    for obj, created in saved:
        if hasattr(obj, "history"):
            by_model.setdefault(type(obj), []).append((obj, created))
    for model, entries in by_model.items():
        for created in (True, False):
            objs = [obj for obj, was_created in entries if was_created is created]
            if objs:
                history = model.history.bulk_history_create(
                    objs,
                    update=not created,
                    default_user=user,
                    default_change_reason="dataset import",
                    custom_historical_attrs={"history_channel": Channel.IMPORT},
                )
                by_pk = {obj.pk: obj for obj in objs}
                Change.objects.bulk_create(
                    change_for(by_pk[entry.id], entry, channel=Channel.IMPORT, user=user)
                    for entry in history
                )
