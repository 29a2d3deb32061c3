"""The evidence: sources, and the citations that tie any record to a quote in a source.

A citation of a *text* source (an article, an official statement) holds the verbatim quote
and its span ``[start, end)`` in the source's stored text. A citation of a *dataset* or a
*reference standard* holds a ``locator`` instead (a row key, code, table or URL fragment)
and no quote. Either way it names the record's fields it supports (``supports``), and may
mark them ``inferred`` from the evidence, with the reason in ``note``.

Once a source is cited its text is frozen: a correction is a new source that ``supersedes``
it, and ``manage.py reanchor`` moves the quotes across.
"""

import hashlib
import re

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Cast, Concat, Substr

from core.canonical import sorted_json
from core.spans import span_problem
from core.support import captured_values
from core.text import normalize_text
from core.validtime import ValidTime

from .records import FuzzyDatesMixin, PublicManager, PublicModel, PublicQuerySet, fuzzy_date


class SourceKind(models.TextChoices):
    NEWS_ARTICLE = "news_article", "News article"
    OFFICIAL_STATEMENT = "official_statement", "Official statement"
    DATASET = "dataset", "Dataset"
    REFERENCE = "reference", "Reference standard"
    OTHER = "other", "Other document"


#: Sources cited by locator (no stored text, no quote).
LOCATOR_KINDS = frozenset({SourceKind.DATASET, SourceKind.REFERENCE})


class Source(FuzzyDatesMixin, PublicModel):
    """A document that records cite: a news article, an official statement or a dataset.

    Title, publisher, URL and dates stay empty when the document does not give them; the
    content hash (sha256 of the stored text) then identifies it. Once cited, the text is
    frozen; a corrected text is a new source that ``supersedes`` this one.
    """

    fuzzy_dates = ("published",)
    #: Valid time: a source exists from its publication on.
    valid_time = ValidTime(begins="published")
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
    attribution = models.CharField(
        max_length=500, blank=True, help_text="How users of the data must credit this source."
    )
    text = models.TextField(
        blank=True, help_text="Full text, where we may keep it. Frozen once cited."
    )
    content_hash = models.CharField(
        max_length=64, blank=True, editable=False, db_index=True, help_text="sha256 of the text."
    )
    locator_pattern = models.CharField(
        max_length=200,
        blank=True,
        help_text="For a dataset: a regular expression every locator must match, e.g. "
        "^[A-Z]{2}$ for ISO 3166 alpha-2 codes.",
    )
    supersedes = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        help_text="The source whose text this one corrects.",
    )
    origin = models.CharField(
        max_length=200,
        blank=True,
        help_text="The agency or outlet whose report this is (e.g. a wire service); empty "
        "when it is the publisher's own.",
    )
    relays = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relayed_by",
        help_text="The source of the dataset that this one republishes: both are one origin.",
    )

    #: Set when ``normalize`` changed the text given (the admin tells the curator).
    text_normalized = False

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
            models.CheckConstraint(
                condition=~models.Q(supersedes=models.F("id")),
                name="core_source_not_own_successor",
                violation_error_message="A source cannot supersede itself.",
            ),
            models.CheckConstraint(
                condition=~models.Q(relays=models.F("id")),
                name="core_source_not_own_relay",
                violation_error_message="A source cannot relay itself.",
            ),
        ]

    def __str__(self):
        if self.title:
            return self.title
        excerpt = " ".join(self.text.split()[:8])
        label = self.get_kind_display()
        return f"{label}: “{excerpt}…”" if excerpt else f"{label} {str(self.pk)[:8]}"

    @property
    def brief_name(self) -> str:
        """A label that needs no text (API lists do not read the full text)."""
        return self.brief_name_of(self.pk, self.title, self.kind, self.content_hash)

    @classmethod
    def brief_name_of(cls, pk, title: str, kind: str, content_hash: str) -> str:
        """``brief_name`` from the columns it reads, for readers of ``.values()``."""
        ident = content_hash[:12] if content_hash else str(pk)[:8]
        kind_label = dict(cls._meta.get_field("kind").flatchoices).get(kind, kind)
        return title or f"{kind_label} {ident}"

    @classmethod
    def label_expression(cls, prefix: str):
        """``brief_name`` of the source at ``prefix`` as a query expression (for JSON built
        by the database, ``config.api.compiled``)."""
        f = lambda name: models.F(f"{prefix}__{name}")  # noqa: E731
        kinds = [
            models.When(**{f"{prefix}__kind": value}, then=models.Value(str(label)))
            for value, label in cls._meta.get_field("kind").flatchoices
        ]
        kind_label = models.Case(*kinds, default=f("kind"), output_field=models.TextField())
        ident = models.Case(
            models.When(
                ~models.Q(**{f"{prefix}__content_hash": ""}),
                then=Substr(f("content_hash"), 1, 12),
            ),
            default=Substr(Cast(f("id"), models.TextField()), 1, 8),
            output_field=models.TextField(),
        )
        return models.Case(
            models.When(~models.Q(**{f"{prefix}__title": ""}), then=f("title")),
            default=Concat(kind_label, models.Value(" "), ident, output_field=models.TextField()),
            output_field=models.TextField(),
        )

    @property
    def cited_by_locator(self) -> bool:
        return self.kind in LOCATOR_KINDS

    def clean_fields(self, exclude=None):
        self.normalize()
        self.content_hash = self.compute_hash(self.text)
        super().clean_fields(exclude)

    def normalize(self) -> bool:
        """Store the text with LF line ends and in NFC (``core.text``); True if it changed.

        Every channel passes here (forms and serializers through ``clean_fields``, ``save``,
        the loader through ``compute_derived``), so no copy of an article is stored twice
        under two hashes. ``text_normalized`` tells the admin to say so.
        """
        normalized = normalize_text(self.text)
        changed = normalized != self.text
        if changed:
            self.text = normalized
            self.text_normalized = True
        return changed

    def clean(self):
        super().clean()
        if self.locator_pattern:
            try:
                re.compile(self.locator_pattern)
            except re.error as exc:
                message = f"Not a regular expression: {exc}."
                raise ValidationError({"locator_pattern": message}) from exc
        self.check_relays()
        self.check_change()

    def check_relays(self):
        """What a source relays leads to an original report, never back to itself."""
        seen = {self.pk}
        current = self.relays_id
        while current is not None:
            if current in seen:
                raise ValidationError(
                    {"relays": "A source cannot relay, directly or through others, itself."}
                )
            seen.add(current)
            current = Source.objects.filter(pk=current).values_list("relays_id", flat=True).first()

    def save(self, *args, **kwargs):
        # Every channel goes through here: cited text never changes, whoever asks.
        self.normalize()
        self.check_change()
        super().save(*args, **kwargs)

    def check_change(self):
        """Cited text is frozen, and so is what kind of evidence the source is."""
        if self._state.adding or self.pk is None:
            return
        stored = Source.objects.filter(pk=self.pk).values("text", "kind").first()
        if stored is None or (stored["text"], stored["kind"]) == (self.text, self.kind):
            return
        if Citation.objects.filter(source_id=self.pk).exists():
            field = "text" if stored["text"] != self.text else "kind"
            raise ValidationError(
                {
                    field: f"This source is cited, so its {field} is frozen. Add the "
                    "corrected source as a new one that supersedes this one, then move the "
                    "quotes with `manage.py reanchor`."
                }
            )

    def identity_problems(self) -> list[str]:
        """What a source needs before it is published: enough to find and check it."""
        if self.cited_by_locator:
            if not self.title or not (self.publisher or self.document_url):
                return [
                    f"A {self.get_kind_display().lower()} is published with its title and its "
                    "publisher or address, so readers can find the rows cited."
                ]
            return []
        if not self.text:
            return ["A text source is published with its text: quotes are checked against it."]
        return []

    def locator_problem(self, locator: str) -> str:
        """Why ``locator`` does not name a row of this dataset ("" if it may)."""
        if not locator.strip():
            return "A citation of a dataset or reference names its locator."
        if self.locator_pattern and not re.fullmatch(self.locator_pattern, locator):
            return (
                f"“{locator}” is not a locator of “{self}”: its locators look like "
                f"{self.locator_pattern}."
            )
        return ""

    def compute_derived(self):
        self.normalize()
        super().compute_derived()
        self.content_hash = self.compute_hash(self.text)

    @staticmethod
    def compute_hash(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else ""


def _near_miss_hint(text: str, quote: str) -> str:
    """Why a quote is not found, when a typographic variant of it is there."""
    variants = {"'": "’", '"': "“”", "-": "–—", " ": "\u00a0\n"}
    folded_text = text
    folded_quote = quote
    for plain, fancy in variants.items():
        for char in fancy:
            folded_text = folded_text.replace(char, plain)
            folded_quote = folded_quote.replace(char, plain)
    at = folded_text.find(folded_quote) if folded_quote else -1
    if at >= 0:
        return (
            f" The text has it with other punctuation at {at}: "
            f"“{text[at : at + len(quote)]}” (straight and curly quotes, dashes and "
            "spaces differ). Copy it from the text."
        )
    lowered = text.lower().find(quote.lower())
    if lowered >= 0:
        found = text[lowered : lowered + len(quote)]
        return f" The text has it in other capitals at {lowered}: “{found}”."
    return ""


class CitationQuerySet(PublicQuerySet):
    """Citations, and what a reader may read of them on their own."""

    def visible_as_evidence(self, user, include_retracted: bool = False):
        """The citations ``user`` may read on their own (``/api/v1/citations/``): those
        ``visible_to`` them whose record and source they may also see.

        No rule of its own: each part is the ``visible_to`` (or, for the source shown in
        brief, ``visible_as_related``) that every reader of that model asks. A record counts
        as visible as its own list shows it (retracted ones with ``include_retracted``).
        """
        records = models.Q(pk__in=[])
        for model in citable_models():
            visible = model._default_manager.visible_to(user, include_retracted)
            records |= models.Q(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=visible.values("pk"),
            )
        return self.visible_to(user, include_retracted).filter(
            records, source__in=Source.objects.visible_as_related(user).values("pk")
        )


def citable_models() -> list:
    """Every concrete model whose records cite sources, in a stable order."""
    found = [m for m in apps.get_models() if issubclass(m, CitableModel)]
    return sorted(found, key=lambda m: m._meta.label_lower)


class Citation(PublicModel):
    """Links any record to a source, with the evidence and the fields it supports.

    A text source is cited by its verbatim quote and span ``[start, end)``: the quote must
    equal ``text[start:end]``; given only the quote, the span is found. A dataset or
    reference source is cited by ``locator`` and no quote. ``supports`` names the record's
    factual fields that this evidence backs; ``inferred`` marks them as chosen from the
    evidence rather than stated in it, with the reason in ``note``. ``contradicts`` names
    the fields whose recorded value this source disputes, and ``stated`` may give the value
    it states instead (``{"quantity": "500000"}``).
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
    locator = models.CharField(
        max_length=300,
        blank=True,
        help_text="For a dataset or reference source: the row key, code, table or URL fragment.",
    )
    supports = models.JSONField(
        default=list,
        blank=True,
        help_text='The record\'s fields this evidence supports, e.g. ["quantity", "unit"].',
    )
    inferred = models.BooleanField(
        default=False,
        help_text="The supported values are chosen from the evidence, not stated in it; "
        "the note says why.",
    )
    contradicts = models.JSONField(
        default=list,
        blank=True,
        help_text="The record's fields whose value this source states otherwise, e.g. "
        '["quantity"].',
    )
    stated = models.JSONField(
        default=dict,
        blank=True,
        help_text="The value this source gives instead, per contradicted field, e.g. "
        '{"quantity": "500000"}.',
    )
    note = models.CharField(max_length=500, blank=True)
    supported_values = models.JSONField(
        default=dict,
        blank=True,
        help_text="Each supported field with the value it held when cited (core.support): "
        "the citation supports that value, not whatever the field holds later.",
    )
    withdrawn = models.JSONField(
        default=dict,
        blank=True,
        help_text="Supported fields whose support was withdrawn, each with the reason, e.g. "
        '{"date": "The quote gives the month, not the day."}. Never taken back.',
    )

    objects = PublicManager.from_queryset(CitationQuerySet)()
    search_fields = ("quote", "locator", "note")

    class Meta(PublicModel.Meta):
        ordering = ["start", "id"]
        # A record's citations, already in their listed order (start, id): a page's 50
        # records read theirs without 50 sorts (0.3 ms a page on SQLite).
        indexes = [models.Index(fields=["content_type", "object_id", "start", "id"])]
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
            models.CheckConstraint(
                condition=models.Q(quote="") | models.Q(locator=""),
                name="core_citation_quote_or_locator",
                violation_error_message="A citation has a quote (text sources) or a locator "
                "(datasets), not both.",
            ),
            models.CheckConstraint(
                condition=models.Q(inferred=False) | ~models.Q(note=""),
                name="core_citation_inference_has_reason",
                violation_error_message="An inferred citation needs its reason in the note.",
            ),
        ]

    def __str__(self):
        if self.quote:
            excerpt = self.quote if len(self.quote) <= 60 else f"{self.quote[:59]}…"
            return f"“{excerpt}” [{self.start}:{self.end})"
        return f"{self.locator or '(no locator)'} in {self.source}" if self.source_id else "—"

    @property
    def record_label(self) -> str:
        return f"{self.content_type.app_label}.{self.content_type.model}"

    #: What a citation says: fixed once it is public (it is retracted and replaced instead).
    EVIDENCE_FIELDS = (
        "source_id",
        "content_type_id",
        "object_id",
        "quote",
        "start",
        "end",
        "locator",
        "supports",
        "contradicts",
        "stated",
        "inferred",
        "supported_values",
    )

    @classmethod
    def from_db(cls, db, field_names, values):
        citation = super().from_db(db, field_names, values)
        citation._loaded_span = (citation.__dict__.get("quote"), citation.__dict__.get("start"))
        return citation

    def clean(self):
        super().clean()
        self.check_change()
        # A form may validate a citation before its record exists (an inline of a new record).
        self.check_evidence(bound=bool(self.object_id))

    def clean_fields(self, exclude=None):
        # A quote pasted from a CRLF copy is checked against the stored (LF, NFC) text.
        self.quote = normalize_text(self.quote)
        super().clean_fields(exclude)

    def save(self, *args, **kwargs):
        # Every channel (admin, API, command, service) goes through here, so no bad quote lands.
        self.quote = normalize_text(self.quote)
        stored = self.check_change()
        self.check_evidence()
        if (stored is None and not self.supported_values) or (
            stored is not None and stored["review_state"] == "draft"
        ):
            # A draft stands for the record's values as they are; publishing pins them.
            self.capture_values()
        self.canonicalize()
        super().save(*args, **kwargs)

    def canonicalize(self) -> None:
        """JSON values in one key order, whatever the database and the channel
        (core.canonical): ``save`` and the batched writes (``records_create``) call it."""
        for name in ("supported_values", "stated", "withdrawn"):
            setattr(self, name, sorted_json(getattr(self, name)))

    def capture_values(self, record=None, *, m2m: dict | None = None) -> None:
        """Pin ``supported_values`` to the cited record's values now (``core.support``)."""
        record = record if record is not None else self.record
        if record is not None:
            self.supported_values = captured_values(record, self.supports, m2m)

    def check_change(self) -> dict | None:
        """Published evidence does not change: it is retracted, and a new citation added.

        The one change it takes is a withdrawal of its support for a field, with a reason,
        added to ``withdrawn`` (never taken back nor reworded). Returns the stored row.
        """
        if self._state.adding or self.pk is None:
            return None
        stored = (
            Citation.objects.filter(pk=self.pk)
            .values("review_state", "withdrawn", *self.EVIDENCE_FIELDS)
            .first()
        )
        if stored is None or stored["review_state"] == "draft":
            return stored
        changed = [f for f in self.EVIDENCE_FIELDS if stored[f] != getattr(self, f)]
        if changed:
            names = ", ".join(name.removesuffix("_id") for name in changed)
            raise ValidationError(
                f"This citation is {stored['review_state']}: its evidence ({names}) does not "
                "change. Retract it with a reason and add a new citation."
            )
        withdrawn = self.withdrawn if isinstance(self.withdrawn, dict) else {}
        taken_back = sorted(
            k for k, v in (stored["withdrawn"] or {}).items() if withdrawn.get(k) != v
        )
        if taken_back:
            raise ValidationError(
                {
                    "withdrawn": f"The support for {', '.join(taken_back)} was withdrawn, with "
                    "its reason: a withdrawal is never taken back nor reworded. Add a new "
                    "citation instead."
                }
            )
        return stored

    def check_evidence(self, *, bound: bool = True):
        """The rules every citation obeys, whoever writes it. Raises ValidationError.

        ``bound=False`` checks the evidence alone, for a record that is not saved yet.
        """
        if not self.source_id:
            raise ValidationError({"source": "Choose the source cited."})
        if bound:
            self.check_record()
        if self.content_type_id:
            self.check_supports()
        if self.source.cited_by_locator:
            if self.quote or self.start is not None or self.end is not None:
                raise ValidationError(
                    {
                        "quote": f"“{self.source}” is a {self.source.get_kind_display().lower()}: "
                        "cite it by locator (row key, code, table), with no quote or span."
                    }
                )
            problem = self.source.locator_problem(self.locator)
            if problem:
                raise ValidationError({"locator": problem})
            return
        if self.locator:
            raise ValidationError(
                {"locator": "A text source is cited by quote; a locator is for datasets."}
            )
        self.locate()

    def check_record(self):
        # Not keyed by field: forms that cite a record do not show these two fields.
        if not self.content_type_id or not self.object_id:
            raise ValidationError("Name the record this citation supports.")
        model = self.content_type.model_class()
        if model is None or not issubclass(model, CitableModel):
            raise ValidationError("Only records of the dataset can be cited.")
        held = self._meta.get_field("record").get_cached_value(self, default=None)
        if isinstance(held, model) and not held._state.adding and held.pk == self.object_id:
            return  # the record itself, read from its row by the service that cites it
        if not model._default_manager.filter(pk=self.object_id).exists():
            raise ValidationError(
                f"The cited {model._meta.verbose_name} {self.object_id} does not exist."
            )

    def check_supports(self):
        model = self.content_type.model_class()
        for key in ("supports", "contradicts"):
            names = getattr(self, key)
            if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
                raise ValidationError({key: "A list of field names."})
            allowed = model.factual_fields
            unknown = sorted(set(names) - set(allowed))
            if unknown:
                raise ValidationError(
                    {
                        key: f"{unknown} are not factual fields of a "
                        f"{model._meta.verbose_name}. Choose from {list(allowed)}."
                    }
                )
        both = sorted(set(self.supports) & set(self.contradicts))
        if both:
            raise ValidationError(
                {"contradicts": f"A citation supports or contradicts a field, not both: {both}."}
            )
        self.check_stated()
        self.check_withdrawn(model.factual_fields)

    def check_stated(self):
        """``stated`` gives a plain value for some of the fields the citation contradicts."""
        if not isinstance(self.stated, dict):
            raise ValidationError({"stated": 'An object: {"field": "the value stated"}.'})
        extra = sorted(set(self.stated) - set(self.contradicts))
        if extra:
            raise ValidationError(
                {"stated": f"{extra}: a stated value is given for a field it contradicts."}
            )
        plain = (str, int, float, bool)
        if not all(isinstance(value, plain) for value in self.stated.values()):
            raise ValidationError(
                {"stated": "Each stated value is a string, a number or true/false."}
            )

    def check_withdrawn(self, allowed) -> None:
        """``supported_values`` maps factual fields to values; ``withdrawn`` maps fields the
        citation supports to the reason their support was withdrawn."""
        values = self.supported_values
        if not isinstance(values, dict) or set(values) - set(allowed):
            raise ValidationError(
                {"supported_values": f"A map of factual fields ({list(allowed)}) to values."}
            )
        withdrawn = self.withdrawn
        if not isinstance(withdrawn, dict):
            raise ValidationError({"withdrawn": 'A map of fields to reasons: {"date": "…"}.'})
        for name, reason in withdrawn.items():
            if name not in self.supports:
                raise ValidationError(
                    {
                        "withdrawn": f"This citation does not support {name}: there is no "
                        f"support to withdraw (it supports {self.supports})."
                    }
                )
            if not isinstance(reason, str) or not reason.strip():
                raise ValidationError(
                    {"withdrawn": f"Withdrawing the support for {name} needs a reason."}
                )

    def locate(self):
        """Fill in the span from the quote, or check the given span. Raises ValidationError."""
        text = self.source.text
        if not text:
            raise ValidationError(
                {
                    "source": f"“{self.source}” has no stored text to check a quote against. "
                    "Add its text first, or cite a dataset by locator."
                }
            )
        if not self.quote:
            raise ValidationError({"quote": "A citation of a text source needs its quote."})
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
                    {
                        "quote": f"The quote is not the source's text at [{self.start}, {end})."
                        + _near_miss_hint(text, self.quote)
                    }
                )
            self.end = end
            self.check_span(text)
            return
        first = text.find(self.quote)
        if first < 0:
            raise ValidationError(
                {
                    "quote": "The quote does not occur in the source's text."
                    + _near_miss_hint(text, self.quote)
                }
            )
        if text.find(self.quote, first + 1) >= 0:
            starts = []
            at = first
            while at >= 0:
                starts.append(at)
                at = text.find(self.quote, at + 1)
            raise ValidationError(
                {
                    "quote": f"The quote occurs {len(starts)} times (at {starts}); give the "
                    "start of the one meant, or quote more words."
                }
            )
        self.start, self.end = first, first + len(self.quote)
        self.check_span(text)

    def check_span(self, text: str):
        """A quote starts and ends between words: "1" cut out of "12,500" states nothing."""
        if getattr(self, "_loaded_span", None) == (self.quote, self.start):
            # A stored span was checked when it was written, or predates this rule: it can
            # still be retracted, and verify_citations lists it.
            return
        problem = span_problem(text, self.start, self.end)
        if problem:
            raise ValidationError({"quote": problem})


class Qualifier(models.TextChoices):
    """How a measure stands to the number the source gives: exactly it, about it, or a bound
    ("up to" is ``at_most``, "at least" and "more than" are ``at_least``; ``core.numbers``
    lists the words)."""

    EXACT = "exact", "Exact"
    APPROXIMATE = "approximate", "Approximate"
    AT_MOST = "at_most", "At most"
    AT_LEAST = "at_least", "At least"


class CitableModel(PublicModel):
    """A record that cites sources: its citations are reachable as ``record.citations``.

    ``factual_fields`` lists the fields that state facts (numbers, dates, relations such as
    exporter or decision-maker): publishing needs a live citation that ``supports`` each
    one that is filled in.

    ``corroboration``, ``contested`` and ``min_origins`` are derived from the public
    evidence (``core.corroboration``), kept up to date by the services, so that lists
    filter and page on them.
    """

    citations = GenericRelation(Citation, content_type_field="content_type")
    factual_fields: tuple[str, ...] = ()
    #: Decimal fields that hold measures, each with its unit (or currency) field and its
    #: qualifier field: ``{"quantity": Measure("quantity", "unit", "quantity_qualifier")}``.
    #: A quote supports one only with the same value, unit and qualifier (``core.measures``).
    measures: dict = {}

    corroboration = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Per factual field: how many published sources and independent origins "
        "support it, how many contradict it, and its status (derived).",
    )
    contested = models.BooleanField(
        default=False,
        editable=False,
        db_index=True,
        help_text="A published source contradicts one of its fields (derived).",
    )
    min_origins = models.PositiveSmallIntegerField(
        default=0,
        editable=False,
        db_index=True,
        help_text="The fewest independent origins behind any of its supported fields (derived).",
    )

    class Meta(PublicModel.Meta):
        abstract = True

    def fields_evidenced_elsewhere(self) -> tuple[str, ...]:
        """Factual fields whose value other records' evidence carries (a designation's status
        set by its dated changes): publishing does not ask this record's citations for them."""
        return ()
