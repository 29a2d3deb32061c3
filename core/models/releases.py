"""Release metadata: one row per published open-data release (``manage.py publish_release``).

A release is not a record of the dataset: it has no review state or history and is never
part of a fixture. Its files live in the ``releases`` storage; this row says what they are.
"""

from django.core.validators import RegexValidator
from django.db import models

VERSION_RE = r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$"


class ReleaseQuerySet(models.QuerySet):
    def latest_first(self):
        return self.order_by("-created", "-id")


class Release(models.Model):
    """An immutable, versioned and checksummed snapshot of the public dataset."""

    version = models.CharField(
        max_length=64,
        unique=True,
        validators=[RegexValidator(VERSION_RE, "Letters, digits, '.', '-' and '_'.")],
        help_text="The release's name, e.g. 2026.11.0; unique and never reused.",
    )
    created = models.DateTimeField(help_text="When the release was published.")
    checksum = models.CharField(
        max_length=64,
        help_text="sha256 of the release's SHA256SUMS manifest: identifies its data.",
    )
    previous = models.CharField(
        max_length=64, blank=True, help_text="The version the changelog compares with."
    )
    files = models.JSONField(
        default=list,
        help_text="Each file: name, format, resource, bytes, sha256, media type.",
    )
    counts = models.JSONField(default=dict, help_text="Records per resource.")
    changelog = models.JSONField(
        default=dict, help_text="Added, changed, retracted and removed records by public id."
    )

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return self.version

    def file(self, name: str) -> dict | None:
        return next((entry for entry in self.files if entry["name"] == name), None)
