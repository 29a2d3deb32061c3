"""The change form's review buttons: publish, retract (asking the reason) and reopen.

Each calls its ``core.services`` function, the same checks as the list actions and the API;
a refusal comes back as an error message on the form, naming what to fix.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from core import services
from core.admin.forms import RetractForm
from core.models import ReviewState


#: action → (button label, the state it applies to, service, past participle)
def _publish_with_references(record, *, user):
    return services.record_publish(record, user=user, with_references=True)


ACTIONS = {
    "publish": ("Publish", ReviewState.DRAFT, services.record_publish, "published"),
    "publish_all": (
        "Publish with the drafts it stands on",
        ReviewState.DRAFT,
        _publish_with_references,
        "published with the drafts it stands on",
    ),
    "retract": ("Retract…", ReviewState.PUBLISHED, services.record_retract, "retracted"),
    "reopen": ("Reopen as draft", ReviewState.RETRACTED, services.record_reopen, "reopened"),
}


def available_actions(modeladmin, obj) -> list[dict]:
    """The buttons for ``obj`` in its state (each with the address it posts to)."""
    opts = modeladmin.model._meta
    found = []
    for action, (label, state, _service, _done) in ACTIONS.items():
        if obj.review_state != state:
            continue
        if action == "publish_all" and not _stands_on_drafts(obj):
            continue
        url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_review",
            args=[obj.pk, action],
            current_app=modeladmin.admin_site.name,
        )
        found.append({"name": action, "label": label, "url": url})
    return found


def _stands_on_drafts(obj) -> bool:
    citations = list(obj.citations.select_related("source")) if hasattr(obj, "citations") else []
    return bool(services.reference_problems(obj, citations=citations))


def review_view(modeladmin, request, object_id, action):
    if action not in ACTIONS:
        raise Http404(f"No review action {action}.")
    obj = modeladmin.get_object(request, unquote(object_id))
    if obj is None:
        raise Http404("No such record.")
    if not modeladmin.has_change_permission(request, obj):
        raise PermissionDenied
    opts = modeladmin.model._meta
    change_url = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_change",
        args=[obj.pk],
        current_app=modeladmin.admin_site.name,
    )
    _label, _state, service, done = ACTIONS[action]
    kwargs = {}
    if action == "retract":
        form = RetractForm(request.POST if request.method == "POST" else None)
        if not form.is_valid():
            return _retract_page(modeladmin, request, obj, form, change_url)
        kwargs["reason"] = form.cleaned_data["reason"]
    elif request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        service(obj, user=request.user, **kwargs)
    except ValidationError as exc:
        modeladmin.message_user(
            request,
            format_html(
                "“{}” was not {}: {}",
                obj,
                done,
                format_html_join(" ", "{}", ((m,) for m in exc.messages)),
            ),
            messages.ERROR,
        )
    else:
        modeladmin.message_user(request, f"“{obj}” was {done}.", messages.SUCCESS)
    return HttpResponseRedirect(change_url)


def _retract_page(modeladmin, request, obj, form, change_url):
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"Retract {opts.verbose_name} “{obj}”",
        "opts": opts,
        "form": form,
        "object": obj,
        "change_url": change_url,
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, "admin/review_retract.html", context)


def warn_similar(modeladmin, request, obj, similar) -> None:
    """After adding a named record: say which existing records have a close name or alias."""
    if not similar:
        return
    links = format_html_join(
        ", ",
        "<a href='{}'>{}</a> ({})",
        (
            (
                reverse(
                    f"admin:{r._meta.app_label}_{r._meta.model_name}_change",
                    args=[r.pk],
                    current_app=modeladmin.admin_site.name,
                ),
                r,
                why,
            )
            for r, why in similar
        ),
    )
    modeladmin.message_user(
        request,
        format_html(
            "Possible duplicate: “{}” is close to {}. If they are the same, delete this draft "
            "and add the name as an alias of the existing record.",
            obj,
            links,
        ),
        messages.WARNING,
    )
