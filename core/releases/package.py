"""``datapackage.json`` (a Frictionless Data Package) and the changelog's content."""

import json

from core.models import Source

from .files import CHANGELOG_JSON, CHANGELOG_MD, FIXTURE, FileEntry, table_schema
from .snapshot import Table, released
from .tables import resource_key

NAME = "trade-diplomacy"
TITLE = "Trade & Diplomacy open data"
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
DESCRIPTIONS = {
    FIXTURE: "The whole release as a Django fixture with natural keys: "
    "`manage.py load_dataset <release folder>` loads it.",
    CHANGELOG_JSON: "Records added, changed, retracted and removed since the previous "
    "release, by resource and public id.",
    CHANGELOG_MD: "The changelog, for reading.",
}


def sources() -> list[dict]:
    """Every released source, with its own licence and how to credit it."""
    result = []
    for source in released(Source).order_by("pk"):
        entry = {"title": source.title or source.brief_name, "id": str(source.pk)}
        if source.document_url:
            entry["path"] = source.document_url
        for name in ("kind", "publisher", "published", "licence", "attribution", "content_hash"):
            entry[name] = getattr(source, name)
        result.append(entry)
    return result


def resource(entry: FileEntry, table: Table | None) -> dict:
    descriptor = {
        "name": resource_key(entry.resource, entry.format)
        if table
        else entry.resource + ("-md" if entry.format == "md" else ""),
        "path": entry.name,
        "format": entry.format,
        "mediatype": entry.media_type,
        "encoding": "utf-8",
        "bytes": entry.bytes,
        "hash": f"sha256:{entry.sha256}",
    }
    if table is None:
        descriptor["type"] = "json" if entry.format == "json" else "text"
        descriptor["description"] = DESCRIPTIONS[entry.name]
        return descriptor
    descriptor["profile"] = "tabular-data-resource"
    descriptor["type"] = "table"
    if entry.format == "csv":
        descriptor["dialect"] = {"delimiter": ",", "lineTerminator": "\n", "header": True}
    descriptor["schema"] = table_schema(table, entry.format)
    return descriptor


def datapackage(version: str, created: str, checksum: str, files) -> dict:
    """The package: its version and time, licence, sources and every file's schema."""
    return {
        "profile": "data-package",
        "name": NAME,
        "title": TITLE,
        "description": "Evidence-backed records on trade and diplomacy between countries. "
        "Every published fact cites its source: the quote and its character span, or a "
        "dataset locator (citations). Retracted records are included, marked retracted "
        "with their reason; drafts are not.",
        "version": version,
        "created": created,
        "licenses": [LICENSE],
        "sources": sources(),
        "checksum": f"sha256:{checksum}",
        "resources": _linked(resource(entry, table) for entry, table in files),
    }


def _linked(resources) -> list[dict]:
    """The resources, each foreign key pointing at a resource in the package: an empty table
    has no NDJSON file (it could not say its columns), so a key into it is dropped there."""
    resources = list(resources)
    names = {r["name"] for r in resources}
    for r in resources:
        schema = r.get("schema", {})
        keys = [
            k for k in schema.get("foreignKeys", []) if k["reference"]["resource"] in ("", *names)
        ]
        if "foreignKeys" in schema and len(keys) < len(schema["foreignKeys"]):
            schema["foreignKeys"] = keys
            if not keys:
                del schema["foreignKeys"]
    return resources


def encode(package: dict) -> str:
    return json.dumps(package, ensure_ascii=False, indent=1) + "\n"


def changelog(previous: str | None, old: dict, new: dict) -> dict:
    """What changed between two releases' record digests, by resource and public id.

    Each digest maps (model label, pk) to (resource, public id, review state, content).
    A record newly retracted is listed as retracted, not as changed; one no longer
    released (deleted, or back to draft) as removed.
    """
    result = {"previous": previous, "added": {}, "changed": {}, "retracted": {}, "removed": {}}
    for key, (name, public_id, state, content) in new.items():
        before = old.get(key)
        if before is None:
            kind = "added"
        elif state == "retracted" and before[2] != "retracted":
            kind = "retracted"
        elif before[3] != content:
            kind = "changed"
        else:
            continue
        result[kind].setdefault(name, []).append(public_id)
    for key, (name, public_id, _state, _content) in old.items():
        if key not in new:
            result["removed"].setdefault(name, []).append(public_id)
    for kind in ("added", "changed", "retracted", "removed"):
        result[kind] = {name: sorted(ids) for name, ids in sorted(result[kind].items())}
    return result
