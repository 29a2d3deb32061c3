"""Reads from replicas, writes to the primary, and read-your-writes for curators.

``DATABASE_REPLICA_URLS`` adds one alias per streaming replica (``replica1``, ``replica2``, …,
listed in ``settings.DATABASE_REPLICAS``). With none, every query goes to ``default``.

A read goes to the primary instead of a replica when

* it runs inside a transaction on the primary (a write's own reads: ``select_for_update``,
  the representation a write answers with, the history it diffs against);
* the request itself is a write (any non-safe method): everything it reads after its
  transaction, such as the 201's body, must show what it just wrote;
* the request comes from a user who wrote within ``READ_YOUR_WRITES_SECONDS``: a replica
  lags the primary, and a curator who just saved must not read the old record back;
* no replica is usable: each is checked when a request first reads (a persistent
  connection costs nothing to check), and one that cannot be reached, or that lags more than
  ``REPLICA_MAX_LAG_SECONDS``, is left out for ``REPLICA_RETRY_SECONDS`` (see
  ``config.replica_health``). Reads then fall back to the primary and ``/readyz`` says so.

One request reads from one database: the replica is drawn once, at the request's first read,
and kept for all its queries. Two replicas lag by different amounts; a page whose count,
rows and dataset version came from two of them would mix two states of the data. The
dataset version (``config.api.cache``) is read from that same database, before the rows, so
a cached response or an ETag never names a state newer than the data it was built from.

Sessions and API tokens are always read from the primary: a curator who just logged in or
got a token must not be turned away because a replica has not seen it yet, and these reads
are single-row lookups that only authenticated requests make.

The pin of the third case is kept in the shared cache under the user's id, set by
``config.middleware.ReadYourWritesMiddleware`` after each write. We key it by user rather
than by cookie so that token clients (curl, scripts) that keep no cookies get it too. It
needs the cache shared between workers (``REDIS_URL``), which is the setup replicas are
for; with the per-process cache a curator's next read may land on another worker that does
not know the pin, and read from a replica up to its lag behind.

Anonymous readers never touch the cache here: their reads go straight to a replica.
"""

import random
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils.functional import SimpleLazyObject, empty

from config import replica_health

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Apps whose rows are read right after they are written, by the next request: the login
# session (django.contrib.sessions) and API tokens (knox).
PRIMARY_ONLY_APPS = frozenset({"sessions", "knox"})
PIN_KEY = "primary-pin:{}"

# The request being served by this thread, set by ReadYourWritesMiddleware.
_current_request: ContextVar = ContextVar("db_router_request", default=None)


def pin_key(user_id) -> str:
    return PIN_KEY.format(user_id)


def pin_user_to_primary(user_id) -> None:
    """Send this user's reads to the primary for ``READ_YOUR_WRITES_SECONDS``."""
    cache.set(pin_key(user_id), 1, timeout=settings.READ_YOUR_WRITES_SECONDS)


def resolved_user(request):
    """The request's user if already known, else None, without a query to find it.

    The router must not look the user up itself: that lookup (session or token) is a read
    the router is routing, and would recurse. Until authentication has run, the user is
    unknown, and only the authentication's own reads happen (sessions and tokens: primary).
    """
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        wrapped = user._wrapped
        return None if wrapped is empty else wrapped
    return user


def _request_needs_primary(request) -> bool:
    if request.method not in SAFE_METHODS:
        return True
    decided = request.__dict__.get("_reads_from_primary")
    if decided is not None:
        return decided
    user = resolved_user(request)
    if user is None:
        return False  # not decided yet: ask again at the next query
    decided = bool(user.is_authenticated and cache.get(pin_key(user.pk)) is not None)
    request._reads_from_primary = decided  # one cache lookup per request at most
    return decided


def pick_replica(probe: bool) -> str:
    """A random usable replica, or the primary if none is.

    ``probe``: measure a replica whose state is unknown or stale (at a request's first read).
    Without it (outside a request: commands, shells) only what was found before counts.
    """
    replicas = list(settings.DATABASE_REPLICAS)
    random.shuffle(replicas)
    for alias in replicas:
        if replica_health.usable(alias) if probe else replica_health.known_status(alias) == "ok":
            return alias
    return DEFAULT_DB_ALIAS


def read_alias() -> str:
    """The database this thread's reads go to now (models of ``PRIMARY_ONLY_APPS`` aside).

    In a request, a replica is drawn at the first read and kept for the request's others.
    """
    if not settings.DATABASE_REPLICAS:
        return DEFAULT_DB_ALIAS
    if transaction.get_connection(DEFAULT_DB_ALIAS).in_atomic_block:
        return DEFAULT_DB_ALIAS
    request = _current_request.get()
    if request is None:
        return pick_replica(probe=False)
    if _request_needs_primary(request):
        return DEFAULT_DB_ALIAS
    alias = request.__dict__.get("_replica")
    if alias is None:
        alias = request._replica = pick_replica(probe=True)
    return alias


class PrimaryReplicaRouter:
    """Reads to the request's replica; writes, migrations and pinned reads to the primary."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        return read_alias()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Every alias holds the same data: a replica row may point at a primary row.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # Replicas copy the primary's schema through streaming replication; they are read-only.
        return db == DEFAULT_DB_ALIAS
