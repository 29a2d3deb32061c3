"""Which channel (admin, API, command, import) a change came through, for the history.

django-simple-history records who and when; we add the channel. It is held in a context
variable so that nested code (services, signals) needs no extra argument, and each request
or command sets it once at its entry point.
"""

import contextlib
from contextvars import ContextVar

from django.db import models
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record


class Channel(models.TextChoices):
    ADMIN = "admin", "Admin"
    API = "api", "API"
    COMMAND = "command", "Management command"
    IMPORT = "import", "Import"
    OTHER = "other", "Other"


_channel: ContextVar[str] = ContextVar("history_channel", default=Channel.OTHER)


def current_channel() -> str:
    return _channel.get()


@contextlib.contextmanager
def history_channel(channel: str):
    """Attribute every change made inside the block to ``channel``."""
    token = _channel.set(channel)
    try:
        yield
    finally:
        _channel.reset(token)


class ChannelHistoricalModel(models.Model):
    """Extra column on every historical table: the channel the change came through."""

    history_channel = models.CharField(
        max_length=16, choices=Channel.choices, default=Channel.OTHER, db_index=True
    )

    class Meta:
        abstract = True


@receiver(pre_create_historical_record)
def _stamp_channel(sender, history_instance, **kwargs):
    history_instance.history_channel = current_channel()


class HistoryChannelMiddleware:
    """Marks changes made during a request: ``/admin/`` is the admin, anything else the API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = Channel.ADMIN if request.path.startswith("/admin/") else Channel.API
        with history_channel(channel):
            return self.get_response(request)
