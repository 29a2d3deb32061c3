"""What every service shares: the exceptions, the review states that count, and how a record is
locked and saved (with the curator and the reason, for the history and the change feed)."""

from django.core.exceptions import ValidationError
from django.utils.text import capfirst

from core.models import PublicModel, ReviewState

LIVE_STATES = (ReviewState.DRAFT, ReviewState.PUBLISHED)
#: What a published record stands on: its published citations of published sources.
PUBLIC_EVIDENCE = (ReviewState.PUBLISHED,)


class EvidenceConflict(ValidationError):
    """The change would delete or orphan published evidence (the API answers 409)."""


class CitationsInvalid(ValidationError):
    """Some citations to add are invalid: ``items`` holds each one's errors, in order."""

    def __init__(self, items: list[dict]):
        super().__init__("Some citations are invalid.")
        self.items = items


def label(record) -> str:
    return f"{record._meta.verbose_name} “{record}”"


def _locked(record: PublicModel) -> PublicModel:
    """Reload ``record`` in place from a locked row: the checks below see committed data."""
    model = type(record)
    if not model._default_manager.select_for_update().filter(pk=record.pk).exists():
        raise ValidationError(f"{capfirst(label(record))} no longer exists.")
    record.refresh_from_db()
    return record


def _save(record: PublicModel, *, user, reason: str) -> None:
    record._history_user = user
    record._change_reason = reason
    record.save()
