"""The dataset version: it moves on every write, and keys cached counts and responses.

With a shared cache (Redis, when ``REDIS_URL`` is set) the version is one counter for every
worker, bumped by each write. With the per-process memory cache, a worker cannot see another
one's bump, so its version is read from the database (through the source the apps register,
e.g. the change feed's last sequence number) and trusted for ``LOCAL_TTL`` seconds only: a
write made elsewhere is seen within that time, and a write made here at once.

The apps call ``bump_dataset_version()`` on every change of a record (see ``core.signals``).
"""

import time
import uuid
from collections.abc import Callable

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache

VERSION_KEY = "dataset-version"
LOCAL_TTL = 2
#: Distinguishes this process's versions from those of an earlier database state.
_NONCE = uuid.uuid4().hex[:8]
_source: Callable[[], object] | None = None


def set_version_source(source: Callable[[], object]) -> None:
    """Register how to read the dataset's version from the database (used without Redis)."""
    global _source
    _source = source


def _shared() -> bool:
    return not isinstance(caches["default"], LocMemCache)


def dataset_version():
    version = cache.get(VERSION_KEY)
    if version is not None:
        return version
    if _shared():
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        return cache.get(VERSION_KEY, 0)
    version = f"{_NONCE}:{_source() if _source is not None else time.time_ns()}"
    cache.set(VERSION_KEY, version, timeout=LOCAL_TTL)
    return version


def bump_dataset_version() -> None:
    if not _shared():
        cache.delete(VERSION_KEY)  # read again from the database on the next request
        return
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet: any fresh value differs from every cached key
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)
