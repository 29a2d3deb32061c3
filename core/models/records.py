"""Abstract building blocks shared by every model of both apps.

* ``PublicModel``: UUID primary key, review state, timestamps and full history.
* ``NamedModel``: adds the slug that is the public id of a named thing.
* ``fuzzy_date()``: a date known to the day, month or year (or not at all), with bounds.
"""

import calendar
import datetime
import re
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, router
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from core.collation import NameOrderedModel, name_sort_index
from core.constraints import violated
from core.history import ChannelHistoricalModel
from core.search import document, search
from core.validtime import UNCERTAIN
from core.visibility import ReviewState, visibility_class, visible_as_related, visible_states


class PublicQuerySet(models.QuerySet):
    """Visibility in one place: every reader goes through ``visible_to`` (``core.visibility``).

    ``as_of(day)``: the records as they stood on ``day`` (valid time, ``core.validtime``).
    """

    _as_of = None

    def as_of(self, day):
        """The records that existed on ``day``, each with its state then and
        ``as_of_uncertain``; records without a declared valid time are as they are."""
        valid_time = getattr(self.model, "valid_time", None)
        if valid_time is not None:
            queryset = valid_time.apply(self, day)
        else:
            queryset = self.annotate(**{UNCERTAIN: models.Value(False)})
        queryset._as_of = day
        return queryset

    def as_of_columns(self) -> dict[str, str]:
        """Field → the annotation holding its value on the ``as_of`` day (for filters)."""
        valid_time = getattr(self.model, "valid_time", None)
        if self._as_of is None or valid_time is None:
            return {}
        return valid_time.columns()

    def as_of_flags(self) -> dict[str, str]:
        """Export column → the annotation it reads, on an ``as_of`` day: the uncertainty."""
        return {"as_of_uncertain": UNCERTAIN} if self._as_of is not None else {}

    def _clone(self):
        clone = super()._clone()
        clone._as_of = self._as_of
        return clone

    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        valid_time = getattr(self.model, "valid_time", None)
        if fresh and self._as_of is not None and valid_time is not None:
            for obj in self._result_cache:
                if isinstance(obj, models.Model):
                    valid_time.restate(obj)

    def published(self):
        return self.filter(review_state=ReviewState.PUBLISHED)

    def public(self, include_retracted: bool = False):
        return self.visible_to(None, include_retracted)

    def visible_to(self, user, include_retracted: bool = False):
        """What ``user`` may read: curators (who may change the model) see drafts too."""
        states = visible_states(user, self.model, include_retracted=include_retracted)
        return self.filter(review_state__in=states)

    def states_visible_as_related(self, user) -> tuple[str, ...]:
        """The review states of records shown inside others (for readers of ``.values()``)."""
        return visible_as_related(user, self.model)

    def visible_as_related(self, user):
        """Records shown inside others (brief objects): retracted ones too, drafts to curators."""
        return self.filter(review_state__in=visible_as_related(user, self.model))

    def visibility_class(self, user) -> str:
        """Responses and counts may be shared only among users of one class."""
        return visibility_class(user, self.model)

    def search(self, query: str, user=None):
        """The ``q`` filter: full-text search of ``search_document`` and, for the relations
        the model names in ``search_related``, of the related records ``user`` may see."""
        related = {
            name: self.model._meta.get_field(name)
            .related_model._default_manager.visible_as_related(user)
            .order_by()
            for name in self.model.search_related
        }
        return search(self, query, related)


class PublicManager(models.Manager.from_queryset(PublicQuerySet)):
    """Manager that resolves fixtures' natural keys for records identified by UUID."""

    def get_by_natural_key(self, public_id):
        return self.get(pk=public_id)


class PublicModel(models.Model):
    """Base of every record: a stable UUID, a review state, timestamps and history.

    The UUID is the primary key so that fixtures, citations (generic relations) and
    releases carry the same identifier into any database.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    review_state = models.CharField(
        max_length=16, choices=ReviewState.choices, default=ReviewState.DRAFT, db_index=True
    )
    retraction_reason = models.TextField(
        blank=True, help_text="Why the record was retracted. Required when retracted."
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Incremented on every save; the basis of ETags and edit-conflict checks.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True, db_index=True)
    search_document = models.TextField(
        blank=True,
        editable=False,
        help_text="Text of the fields named in search_fields, folded, for the q filter (derived).",
    )
    history = HistoricalRecords(inherit=True, bases=[ChannelHistoricalModel])

    objects = PublicManager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(review_state=ReviewState.RETRACTED)
                | ~models.Q(retraction_reason=""),
                name="%(app_label)s_%(class)s_retraction_has_reason",
                violation_error_message="A retracted record needs a retraction reason.",
            ),
        ]

    #: Own fields whose text the ``q`` filter searches (lists are joined).
    search_fields: tuple[str, ...] = ()
    #: Foreign keys whose records' documents ``q`` also searches, at query time and within
    #: what the reader may see (``core.search.search_across``).
    search_related: tuple[str, ...] = ()
    #: The field that holds the public id (read by the API and the loader).
    public_id_field = "pk"

    def save(self, *args, **kwargs):
        self.compute_derived()
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version", "search_document"}
        super().save(*args, **kwargs)

    def get_constraints(self):
        # The check constraints are validated together, in one query (``core.constraints``).
        return [
            (model, [c for c in constraints if not isinstance(c, models.CheckConstraint)])
            for model, constraints in super().get_constraints()
        ]

    def validate_constraints(self, exclude=None, *, unchanged=()):
        """Django's, with the check constraints asked in one query; ``unchanged``: fields
        left as stored, whose checks (naming only those) are not asked again."""
        errors = {}
        try:
            super().validate_constraints(exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        using = router.db_for_write(type(self), instance=self)
        checks = [
            c
            for _model, constraints in models.Model.get_constraints(self)
            for c in constraints
            if isinstance(c, models.CheckConstraint)
            and not models.Q(c.condition).referenced_base_fields <= set(unchanged)
        ]
        for constraint in violated(self, checks, exclude=exclude, using=using):
            message = constraint.get_violation_error_message()
            error = ValidationError(message, code=constraint.violation_error_code)
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def compute_derived(self):
        """Fill the fields derived from others. Runs on save and before a raw fixture load."""
        parts = []
        for name in self.search_fields:
            value = getattr(self, name)
            parts.extend(value if isinstance(value, list) else [value])
        self.search_document = document(parts)

    @property
    def public_id(self) -> str:
        return str(self.pk)

    def natural_key(self):
        return (str(self.pk),)

    def check_change(self) -> None:
        """Refuse a change the stored row forbids (raises ValidationError). Every channel runs
        it before writing: ``save()`` does, and so does the loader, whose saves are raw."""

    def is_visible_to(self, user, *, as_related: bool = True) -> bool:
        """May ``user`` see this record (by default: shown inside another record)?"""
        model = type(self)
        states = visible_as_related(user, model) if as_related else visible_states(user, model)
        return self.review_state in states


class NamedManager(models.Manager.from_queryset(PublicQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class NamedModel(NameOrderedModel, PublicModel):
    """A named thing: its slug is its public id and natural key; lists sort by its name
    (``core.collation``)."""

    slug = models.SlugField(
        max_length=100, unique=True, help_text="Public id: stable, lowercase, URL-safe."
    )
    name = models.CharField(max_length=300, db_index=True)

    objects = NamedManager()
    public_id_field = "slug"
    #: The column that ``str()`` shows: brief objects read it without building the record.
    label_field = "name"

    class Meta(PublicModel.Meta):
        abstract = True
        ordering = ["slug"]
        indexes = [name_sort_index("slug")]

    def __str__(self):
        return self.name

    @property
    def public_id(self) -> str:
        return self.slug

    def natural_key(self):
        return (self.slug,)

    def save(self, *args, **kwargs):
        if not self.slug and self.name:
            self.slug = slugify(self.name)[:100]
        super().save(*args, **kwargs)


# --- Other names ---------------------------------------------------------------------------

ALIAS_MAX_LENGTH = 300
ALIASES_MAX = 100  # spellings and forms of one name, not a word list


def validate_aliases(value) -> None:
    """A list of distinct, non-empty names, each as a source writes it."""
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise ValidationError('A list of names, e.g. ["Russia", "Russian Federation"].')
    if len(value) > ALIASES_MAX:
        raise ValidationError(f"At most {ALIASES_MAX} aliases.")
    problems = []
    if any(not name.strip() for name in value):
        problems.append("An alias cannot be empty.")
    if any(name != name.strip() for name in value if name.strip()):
        problems.append("An alias has no leading or trailing spaces.")
    if any(len(name) > ALIAS_MAX_LENGTH for name in value):
        problems.append(f"An alias has at most {ALIAS_MAX_LENGTH} characters.")
    folded = [name.casefold() for name in value]
    if len(set(folded)) < len(folded):
        problems.append("Each alias appears once.")
    if problems:
        raise ValidationError(" ".join(problems))


def aliases_field():
    """Other names of a record (synonyms, spellings, short and official forms), as a list.

    ``q``, the admin's search and the near-duplicate check match them as they match names.
    """
    return models.JSONField(
        default=list,
        blank=True,
        validators=[validate_aliases],
        help_text="Other names, as a list.",
    )


# --- Dates with precision ---------------------------------------------------------------


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    UNKNOWN = "unknown", "Unknown"


PARTIAL_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
PARTIAL_DATE_MESSAGE = "Not a date. Use YYYY, YYYY-MM or YYYY-MM-DD, or leave it empty."
PARTIAL_DATE_VALIDATOR = RegexValidator(PARTIAL_DATE_RE, PARTIAL_DATE_MESSAGE)


def parse_partial_date(value: str):
    """``"2025"``, ``"2025-03"`` or ``"2025-03-14"`` → (precision, earliest, latest).

    An empty value is an unknown date: no bounds, never an invented day.
    """
    if not value:
        return DatePrecision.UNKNOWN, None, None
    match = PARTIAL_DATE_RE.match(value)
    if not match:
        raise ValidationError(f"{value!r}: {PARTIAL_DATE_MESSAGE}")
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if day:
            exact = datetime.date(year, month, day)
            return DatePrecision.DAY, exact, exact
        if month:
            last = calendar.monthrange(year, month)[1]
            return (
                DatePrecision.MONTH,
                datetime.date(year, month, 1),
                datetime.date(year, month, last),
            )
    except ValueError as exc:
        raise ValidationError(f"{value!r} is not a valid date: {exc}.") from exc
    return DatePrecision.YEAR, datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def fuzzy_date(label: str):
    """The four fields of a date with precision, to unpack in a model body::

        date, date_precision, date_earliest, date_latest, date_note = fuzzy_date("date")

    ``date`` is what is known (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or empty); precision and
    bounds are derived from it on save (see ``FuzzyDatesMixin``) and are what filters use.
    ``date_note`` says in words what the source says ("earlier this year").
    """
    return (
        models.CharField(
            f"{label}",
            max_length=10,
            blank=True,
            validators=[PARTIAL_DATE_VALIDATOR],
            help_text="As precise as the source: YYYY, YYYY-MM or YYYY-MM-DD; empty if unknown.",
        ),
        models.CharField(
            f"{label} precision",
            max_length=8,
            choices=DatePrecision.choices,
            default=DatePrecision.UNKNOWN,
            editable=False,
        ),
        models.DateField(f"{label} earliest", null=True, blank=True, editable=False, db_index=True),
        models.DateField(f"{label} latest", null=True, blank=True, editable=False, db_index=True),
        models.CharField(
            f"{label} note",
            max_length=300,
            blank=True,
            help_text="What the source says about this date, in words, when it is vague.",
        ),
    )


class FuzzyDatesMixin(models.Model):
    """Derives precision and bounds of each date listed in ``fuzzy_dates`` on clean and save."""

    fuzzy_dates: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude)
        # Field errors (a malformed value) were raised above; here only impossible days remain.
        self._derive_fuzzy_dates()

    def compute_derived(self):
        super().compute_derived()
        self._derive_fuzzy_dates()

    def _derive_fuzzy_dates(self):
        errors = {}
        for name in self.fuzzy_dates:
            try:
                self.compute_fuzzy_date(name)
            except ValidationError as exc:
                errors[name] = exc.messages
        if errors:
            raise ValidationError(errors)

    def compute_fuzzy_date(self, name: str) -> None:
        """Derive the precision and bounds of the fuzzy date ``name`` from its value."""
        precision, earliest, latest = parse_partial_date(getattr(self, name))
        setattr(self, f"{name}_precision", precision)
        setattr(self, f"{name}_earliest", earliest)
        setattr(self, f"{name}_latest", latest)


def read_only(fields):
    """The fields of a ``fuzzy_date`` as derived ones: not edited in forms or the API."""
    for model_field in fields:
        model_field.editable = False
    return fields


def date_order_constraint(model: str, start: str, end: str) -> models.CheckConstraint:
    """``end`` may not lie before ``start``: compares the widest bounds, so vague dates pass."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{start}_earliest__isnull": True})
        | models.Q(**{f"{end}_latest__isnull": True})
        | models.Q(**{f"{end}_latest__gte": models.F(f"{start}_earliest")}),
        name=f"{model}_{end}_not_before_{start}",
        violation_error_message=f"The {end} date lies before the {start} date.",
    )
