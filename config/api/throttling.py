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
    """Counts each request atomically in a fixed window, and records the throttle's state on
    the request, for the rate-limit headers.

    DRF's own throttle reads the client's list of request times, appends one and writes it
    back: two workers doing so at once both write, and one request is lost (under load with
    Redis, about one in five went uncounted). Here each window (``duration`` seconds,
    aligned to the clock) is one counter, and ``incr`` is atomic in Redis and in the
    in-memory cache alike. A client may send up to the limit at the end of one window and
    again at the start of the next, as with any fixed window.
    """

    def get_ident(self, request):
        return client_ip(request)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        count = self.count(f"{self.key}:{window}")
        if count is None:  # the cache is down (IGNORE_EXCEPTIONS): serve, uncounted
            return True
        self.reset = max(int((window + 1) * self.duration - self.now), 1)
        django_request = getattr(request, "_request", request)
        django_request.ratelimit = (
            self.scope,
            self.num_requests,
            self.duration,
            max(self.num_requests - count, 0),
            self.reset,
        )
        return count <= self.num_requests

    def count(self, key: str) -> int | None:
        """Count one request in the window's counter ``key``; its new value (None: no cache).

        With Redis (django-redis) in one round trip: ``SET NX`` then ``INCR`` in a pipeline,
        where ``add`` then ``incr`` took two. Elsewhere (the in-memory cache), the same two
        steps through Django's cache API."""
        client = getattr(self.cache, "client", None)
        if hasattr(client, "get_client"):
            from redis.exceptions import RedisError

            name = client.make_key(key)
            try:
                pipeline = client.get_client(write=True).pipeline(transaction=False)
                pipeline.set(name, 0, ex=self.duration + 1, nx=True)
                pipeline.incr(name)
                return pipeline.execute()[1]
            except RedisError:
                # As django-redis's IGNORE_EXCEPTIONS: serve uncounted rather than fail.
                if getattr(self.cache, "_ignore_exceptions", False):
                    return None
                raise
        self.cache.add(key, 0, self.duration + 1)
        try:
            return self.cache.incr(key)
        except ValueError:  # expired between add and incr
            self.cache.add(key, 1, self.duration + 1)
            return 1

    def wait(self):
        return self.reset


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
