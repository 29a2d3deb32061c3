"""Request-wide middleware that knows nothing of the domain apps."""

from django.middleware import gzip
from django.utils.cache import patch_vary_headers
from django.utils.decorators import decorator_from_middleware

from config.db_routers import SAFE_METHODS, _current_request, pin_user_to_primary, resolved_user


class ReadYourWritesMiddleware:
    """Lets the database router see the request, and pins a writer's reads to the primary.

    After any non-safe request by an authenticated user (a curator's write through the API
    or the admin), that user's reads go to the primary for ``READ_YOUR_WRITES_SECONDS``
    (see ``config.db_routers``). The pin is set even when the write failed: it is cheap, and
    a failure that reached the database may still have changed something the user reads next.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current_request.reset(token)
        if request.method not in SAFE_METHODS:
            # After the view, DRF has put the token's user on the request too.
            user = resolved_user(request)
            if user is not None and user.is_authenticated:
                pin_user_to_primary(user.pk)
        return response


def accepts_gzip(header: str) -> bool:
    """Does an ``Accept-Encoding`` header accept gzip, weights read (RFC 9110 12.5.3)?

    ``gzip;q=0`` refuses it, and so does ``*;q=0`` unless gzip is named with a weight
    above 0. Django's middleware looks for the word "gzip" alone.
    """
    weights = {}
    for item in header.split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if coding:
            weights[coding.lower()] = weight
    if "gzip" in weights:
        return weights["gzip"] > 0
    return weights.get("*", 0) > 0


class GZipMiddleware(gzip.GZipMiddleware):
    """Django's GZipMiddleware, for clients that accept gzip with a weight above 0 only."""

    def process_response(self, request, response):
        if not accepts_gzip(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            patch_vary_headers(response, ("Accept-Encoding",))
            return response
        return super().process_response(request, response)


#: ``django.views.decorators.gzip.gzip_page``, with the weights read.
gzip_page = decorator_from_middleware(GZipMiddleware)
