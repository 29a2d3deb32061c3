"""The dataset version: it moves on every write, and keys ETags, cached counts and responses.

The version is read from the database, through the source the apps register (the change
feed's last entry, see ``core.signals``): it depends on the data alone, so every worker, before
and after a restart, with or without Redis, names one state of the data with one version, and
an ETag derived from it is the same wherever it is computed.

Reading it costs one indexed row; it is kept in the cache for ``LOCAL_TTL`` seconds so that a
cache hit touches no table. A write drops that copy at once (``bump_dataset_version``, called
by ``core.signals`` on every change and again at commit): with Redis every worker sees the
write at once; with the per-process memory cache, the worker that wrote sees it at once and
the others within ``LOCAL_TTL`` seconds. Within one request the version is read once, so the
cache key of a response and its ETag always name the same version.

With read replicas each database has its own version, read from it and cached under its own
key: a replica that lags has not yet the primary's last change. A request reads its version
from the database its rows come from (``config.db_routers.read_alias``), before them, so a
cached page, a count or an ETag never names a state newer than the rows it was built from
(older is harmless: the next version supersedes it). One shared key would let an anonymous
reader file the lagging replica's rows under the version a curator had just read from the
primary, and serve them as current for the response cache's whole lifetime. A write drops
every database's copy; a replica read again before it has replayed the write keeps its older
version up to ``LOCAL_TTL``, so the public sees a write within the replica's lag plus that.
"""

import hashlib
import threading
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS

from config.db_routers import read_alias

VERSION_KEY = "dataset-version"
#: How long a worker trusts the version it read (another worker's write is seen within it).
LOCAL_TTL = 2
_source: Callable[[], object] | None = None
_request = threading.local()


def set_version_source(source: Callable[[], object]) -> None:
    """Register how to read the dataset's version from the database."""
    global _source
    _source = source


def read_version() -> str:
    """The version as the database has it now: a digest of the source's answer."""
    state = repr(_source() if _source is not None else None)
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def version_key(alias: str) -> str:
    """The cache key of ``alias``'s version (the primary's is the one a write drops)."""
    return VERSION_KEY if alias == DEFAULT_DB_ALIAS else f"{VERSION_KEY}:{alias}"


def dataset_version() -> str:
    pinned = getattr(_request, "version", None)
    if pinned is not None:
        return pinned
    key = version_key(read_alias())
    version = cache.get(key)
    if version is None:
        version = read_version()
        cache.set(key, version, timeout=LOCAL_TTL)
    if getattr(_request, "active", False):
        _request.version = version
    return version


def bump_dataset_version() -> None:
    """A write happened here: the next read asks the database again."""
    _request.version = None
    # The replicas' too: each is read again at its next use, so that a public reader sees the
    # write as soon as the replica has replayed it (or within LOCAL_TTL if it had not yet).
    aliases = [DEFAULT_DB_ALIAS, *settings.DATABASE_REPLICAS]
    cache.delete_many([version_key(alias) for alias in aliases])


def _start(**kwargs) -> None:
    _request.active, _request.version = True, None


def _finish(**kwargs) -> None:
    _request.active, _request.version = False, None


request_started.connect(_start, dispatch_uid="dataset_version_start")
request_finished.connect(_finish, dispatch_uid="dataset_version_finish")
