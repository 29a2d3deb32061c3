"""``/healthz`` and ``/readyz`` for load balancers and orchestrators.

* ``/healthz``: the process is alive and answers. No database, no cache: a database outage
  must not make an orchestrator restart healthy workers (restarting would not help).
* ``/readyz``: the primary, every replica and the cache answer. 503 otherwise, with each
  check named, so a node that cannot serve is taken out of rotation.

They are answered by a middleware at the top of the stack, before host validation and the
HTTPS redirect: probes come over plain HTTP to the node's own address, not with the public
host name. They reveal nothing but "ok" or "unreachable".
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import JsonResponse

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
    checks = {
        f"database:{alias}": _database_ok(alias)
        for alias in [DEFAULT_DB_ALIAS, *settings.DATABASE_REPLICAS]
    }
    checks["cache"] = _cache_ok()
    report = {name: "ok" if ok else "unreachable" for name, ok in checks.items()}
    if all(checks.values()):
        return JsonResponse({"status": "ready", "checks": report}, headers=NO_STORE)
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
