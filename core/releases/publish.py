"""``publish_release()``: snapshot the public data into an immutable release.

The files are written to a temporary folder inside one read transaction (a consistent
snapshot), checksummed, then copied to the ``releases`` storage under ``<version>/``, and
the ``Release`` row is saved last. A version is never reused or overwritten.

On SQLite the read transaction holds the write lock while the files are written (curators'
writes wait); on PostgreSQL it is a repeatable-read snapshot that blocks nobody.
"""

import contextlib
import json
import re
import tempfile
from pathlib import Path

from django.core.files import File
from django.core.files.storage import storages
from django.db import connection, transaction
from django.utils import timezone

from core.models import Release
from core.models.releases import VERSION_RE

from . import files, package
from .snapshot import SnapshotError, fixture_digests, tables
from .verify import release_fixture

RESERVED = {"latest"}


class ReleaseError(Exception):
    """The release cannot be published; nothing was stored."""


def release_storage():
    return storages["releases"]


def check_version(version: str, storage) -> None:
    if not re.match(VERSION_RE, version) or version in RESERVED:
        raise ReleaseError(
            f"{version!r} is not a usable version: letters, digits, '.', '-' and '_', "
            f"starting with a letter or digit, not {sorted(RESERVED)}."
        )
    if Release.objects.filter(version=version).exists() or storage.exists(
        f"{version}/{files.PACKAGE}"
    ):
        raise ReleaseError(f"Release {version} already exists; a version is never reused.")


def previous_digests(previous: Path | None, storage) -> tuple[str | None, dict]:
    """The previous release's version and record digests (none before the first)."""
    if previous is not None:
        fixture = release_fixture(previous)
        version = package_version(fixture.parent / files.PACKAGE)
        return version, fixture_digests(fixture.read_text(encoding="utf-8"))
    latest = Release.objects.latest_first().first()
    if latest is None:
        return None, {}
    name = f"{latest.version}/{files.FIXTURE}"
    if not storage.exists(name):
        raise ReleaseError(
            f"The previous release {latest.version} has no {name} in the storage; name a "
            "copy of it with --previous."
        )
    with storage.open(name, "rb") as stream:
        return latest.version, fixture_digests(stream.read().decode("utf-8"))


def package_version(path: Path) -> str:
    return json.loads(path.read_text(encoding="utf-8"))["version"]


def write_release(folder: Path, version: str, previous: tuple, progress) -> tuple:
    """Every file into ``folder``; returns (entries with their tables, checksum, changelog)."""
    fixture, digests = files.write_fixture(folder, progress)
    written = [(fixture, None)]
    for table in tables():
        for entry in files.write_table(folder, table, progress):
            written.append((entry, table))
    changelog = package.changelog(previous[0], previous[1], digests)
    written.extend((entry, None) for entry in files.write_changelog(folder, changelog))
    checksum = files.write_sums(folder, [entry for entry, _ in written])
    return written, checksum, changelog


@contextlib.contextmanager
def snapshot_transaction():
    """One consistent read of the data; on PostgreSQL a repeatable-read, read-only one."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def store(folder: Path, version: str, names: list[str], storage, progress) -> None:
    for name in names:
        with (folder / name).open("rb") as stream:
            stored = storage.save(f"{version}/{name}", File(stream))
        if stored != f"{version}/{name}":
            raise ReleaseError(f"The storage renamed {name} to {stored}: it existed already.")
        progress(f"stored {version}/{name}")


def publish_release(version, *, previous=None, progress=lambda message: None) -> Release:
    """Publish the public data as release ``version``; raise ``ReleaseError`` if it can't."""
    storage = release_storage()
    check_version(version, storage)
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        folder = Path(tmp)
        try:
            with snapshot_transaction():
                last = previous_digests(previous, storage)
                written, checksum, changelog = write_release(folder, version, last, progress)
        except SnapshotError as exc:
            raise ReleaseError(str(exc)) from exc
        created = timezone.now().replace(microsecond=0)
        descriptor = package.datapackage(version, created.isoformat(), checksum, written)
        (folder / files.PACKAGE).write_text(package.encode(descriptor), encoding="utf-8")
        entries = [entry for entry, _ in written]
        names = [entry.name for entry in entries] + [files.SUMS, files.PACKAGE]
        store(folder, version, names, storage, progress)
        sums = files.finish(folder, files.FileEntry(files.SUMS, "txt", "checksums"))
        meta = files.finish(folder, files.FileEntry(files.PACKAGE, "json", "datapackage"))
    return Release.objects.create(
        version=version,
        created=created,
        checksum=checksum,
        previous=changelog["previous"] or "",
        files=[entry.as_dict() for entry in [meta, *entries, sums]],
        counts={e.resource: e.rows for e in entries if e.format == "csv"},
        changelog=changelog,
    )
