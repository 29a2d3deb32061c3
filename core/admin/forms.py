"""Admin forms: edit-conflict protection through the ``version`` counter, and the retraction form.

Two curators who open the same record cannot silently overwrite each other. The form carries
the version it was opened at in a hidden field; on submit it reads the row again under a
lock (``select_for_update`` on PostgreSQL; on SQLite the IMMEDIATE transaction that the admin
view runs in already serializes writers) and refuses if the version moved on, naming who
changed it, when and through which channel.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.timezone import localtime

VERSION_FIELD = "expected_version"


def _describe_change(current) -> str:
    latest = current.history.order_by("-history_date", "-history_id").first()
    if latest is None:
        return "someone else"
    who = latest.history_user.get_username() if latest.history_user else "an unknown user"
    when = localtime(latest.history_date).strftime("%Y-%m-%d %H:%M:%S %Z")
    return f"{who} on {when} (channel: {latest.get_history_channel_display()})"


class VersionedModelForm(forms.ModelForm):
    """A model form that refuses to save over a change made since it was opened.

    It also takes every field it does not edit (review state, version, derived fields) from
    the locked row. For an ordinary edit those are the values it was opened with; for a
    revert to a historical version (django-simple-history builds the form on the old
    instance) this keeps the current review state, so a revert cannot bypass the workflow,
    and keeps the version counter moving forward.
    """

    #: Check the version even when nothing in the form changed. The admin always saves the
    #: main record; an inline row is saved only when its posted values differ from the
    #: database, so only then is it checked (and a row another curator changed meanwhile
    #: does differ: saving it as shown would undo their change, so it is refused).
    check_unchanged = True

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding and VERSION_FIELD not in self.initial:
            self.initial[VERSION_FIELD] = self._opened_version()

    def _opened_version(self) -> int | None:
        if getattr(self.instance, "_history", None) is None:
            return self.instance.version
        # A historical instance (revert form): the version to guard is the current one.
        model = type(self.instance)
        return (
            model._default_manager.filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )

    @cached_property
    def changed_data(self):
        # The hidden version is bookkeeping, not an edit: it must not mark a row as changed
        # nor appear in the admin's change message.
        return [name for name in super().changed_data if name != VERSION_FIELD]

    def clean(self):
        cleaned = super().clean()
        if self.instance._state.adding or not (self.check_unchanged or self.has_changed()):
            return cleaned
        model = type(self.instance)
        current = model._default_manager.select_for_update().filter(pk=self.instance.pk).first()
        if current is None:
            raise ValidationError(
                f"This {model._meta.verbose_name} was deleted after you opened it; "
                "your changes were not saved.",
                code="deleted",
            )
        expected = cleaned.get(VERSION_FIELD)
        if expected != current.version:
            raise ValidationError(
                f"This {model._meta.verbose_name} was changed by {_describe_change(current)} "
                f"after you opened it (it is now at version {current.version}). Your changes "
                "were not saved: reload the record to see the current version, then make "
                "them again.",
                code="stale",
            )
        for field in model._meta.concrete_fields:
            if not field.primary_key and field.name not in self.fields:
                setattr(self.instance, field.attname, getattr(current, field.attname))
        return cleaned


class VersionedInlineForm(VersionedModelForm):
    """An inline row: checked only when it would be saved (see ``check_unchanged``)."""

    check_unchanged = False


class RetractForm(forms.Form):
    """The reason asked for by the "Retract selected" action; it is kept on each record."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="Why these records are withdrawn. It stays public with each record.",
    )
