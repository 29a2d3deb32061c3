"""What actors said and decided: designations, policy decisions with their stages, statements."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Concat, Lower

from core.models import (
    CitableModel,
    FuzzyDatesMixin,
    PublicManager,
    PublicModel,
    PublicQuerySet,
    ValidTime,
    date_order_constraint,
    fuzzy_date,
    read_only,
)

from .actors import Country, Official, Organization


class DesignationKind(models.TextChoices):
    BANNED = "banned", "Banned"
    RESTRICTED = "restricted", "Restricted"
    SANCTIONED = "sanctioned", "Sanctioned"
    LISTED = "listed", "Listed"


class DesignationStatus(models.TextChoices):
    IN_FORCE = "in_force", "In force"
    SUSPENDED = "suspended", "Suspended"
    REMOVED = "removed", "Removed"


class Designation(FuzzyDatesMixin, CitableModel):
    """An organization listed, restricted or banned by an authority in a jurisdiction."""

    factual_fields = (
        "organization",
        "jurisdiction",
        "authority",
        "status",
        "start",
        "end",
        "as_of",
    )

    fuzzy_dates = ("start", "end", "as_of", "status_since")
    search_fields = ("list_name", "start_note", "end_note", "as_of_note")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="designations"
    )
    jurisdiction = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="designations")
    authority = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="designations_made",
        help_text="The body that designated, where the source names it.",
    )
    kind = models.CharField(max_length=16, choices=DesignationKind.choices, db_index=True)
    list_name = models.CharField(max_length=300, blank=True, help_text="As the source names it.")
    status = models.CharField(max_length=16, choices=DesignationStatus.choices, db_index=True)
    start, start_precision, start_earliest, start_latest, start_note = fuzzy_date("start")
    end, end_precision, end_earliest, end_latest, end_note = fuzzy_date("end")
    as_of, as_of_precision, as_of_earliest, as_of_latest, as_of_note = fuzzy_date("as of")
    # The date of the published change that set ``status`` (derived; empty without changes).
    (
        status_since,
        status_since_precision,
        status_since_earliest,
        status_since_latest,
        status_since_note,
    ) = read_only(fuzzy_date("status since"))

    #: Valid time: begins at ``start``; its status on a day comes from its dated changes.
    valid_time = ValidTime(
        begins="start", history="changes", state={"status": "status"}, since="status_since"
    )

    class Meta(PublicModel.Meta):
        ordering = ["id"]
        constraints = [
            *PublicModel.Meta.constraints,
            date_order_constraint("diplomacy_designation", "start", "end"),
        ]

    def __str__(self):
        return f"{self.organization} {self.get_kind_display().lower()} in {self.jurisdiction}"

    @classmethod
    def label_expression(cls, prefix: str):
        """``str()`` of the designation at ``prefix`` as a query expression (brief objects
        in JSON built by the database, ``config.api.compiled``)."""
        f = lambda name: models.F(f"{prefix}__{name}")  # noqa: E731
        kinds = [
            models.When(**{f"{prefix}__kind": value}, then=models.Value(str(label).lower()))
            for value, label in cls._meta.get_field("kind").flatchoices
        ]
        kind = models.Case(*kinds, default=Lower(f("kind")), output_field=models.TextField())
        parts = (f("organization__name"), " ", kind, " in ", f("jurisdiction__name"))
        return Concat(
            *(models.Value(part) if isinstance(part, str) else part for part in parts),
            output_field=models.TextField(),
        )

    def latest_change(self):
        """The latest published dated change (by date), which sets ``status``; or None."""
        if self.pk is None:
            return None
        return DesignationChange.objects.published().filter(designation=self.pk).latest_first()

    def fields_evidenced_elsewhere(self) -> tuple[str, ...]:
        # Once changes set the status, their citations are its evidence, not the designation's.
        return ("status",) if self.latest_change() is not None else ()

    def clean(self):
        super().clean()
        latest = self.latest_change()
        if latest is not None and self.status != latest.status:
            raise ValidationError(
                {
                    "status": f"The status is set by the designation's dated changes: it is "
                    f"{latest.get_status_display().lower()} since {latest.date}. Record a new "
                    "change (with its evidence) instead of editing the status."
                }
            )

    def refresh_status(self):
        """Take the latest published change's status and date (kept for filters and indexes)."""
        latest = self.latest_change()
        if latest is None:
            since = ""
            if not self.status_since:
                return
            status = self.status
        else:
            status, since = latest.status, latest.date
        if (status, since) != (self.status, self.status_since):
            self.status, self.status_since = status, since
            self.save(update_fields=["status", *STATUS_SINCE_FIELDS, "updated"])


STATUS_SINCE_FIELDS = (
    "status_since",
    "status_since_precision",
    "status_since_earliest",
    "status_since_latest",
)


class DesignationChangeQuerySet(PublicQuerySet):
    def latest_first(self):
        return self.order_by("-date_earliest", "-date_latest", "-created").first()


class DesignationChange(FuzzyDatesMixin, CitableModel):
    """A dated change of a designation's status (in force, suspended, removed), with its own
    evidence. The designation's ``status`` is its latest published change's status."""

    factual_fields = ("status", "date")

    fuzzy_dates = ("date",)
    search_fields = ("description", "date_note")
    #: Valid time: a change exists from its date on.
    valid_time = ValidTime(begins="date")

    designation = models.ForeignKey(Designation, on_delete=models.CASCADE, related_name="changes")
    status = models.CharField(max_length=16, choices=DesignationStatus.choices, db_index=True)
    date, date_precision, date_earliest, date_latest, date_note = fuzzy_date("date")
    description = models.TextField(blank=True)

    objects = PublicManager.from_queryset(DesignationChangeQuerySet)()

    class Meta(PublicModel.Meta):
        ordering = ["designation", "date_earliest", "date_latest", "created"]

    def __str__(self):
        return f"{self.designation}: {self.get_status_display().lower()} from {self.date}"

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude)
        if not self.date:
            raise ValidationError(
                {"date": "A status change needs its date: YYYY, YYYY-MM or YYYY-MM-DD."}
            )


class DecisionType(models.TextChoices):
    RECOGNITION = "recognition", "Recognition"
    DELISTING = "delisting", "Delisting"
    LISTING = "listing", "Listing"
    SUPPLY_ARRANGEMENT = "supply_arrangement", "Supply arrangement"
    TRADE_AGREEMENT = "trade_agreement", "Trade agreement"
    SANCTION = "sanction", "Sanction"
    OTHER = "other", "Other"


class DecisionStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    UNDER_CONSIDERATION = "under_consideration", "Under consideration"
    BRIEFED = "briefed", "Briefed to decision-maker"
    DECIDED = "decided", "Decided"
    IMPLEMENTED = "implemented", "Implemented"
    REJECTED = "rejected", "Rejected"
    REVERSED = "reversed", "Reversed"


class PolicyDecision(CitableModel):
    """A decision or a possible decision, with its actors and its dated status history.

    ``status`` is the latest stage's status; it is kept in step by ``DecisionStage.save``
    so that it can be filtered and indexed. Hedged language stays hedged: a possibility
    that was only discussed is a decision "under consideration", never "decided".
    """

    factual_fields = (
        "decision_maker",
        "decision_maker_organization",
        "countries",
        "subject_organization",
        "proposed_by",
        "briefed_by",
    )

    search_fields = ("title", "description")
    label_field = "title"
    #: Valid time: its status on a day is that of its last stage (by sequence) dated by then.
    valid_time = ValidTime(
        history="stages", state={"status": "status"}, history_order=("-sequence",)
    )

    title = models.CharField(max_length=300, help_text="A short description of the decision.")
    decision_type = models.CharField(max_length=24, choices=DecisionType.choices, db_index=True)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=24, choices=DecisionStatus.choices, blank=True, db_index=True, editable=False
    )
    decision_maker = models.ForeignKey(
        Official,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
        help_text="The person who decides, where the source names one.",
    )
    decision_maker_organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
        help_text="The body that decides, where no person is named.",
    )
    countries = models.ManyToManyField(
        Country, blank=True, related_name="policy_decisions", help_text="The states involved."
    )
    subject_organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions_about",
        help_text="The organization the decision is about (e.g. the one to be delisted).",
    )
    proposed_by = models.ManyToManyField(
        Organization, blank=True, related_name="decisions_proposed"
    )
    briefed_by = models.ManyToManyField(Organization, blank=True, related_name="decisions_briefed")

    class Meta(PublicModel.Meta):
        ordering = ["id"]

    def __str__(self):
        return self.title

    def refresh_status(self):
        latest = self.stages.order_by("-sequence").first()
        status = latest.status if latest else ""
        if status != self.status:
            self.status = status
            self.save(update_fields=["status", "updated"])


class DecisionStage(FuzzyDatesMixin, CitableModel):
    """One dated step of a decision's status history, with its own evidence."""

    factual_fields = ("status", "date")

    fuzzy_dates = ("date",)
    search_fields = ("description", "date_note")
    valid_time = ValidTime(begins="date")

    decision = models.ForeignKey(PolicyDecision, on_delete=models.CASCADE, related_name="stages")
    sequence = models.PositiveSmallIntegerField(help_text="Order of the stage within its decision.")
    status = models.CharField(max_length=24, choices=DecisionStatus.choices)
    date, date_precision, date_earliest, date_latest, date_note = fuzzy_date("date")
    description = models.TextField(blank=True)

    class Meta(PublicModel.Meta):
        ordering = ["decision", "sequence"]
        constraints = [
            *PublicModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["decision", "sequence"],
                name="diplomacy_decisionstage_unique_sequence",
                violation_error_message="The decision already has a stage with this sequence.",
            ),
        ]

    def __str__(self):
        return f"{self.decision}: {self.get_status_display()}"

    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)
            self.decision.refresh_status()


class StatementMode(models.TextChoices):
    DIRECT = "direct", "Direct quotation"
    REPORTED = "reported", "Reported speech"


class Statement(FuzzyDatesMixin, CitableModel):
    """Something said: by an official, or by an organization or country when no one is named.

    ``quote`` holds the speaker's own words only when the source quotes them directly;
    reported speech has an empty quote, and its evidence is the citation of the source.
    """

    factual_fields = ("speaker", "speaker_organization", "speaker_country", "date", "quote")

    fuzzy_dates = ("date",)
    search_fields = ("summary", "quote")
    # What selecting words may fill in when empty (core.proposals): the official named in
    # them, the passage they quote and the mode it implies. Not the date: a year in what was
    # said is rarely the day it was said.
    quote_fills = ("speaker", "quote", "mode")
    quote_names = ("speaker",)
    #: Valid time: a statement exists from the day it was made.
    valid_time = ValidTime(begins="date")

    speaker = models.ForeignKey(
        Official, null=True, blank=True, on_delete=models.PROTECT, related_name="statements"
    )
    speaker_organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
        help_text="The organization speaking, or the speaker's organization.",
    )
    speaker_country = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
        help_text="The side speaking, when the source names no person or body.",
    )
    date, date_precision, date_earliest, date_latest, date_note = fuzzy_date("date")
    mode = models.CharField(max_length=16, choices=StatementMode.choices, db_index=True)
    summary = models.TextField()
    quote = models.TextField(blank=True, help_text="The speaker's words, if quoted directly.")
    about_countries = models.ManyToManyField(Country, blank=True, related_name="statements_about")
    about_organizations = models.ManyToManyField(
        Organization, blank=True, related_name="statements_about"
    )
    about_decisions = models.ManyToManyField(PolicyDecision, blank=True, related_name="statements")

    class Meta(PublicModel.Meta):
        ordering = ["id"]
        constraints = [
            *PublicModel.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(speaker__isnull=False)
                | models.Q(speaker_organization__isnull=False)
                | models.Q(speaker_country__isnull=False),
                name="diplomacy_statement_has_speaker",
                violation_error_message=(
                    "A statement needs a speaker: an official, an organization or a country."
                ),
            ),
        ]

    #: Brief objects name a statement by its summary, cut to ``label_length`` characters
    #: (``brief_name``; the JSON the database builds cuts it the same way,
    #: ``config.api.compiled.shortened``).
    label_field = "summary"
    label_length = 80

    def __str__(self):
        return self.brief_name

    @property
    def brief_name(self) -> str:
        """A label that needs no related row, for brief objects in lists."""
        n = self.label_length
        return self.summary if len(self.summary) <= n else f"{self.summary[: n - 1]}…"
