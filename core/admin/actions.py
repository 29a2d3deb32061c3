"""The review workflow's admin actions: publish, retract (with a reason) and reopen.

Each selected record goes through its service in ``core.services`` on its own, so one refusal
(an uncited record, say) is reported with its reason and does not stop the others. Publishing
first tries the selection in one call (``records_publish``: the same rules, far fewer
queries); if any record is refused, nothing of that call stays and each goes on its own.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse

from core.admin.forms import RetractForm
from core.models import CitableModel
from core.services import record_publish, record_reopen, record_retract, records_publish


def _apply(modeladmin, request, queryset, service, done_verb: str, **kwargs) -> None:
    done = 0
    for record in queryset:
        try:
            service(record, user=request.user, **kwargs)
        except ValidationError as exc:
            modeladmin.message_user(
                request, f"“{record}” was not {done_verb}: {' '.join(exc.messages)}", messages.ERROR
            )
        else:
            done += 1
    _report(modeladmin, request, done, done_verb)


def _report(modeladmin, request, done: int, done_verb: str) -> None:
    opts = modeladmin.model._meta
    if done:
        name = opts.verbose_name if done == 1 else opts.verbose_name_plural
        modeladmin.message_user(request, f"{done} {name} {done_verb}.", messages.SUCCESS)


@admin.action(permissions=["change"], description="Publish selected %(verbose_name_plural)s")
def publish_selected(modeladmin, request, queryset):
    if issubclass(modeladmin.model, CitableModel):
        records = list(queryset)
        try:
            records_publish(records, user=request.user)
        except ValidationError:
            pass  # one at a time below: each refusal said, the others published
        else:
            _report(modeladmin, request, len(records), "published")
            return
    _apply(modeladmin, request, queryset, record_publish, "published")


@admin.action(permissions=["change"], description="Retract selected %(verbose_name_plural)s…")
def retract_selected(modeladmin, request, queryset):
    """Asks for the reason on an intermediate page, then retracts each record with it."""
    form = RetractForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        _apply(
            modeladmin,
            request,
            queryset,
            record_retract,
            "retracted",
            reason=form.cleaned_data["reason"],
        )
        return None  # back to the list, with the messages
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"Retract {opts.verbose_name_plural}",
        "opts": opts,
        "form": form,
        "queryset": queryset,
        "action_name": "retract_selected",
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media,
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, "admin/retract_selected.html", context)


@admin.action(
    permissions=["change"],
    description="Reopen selected retracted %(verbose_name_plural)s as drafts",
)
def reopen_selected(modeladmin, request, queryset):
    _apply(modeladmin, request, queryset, record_reopen, "reopened as draft")
