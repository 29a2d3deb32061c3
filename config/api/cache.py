"""The dataset version: a number bumped by every write, used to key cached counts.

Kept in the shared cache (Redis when ``REDIS_URL`` is set), so every worker sees a write at
once; with the per-process fallback cache, other workers see it within ``COUNT_TTL``.
"""

import time

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from config.models import PublicModel

VERSION_KEY = "dataset-version"


def dataset_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def bump_dataset_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet: any fresh value differs from every cached key
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


@receiver(post_save)
@receiver(post_delete)
@receiver(m2m_changed)
def _on_change(sender, **kwargs):
    model = kwargs.get("instance").__class__ if kwargs.get("instance") is not None else sender
    if isinstance(model, type) and issubclass(model, PublicModel):
        bump_dataset_version()
