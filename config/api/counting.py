"""A list's total, cached per query and dataset version (see ``config.api.cache``), so a
COUNT over a large table runs once per data change, not on every request."""

import hashlib
from collections.abc import Callable

from django.core.cache import cache

from config.api.cache import dataset_version
from config.api.request_options import RequestOptions

COUNT_TTL = 300


def cached_count(model, reader_class: str, options: RequestOptions, rows: Callable) -> int:
    """The rows ``options`` match for readers of ``reader_class`` (users of one visibility
    class see the same rows, so they share a count); ``rows()`` gives the queryset to count
    on a miss: the visible, filtered rows without the page's columns (a related record's
    name would join its table, and a join makes the database visit every row)."""
    # A digest of the options that decide the rows: stable across workers.
    digest = hashlib.sha256(repr(options.rows_key()).encode()).hexdigest()[:32]
    key = f"count:{dataset_version()}:{model._meta.label}:{reader_class}:{digest}"
    count = cache.get(key)
    if count is None:
        count = rows().order_by().count()
        cache.set(key, count, COUNT_TTL)
    return count
