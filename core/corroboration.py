"""Corroboration and contradiction, per factual field, from the public evidence.

For each factual field of a record that a published citation (of a published source)
supports or contradicts::

    {"sources": 2, "origins": 1, "contradicted_by": 0, "status": "single_source"}

* ``sources``: the sources whose citations support the field's current value
  (``core.support.supports_value``);
* ``origins``: the independent origins among them. A source's origin follows ``relays`` to
  the report it republishes, then takes that report's ``origin`` (a wire service), else its
  publisher, else the source itself: two outlets relaying one agency are one origin.
  Names are compared ignoring case and surrounding spaces;
* ``contradicted_by``: the sources whose citations name the field in ``contradicts``;
* ``status``, the first that holds: ``contested`` (a source contradicts it); ``inferred``
  (every supporting citation is ``inferred``); ``corroborated`` (two origins or more);
  ``single_source``.

The record keeps this map in ``corroboration``, with ``contested`` (any field contested) and
``min_origins``: the fewest origins over its supported fields; a record with no supported
field counts the origins of all its public evidence (its existence is what they attest),
and a record with no public evidence has 0. The services refresh them whenever the evidence
changes (``refresh_after``); the loader refreshes what it loads.

The functions take the models as arguments where a migration needs its historical ones.
"""

import json
from collections import defaultdict

from django.apps import apps as registry
from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.canonical import sorted_json
from core.models import CitableModel, Citation, ReviewState, Source
from core.support import supports_value

CHUNK = 2000
DERIVED = ("corroboration", "contested", "min_origins")


class CorroborationStatus(models.TextChoices):
    SINGLE_SOURCE = "single_source", "One origin"
    CORROBORATED = "corroborated", "Independent origins agree"
    CONTESTED = "contested", "A source states otherwise"
    INFERRED = "inferred", "Inferred from the evidence"


# --- origins ---------------------------------------------------------------------------


def origin_keys(source_ids, *, source_model=Source, known=()) -> dict:
    """Source id → the key of its independent origin (see the module's docstring).

    ``known``: sources already read, whose rows are not asked again."""
    rows = {
        s.pk: {"pk": s.pk, "origin": s.origin, "publisher": s.publisher, "relays_id": s.relays_id}
        for s in known
    }
    wanted = set(source_ids) - set(rows)
    wanted |= {row["relays_id"] for row in rows.values() if row["relays_id"]} - set(rows)
    while wanted:  # the relayed sources, level by level, until every chain has its root
        found = source_model._default_manager.filter(pk__in=wanted).values(
            "pk", "origin", "publisher", "relays_id"
        )
        rows.update({row["pk"]: row for row in found})
        wanted = {row["relays_id"] for row in found if row["relays_id"]} - set(rows)
    keys = {}
    for source_id in source_ids:
        row, seen = rows.get(source_id), set()
        while row is not None and row["relays_id"] in rows and row["pk"] not in seen:
            seen.add(row["pk"])  # a cycle is refused on save; never loop on one anyway
            row = rows[row["relays_id"]]
        if row is None:
            keys[source_id] = f"source:{source_id}"
            continue
        name = " ".join((row["origin"] or row["publisher"]).split()).casefold()
        keys[source_id] = name or f"source:{row['pk']}"
    return keys


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def describe(entry: dict | None) -> str:
    """A field's corroboration in words: "2 sources, 2 independent origins; contested by 1
    source" ("" when no public evidence supports or contradicts it)."""
    if not entry:
        return ""
    parts = []
    if entry["sources"]:
        parts.append(
            f"{_count(entry['sources'], 'source')}, "
            f"{_count(entry['origins'], 'independent origin')}"
        )
    if entry["status"] == CorroborationStatus.INFERRED:
        parts.append("inferred from the evidence")
    if entry["contradicted_by"]:
        parts.append(f"contested by {_count(entry['contradicted_by'], 'source')}")
    return "; ".join(parts)


# --- one record --------------------------------------------------------------------------


def _field_entry(supporting, against, keys) -> dict:
    sources = {c.source_id for c in supporting}
    origins = {keys[c.source_id] for c in supporting}
    contradicting = {c.source_id for c in against}
    if contradicting:
        status = CorroborationStatus.CONTESTED
    elif supporting and all(c.inferred for c in supporting):
        status = CorroborationStatus.INFERRED
    elif len(origins) >= 2:
        status = CorroborationStatus.CORROBORATED
    else:
        status = CorroborationStatus.SINGLE_SOURCE
    return {
        "sources": len(sources),
        "origins": len(origins),
        "contradicted_by": len(contradicting),
        "status": str(status),
    }


def summarize(record, citations, keys, factual_fields) -> dict:
    """The derived fields of ``record`` from its public ``citations`` and their origin keys."""
    corroboration = {}
    for name in factual_fields:
        supporting = [c for c in citations if supports_value(c, name, record)]
        against = [c for c in citations if name in (c.contradicts or ())]
        if supporting or against:
            corroboration[name] = _field_entry(supporting, against, keys)
    supported = [entry["origins"] for entry in corroboration.values() if entry["sources"]]
    # No supported field: the record's existence is what its evidence attests.
    least = min(supported) if supported else len({keys[c.source_id] for c in citations})
    return {
        "corroboration": sorted_json(corroboration),
        "contested": any(
            e["status"] == CorroborationStatus.CONTESTED for e in corroboration.values()
        ),
        "min_origins": least,
    }


def public_citations(model, pks, *, citation_model=Citation, content_type=None) -> dict:
    """Object id → its published citations of published sources (the public view)."""
    content_type = content_type or ContentType.objects.get_for_model(model)
    found = defaultdict(list)
    citations = citation_model._default_manager.filter(
        content_type_id=content_type.pk,
        object_id__in=pks,
        review_state=ReviewState.PUBLISHED,
        source__review_state=ReviewState.PUBLISHED,
    ).order_by("pk")
    for citation in citations:
        found[citation.object_id].append(citation)
    return found


def corroboration_of(record) -> dict:
    """``record``'s derived fields as the public evidence gives them now."""
    citations = public_citations(type(record), [record.pk])[record.pk]
    keys = origin_keys({c.source_id for c in citations})
    return summarize(record, citations, keys, type(record).factual_fields)


# --- keeping them up to date --------------------------------------------------------------


def refresh_record(record, citations, *, store: bool = True) -> bool:
    """Recompute ``record``'s derived fields from ``citations`` (all its live ones as they now
    stand, with their sources), set them on ``record`` and store those that changed.

    What ``refresh_records`` does for one record a service holds, without reading it or its
    evidence again. A derived value, not an edit: no new version, history or feed entry.
    ``store=False``: set them only, for the caller's save of the record to store them.
    """
    public = [
        c
        for c in citations
        if c.review_state == ReviewState.PUBLISHED
        and c.source.review_state == ReviewState.PUBLISHED
    ]
    keys = origin_keys({c.source_id for c in public}, known=[c.source for c in public])
    derived = summarize(record, public, keys, type(record).factual_fields)
    changed = {name: value for name, value in derived.items() if getattr(record, name) != value}
    for name, value in changed.items():
        setattr(record, name, value)
    if changed and store:
        type(record)._default_manager.filter(pk=record.pk).update(**changed)
    return bool(changed)


def refresh_records(model, pks, *, models_of=None, factual_fields=None) -> int:
    """Recompute and store the derived fields of ``model``'s records ``pks``; how many
    changed. ``models_of`` gives (citation model, source model, content type) in a migration."""
    citation_model, source_model, content_type = models_of or (Citation, Source, None)
    fields = factual_fields if factual_fields is not None else model.factual_fields
    pks = list(pks)
    changed = 0
    for at in range(0, len(pks), CHUNK):
        chunk = pks[at : at + CHUNK]
        records = model._default_manager.in_bulk(chunk)
        cited = public_citations(
            model, chunk, citation_model=citation_model, content_type=content_type
        )
        keys = origin_keys(
            {c.source_id for found in cited.values() for c in found}, source_model=source_model
        )
        stale = defaultdict(list)  # the derived values (as JSON) → the records to take them
        for pk, record in records.items():
            derived = summarize(record, cited.get(pk, []), keys, fields)
            if any(getattr(record, name) != value for name, value in derived.items()):
                stale[json.dumps(derived, sort_keys=True)].append(pk)
        # Records of one kind mostly share their values: one UPDATE per distinct value (a
        # bulk_update's CASE over 2,000 rows took 50 s for 20,000 shipments on SQLite).
        # A derived value, not an edit: no new version, history entry or change-feed line.
        for derived, stale_pks in stale.items():
            model._default_manager.filter(pk__in=stale_pks).update(**json.loads(derived))
            changed += len(stale_pks)
    return changed


def refresh_corroboration(*records) -> int:
    """Refresh the derived fields of citable ``records`` (others are ignored)."""
    by_model = defaultdict(set)
    for record in records:
        if isinstance(record, CitableModel) and record.pk is not None:
            by_model[type(record)].add(record.pk)
    return sum(refresh_records(model, pks) for model, pks in by_model.items())


def relaying(source_ids) -> set:
    """``source_ids`` and every source that relays one of them, directly or not."""
    found = set(source_ids)
    wanted = set(found)
    while wanted:
        wanted = (
            set(Source.objects.filter(relays_id__in=wanted).values_list("pk", flat=True)) - found
        )
        found |= wanted
    return found


def refresh_citing(*sources) -> int:
    """Refresh every record citing ``sources`` or a source relaying one of them."""
    ids = relaying({s.pk for s in sources})
    by_type = defaultdict(set)
    for type_id, object_id in Citation.objects.filter(source_id__in=ids).values_list(
        "content_type_id", "object_id"
    ):
        by_type[type_id].add(object_id)
    changed = 0
    for type_id, object_ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is not None and issubclass(model, CitableModel):
            changed += refresh_records(model, object_ids)
    return changed


def refresh_loaded(objects) -> int:
    """After a load: refresh the records loaded, those of the citations loaded, and those
    citing the sources loaded (or relaying them); each once."""
    by_model = defaultdict(set)
    sources, type_ids = set(), defaultdict(set)
    for obj in objects:
        if isinstance(obj, CitableModel):
            by_model[type(obj)].add(obj.pk)
        elif isinstance(obj, Citation):
            type_ids[obj.content_type_id].add(obj.object_id)
        elif isinstance(obj, Source):
            sources.add(obj.pk)
    if sources:
        cited = Citation.objects.filter(source_id__in=relaying(sources))
        for type_id, object_id in cited.values_list("content_type_id", "object_id"):
            type_ids[type_id].add(object_id)
    for type_id, object_ids in type_ids.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is not None and issubclass(model, CitableModel):
            by_model[model] |= object_ids
    return sum(refresh_records(model, pks) for model, pks in by_model.items())


def citable_models() -> list[type]:
    return [m for m in registry.get_models() if issubclass(m, CitableModel)]


def refresh_uncounted() -> int:
    """Refresh the published records that show no origin: a published record stands on
    public evidence, so 0 means it was written without the services (reference data a
    load adds, rows written by hand)."""
    changed = 0
    for model in citable_models():
        uncounted = model._default_manager.filter(
            review_state=ReviewState.PUBLISHED, min_origins=0
        ).values_list("pk", flat=True)
        changed += refresh_records(model, list(uncounted))
    return changed


def refresh_all() -> int:
    """Recompute every record's derived fields (``manage.py refresh_corroboration``)."""
    changed = 0
    for model in citable_models():
        changed += refresh_records(model, list(model._default_manager.values_list("pk", flat=True)))
    return changed


def refresh_after(obj) -> int:
    """After ``obj`` (a record, a citation or a source) changed: refresh what it touches."""
    if isinstance(obj, Citation):
        record = obj.record
        return refresh_corroboration(record) if record is not None else 0
    if isinstance(obj, Source):
        return refresh_citing(obj)
    return refresh_corroboration(obj)


def backfill(apps, app_label: str) -> int:
    """A migration's RunPython: compute the derived fields of ``app_label``'s records from
    the historical models (the factual fields are the current models' declaration)."""
    citation_model = apps.get_model("core", "Citation")
    source_model = apps.get_model("core", "Source")
    content_types = apps.get_model("contenttypes", "ContentType")
    changed = 0
    for model in apps.get_app_config(app_label).get_models():
        try:
            current = registry.get_model(model._meta.label)
        except LookupError:
            continue
        if not issubclass(current, CitableModel):
            continue
        meta = model._meta
        content_type = content_types.objects.filter(
            app_label=meta.app_label, model=meta.model_name
        ).first()
        if content_type is None:  # a new database: no records yet
            continue
        pks = list(model._default_manager.values_list("pk", flat=True))
        changed += refresh_records(
            model,
            pks,
            models_of=(citation_model, source_model, content_type),
            factual_fields=current.factual_fields,
        )
    return changed
