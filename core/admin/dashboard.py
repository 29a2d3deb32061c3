"""The curators' review queue, shown on the admin's index.

* drafts, oldest first;
* drafts whose filled-in factual fields no citation supports (what keeps them from being
  published: ``core.services.evidence_problems``);
* live citations whose quote is not the source's text at their span (checked in the
  database, one query);
* superseded sources whose live quotes have not been re-anchored on their successor.

Each list is capped (``LIMIT``); the counts are exact.
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, F, Q
from django.db.models.functions import Substr
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core import services
from core.models import CitableModel, Citation, PublicModel, ReviewState, Source
from core.visibility import is_curator

LIMIT = 20


@dataclass
class Entry:
    record: object
    url: str | None
    note: str = ""
    age: datetime.timedelta | None = None

    @property
    def age_label(self) -> str:
        if self.age is None:
            return ""
        days = self.age.days
        if days >= 1:
            return f"{days} day{'s' if days != 1 else ''}"
        hours = self.age.seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}" if hours else "under an hour"


@dataclass
class Queue:
    drafts: list = field(default_factory=list)
    drafts_count: int = 0
    unsupported: list = field(default_factory=list)
    unsupported_count: int = 0
    failing: list = field(default_factory=list)
    failing_count: int = 0
    superseded: list = field(default_factory=list)
    superseded_count: int = 0


def change_url(record) -> str | None:
    opts = record._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
    except NoReverseMatch:
        return None


def record_models() -> list[type]:
    return [
        m
        for m in apps.get_models()
        if issubclass(m, PublicModel) and m is not Citation and not m._meta.abstract
    ]


def review_queue(user) -> Queue:
    queue = Queue()
    now = timezone.now()
    models = [m for m in record_models() if is_curator(user, m)]
    drafts = []
    for model in models:
        qs = model._default_manager.filter(review_state=ReviewState.DRAFT)
        queue.drafts_count += qs.count()
        for record in qs.order_by("created")[:LIMIT]:
            drafts.append(Entry(record, change_url(record), age=now - record.created))
            if issubclass(model, CitableModel):
                citations = list(record.citations.select_related("source"))
                problems = services.evidence_problems(
                    record, citations, states=services.LIVE_STATES
                )  # as publishing would count them: its draft citations go public with it
                if problems:
                    queue.unsupported_count += 1
                    note = " ".join(problems)
                    queue.unsupported.append(Entry(record, change_url(record), note=note))
    queue.drafts = sorted(drafts, key=lambda e: -e.age.total_seconds())[:LIMIT]
    queue.unsupported = queue.unsupported[:LIMIT]
    if is_curator(user, Citation):
        failing = failing_citations()
        queue.failing_count = failing.count()
        queue.failing = [
            Entry(c, change_url(c), note=f"{c.record_label}: quote not at [{c.start}, {c.end})")
            for c in failing.select_related("source", "content_type")[:LIMIT]
        ]
    if is_curator(user, Source):
        superseded = superseded_sources()
        queue.superseded_count = superseded.count()
        queue.superseded = [
            Entry(s, change_url(s), note=f"{s.live_quotes} live quote(s) to re-anchor")
            for s in superseded[:LIMIT]
        ]
    return queue


def failing_citations():
    """Live citations of text sources whose quote is not the text at their span."""
    live = Citation.objects.exclude(review_state=ReviewState.RETRACTED)
    at_span = Substr("source__text", F("start") + 1, F("end") - F("start"))
    return (
        live.filter(start__isnull=False)
        .annotate(at_span=at_span)
        .exclude(at_span=F("quote"))
        .order_by("created", "id")
    )


def superseded_sources():
    """Sources a newer source corrects, still cited by live quotes."""
    return (
        Source.objects.filter(superseded_by__isnull=False)
        .annotate(
            live_quotes=Count(
                "citations",
                filter=~Q(citations__review_state=ReviewState.RETRACTED) & ~Q(citations__quote=""),
                distinct=True,
            )
        )
        .filter(live_quotes__gt=0)
        .defer("text", "search_document")
        .order_by("created", "id")
    )
