"""What a curator decided about the assistant's proposals, per source: nothing is lost.

The extractor is run again whenever the review page is opened (it is deterministic), so a
proposal is known by its ``key`` on the source's text. A decision row remembers, for one
source and one key: accepted, edited (with the curator's value) or rejected, the proposal
as it was decided on, who decided, and the draft record made of it. A rejected proposal is
not proposed again for that source; an accepted one is not drafted twice.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from simple_history.models import HistoricalRecords

from core.history import ChannelHistoricalModel
from core.models import Source
from ingest.proposals import KINDS


class ReviewDecision(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    EDITED = "edited", "Edited"
    REJECTED = "rejected", "Rejected"


class ProposalReview(models.Model):
    """A curator's decision on one proposal of the assistant for one source."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="proposal_reviews")
    key = models.CharField(max_length=64, help_text="The proposal's key: kind:start:end.")
    kind = models.CharField(max_length=16, choices=[(k, k) for k in KINDS])
    decision = models.CharField(max_length=16, choices=ReviewDecision.choices)
    proposal = models.JSONField(help_text="The proposal as the extractor gave it.")
    value = models.JSONField(
        default=dict, blank=True, help_text="What is to be written: the proposal's, or as edited."
    )
    match = models.CharField(
        max_length=100, blank=True, help_text="Public id of the existing record it names."
    )
    drafted_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    drafted_id = models.UUIDField(null=True, blank=True)
    drafted = GenericForeignKey("drafted_type", "drafted_id")
    made = models.JSONField(
        default=list,
        blank=True,
        help_text='Every record drafted from it, e.g. [["diplomacy.policydecision", "<uuid>"], '
        '["diplomacy.decisionstage", "<uuid>"]]; the first is ``drafted``.',
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(bases=[ChannelHistoricalModel])

    class Meta:
        ordering = ["source", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "key"], name="ingest_proposalreview_unique_key"
            )
        ]

    def __str__(self):
        quote = self.proposal.get("quote", "") if isinstance(self.proposal, dict) else ""
        return f"{self.get_decision_display()}: {self.kind} “{quote}”"
