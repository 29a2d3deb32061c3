"""The change feed: one append-only row per change of any record, for consumers to sync.

simple-history keeps a full copy per change in a table per model; this table indexes them
all in one sequence, so ``/api/v1/changes/?since=…`` is one indexed query. Rows are
written by a signal on every history entry, and by the dataset loader for its bulk loads.
"""

from django.db import models
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from core.history import Channel
from core.visibility import visibility_class

from .records import PublicModel, ReviewState

IGNORED_FIELDS = {"version", "updated", "search_document", "name_sort_key"}


class ChangeAction(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    DELETED = "deleted", "Deleted"


ACTIONS = {"+": ChangeAction.CREATED, "~": ChangeAction.UPDATED, "-": ChangeAction.DELETED}


def sees_all_changes(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_perm("core.view_change"))


#: What readers who do not see every change read instead of a curator's username.
PUBLIC_ROLE = "curator"


def shown_user(reader, username: str) -> str:
    """Who made a change, as ``reader`` may read it: the username for those who see every
    change (curators); for everyone else the role, ``curator``, or nothing when no user
    made it (a command, an import). Usernames are not public."""
    if sees_all_changes(reader):
        return username
    return PUBLIC_ROLE if username else ""


def shown_user_column(reader):
    """``shown_user`` as an expression of the ``user`` column, for readers of rows (exports)."""
    if sees_all_changes(reader):
        return models.F("user")
    return models.Case(
        models.When(user="", then=models.Value("")),
        default=models.Value(PUBLIC_ROLE),
        output_field=models.CharField(),
    )


class ChangeQuerySet(models.QuerySet):
    def visible_to(self, user, include_retracted: bool = True):
        """Curators see every change; others not the changes made while a record was a draft."""
        if sees_all_changes(user):
            return self
        # Nor a citation's change while the record it supports was a draft: it would name it.
        return self.exclude(review_state=ReviewState.DRAFT).exclude(
            cited_review_state=ReviewState.DRAFT
        )

    def visibility_class(self, user) -> str:
        return visibility_class(user)


class Change(models.Model):
    """One change of one record: what, when, by whom, through which channel."""

    id = models.BigAutoField(primary_key=True, help_text="Sequence number of the change.")
    timestamp = models.DateTimeField(db_index=True)
    model = models.CharField(max_length=64, db_index=True, help_text="app_label.model_name")
    object_id = models.UUIDField(db_index=True)
    record_id = models.CharField(
        max_length=100, db_index=True, help_text="Public id of the changed record."
    )
    action = models.CharField(max_length=8, choices=ChangeAction.choices)
    review_state = models.CharField(max_length=16, choices=ReviewState.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    user = models.CharField(max_length=150, blank=True, help_text="The curator's username.")
    reason = models.TextField(blank=True)
    changed_fields = models.JSONField(default=list, blank=True)
    cited_model = models.CharField(
        max_length=64, blank=True, help_text="For a citation: the model of the record it supports."
    )
    cited_id = models.CharField(
        max_length=100, blank=True, help_text="For a citation: the public id of that record."
    )
    cited_review_state = models.CharField(
        max_length=16,
        choices=ReviewState.choices,
        blank=True,
        help_text="For a citation: the review state of its record at the time.",
    )

    objects = ChangeQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"#{self.pk} {self.action} {self.model} {self.record_id}"

    @property
    def public_id(self) -> str:
        return str(self.pk)


#: ``change_for``'s ``previous`` when the caller did not read it: it is read here.
UNREAD = object()


def change_for(
    instance, history_instance, *, channel: str, user=None, reason: str = "", previous=UNREAD
):
    """The feed row for one history entry (not saved). ``previous``: the entry before it, for
    a caller that read many at once (``records_publish``); else read here, one query."""
    fields = []
    if history_instance.history_type == "~":
        if previous is UNREAD:
            previous = history_instance.prev_record
        if previous is not None:
            delta = history_instance.diff_against(previous)
            fields = sorted(set(delta.changed_fields) - IGNORED_FIELDS)
    user = user if user is not None else history_instance.history_user
    cited = getattr(instance, "record", None) if instance._meta.model_name == "citation" else None
    return Change(
        timestamp=history_instance.history_date,
        model=instance._meta.label_lower,
        object_id=instance.pk,
        record_id=str(instance.public_id),
        action=ACTIONS[history_instance.history_type],
        review_state=instance.review_state,
        channel=channel,
        user=getattr(user, "username", "") or "",
        reason=reason or history_instance.history_change_reason or "",
        changed_fields=fields,
        cited_model=cited._meta.label_lower if cited is not None else "",
        cited_id=str(cited.public_id) if cited is not None else "",
        cited_review_state=cited.review_state if cited is not None else "",
    )


@receiver(post_create_historical_record)
def _record_change(sender, instance, history_instance, **kwargs):
    if not isinstance(instance, PublicModel):
        # The feed is the dataset's; other histories (a curator's review of proposals,
        # ``ingest``) are work logs with no public id or review state.
        return
    change_for(instance, history_instance, channel=history_instance.history_channel).save()
