"""Many new records at once (``records_create``): ``record_save``'s rules for new drafts,
checked and written a batch at a time, for imports of official statistics."""

from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import capfirst

from config.api.cache import bump_dataset_version
from core.corroboration import refresh_records
from core.history import current_channel
from core.models import Change, CitableModel, Citation, PublicModel, ReviewState
from core.models.changes import change_for
from core.services.base import CitationsInvalid, label
from core.services.citations import CitationInput, checked_citation, citation_inputs_problem
from core.services.writes import check_fields

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
