"""Save and publish in one submission, and consecutive records from one source.

A record's add or change form (while a draft) has two more buttons:

* "Save and publish": the record is saved with its citations (``services.record_save``) and
  published with the drafts it stands on and the draft sources it cites
  (``services.record_publish(with_references=True)``), all or nothing: the admin's form view
  runs in one transaction, so when publishing is refused everything is rolled back and the
  same form comes back with what was posted and the service's problems above it;
* "Save and publish, and add another from this source": the same, then the next add form of
  the same kind of record, its citation row already on the source just cited.

``?source=<id>`` on any record's add address chooses the citation row's source (its text
shows at once), and a source's page links to "add a record citing this source" per kind.
"""

import uuid

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join

from core import services
from core.models import CitableModel, Citation, ReviewState, Source

PUBLISH = "_publish"
PUBLISH_ANOTHER = "_publish_another"


class PublishRefused(Exception):
    """Publishing on save was refused: the form view rolls everything back and shows why."""

    def __init__(self, problems: list[str]):
        super().__init__(problems)
        self.problems = problems


def cite_links(admin_site, request, source) -> list[tuple[str, str]]:
    """(label, add address with ``?source=``) for each kind of record the user may add."""
    links = []
    for model in apps.get_models():
        if not issubclass(model, CitableModel) or model not in admin_site._registry:
            continue
        if not admin_site._registry[model].has_add_permission(request):
            continue
        opts = model._meta
        try:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        except NoReverseMatch:
            continue
        links.append((opts.verbose_name, f"{url}?source={source.pk}"))
    return sorted(links)


class PublishOnSaveMixin:
    """``PublicModelAdmin``'s "Save and publish" buttons and ``?source=`` (module docstring)."""

    @staticmethod
    def publishing(request) -> bool:
        return request.method == "POST" and (
            PUBLISH in request.POST or PUBLISH_ANOTHER in request.POST
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except PublishRefused as refused:
            # The first pass was rolled back whole (changeform_view is atomic): show the form
            # again as posted, with the refusal as the form's errors (see get_form).
            request._publish_refused = refused.problems
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        problems = getattr(request, "_publish_refused", None)
        if problems is None:
            return form

        class RefusedForm(form):
            def clean(self):
                cleaned = super().clean()
                raise ValidationError(
                    [
                        "Nothing was saved: publishing was refused. Fix this, then press "
                        "“Save and publish” again (or “Save” to keep a draft):",
                        *problems,
                    ]
                )
                return cleaned  # pragma: no cover

        return RefusedForm

    def publish_saved(self, request, record) -> None:
        """After ``save_related``: publish the record just saved, if the button asked."""
        if not self.publishing(request) or record.review_state != ReviewState.DRAFT:
            return
        if not self.has_change_permission(request, record):
            raise PermissionDenied  # publishing is a change of state: rolled back whole
        try:
            services.record_publish(record, user=request.user, with_references=True)
        except ValidationError as exc:
            raise PublishRefused(exc.messages) from exc

    def source_from_query(self, request):
        try:
            pk = uuid.UUID(request.GET.get("source", ""))
        except ValueError:
            return None
        return Source.objects.visible_to(request.user).filter(pk=pk).first()

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if request.method == "GET" and inline.model is Citation:
            source = self.source_from_query(request)
            if source is not None:
                kwargs["initial"] = [{"source": source.pk}]
        return kwargs

    def publish_context(self, request, context, obj) -> None:
        """The buttons a form shows, and a source's "add a record citing it" links."""
        if obj is None or obj.review_state == ReviewState.DRAFT:
            buttons = [(PUBLISH, "Save and publish")]
            if issubclass(self.model, CitableModel):
                buttons.append(
                    (PUBLISH_ANOTHER, "Save and publish, and add another from this source")
                )
            context["publish_buttons"] = buttons
        if isinstance(obj, Source) and obj.review_state != ReviewState.RETRACTED:
            context["cite_links"] = cite_links(self.admin_site, request, obj)

    def response_published(self, request, obj):
        source = self._cited_source(request, obj)
        message = format_html("“{}” was saved and published.", obj)
        if source is not None:
            links = format_html_join(
                ", ",
                "<a href='{}'>{}</a>",
                ((url, label) for label, url in cite_links(self.admin_site, request, source)),
            )
            message = format_html("{} Add another record citing “{}”: {}.", message, source, links)
        self.message_user(request, message, messages.SUCCESS)
        opts = self.model._meta
        if PUBLISH_ANOTHER in request.POST and source is not None:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            return HttpResponseRedirect(f"{url}?source={source.pk}")
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )

    @staticmethod
    def _cited_source(request, obj):
        if isinstance(obj, Source):
            return obj
        cited = getattr(request, "_cited_sources", None)
        if cited:
            return cited[0]
        if isinstance(obj, CitableModel):
            first = obj.citations.select_related("source").order_by("created").first()
            return first.source if first is not None else None
        return None
