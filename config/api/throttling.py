"""Throttling that holds: one client address rule, shared counters, rate-limit headers.

* The client's address is ``REMOTE_ADDR``, or, behind ``NUM_PROXIES`` trusted proxies (env
  ``NUM_PROXIES``, default 0), the address that the outermost of them saw in
  ``X-Forwarded-For``. A header the client wrote itself is never trusted beyond that.
  The admin's login throttle (django-axes) uses the same rule (``client_ip``).
* Counters live in the default cache: Redis when ``REDIS_URL`` is set, so every worker and
  host counts together (without it, each process counts on its own).
* Every throttled response carries the IETF draft's ``RateLimit-Policy`` and ``RateLimit``
  headers (``RateLimitHeadersMiddleware``); a 429 also has ``Retry-After``.
"""

from django.conf import settings
from rest_framework import throttling
from rest_framework.settings import api_settings


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or X-Forwarded-For behind trusted proxies."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = api_settings.NUM_PROXIES or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies <= 0 or not forwarded:
        return remote_addr
    addresses = [address.strip() for address in forwarded.split(",")]
    # Each trusted proxy appended the address it saw; the client is proxies-th from the end.
    return addresses[-min(proxies, len(addresses))] or remote_addr


class HeadersMixin:
    """Records the throttle's state on the request, for the rate-limit headers."""

    def get_ident(self, request):
        return client_ip(request)

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)
        if getattr(self, "key", None) is not None:
            remaining = max(self.num_requests - len(self.history), 0)
            oldest = self.history[-1] if self.history else self.now
            reset = max(int(self.duration - (self.now - oldest)), 0)
            django_request = getattr(request, "_request", request)
            django_request.ratelimit = (
                self.scope,
                self.num_requests,
                self.duration,
                remaining,
                reset,
            )
        return allowed


class AnonRateThrottle(HeadersMixin, throttling.AnonRateThrottle):
    """Per-address limit for anonymous requests (``API_ANON_RATE``)."""

    def get_rate(self):
        return settings.API_ANON_RATE


class UserRateThrottle(HeadersMixin, throttling.UserRateThrottle):
    """Per-account limit for curators (``API_USER_RATE``)."""

    def get_rate(self):
        return settings.API_USER_RATE

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None  # anonymous requests are counted by AnonRateThrottle alone
        return super().get_cache_key(request, view)


class RateLimitHeadersMiddleware:
    """Adds ``RateLimit-Policy`` and ``RateLimit`` (draft-ietf-httpapi-ratelimit-headers)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        state = getattr(request, "ratelimit", None)
        if state is not None:
            scope, limit, window, remaining, reset = state
            response["RateLimit-Policy"] = f'"{scope}";q={limit};w={window}'
            response["RateLimit"] = f'"{scope}";r={remaining};t={reset}'
        return response
