"""``/healthz`` and ``/readyz`` for load balancers and orchestrators.

* ``/healthz``: the process is alive and answers. No database, no cache: a database outage
  must not make an orchestrator restart healthy workers (restarting would not help).
* ``/readyz``: the primary and the cache answer. 503 otherwise, with each check named, so a
  node that cannot serve is taken out of rotation. Each replica is checked too and named
  ``ok``, ``unreachable`` or ``lagging``; one that is not ok makes the node ``degraded``
  (still 200): its reads fall back to the primary (``config.replica_health``), and taking
  every node out because a shared replica is down would turn a slower service into none.

They are answered by a middleware at the top of the stack, before host validation and the
HTTPS redirect: probes come over plain HTTP to the node's own address, not with the public
host name. They reveal nothing but "ok" or "unreachable".
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import JsonResponse

from config import replica_health
from config.api.errors import PROBLEM_CONTENT_TYPE, problem

NO_STORE = {"Cache-Control": "no-store"}


def healthz(request):
    return JsonResponse({"status": "ok"}, headers=NO_STORE)


def _database_ok(alias: str) -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _cache_ok() -> bool:
    # Round-trip a fresh value: a cache that swallows its errors (see settings) answers
    # None rather than raising, and that must count as unreachable here.
    probe = uuid.uuid4().hex
    cache.set("readyz-probe", probe, timeout=10)
    return cache.get("readyz-probe") == probe


def readyz(request):
    primary = f"database:{DEFAULT_DB_ALIAS}"
    checks = {primary: _database_ok(DEFAULT_DB_ALIAS), "cache": _cache_ok()}
    replicas = {
        f"database:{alias}": replica_health.check(alias)[0] for alias in settings.DATABASE_REPLICAS
    }
    report = {
        primary: "ok" if checks[primary] else "unreachable",
        **replicas,
        "cache": "ok" if checks["cache"] else "unreachable",
    }
    if all(checks.values()):
        status = "ready" if all(s == replica_health.OK for s in replicas.values()) else "degraded"
        return JsonResponse({"status": status, "checks": report}, headers=NO_STORE)
    failing = ", ".join(name for name, ok in checks.items() if not ok)
    body = problem(503, f"Not ready: {failing} unreachable.", instance=request.path, checks=report)
    response = JsonResponse(body, status=503, headers={**NO_STORE, "Retry-After": "5"})
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    return response


PROBES = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    """Answers the probes before any other middleware (first in ``MIDDLEWARE``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info.rstrip("/"))
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)
