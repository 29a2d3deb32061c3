"""One error shape for every 4xx and 5xx: RFC 9457 problem details.

Every error response is ``application/problem+json``::

    {"type": "https://…/problems/invalid-parameters", "title": "Invalid query parameters",
     "status": 400, "detail": "…", "instance": "/api/v1/…",
     "errors": {"exporter": ["…"]}, "allowed": ["commodity", "exporter", …]}

``errors`` (per field or parameter) and ``allowed`` (the parameters or values accepted)
appear when they apply.
"""

import logging

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from config.api.parsers import PayloadTooLarge
from config.api.renderers import JSONRenderer

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "https://tradediplomacy.example/problems/"

TITLES = {
    400: ("bad-request", "Bad request"),
    401: ("not-authenticated", "Authentication required"),
    403: ("permission-denied", "Permission denied"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    412: ("precondition-failed", "Precondition failed"),
    413: ("payload-too-large", "Payload too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    428: ("precondition-required", "Precondition required"),
    429: ("throttled", "Too many requests"),
    500: ("server-error", "Server error"),
    503: ("service-unavailable", "Service unavailable"),
}


class InvalidParameters(exceptions.ValidationError):
    """A query parameter is unknown or its value is bad; ``allowed`` lists what is accepted."""

    def __init__(self, errors: dict, allowed: list[str]):
        super().__init__(errors)
        self.allowed = sorted(allowed)


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record has changed since you read it: fetch it again, then retry."
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = "Send If-Match with the ETag of the record you read, so no edit is lost."
    default_code = "precondition_required"


def problem(status_code: int, detail: str, *, instance: str = "", **extra) -> dict:
    slug, title = TITLES.get(status_code, ("error", "Error"))
    body = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status_code,
        "detail": detail,
        "instance": instance,
    }
    body.update({key: value for key, value in extra.items() if value is not None})
    return body


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer errors as flat keys: ``citations[0].quote`` → messages."""
    result: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            result.update(_flatten(value, name))
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        for index, item in enumerate(detail):
            if item:
                result.update(_flatten(item, f"{prefix}[{index}]"))
    else:
        items = detail if isinstance(detail, list) else [detail]
        result[prefix or "non_field_errors"] = [str(item) for item in items]
    return result


def _suspicious_detail(exc: SuspiciousOperation) -> str:
    if isinstance(exc, TooManyFieldsSent):
        return f"At most {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} parameters in a request."
    return "The request is malformed."


def exception_handler(exc, context):
    """DRF exception handler: every exception becomes a problem-details response."""
    request = context.get("request")
    instance = request.get_full_path() if request is not None else ""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        # Raised while Django parses the request (too many parameters, say): the client's.
        exc = exceptions.ParseError(_suspicious_detail(exc))

    if not isinstance(exc, exceptions.APIException):
        logger.exception("Unhandled error in the API", exc_info=exc)
        set_rollback()
        body = problem(500, "The server failed to answer; the error was logged.", instance=instance)
        return Response(body, status=500, content_type=PROBLEM_CONTENT_TYPE)

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    extra = {}
    if isinstance(exc, exceptions.ValidationError):
        extra["errors"] = _flatten(exc.detail)
        extra["allowed"] = getattr(exc, "allowed", None)
        detail = (
            "Some query parameters are unknown or have bad values."
            if isinstance(exc, InvalidParameters)
            else "The request has invalid data; see errors."
        )
    else:
        detail = str(exc.detail)
    set_rollback()
    body = problem(exc.status_code, detail, instance=instance, **extra)
    return Response(
        body, status=exc.status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE
    )


class ProblemRenderingMixin:
    """For views: errors are always JSON problem details, whatever format was negotiated."""

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code >= 400 and not isinstance(
            getattr(request, "accepted_renderer", None), JSONRenderer
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class MethodFirstMixin:
    """For views: a method the endpoint does not have is a 405, before authentication can
    answer 401 (or permissions 403) for it."""

    def check_method(self, request, *args, **kwargs):
        if not hasattr(self, request.method.lower()):
            self.http_method_not_allowed(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        self.check_method(request, *args, **kwargs)
        super().initial(request, *args, **kwargs)


class NoParametersMixin:
    """For views that take no query parameter (``format=json`` aside): any other is a 400
    that names it, as on every list, before content negotiation would answer an unknown
    ``format`` with a 404 as if the resource were missing."""

    def initial(self, request, *args, **kwargs):
        params = request.query_params
        errors = {name: ["Unknown parameter."] for name in params if name != "format"}
        if any(value != "json" for value in params.getlist("format")):
            errors["format"] = ["json."]
        if errors:
            raise InvalidParameters(errors, ["format"])
        super().initial(request, *args, **kwargs)


BARE_ERROR_DETAILS = {
    400: "The request is malformed.",
    403: "Permission denied.",
    412: "A precondition (If-Match or If-Unmodified-Since) failed: the resource has changed.",
}


def _django_problem(request, status_code: int, detail: str):
    response = JsonResponse(
        problem(status_code, detail, instance=request.get_full_path()), status=status_code
    )
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    return response


def not_found(request, exception=None):
    """handler404: problem details under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return _django_problem(request, 404, "No resource at this address.")
    return defaults.page_not_found(request, exception)


def bad_request(request, exception=None):
    """handler400 (a bad Host, say): problem details under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return _django_problem(request, 400, BARE_ERROR_DETAILS[400])
    return defaults.bad_request(request, exception)


def server_error(request):
    """handler500: problem details under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return _django_problem(request, 500, "The server failed to answer; the error was logged.")
    return defaults.server_error(request)


class ProblemDetailsMiddleware:
    """Under /api/, an error Django answers itself is a problem too, not a bare page.

    Django's conditional GET (ConditionalGetMiddleware, ``get_conditional_response``) answers
    a failed ``If-Match`` or ``If-Unmodified-Since`` with a bodiless 412, and its handlers
    answer a bad Host or a CSRF failure with an HTML page. Each is rewritten into the one
    error shape, keeping the status and the headers that describe the resource (not its
    caching: an error is not to be kept for a year with the file it refused).
    """

    KEPT = ("ETag", "Last-Modified", "Allow", "Vary", "WWW-Authenticate", "Retry-After")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith("/api/")
            or response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE)
            or getattr(response, "streaming", False)
        ):
            return response
        status_code = response.status_code
        detail = BARE_ERROR_DETAILS.get(status_code, TITLES.get(status_code, ("", "Error"))[1])
        problem_response = _django_problem(request, status_code, detail)
        for name in self.KEPT:
            if name in response:
                problem_response[name] = response[name]
        return problem_response
