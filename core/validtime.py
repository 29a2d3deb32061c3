"""Valid time: when a fact was true in the world, and the state of a record on a given day.

Not to be confused with the record history (``core.history``: what the dataset said when).

A model declares its valid time once, as ``valid_time = ValidTime(...)``; every reader that
asks ``queryset.as_of(day)`` then gets the records as they stood on ``day``:

* ``begins``: a fuzzy date field; a record whose date is known to lie after the day did not
  exist yet and is left out.
* ``ends``: a fuzzy date field; a record that had certainly ended before the day is left out
  (an empty end means "still so").
* ``history``: the related name of the record's dated changes (a model whose own
  ``valid_time.begins`` names their date), and ``state``: the record's fields that the latest
  published change placed on or before the day sets (record field → change field).
  ``history_order`` says which change is the latest; ``since``: the record's fuzzy date field
  that takes that change's date. A record whose dated changes all came after the day did
  not exist yet and is left out.

Fuzzy dates are honest. A date known to the month or year is a range [earliest, latest]: a
record is kept as soon as it may have begun (earliest ≤ day), and it says
``as_of_uncertain`` when the day falls inside a range that decides its state
(earliest ≤ day < latest for a beginning or a change, earliest < day ≤ latest for an end),
when a change has no date at all, or when its beginning is unknown and no change places it.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from core.visibility import ReviewState

#: Annotations that carry the state on the day (read by ``restate`` and the API).
UNCERTAIN = "as_of_uncertain_"
STATE_PREFIX = "as_of_state_"
SINCE = "as_of_since_"


@dataclass(frozen=True)
class ValidTime:
    """A model's valid time (see the module's docstring)."""

    begins: str | None = None
    ends: str | None = None
    history: str | None = None
    state: dict = field(default_factory=dict)
    history_order: tuple[str, ...] = ("-date_earliest", "-date_latest", "-created")
    since: str | None = None

    def __hash__(self):
        return hash((self.begins, self.ends, self.history, tuple(self.state), self.since))

    def columns(self) -> dict[str, str]:
        """Record field → the annotation holding its value on the day."""
        return {name: STATE_PREFIX + name for name in self.state}

    def apply(self, queryset, day: datetime.date):
        """``queryset`` limited to the records that existed on ``day``, annotated with their
        state then (``columns()``) and whether the dates leave it uncertain."""
        keep, uncertain = Q(), Q(pk__in=[])
        if self.begins:
            b = self.begins
            keep &= Q(**{f"{b}_earliest__isnull": True}) | Q(**{f"{b}_earliest__lte": day})
            uncertain |= Q(**{f"{b}_earliest__lte": day, f"{b}_latest__gt": day})
        if self.ends:
            e = self.ends
            keep &= Q(**{f"{e}_latest__isnull": True}) | Q(**{f"{e}_latest__gte": day})
            uncertain |= Q(**{f"{e}_earliest__lt": day, f"{e}_latest__gte": day})
        annotations = {}
        if self.history:
            changes = self._changes(queryset.model)
            placed = changes.filter(date_earliest__lte=day)
            dated = changes.filter(date_earliest__isnull=False)
            latest = placed.order_by(*self.history_order)
            for name, column in self.columns().items():
                value = Subquery(latest.values(self.state[name])[:1])
                annotations[column] = Coalesce(value, F(name))
            if self.since:
                annotations[SINCE] = Subquery(latest.values("date")[:1])
            keep &= ~Q(Exists(dated)) | Q(Exists(placed))
            inside = changes.filter(date_earliest__lte=day, date_latest__gt=day)
            uncertain |= Q(Exists(inside)) | Q(Exists(changes.filter(date_earliest__isnull=True)))
            if self.begins:
                unknown = Q(**{f"{self.begins}_earliest__isnull": True})
                uncertain |= unknown & ~Q(Exists(placed))
        elif self.begins:
            uncertain |= Q(**{f"{self.begins}_earliest__isnull": True})
        annotations[UNCERTAIN] = _boolean(uncertain)
        return queryset.filter(keep).annotate(**annotations)

    def _changes(self, model):
        relation = model._meta.get_field(self.history)
        related = relation.related_model
        return related._default_manager.filter(
            **{relation.field.name: OuterRef("pk"), "review_state": ReviewState.PUBLISHED}
        )

    def restate(self, obj) -> None:
        """Give a fetched record its state on the day (the annotations of ``apply``)."""
        for name, column in self.columns().items():
            if hasattr(obj, column):
                setattr(obj, name, getattr(obj, column))
        if self.since and getattr(obj, SINCE, None) is not None:
            setattr(obj, self.since, getattr(obj, SINCE))
            obj.compute_fuzzy_date(self.since)


def _boolean(condition: Q):
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )
