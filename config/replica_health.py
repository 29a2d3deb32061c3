"""Is a replica usable: reachable, and not too far behind the primary?

The router (``config.db_routers``) asks when a request first reads. The answer is kept per
worker process, so that a healthy replica costs nothing to ask about:

* a replica whose persistent connection is open and answers Django's health check
  (``CONN_HEALTH_CHECKS``, run here once per request instead of at the first query) is
  used; its lag is measured again every ``REPLICA_CHECK_SECONDS``, one small query;
* one with no open connection is connected to (the request would connect anyway); if that
  fails, the replica is left out for ``REPLICA_RETRY_SECONDS`` and reads go elsewhere, so a
  replica that is down costs one connection attempt per worker per window, not one per request;
* one that lags more than ``REPLICA_MAX_LAG_SECONDS`` is left out until it has caught up.

``/readyz`` asks afresh (``check``) and reports each replica as ``ok``, ``unreachable`` or
``lagging``.
"""

import contextlib
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connections

OK, UNREACHABLE, LAGGING = "ok", "unreachable", "lagging"

# How far the standby's replay is behind what it has received, in seconds. When it has replayed
# all it received the lag is 0: an idle primary sends nothing, and the age of the last replayed
# transaction alone would grow without any lag. Not a standby (a test's mirror alias): 0.
LAG_SQL = """
SELECT CASE
  WHEN pg_last_wal_receive_lsn() IS NULL THEN 0
  WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
  ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""

_lock = threading.Lock()
# alias -> (status, monotonic time it was found, lag in seconds or None)
_known: dict[str, tuple[str, float, float | None]] = {}


def _measure(alias: str) -> tuple[str, float | None]:
    connection = connections[alias]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        lag = 0.0  # SQLite (tests' mirrors) has no replication
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(LAG_SQL)
                lag = float(cursor.fetchone()[0])
    except DatabaseError:
        return UNREACHABLE, None
    return (LAGGING if lag > settings.REPLICA_MAX_LAG_SECONDS else OK), lag


def check(alias: str) -> tuple[str, float | None]:
    """Measure ``alias`` now (a probe): its status and its lag in seconds (None: unreachable)."""
    status, lag = _measure(alias)
    with _lock:
        _known[alias] = (status, time.monotonic(), lag)
    return status, lag


def usable(alias: str) -> bool:
    """May a request read from ``alias``? Measures it only when what is known is too old."""
    now = time.monotonic()
    known = _known.get(alias)
    if known is not None and known[0] != OK and now - known[1] < settings.REPLICA_RETRY_SECONDS:
        return False
    connection = connections[alias]
    # Django's once-per-request check of a persistent connection (CONN_HEALTH_CHECKS), done
    # before the request is committed to this replica rather than at its first query: a
    # replica that went down since the last request is found here, and the request falls
    # back to the primary instead of failing.
    # (If closing the broken connection fails, it is dropped all the same: check() connects.)
    with contextlib.suppress(DatabaseError):
        connection.close_if_health_check_failed()
    fresh = known is not None and now - known[1] < settings.REPLICA_CHECK_SECONDS
    if fresh and known[0] == OK and connection.connection is not None:
        return True
    return check(alias)[0] == OK


def known_status(alias: str) -> str:
    """The last status found for ``alias`` without measuring (``ok`` if never measured)."""
    known = _known.get(alias)
    return OK if known is None else known[0]


def forget() -> None:
    """Drop what is known (tests)."""
    with _lock:
        _known.clear()
