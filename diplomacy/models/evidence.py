"""The evidence: sources and the citations that tie any record to a quote in a source."""

import hashlib

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models

from config.models import FuzzyDatesMixin, PublicManager, PublicModel, fuzzy_date


class SourceKind(models.TextChoices):
    NEWS_ARTICLE = "news_article", "News article"
    OFFICIAL_STATEMENT = "official_statement", "Official statement"
    DATASET = "dataset", "Dataset or standard"
    OTHER = "other", "Other"


class Source(FuzzyDatesMixin, PublicModel):
    """A document that records cite: a news article, an official statement or a dataset.

    Title, publisher, URL and dates stay empty when the document does not give them; the
    content hash (sha256 of the stored text) then identifies it.
    """

    fuzzy_dates = ("published",)
    search_fields = ("title", "publisher", "text")

    kind = models.CharField(max_length=24, choices=SourceKind.choices, db_index=True)
    title = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=300, blank=True)
    document_url = models.URLField(
        "document URL", max_length=1000, blank=True, help_text="Where the document is published."
    )
    published, published_precision, published_earliest, published_latest, published_note = (
        fuzzy_date("published")
    )
    language = models.CharField(
        max_length=8, blank=True, help_text="ISO 639-1 code of the text's language."
    )
    retrieved = models.DateField(null=True, blank=True, help_text="When we took our copy.")
    licence = models.CharField(max_length=200, blank=True, help_text="SPDX id or licence name.")
    text = models.TextField(blank=True, help_text="Full text, where we may keep it.")
    content_hash = models.CharField(
        max_length=64, blank=True, editable=False, db_index=True, help_text="sha256 of the text."
    )

    class Meta(PublicModel.Meta):
        ordering = ["id"]
        constraints = [
            *PublicModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["content_hash"],
                condition=~models.Q(content_hash=""),
                name="diplomacy_source_unique_content_hash",
                violation_error_message="A source with the same text already exists.",
            ),
        ]

    def __str__(self):
        return self.title or f"{self.get_kind_display()} {self.content_hash[:12] or self.pk}"

    def clean_fields(self, exclude=None):
        self.content_hash = self.compute_hash(self.text)
        super().clean_fields(exclude)

    def compute_derived(self):
        super().compute_derived()
        self.content_hash = self.compute_hash(self.text)

    @staticmethod
    def compute_hash(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else ""


class Citation(PublicModel):
    """Links any record to a source, with the verbatim quote and its span ``[start, end)``.

    Where the source's text is stored, the quote must equal ``text[start:end]``. Given only
    the quote, the span is found in the text; a quote that is not there, or that occurs more
    than once with no start to choose the occurrence, is refused. Reference data cite a
    dataset source with no quote and no span.
    """

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.UUIDField(db_index=True)
    record = GenericForeignKey("content_type", "object_id")
    quote = models.TextField(blank=True, help_text="Verbatim text of the source.")
    start = models.PositiveIntegerField(
        null=True, blank=True, help_text="Offset of the quote's first character in the text."
    )
    end = models.PositiveIntegerField(
        null=True, blank=True, help_text="Offset just past the quote's last character."
    )
    note = models.CharField(max_length=500, blank=True)

    objects = PublicManager()
    search_fields = ("quote", "note")

    class Meta(PublicModel.Meta):
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            *PublicModel.Meta.constraints,
            models.CheckConstraint(
                condition=(models.Q(start__isnull=True) & models.Q(end__isnull=True))
                | (
                    models.Q(start__isnull=False)
                    & models.Q(end__gt=models.F("start"))
                    & ~models.Q(quote="")
                ),
                name="diplomacy_citation_span_valid",
                violation_error_message=(
                    "A span needs a quote, a start and an end after the start, or none of them."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(end__isnull=True)
                | models.Q(end=models.F("start") + models.functions.Length("quote")),
                name="diplomacy_citation_span_matches_quote_length",
                violation_error_message="The span's length differs from the quote's length.",
            ),
        ]

    def __str__(self):
        return f"{self.quote[:60]!r} [{self.start}:{self.end})" if self.quote else "(no quote)"

    def clean(self):
        super().clean()
        self.locate()

    def save(self, *args, **kwargs):
        # Every channel (admin, API, command, service) goes through here, so no bad quote lands.
        self.locate()
        super().save(*args, **kwargs)

    def locate(self):
        """Fill in the span from the quote, or check the given span. Raises ValidationError."""
        text = self.source.text if self.source_id else ""
        if not text:
            if self.quote and self.source_id and self.source.kind != SourceKind.DATASET:
                raise ValidationError(
                    {"quote": "The source has no stored text to check the quote against."}
                )
            if self.start is not None or self.end is not None:
                raise ValidationError({"start": "A span needs a source with stored text."})
            return
        if not self.quote:
            raise ValidationError({"quote": "A citation of a source with text needs a quote."})
        if self.start is not None:
            end = self.start + len(self.quote)
            if self.end is not None and self.end != end:
                raise ValidationError({"end": "The span's length differs from the quote's."})
            if end > len(text):
                raise ValidationError(
                    {"start": f"The span [{self.start}, {end}) runs past the text's end."}
                )
            if text[self.start : end] != self.quote:
                raise ValidationError(
                    {"quote": f"The quote is not the source's text at [{self.start}, {end})."}
                )
            self.end = end
            return
        first = text.find(self.quote)
        if first < 0:
            raise ValidationError({"quote": "The quote does not occur in the source's text."})
        if text.find(self.quote, first + 1) >= 0:
            starts = []
            at = first
            while at >= 0:
                starts.append(at)
                at = text.find(self.quote, at + 1)
            raise ValidationError(
                {"start": f"The quote occurs {len(starts)} times (at {starts}); choose a start."}
            )
        self.start, self.end = first, first + len(self.quote)


class CitableModel(PublicModel):
    """A record that cites sources: its citations are reachable as ``record.citations``."""

    citations = GenericRelation(Citation, content_type_field="content_type")

    class Meta(PublicModel.Meta):
        abstract = True
