"""Withdrawing a citation's support for a field, in the record's own form.

Each existing citation row of the inline offers "withdraw support for" (the fields it
supports) and the reason. The withdrawal is saved with the record, through
``core.services.record_save(withdraw=…)``: the rules are the services' (a reason, a field the
citation supports, a published record keeps support for each filled-in field).
"""

import copy

from django import forms

WITHDRAW_FIELDS = ("withdraw", "withdraw_reason")


def withdraw_form_fields(choices) -> dict:
    """The two form fields a citation row adds: which supports to withdraw, and why."""
    return {
        "withdraw": forms.MultipleChoiceField(
            choices=choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label="Withdraw support for",
            help_text="Fields this quote no longer stands for (it stays, with your reason).",
        ),
        "withdraw_reason": forms.CharField(
            required=False,
            max_length=500,
            label="Why the support is withdrawn",
            help_text="Kept with the citation and shown on the evidence page.",
        ),
    }


class WithdrawFormMixin:
    """Validates a row's withdrawal: a reason, and supports this citation gives."""

    def clean(self):
        cleaned = super().clean()
        fields = cleaned.get("withdraw") or []
        reason = (cleaned.get("withdraw_reason") or "").strip()
        if not fields:
            if reason:
                self.add_error("withdraw", "Tick the fields whose support you withdraw.")
            return cleaned
        citation = self.instance
        if citation._state.adding:
            self.add_error(
                "withdraw", "A new citation withdraws nothing: leave the field out of supports."
            )
        elif not reason:
            self.add_error("withdraw_reason", "Withdrawing a support needs its reason.")
        else:
            done = sorted(set(fields) & set(citation.withdrawn or {}))
            unknown = sorted(set(fields) - set(citation.supports))
            if done or unknown:
                self.add_error(
                    "withdraw",
                    f"This citation does not support {', '.join(done + unknown)} (any more): "
                    "there is nothing to withdraw.",
                )
        return cleaned

    def withdrawal(self) -> dict:
        """``{field: reason}`` this row withdraws (empty when it has errors)."""
        if self.errors or self.instance._state.adding or not hasattr(self, "cleaned_data"):
            return {}
        reason = (self.cleaned_data.get("withdraw_reason") or "").strip()
        return dict.fromkeys(self.cleaned_data.get("withdraw") or [], reason)


def withdrawals(formsets) -> dict:
    """``{citation: {field: reason}}`` of every row that withdraws a support."""
    found = {}
    for formset in formsets:
        for form in formset.forms:
            if isinstance(form, WithdrawFormMixin) and form.withdrawal():
                found[form.instance] = form.withdrawal()
    return found


def as_withdrawn(citation, withdrawal: dict):
    """A copy of ``citation`` as it will be once ``withdrawal`` is saved (for the checks)."""
    if not withdrawal:
        return citation
    future = copy.copy(citation)
    future.withdrawn = {**(citation.withdrawn or {}), **withdrawal}
    return future


def only_withdraws(form) -> bool:
    """The row's only change is a withdrawal: the service saves it, not the form."""
    return bool(form.changed_data) and set(form.changed_data) <= set(WITHDRAW_FIELDS)
