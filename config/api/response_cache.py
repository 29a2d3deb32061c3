"""A cache of rendered public responses, keyed by dataset version.

A JSON page or record is stored under the dataset version (bumped by every write that can
change public data, see ``config.api.cache``), the user's visibility class (curators' and
drafts-visible answers are never shared with public ones), the host, the path and the
request's options in canonical form (``config.api.request_options``).
A write moves the version on, so stale entries are never read again and simply expire.

Entries are the final bytes with their ETag: a miss renders the JSON once (as the JSON
renderer would) and a hit sends it as it is, with no rendering and no hashing. A hit reads
one cache entry: it touches no database table for anonymous users (authentication and
throttling read no table for them either) but, every ``LOCAL_TTL`` seconds, the one row
the dataset version is read from. It lives in the
``responses`` cache: Redis when ``REDIS_URL`` is set (shared by every worker), else per
process, apart from the counts and the dataset version so that pages never push them out.
"""

import hashlib

from django.core.cache import caches
from django.http import HttpResponse
from rest_framework.response import Response

from config.api.cache import dataset_version
from config.api.renderers import JSONRenderer, dumps

TTL = 300
#: Headers that belong to the cached answer (the rest are set per request).
KEPT_HEADERS = ("ETag", "Last-Modified", "Link")


def key_for(request, options, reader_class: str) -> str | None:
    """The cache key of ``request`` (its ``options`` in canonical form: one key for every
    spelling of one request), or None if it is not to be cached."""
    if request.method not in ("GET", "HEAD"):
        return None
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is None or renderer.format != "json":
        return None
    url = f"{request.scheme}://{request.get_host()}{request.path}?{options.canonical()!r}"
    digest = hashlib.sha256(url.encode()).hexdigest()[:40]
    return f"resp:{dataset_version()}:{reader_class}:{digest}"


def lookup(key: str | None) -> HttpResponse | None:
    if key is None:
        return None
    entry = caches["responses"].get(key)
    if entry is None:
        return None
    response = _json_response(entry["body"], entry["headers"])
    response["X-Cache"] = "hit"
    return response


def remember(key: str | None, response):
    """``response`` as the cache keeps it (rendered, with its ETag), stored under ``key``."""
    if key is None or response.status_code != 200 or not isinstance(response, Response):
        return response
    headers = {name: response[name] for name in KEPT_HEADERS if name in response}
    if "ETag" not in headers:
        # The key names the URL, the reader's class and the dataset version, hence these
        # very bytes: a tag of it serves as one of the body, without hashing 50 kB.
        headers["ETag"] = f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'
    final = _json_response(dumps(response.data), headers)
    caches["responses"].set(key, {"body": final.content, "headers": headers}, TTL)
    final["X-Cache"] = "miss"
    return final


def _json_response(body: bytes, headers: dict) -> HttpResponse:
    response = HttpResponse(body, content_type=JSONRenderer.media_type)
    for name, value in headers.items():
        response[name] = value
    return response


class CacheHeadersMixin:
    """``Cache-Control`` and ``Vary`` of a view's successful reads.

    Browsers and CDNs may keep a public answer a minute, then revalidate (304 on the ETag);
    a signed-in reader's answer (drafts included) is private.
    """

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            if request.user.is_authenticated:
                response["Cache-Control"] = "private, no-cache"
            else:
                response["Cache-Control"] = "public, max-age=60, s-maxage=60"
            response["Vary"] = "Accept, Authorization, Origin"
        return response
