"""Submitting admin forms the way a browser does: every field with the value it was shown with.

``form_data(response)`` reads the main form and each inline formset (with its management form)
from a rendered add/change/revert page, so a test changes only what it means to change.
"""

from django.contrib.admin import helpers
from django.urls import reverse


def admin_url(model_or_obj, view: str, *args) -> str:
    opts = model_or_obj._meta
    if view in {"change", "history", "delete"} and not args:
        args = (model_or_obj.pk,)
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _put(data: dict, form) -> None:
    for bound in form:
        value = bound.value()
        if value is None and getattr(bound.field.widget, "allow_multiple_selected", False):
            continue  # a browser sends nothing for a multiple choice with nothing chosen
        if value is None:
            value = ""
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
            continue
        data[bound.html_name] = (
            [str(v) for v in value] if isinstance(value, list | tuple) else value
        )


def form_data(response) -> dict:
    """The POST data of the page's form, as rendered (inline rows included)."""
    assert response.status_code == 200, response.status_code
    data: dict = {}
    _put(data, response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        _put(data, formset.management_form)
        for form in formset.forms:
            _put(data, form)
    return data


def inline_prefix(response, model) -> str:
    """The form prefix of the inline formset of ``model`` on the page."""
    (prefix,) = [
        inline.formset.prefix
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is model
    ]
    return prefix


def action(client, model, name: str, records, **extra):
    """Run a changelist action on ``records``."""
    data = {
        "action": name,
        helpers.ACTION_CHECKBOX_NAME: [str(record.pk) for record in records],
        **extra,
    }
    return client.post(admin_url(model, "changelist"), data, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def errors_of(response) -> str:
    """Every error message the admin form page shows: main form, inline rows and formsets."""
    messages = []
    for item in response.context["errors"]:
        # Field errors come as lists; a formset's non-form errors as bare messages.
        messages.extend([item] if isinstance(item, str) else item)
    return " ".join(str(message) for message in messages)
