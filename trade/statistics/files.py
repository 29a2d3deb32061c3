"""``StatisticsFile``: an imported file of official statistics, kept by its checksum.

Not a record of the dataset (no review state, not in a release): the dataset holds the
``Source`` it describes, and the shipments that cite its rows. The file itself stays in the
``datasets`` storage under its sha256, so ``verify_citations`` can re-read every cited row.
"""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import models

from core.models import Source


class StatisticsFormat(models.TextChoices):
    COMTRADE_JSON = "comtrade-json", "Comtrade+ API JSON"
    COMTRADE_CSV = "comtrade-csv", "Comtrade+ bulk CSV"
    BACI = "baci", "BACI (CEPII) CSV"


class StatisticsFile(models.Model):
    """A file of trade statistics as imported: which source it is, in which format and
    edition, and where its bytes are kept (``stored_name`` in the ``datasets`` storage)."""

    source = models.OneToOneField(Source, on_delete=models.PROTECT, related_name="statistics_file")
    sha256 = models.CharField(max_length=64, unique=True, help_text="sha256 of the file.")
    format = models.CharField(max_length=16, choices=StatisticsFormat.choices)
    classification = models.CharField(
        max_length=20, blank=True, help_text="The HS editions of its rows (H0…H6)."
    )
    file_name = models.CharField(max_length=300, help_text="The file's name as imported.")
    stored_name = models.CharField(max_length=300, help_text="Its name in the storage.")
    size = models.PositiveBigIntegerField(default=0)
    edition = models.CharField(max_length=100, blank=True)
    # Text, not 300 characters: selections add up, to every country of a BACI year file.
    countries = models.TextField(
        blank=True,
        help_text="The countries the imports were limited to (alpha-2, comma-separated; "
        "empty: the whole file).",
    )
    rows = models.PositiveIntegerField(default=0, help_text="Rows imported.")
    imported = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["imported", "id"]

    def __str__(self):
        return f"{self.file_name} ({self.sha256[:12]})"

    def read(self) -> bytes:
        with storages["datasets"].open(self.stored_name, "rb") as handle:
            return handle.read()


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store(data: bytes, digest: str, name: str) -> str:
    """Keep ``data`` under its checksum (once: the same bytes are the same file)."""
    storage = storages["datasets"]
    suffix = ".gz" if name.endswith(".gz") else ""
    extension = name.removesuffix(".gz").rsplit(".", 1)[-1].lower() if "." in name else "dat"
    stored = f"{digest}.{extension}{suffix}"
    if not storage.exists(stored):
        storage.save(stored, ContentFile(data))
    return stored
