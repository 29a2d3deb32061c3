"""A database outage is a 503 problem with ``Retry-After``, answered at once.

When PostgreSQL is down or restarting, the driver fails fast: a closed port refuses the
connection at once, and ``connect_timeout`` (settings) bounds a host that does not answer.
What reaches us is ``django.db.OperationalError`` or ``InterfaceError``; without this module
it would be a 500 with a logged traceback, which tells clients and load balancers the wrong
thing (a bug, not "come back shortly").

Two paths lead here: DRF views call ``exception_handler`` (set as DRF's EXCEPTION_HANDLER),
and everything else (the admin, a middleware's session or user lookup) ends in Django's
handler500, which is ``server_error``. Recovery needs no restart: Django drops a connection
that failed (``CONN_HEALTH_CHECKS`` checks a persistent one before reusing it), so the first
request after the database is back opens a new one.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from rest_framework.response import Response
from rest_framework.views import set_rollback

from config.api import errors

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
# SQLite reports a missing table or column as an OperationalError too: that is a missed
# migration or a bug, not an outage, and stays a 500 (PostgreSQL calls it ProgrammingError).
NOT_AN_OUTAGE = ("no such table", "no such column")
# A PostgreSQL restart or fail-over takes seconds; clients that honour this come back after it.
RETRY_AFTER_SECONDS = 5
DETAIL = "The database is unreachable for the moment; retry after the time given."


def is_outage(exc) -> bool:
    return isinstance(exc, DATABASE_ERRORS) and not str(exc).startswith(NOT_AN_OUTAGE)


def _problem(request):
    instance = request.get_full_path() if request is not None else ""
    return errors.problem(503, DETAIL, instance=instance)


def _headers() -> dict[str, str]:
    return {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}


def exception_handler(exc, context):
    """DRF's exception handler: database outages are 503s, the rest as ``config.api.errors``."""
    if is_outage(exc):
        logger.warning("Database unavailable: %s", exc)
        set_rollback()
        return Response(
            _problem(context.get("request")),
            status=503,
            headers=_headers(),
            content_type=errors.PROBLEM_CONTENT_TYPE,
        )
    return errors.exception_handler(exc, context)


def server_error(request):
    """handler500: a database outage anywhere outside DRF is a 503 problem too."""
    if is_outage(sys.exc_info()[1]):
        response = JsonResponse(_problem(request), status=503, headers=_headers())
        response["Content-Type"] = errors.PROBLEM_CONTENT_TYPE
        return response
    return errors.server_error(request)
