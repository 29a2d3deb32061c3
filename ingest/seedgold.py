"""The seed article as gold: its published records and their citations (``fixtures/seed.json``).

Each published record that cites the article is a gold item of the kind the assistant would
propose for it, at the spans of its citations; a record named in another record's field is
gold at the spans of that record's citations that support the field (the exporter of a
shipment where its citation supports ``exporter``):

* countries: ``exporter``, ``importer``, ``countries``, ``jurisdiction``, ``country``,
  ``posted_to``, ``speaker_country`` of cited records (the countries themselves cite ISO);
* officials: their own citations, tenures (``official``), statements (``speaker``),
  decisions (``decision_maker``); positions: their own and tenures' (``position``), with
  the title of the post's name, its country and the country it is posted to;
* organizations: their own, designations' (``organization``), decisions'
  (``subject_organization``, ``briefed_by``), statements' (``speaker_organization``);
* commodities: their own and shipments' (``commodity``);
* designations, statements (by speaker), decisions (by the status of their stage and type);
* dates: a fuzzy date a citation supports, by its value and precision; or, when only its
  note is known, by the words the note quotes (“Earlier this year”) if the quote holds them;
* quantities and values of shipments and commitments a citation supports.

Items of one kind and value are one item with all their spans.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from django.conf import settings

from ingest import tables
from ingest.evaluation import GoldItem, GoldText

SEED = Path(settings.BASE_DIR) / "fixtures" / "seed.json"
COUNTRY_FIELDS = ("exporter", "importer", "countries", "jurisdiction", "country", "posted_to",
                  "speaker_country", "supplier", "recipient")  # fmt: skip
REFERENCES = {
    "official": {"diplomacy.tenure": "official", "diplomacy.statement": "speaker",
                 "diplomacy.policydecision": "decision_maker"},
    "position": {"diplomacy.tenure": "position"},
    "organization": {"diplomacy.designation": "organization",
                     "diplomacy.policydecision": "subject_organization",
                     "diplomacy.statement": "speaker_organization"},
    "commodity": {"trade.shipment": "commodity", "trade.commitment": "commodity"},
}  # fmt: skip
OWN = {"diplomacy.official": "official", "diplomacy.position": "position",
       "diplomacy.organization": "organization", "trade.commodity": "commodity"}  # fmt: skip


def seed_gold(path: Path = SEED) -> GoldText:
    objects = json.loads(path.read_text(encoding="utf-8"))
    published = [o for o in objects if o["fields"].get("review_state") == "published"]
    article = next(o for o in published if o["model"] == "core.source" and o["fields"]["text"])
    by_key = {(o["model"], str(o["pk"])): o for o in published}
    slugs = {(o["model"], o["fields"].get("slug")): o for o in published if "slug" in o["fields"]}
    cites: dict[tuple[str, str], list[dict]] = {}
    for o in published:
        f = o["fields"]
        if o["model"] == "core.citation" and f["source"] == [str(article["pk"])] and f["quote"]:
            cites.setdefault((".".join(f["content_type"]), f["object_id"]), []).append(f)
    items: dict[tuple[str, str], GoldItem] = {}

    def add(kind, value, citations, record=None):
        # Named things are one item per value (one record); facts one item per record.
        key = (kind, record or json.dumps(value, sort_keys=True))
        item = items.setdefault(key, GoldItem(kind, value, []))
        for c in citations:
            if (c["start"], c["end"]) not in item.spans:
                item.spans.append((c["start"], c["end"]))

    def named(model, ref):
        slug = ref[0] if isinstance(ref, list) else ref
        return slugs.get((model, slug)) or by_key.get((model, str(slug)))

    for (model, pk), citations in cites.items():
        record = by_key.get((model, pk))
        if record is None:
            continue
        f = record["fields"]

        def supporting(name, citations=citations):
            return [c for c in citations if name in c["supports"]]

        for name in COUNTRY_FIELDS:
            refs = f.get(name)
            refs = refs if isinstance(refs, list) and refs and isinstance(refs[0], list) else [refs]
            for ref in refs:
                if ref and supporting(name):
                    add("country", {"iso2": ref[0]}, supporting(name))
        if model in OWN:
            add(OWN[model], _value(OWN[model], record), citations)
        for kind, fields in REFERENCES.items():
            if model in fields and f.get(fields[model]):
                other = named(_model_of(kind), f[fields[model]])
                if other and supporting(fields[model]):
                    add(kind, _value(kind, other), supporting(fields[model]))
        for ref in f.get("briefed_by", []) if model == "diplomacy.policydecision" else []:
            other = named("diplomacy.organization", ref)
            if other and supporting("briefed_by"):
                add("organization", _value("organization", other), supporting("briefed_by"))
        _facts(model, record, citations, functools.partial(add, record=pk), named, by_key)
        _dates(record, citations, add)
    return GoldText("seed", article["fields"]["text"], None, list(items.values()))


def _model_of(kind: str) -> str:
    return {v: k for k, v in OWN.items()}[kind]


def _value(kind: str, record) -> dict:
    f = record["fields"]
    if kind == "position":
        value = {"title": tables.title_in(f["name"])}
        value["country"] = f["country"][0] if f.get("country") else None
        value["posted_to"] = f["posted_to"][0] if f.get("posted_to") else None
        return value
    return {"name": f["name"]}


def _facts(model, record, citations, add, named, by_key) -> None:
    f = record["fields"]
    if model == "diplomacy.designation":
        org = named("diplomacy.organization", f["organization"])
        add("designation", {"organization": org["fields"]["name"],
                            "jurisdiction": f["jurisdiction"][0]}, citations)  # fmt: skip
    elif model == "diplomacy.statement":
        if f.get("speaker"):
            speaker = named("diplomacy.official", f["speaker"])["fields"]["name"]
        elif f.get("speaker_organization"):
            speaker = named("diplomacy.organization", f["speaker_organization"])["fields"]["name"]
        else:
            speaker = f["speaker_country"][0]
        add("statement", {"speaker": speaker, "mode": f["mode"]}, citations)
    elif model == "diplomacy.decisionstage":
        decision = by_key.get(("diplomacy.policydecision", f["decision"][0]))
        if decision is not None:
            value = {"stage": f["status"], "decision_type": decision["fields"]["decision_type"]}
            add("decision", value, citations)
    elif model in ("trade.shipment", "trade.commitment"):
        for name, unit, kind in (("quantity", "unit", "quantity"), ("value", "currency", "value")):
            if f.get(name) and [c for c in citations if name in c["supports"]]:
                value = {"amount": f[name], ("unit" if kind == "quantity" else "currency"): f[unit]}
                add(kind, value, [c for c in citations if name in c["supports"]])


def _dates(record, citations, add) -> None:
    f = record["fields"]
    for name in ("date", "period", "as_of", "start", "end"):
        if f"{name}_precision" not in f:
            continue
        supported = [c for c in citations if name in c["supports"]]
        if not supported:
            continue
        if f.get(name):
            add("date", {"date": f[name], "precision": f[f"{name}_precision"]}, supported)
            continue
        for words in re.findall(r"“([^”]+)”", f.get(f"{name}_note") or ""):
            said = [c for c in supported if words.casefold() in c["quote"].casefold()]
            if said:
                add("date", {"note": words}, said)
