"""Many drafts published at once (``records_publish``): ``record_publish``'s rules, checked
record by record on what is read a batch at a time, and written in bulk, for imports of
official statistics."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.text import capfirst

from config.api.cache import bump_dataset_version
from core.corroboration import refresh_records
from core.history import current_channel
from core.models import Change, CitableModel, Citation, ReviewState
from core.models.changes import change_for
from core.services.base import LIVE_STATES, label
from core.services.bulk import BATCH_SIZE
from core.services.evidence_checks import _related_fields, references
from core.services.review import _require_state, publishing_problems, record_publish
from core.text import normalize_text

#: The reasons ``record_publish`` gives its history entries.
PUBLISHED = "Published"
CITATION_PUBLISHED = "Published with the record it supports"


@transaction.atomic
def records_publish(records, *, user, with_references: bool = False) -> list:
    """Publish many drafts of one citable model: ``record_publish`` for each, all or nothing.

    Each record is checked as ``record_publish`` checks it (``published_problems`` with its
    draft citations' values pinned, then each draft citation's own rules); what those read
    from the database record by record is read once per batch (the records, locked, with
    what they refer to and their citations with their sources). Then, in bulk: the record
    and its draft citations are published (their versions move), each gets its history entry
    (the channel, the user, the reason ``record_publish`` gives) and its line in the change
    feed in the order ``record_publish`` writes them, the records' corroboration is refreshed
    and the dataset version moves.

    ``with_references``: the drafts they stand on (records they refer to, sources of their
    citations) are published first, each once, with what they stand on, by the same rules:
    those of one citable model together (the new commodities of an import), others through
    ``record_publish(with_references=True)``. A record of the call that another one of it
    refers to is published before it (as one by one in that order); one already published as
    another's reference is left out of the batch.

    A refusal publishes nothing: the error is ``record_publish``'s for the first record
    refused, in the order given, and names the others refused, if any.
    """
    records = list(records)
    if not records:
        return []
    model = type(records[0])
    if any(type(r) is not model for r in records) or not issubclass(model, CitableModel):
        raise ValueError("records_publish publishes records of one citable model per call.")
    if _saves_are_watched(model):
        # Another app reacts to each save of these (a designation follows its changes):
        # publish them one at a time, so that it does.
        return [record_publish(r, user=user, with_references=with_references) for r in records]
    pks = list(dict.fromkeys(r.pk for r in records))
    seen = set()  # shared, as record_publish's recursion shares it: each reference once
    published = []
    for at in range(0, len(pks), BATCH_SIZE):
        chunk = pks[at : at + BATCH_SIZE]
        published += _publish_batch(model, chunk, user, with_references, seen)
    return published


def _saves_are_watched(model) -> bool:
    """Does anything but the history and the dataset version listen to ``model``'s saves?"""
    from simple_history.models import HistoricalRecords

    from core.signals import _on_change

    sync, asynchronous = post_save._live_receivers(model)
    for receiver in [*sync, *asynchronous]:
        if receiver is _on_change or getattr(receiver, "__func__", None) is (
            HistoricalRecords.post_save
        ):
            continue
        return True
    return False


def _load(model, pks) -> list:
    """The records ``pks``, locked, with what they refer to and (``_cited``) their
    citations, each with its source, in the order ``record.citations`` gives them."""
    prefetch = [f.name for f in _related_fields(model)]
    found = model._default_manager.select_for_update().filter(pk__in=pks)
    by_pk = {record.pk: record for record in found.prefetch_related(*prefetch)}
    cited = {pk: [] for pk in by_pk}
    # One query, not Django's prefetch of a generic relation (a queryset built per record).
    of_model = Citation.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=list(by_pk)
    )
    for citation in of_model.select_related("source", "content_type"):
        cited[citation.object_id].append(citation)
    for pk, record in by_pk.items():
        record._cited = cited[pk]
    return [by_pk.get(pk) for pk in pks]


def _publish_batch(model, pks, user, with_references, seen) -> list:
    pks = [pk for pk in pks if (model, pk) not in seen]  # published meanwhile, as a reference
    records = _load(model, pks)
    for pk, record in zip(pks, records, strict=True):
        if record is None:
            raise ValidationError(f"{capfirst(model._meta.verbose_name)} {pk} no longer exists.")
        _require_state(record, ReviewState.DRAFT, "Only a draft can be published")
    underneath = _stood_on(model, records)
    if underneath:
        # As one by one in a good order: what others of the call stand on goes first.
        done = _publish_batch(model, underneath, user, with_references, seen)
        rest = [pk for pk in pks if (model, pk) not in seen]
        return done + _publish_batch(model, rest, user, with_references, seen)
    if with_references and _publish_references(records, user, seen):
        # Read again: what they stand on is published now (and maybe some of them).
        records = [r for r in _load(model, pks) if r.review_state == ReviewState.DRAFT]
    citations = {}
    first, refused = None, []
    for record in records:
        cited = record._cited
        citations[record.pk] = cited
        error = _refusal(record, cited)
        if error is not None:
            first = first or error
            refused.append(record)
    if first is not None:
        if len(refused) > 1:
            others = "; ".join(label(r) for r in refused[1:])
            raise ValidationError([*first.messages, f"Also refused: {others}."])
        raise first
    _write(model, records, citations, user)
    seen.update((model, record.pk) for record in records)
    return records


def _stood_on(model, records) -> list:
    """The records of the batch that others of it refer to (none if each one is: a cycle,
    which no order publishes)."""
    members = {record.pk for record in records}
    found = {}
    for record in records:
        for target in references(record):
            if type(target) is model and target.pk in members and target.pk != record.pk:
                found.setdefault(target.pk, None)
    return list(found) if len(found) < len(members) else []


def _publish_references(records, user, seen) -> bool:
    """``record_publish(with_references=True)``'s first step, for the batch: the drafts the
    records stand on, each published once, and those of one citable model together (the
    new commodities of an import); whether any was."""
    for record in records:
        seen.add((type(record), record.pk))
    wanted = {}  # (model, pk) -> target, in the order record_publish meets them
    for record in records:
        targets = references(record) + [
            c.source for c in record._cited if c.review_state in LIVE_STATES
        ]
        for target in targets:
            if target.review_state == ReviewState.DRAFT:
                wanted.setdefault((type(target), target.pk), target)
    by_model = {}
    for (model, _pk), target in wanted.items():
        by_model.setdefault(model, []).append(target)
    for model, targets in by_model.items():
        _publish_group(model, targets, user, seen)
    return bool(wanted)


def _publish_group(model, targets, user, seen) -> None:
    """Publish ``targets`` (with what they stand on) that nothing published meanwhile."""
    if not issubclass(model, CitableModel) or _saves_are_watched(model):
        for target in targets:
            if (model, target.pk) not in seen:
                record_publish(target, user=user, with_references=True, _seen=seen)
        return
    pks = [target.pk for target in targets if (model, target.pk) not in seen]
    for at in range(0, len(pks), BATCH_SIZE):
        _publish_batch(model, pks[at : at + BATCH_SIZE], user, True, seen)


def _refusal(record, citations) -> ValidationError | None:
    """What ``record_publish`` would refuse ``record`` with (``None``: nothing)."""
    for citation in citations:
        citation.record = record  # the record as read: check_record and the feed need no query
    problems = publishing_problems(record, citations)
    if problems:
        return ValidationError(problems)
    for citation in citations:
        if citation.review_state == ReviewState.DRAFT:
            # What Citation.save checks when record_publish saves it.
            citation.quote = normalize_text(citation.quote)
            try:
                citation.check_evidence()
            except ValidationError as exc:
                return exc
    return None


def _write(model, records, citations, user) -> None:
    now = timezone.now()
    drafts = [c for r in records for c in citations[r.pk] if c.review_state == ReviewState.DRAFT]
    channel = current_channel()
    # The citations' entries first, while their records are drafts: record_publish saves
    # each citation before its record, and the feed names the record's state then.
    cited_changes = _publish_rows(Citation, drafts, now, user, CITATION_PUBLISHED, channel)
    changes = _publish_rows(model, records, now, user, PUBLISHED, channel)
    by_record = {}
    for citation, change in zip(drafts, cited_changes, strict=True):
        by_record.setdefault(citation.object_id, []).append(change)
    Change.objects.bulk_create(
        [
            feed
            for record, change in zip(records, changes, strict=True)
            for feed in [*by_record.get(record.pk, []), change]
        ],
        batch_size=BATCH_SIZE,
    )
    refresh_records(model, [r.pk for r in records])
    bump_dataset_version()
    transaction.on_commit(bump_dataset_version, robust=True)


def _publish_rows(model, objs, now, user, reason, channel) -> list:
    """Publish ``objs`` as ``save()`` would (derived fields, a new version, the time of the
    change), in bulk; their history entries; their change-feed lines (not saved)."""
    if not objs:
        return []
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    other = {}  # pk -> {attname: value}: what else save() would change (rare)
    for obj in objs:
        before = {f.attname: getattr(obj, f.attname) for f in fields}
        obj.review_state = ReviewState.PUBLISHED
        if isinstance(obj, Citation):
            obj.canonicalize()
        obj.compute_derived()
        obj.version += 1
        obj.updated = now
        changed = {
            f.attname: getattr(obj, f.attname)
            for f in fields
            if f.attname not in ("review_state", "version", "updated")
            and getattr(obj, f.attname) != before[f.attname]
        }
        if changed:
            other[obj.pk] = changed
    manager = model._default_manager
    pks = [obj.pk for obj in objs]
    for at in range(0, len(pks), BATCH_SIZE):
        manager.filter(pk__in=pks[at : at + BATCH_SIZE]).update(
            review_state=ReviewState.PUBLISHED, version=F("version") + 1, updated=now
        )
    for pk, changed in other.items():
        manager.filter(pk=pk).update(**changed)
    history = model.history.model
    previous = {}
    for at in range(0, len(pks), BATCH_SIZE):
        entries = history.objects.filter(id__in=pks[at : at + BATCH_SIZE]).order_by(
            "history_date", "history_id"
        )
        previous.update((entry.id, entry) for entry in entries)  # the last one wins
    entries = model.history.bulk_history_create(
        objs,
        batch_size=BATCH_SIZE,
        update=True,
        default_user=user,
        default_change_reason=reason,
        default_date=now,
        custom_historical_attrs={"history_channel": channel},
    )
    return [
        change_for(obj, entry, channel=channel, user=user, previous=previous.get(obj.pk))
        for obj, entry in zip(objs, entries, strict=True)
    ]
