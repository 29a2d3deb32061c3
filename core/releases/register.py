"""``register_release()``: serve a release published elsewhere (such as ``fixtures/release``).

Its checksums are verified, its files copied into the ``releases`` storage and its row
saved, so ``/api/v1/releases/`` offers it. Registering the same release again changes
nothing; a different release under a version that exists here is refused.
"""

import csv
import hashlib
import json
from pathlib import Path

from django.core.files import File
from django.utils.dateparse import parse_datetime

from core.models import Release

from . import files
from .publish import ReleaseError, release_storage
from .verify import release_folder, verify_release


def _rows(path: Path, fmt: str) -> int | None:
    if fmt == "csv":
        with path.open(encoding="utf-8", newline="") as stream:
            return sum(1 for _ in csv.reader(stream)) - 1
    if fmt == "ndjson":
        with path.open("rb") as stream:
            return sum(1 for line in stream if line.strip())
    return None


def _entry(folder: Path, name: str, fmt: str, resource: str) -> files.FileEntry:
    entry = files.FileEntry(name, fmt, resource, rows=_rows(folder / name, fmt))
    return files.finish(folder, entry)


def _entries(folder: Path, package: dict) -> list[files.FileEntry]:
    entries = [_entry(folder, files.PACKAGE, "json", "datapackage")]
    for resource in package["resources"]:
        name = resource["name"].removesuffix("-ndjson").removesuffix("-md")
        entries.append(_entry(folder, resource["path"], resource["format"], name))
    entries.append(_entry(folder, files.SUMS, "txt", "checksums"))
    return entries


def _store(folder: Path, version: str, entries, storage) -> None:
    for entry in entries:
        stored = f"{version}/{entry.name}"
        if storage.exists(stored):
            with storage.open(stored, "rb") as stream:
                same = hashlib.sha256(stream.read()).hexdigest() == entry.sha256
            if not same:
                raise ReleaseError(f"{stored} exists in the storage with other content.")
            continue
        with (folder / entry.name).open("rb") as stream:
            storage.save(stored, File(stream))


def register_release(path: Path) -> tuple[Release, bool]:
    """Verify the release at ``path`` and serve it; returns (its row, whether it is new)."""
    package = verify_release(path)
    folder = release_folder(path)
    version, checksum = package["version"], package["checksum"].removeprefix("sha256:")
    existing = Release.objects.filter(version=version).first()
    if existing is not None:
        if existing.checksum != checksum:
            raise ReleaseError(f"Release {version} exists here with other data.")
        return existing, False
    entries = _entries(folder, package)
    _store(folder, version, entries, release_storage())
    changelog = json.loads((folder / files.CHANGELOG_JSON).read_text(encoding="utf-8"))
    release = Release.objects.create(
        version=version,
        created=parse_datetime(package["created"]),
        checksum=checksum,
        previous=changelog["previous"] or "",
        files=[entry.as_dict() for entry in entries],
        counts={e.resource: e.rows for e in entries if e.format == "csv"},
        changelog=changelog,
    )
    return release, True
