"""The caches, emptied together: counts, the dataset version and rendered responses."""

from django.core.cache import caches


def clear_caches() -> None:
    for cache in caches.all():
        cache.clear()
