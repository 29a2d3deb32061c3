"""The evidence checks: what a record stands on, what stands on it, and what keeps a record from
standing as published (field-level evidence, per-value support, measures, notes)."""

import json

from django.utils.text import capfirst

from core import support
from core.measures import measure_problems
from core.models import CitableModel, Citation, PublicModel, ReviewState, Source
from core.notes import note_only, note_problem, quote_states_note
from core.services.base import LIVE_STATES, PUBLIC_EVIDENCE, label
from core.visibility import PUBLIC_STATES


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


def references(record, *, m2m: dict | None = None, fields=None) -> list[PublicModel]:
    """The records ``record`` refers to: its related records (``m2m`` overrides the stored
    many-to-many values, for a record not yet saved as it will be); ``fields``: through
    those of its relations only."""
    found = []
    for f in _related_fields(type(record)):
        if fields is not None and f.name not in fields:
            continue
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


def reference_problems(record, *, m2m: dict | None = None, citations=(), fields=None) -> list[str]:
    found = references(record, m2m=m2m, fields=fields)
    drafts = [r for r in found if r.review_state != ReviewState.PUBLISHED]
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
    record,
    *,
    m2m: dict | None = None,
    citations=None,
    states=PUBLIC_EVIDENCE,
    changed_relations=None,
) -> list[str]:
    """Everything a published ``record`` must satisfy, as it is (or as it will be).

    ``states``: the citations that count as its evidence (drafts too when they are about to
    be published with it). ``changed_relations``: for a record that was published already,
    the relations a change sets; what it kept referring to is published (a public record's
    references cannot be retracted or reopened), so only those are looked at.
    """
    if citations is None:
        citations = (
            list(record.citations.select_related("source"))
            if isinstance(record, CitableModel)
            else []
        )
    problems = reference_problems(record, m2m=m2m, citations=citations, fields=changed_relations)
    if isinstance(record, CitableModel):
        problems += evidence_problems(record, citations, m2m=m2m, states=states)
    if isinstance(record, Citation):
        problems += _citation_publish_problems(record)
    if isinstance(record, Source):
        problems += record.identity_problems()
    return problems


def _citation_publish_problems(citation: Citation) -> list[str]:
    """A public citation supports a public record (and quotes a public source: a reference)."""
    cited = citation.record
    if cited is None or cited.review_state != ReviewState.PUBLISHED:
        return [
            "A citation is published with the record it supports: publish the record, and its "
            "citations are published with it."
        ]
    return []
