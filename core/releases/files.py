"""Writing a release's files into a local folder: data first, then the package around it.

Data files hold no timestamp of the release and list rows in a stable order, so the same
data gives the same bytes and a checksum identifies content. The release's own time and
version live only in ``datapackage.json``.
"""

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from config.api.renderers import dumps

from . import tables as schemas
from .snapshot import (
    ReleasedKeys,
    Table,
    csv_cell,
    dataset_models,
    encode_entry,
    entry_digest,
    fixture_records,
    public_id_of,
    resource_name,
)
from .verify import PACKAGE, SUMS  # noqa: F401 (files.PACKAGE is read by publish)

FIXTURE = "fixture.json"
CHANGELOG_JSON = "changelog.json"
CHANGELOG_MD = "CHANGELOG.md"
MD_IDS = 20  # ids listed per resource in CHANGELOG.md; changelog.json lists them all
MEDIA_TYPES = {
    "csv": "text/csv",
    "ndjson": "application/x-ndjson",
    "json": "application/json",
    "md": "text/markdown",
}
DEFAULT_MEDIA_TYPE = "application/octet-stream"


@dataclass
class FileEntry:
    """A written file: what the API lists and what ``datapackage.json`` describes."""

    name: str
    format: str
    resource: str
    bytes: int = 0
    sha256: str = ""
    rows: int | None = None

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES.get(self.format, DEFAULT_MEDIA_TYPE)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "format": self.format,
            "resource": self.resource,
            "media_type": self.media_type,
            "bytes": self.bytes,
            "sha256": self.sha256,
            "rows": self.rows,
        }


def digest(path: Path) -> tuple[int, str]:
    """(size in bytes, sha256 hex) of a file, read in blocks."""
    sha = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            sha.update(block)
            size += len(block)
    return size, sha.hexdigest()


def finish(folder: Path, entry: FileEntry) -> FileEntry:
    entry.bytes, entry.sha256 = digest(folder / entry.name)
    return entry


def write_fixture(folder: Path, progress) -> tuple[FileEntry, dict]:
    """The Django fixture (natural keys), and each record's digest for the changelog."""
    keys, digests, count = ReleasedKeys(), {}, 0
    with (folder / FIXTURE).open("w", encoding="utf-8", newline="\n") as out:
        out.write("[")
        for model in dataset_models():
            label, name, before = model._meta.label_lower, resource_name(model), count
            for obj, entry in fixture_records(model, keys):
                out.write(",\n" if count else "\n")
                text = encode_entry(entry)
                out.write(text)
                state = (name, public_id_of(obj), obj.review_state, entry_digest(text))
                digests[(label, str(obj.pk))] = state
                count += 1
            progress(f"{FIXTURE}: {count - before} {name}")
        out.write("\n]\n")
    return finish(folder, FileEntry(FIXTURE, "json", "fixture")), digests


def write_table(folder: Path, table: Table, progress) -> list[FileEntry]:
    """A table as CSV and as NDJSON, row for row."""
    csv_name, ndjson_name = f"{table.name}.csv", f"{table.name}.ndjson"
    count = 0
    with (
        (folder / csv_name).open("w", encoding="utf-8", newline="") as csv_out,
        (folder / ndjson_name).open("wb") as ndjson_out,
    ):
        writer = csv.writer(csv_out, lineterminator="\n")
        writer.writerow(table.columns)
        for row in table.iter_rows():
            writer.writerow([csv_cell(value) for value in row])
            ndjson_out.write(dumps(dict(zip(table.columns, row, strict=True))) + b"\n")
            count += 1
            if count % 100_000 == 0:
                progress(f"{table.name}: {count} rows")
    progress(f"{table.name}: {count} rows")
    written = [finish(folder, FileEntry(csv_name, "csv", table.name, rows=count))]
    if count:
        written.append(finish(folder, FileEntry(ndjson_name, "ndjson", table.name, rows=count)))
    else:
        # An empty NDJSON file cannot say its columns (Frictionless cannot read one); the
        # CSV's header row does.
        (folder / ndjson_name).unlink()
    return written


def write_changelog(folder: Path, changelog: dict) -> list[FileEntry]:
    """The changelog as data (JSON) and as text (Markdown); no timestamps in either."""
    (folder / CHANGELOG_JSON).write_text(
        json.dumps(changelog, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    (folder / CHANGELOG_MD).write_text(changelog_markdown(changelog), encoding="utf-8")
    return [
        finish(folder, FileEntry(CHANGELOG_JSON, "json", "changelog")),
        finish(folder, FileEntry(CHANGELOG_MD, "md", "changelog")),
    ]


def changelog_markdown(changelog: dict) -> str:
    previous = changelog["previous"]
    lines = [f"# Changes since {previous}" if previous else "# First release", ""]
    for kind in ("added", "changed", "retracted", "removed"):
        groups = changelog[kind]
        total = sum(len(ids) for ids in groups.values())
        lines.append(f"## {kind.capitalize()}: {total}")
        lines.append("")
        for resource, ids in groups.items():
            shown = ", ".join(ids) if len(ids) <= MD_IDS else f"see {CHANGELOG_JSON}"
            lines.append(f"- {resource} ({len(ids)}): {shown}")
        if groups:
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def write_sums(folder: Path, entries: list[FileEntry]) -> str:
    """``SHA256SUMS`` for ``sha256sum -c``; its own sha256 is the release's checksum."""
    text = "".join(f"{e.sha256}  {e.name}\n" for e in sorted(entries, key=lambda e: e.name))
    (folder / SUMS).write_text(text, encoding="ascii")
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def table_schema(table: Table, fmt: str) -> dict:
    if table.link is not None:
        return schemas.link_schema(table, *table.link, fmt)
    if table.name == "citations":
        return schemas.citation_schema(fmt)
    return schemas.record_schema(table.model, fmt)
