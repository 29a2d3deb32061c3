"""The curators' "New source from text" page and the review of the assistant's proposals.

* ``new/``: paste a text (or upload a .txt/.html file) with what a source needs; the source
  is added as a draft through ``core.services.record_save``, as on every channel;
* ``source/<id>/``: the stored text with each proposal marked, and the proposals by kind,
  each with Accept, Edit and Reject (``ingest.review``), remembered per source;
* ``source/<id>/drafts/``: "Create drafts": accepted proposals become draft records with
  their citations (``ingest.drafts``). Each is then published from its own page.

Curators only: staff who may add sources (``core.add_source``); making each kind of record
also needs its add permission. Others get the admin's refusal (403).
"""

from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from core import services
from core.admin.dashboard import change_url
from core.models import Source
from ingest.drafts import drafts_create
from ingest.forms import NewSourceForm
from ingest.models import ProposalReview
from ingest.review import NAMED, proposal_decide, source_review

CURATOR_PERMISSION = "core.add_source"
#: Existing records offered per kind when a curator edits a match.
CHOICES = 1000


def may_use(request) -> bool:
    return (
        request.user.is_active
        and request.user.is_staff
        and request.user.has_perm(CURATOR_PERMISSION)
    )


def named_choices(review) -> dict[str, list[tuple[str, str]]]:
    """Existing records a curator may pick instead, per named kind on the page."""
    choices = {}
    for kind in {i.kind for i in review.items if i.kind in NAMED}:
        model = NAMED[kind]
        label = "iso2" if kind == "country" else "slug"
        # In the API's name order (core.collation): the same on every database.
        ordered = model._default_manager.order_by("name_sort_key", label)
        rows = ordered.values_list(label, "name")[:CHOICES]
        choices[kind] = list(rows)
    return choices


#: The drafts listed first: those whose publishing publishes the others they stand on (a
#: stage its decision, a shipment its new commodity, a statement its speaker).
FIRST = ("quantity", "value", "statement", "decision", "designation", "position")


def drafted_records(source) -> list:
    """Every record drafted from ``source``'s proposals, those that stand on others first."""
    rows = source.proposal_reviews.exclude(made=[]).order_by("created", "id")
    rows = sorted(rows, key=lambda row: (row.kind not in FIRST, row.created))
    found = []
    for row in rows:
        for label, pk in reversed(row.made):
            record = apps.get_model(label)._default_manager.filter(pk=pk).first()
            if record is not None and record not in found:  # a draft deleted since is gone
                found.append(record)
    return found


@admin.register(ProposalReview)
class ProposalReviewAdmin(admin.ModelAdmin):
    """What curators decided on the assistant's proposals (read-only), and the pages where
    they decide (module docstring)."""

    list_display = ("__str__", "source", "decision", "user", "updated")
    list_filter = ("decision", "kind")
    list_select_related = ("source", "user")
    search_fields = ("key", "source__title")
    ordering = ("-updated", "id")

    def has_module_permission(self, request):
        return may_use(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return may_use(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False  # decisions are made on the review page

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("new/", wrap(self.new_view), name="ingest_source_from_text"),
            path("source/<uuid:source_id>/", wrap(self.review_view), name="ingest_review"),
            path("source/<uuid:source_id>/decide/", wrap(self.decide_view), name="ingest_decide"),
            path("source/<uuid:source_id>/drafts/", wrap(self.drafts_view), name="ingest_drafts"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {"from_text_url": reverse("admin:ingest_source_from_text")}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    # --- pages -------------------------------------------------------------------------

    def _context(self, request, title, **more):
        request.current_app = self.admin_site.name
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "source_opts": Source._meta,
            **more,
        }

    def _source(self, request, source_id) -> Source:
        if not may_use(request):
            raise PermissionDenied
        queryset = Source.objects.visible_to(request.user).exclude(text="")
        return get_object_or_404(queryset, pk=source_id)

    def new_view(self, request):
        if not may_use(request):
            raise PermissionDenied
        form = NewSourceForm(request.POST or None, request.FILES or None)
        status = 200
        if request.method == "POST":
            if form.is_valid():
                source = form.source()
                try:
                    services.record_save(
                        source, user=request.user, reason="Added from text (assistant)"
                    )
                except ValidationError as exc:
                    form.add_error(None, exc.messages)
                    existing = Source.objects.filter(
                        content_hash=Source.compute_hash(source.text)
                    ).first()
                    if existing is not None:
                        url = reverse("admin:ingest_review", args=[existing.pk])
                        form.add_error(
                            None, format_html("Review it: <a href='{}'>{}</a>.", url, existing)
                        )
                else:
                    self.message_user(
                        request,
                        f"“{source}” was added as a draft source. Accept, edit or reject what "
                        "the assistant proposes, then create the drafts.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:ingest_review", args=[source.pk]))
            status = 400
        context = self._context(request, "New source from text", form=form)
        return TemplateResponse(request, "admin/ingest/new_source.html", context, status=status)

    def review_view(self, request, source_id, *, errors=(), status=200):
        source = self._source(request, source_id)
        review = source_review(source)
        drafted = [(record, change_url(record)) for record in drafted_records(source)]
        context = self._context(
            request,
            f"Proposals for “{source}”",
            source=source,
            source_url=change_url(source),
            review=review,
            choices=named_choices(review),
            drafted=drafted,
            accepted=sum(1 for i in review.items if i.to_draft),
            errors=list(errors),
        )
        return TemplateResponse(request, "admin/ingest/review.html", context, status=status)

    def decide_view(self, request, source_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        source = self._source(request, source_id)
        key, action = request.POST.get("key", ""), request.POST.get("action", "")
        edits = {
            name.removeprefix("value."): text
            for name, text in request.POST.items()
            if name.startswith("value.")
        }
        try:
            row = proposal_decide(
                source,
                key=key,
                action=action,
                user=request.user,
                edits=edits,
                match=request.POST.get("match"),
            )
        except ValidationError as exc:
            return self.review_view(request, source_id, errors=exc.messages, status=400)
        quote = row.proposal.get("quote", "")
        self.message_user(request, f"{row.get_decision_display()}: {row.kind} “{quote}”.")
        url = reverse("admin:ingest_review", args=[source.pk])
        return HttpResponseRedirect(f"{url}#kind-{row.kind}")

    def drafts_view(self, request, source_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        source = self._source(request, source_id)
        report = drafts_create(source, user=request.user)
        for problem in report.problems:
            self.message_user(request, f"Not drafted: {problem}", messages.ERROR)
        if report.created:
            self.message_user(
                request,
                f"{len(report.created)} draft record(s) created, listed below. Open each to "
                "check it and press “Save and publish”: nothing is published until then.",
                messages.SUCCESS,
            )
        elif not report.problems:
            self.message_user(request, "Nothing to draft: accept proposals first.", messages.INFO)
        return HttpResponseRedirect(f"{reverse('admin:ingest_review', args=[source.pk])}#drafts")
