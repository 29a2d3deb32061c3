"""The dataset version: a number bumped by every write, used to key cached counts.

Kept in the shared cache (Redis when ``REDIS_URL`` is set), so every worker sees a write at
once; with the per-process fallback cache, other workers see it within ``COUNT_TTL``. The
apps call ``bump_dataset_version()`` on every change of a record (see ``core.signals``).
"""

import time

from django.core.cache import cache

VERSION_KEY = "dataset-version"


def dataset_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def bump_dataset_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet: any fresh value differs from every cached key
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)
