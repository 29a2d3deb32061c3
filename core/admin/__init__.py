"""The curators' admin: base classes for every record (``core.admin.base``), and the
evidence itself: sources, citations and the change feed.

The site is the curators' workbench: titled for the dataset, its index is the review queue
(``core.admin.dashboard``).
"""

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.forms import Textarea
from django.http import Http404, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html

from core.admin.base import REVIEW_COLUMNS, PublicModelAdmin
from core.models import Change, CitableModel, Citation, Source

admin.site.site_header = "Trade & Diplomacy Open Data: curators’ workbench"
admin.site.site_title = "Trade & Diplomacy curators"
admin.site.index_title = "Review queue and records"
admin.site.index_template = "admin/workbench_index.html"
admin.site.site_url = "/evidence/"


@admin.register(Source)
class SourceAdmin(PublicModelAdmin):
    list_display = (
        "__str__",
        "kind",
        "publisher",
        "origin",
        "published",
        "language",
        *REVIEW_COLUMNS,
    )
    list_filter = ("review_state", "kind", "language")
    search_fields = ("title", "publisher", "origin", "document_url", "content_hash", "text")
    autocomplete_fields = ("relays",)
    readonly_fields = ("content_hash",)
    date_hierarchy = "published_earliest"
    # The full text is what quotes are checked against: give it room.
    formfield_overrides = {
        **PublicModelAdmin.formfield_overrides,
        # strip=False: the text is stored as given (line ends and NFC aside), as the API
        # and the loader store it, so one article has one content hash on every channel.
        models.TextField: {"widget": Textarea(attrs={"rows": 20, "cols": 100}), "strip": False},
    }

    def response_add(self, request, obj, post_url_continue=None):
        self._say_normalized(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._say_normalized(request, obj)
        return super().response_change(request, obj)

    def _say_normalized(self, request, obj):
        if obj.text_normalized:
            self.message_user(
                request,
                "Line ends normalized: the text is stored with LF line ends and in Unicode "
                "NFC (composed accents), so its hash and spans match any other copy of it.",
                messages.INFO,
            )

    def get_urls(self):
        view = self.admin_site.admin_view(self.text_view)
        return [path("<path:object_id>/text/", view, name="core_source_text"), *super().get_urls()]

    def text_view(self, request, object_id):
        """The source's text, for citing by selection on any record's form (``cite.js``)."""
        source = self.get_object(request, object_id)
        if source is None or not self.has_view_permission(request, source):
            raise Http404("No such source.")
        return JsonResponse(
            {
                "id": str(source.pk),
                "label": str(source),
                "kind": source.get_kind_display(),
                "cited_by_locator": source.cited_by_locator,
                "text": source.text,
            }
        )


def _citable_content_types():
    citable = [model for model in apps.get_models() if issubclass(model, CitableModel)]
    return ContentType.objects.get_for_models(*citable).values()


class CitedModelFilter(admin.SimpleListFilter):
    """The kinds of record a citation may support: citable models only."""

    title = "cited record type"
    parameter_name = "record_type"

    def lookups(self, request, model_admin):
        types = sorted(_citable_content_types(), key=lambda ct: ct.name)
        return [(str(ct.pk), ct.name.capitalize()) for ct in types]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(content_type_id=self.value())
        return queryset


class EvidenceFilter(admin.SimpleListFilter):
    """Quotes by default: the locator rows of the reference standards (one per country and
    HS code) would otherwise fill the list."""

    title = "evidence"
    parameter_name = "evidence"

    def lookups(self, request, model_admin):
        return [
            ("quote", "Quotes from texts"),
            ("locator", "Locators in datasets and standards"),
            ("all", "All"),
        ]

    def queryset(self, request, queryset):
        value = self.value() or "quote"
        if value == "quote":
            return queryset.exclude(quote="")
        if value == "locator":
            return queryset.filter(quote="")
        return queryset

    def choices(self, changelist):
        current = self.value() or "quote"
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


@admin.register(Citation)
class CitationAdmin(PublicModelAdmin):
    """Citations are added and edited inline on the record they support; here they are
    listed, searched and reviewed."""

    list_display = (
        "quote_excerpt",
        "source_excerpt",
        "cited_record",
        "start",
        "end",
        *REVIEW_COLUMNS,
    )
    list_filter = ("review_state", EvidenceFilter, CitedModelFilter)
    list_select_related = ("source", "content_type")
    search_fields = ("quote", "note", "source__title", "source__publisher")
    autocomplete_fields = ("source",)
    ordering = ("-created", "id")
    fields = (
        "cited_record",
        "source",
        "quote",
        "start",
        "end",
        "locator",
        "supports",
        "contradicts",
        "stated",
        "inferred",
        "note",
    )
    readonly_fields = ("cited_record", "source", "supports", "contradicts", "stated")

    def has_add_permission(self, request):
        # A citation belongs to its record: it is added on the record's form, where the
        # record is known (no content type and UUID to type in).
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("record")

    def api_record(self, obj):
        return obj.record

    @admin.display(description="quote", ordering="quote")
    def quote_excerpt(self, obj):
        if not obj.quote:
            return f"(locator {obj.locator})"
        return obj.quote if len(obj.quote) <= 80 else f"{obj.quote[:79]}…"

    @admin.display(description="source", ordering="source")
    def source_excerpt(self, obj):
        label = str(obj.source)
        return label if len(label) <= 40 else f"{label[:39]}…"

    @admin.display(description="cited record")
    def cited_record(self, obj):
        record = obj.record if obj.pk else None
        if record is None:
            return ""
        opts = record._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
        return format_html("{}: <a href='{}'>{}</a>", opts.verbose_name, url, record)


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    """The change feed, read-only: its rows are written by the history signal and the loader.

    Whoever may view changes (the curators group) sees the list and each row; nobody can add,
    edit or delete one here, superusers included, since consumers sync from it.
    """

    list_display = (
        "id",
        "timestamp",
        "model",
        "record_id",
        "action",
        "review_state",
        "channel",
        "user",
    )
    list_filter = ("model", "action", "channel", "review_state")
    search_fields = ("record_id", "user", "reason")
    date_hierarchy = "timestamp"
    ordering = ("-id",)  # newest first
    list_per_page = 100
    # The feed only grows: skip the unfiltered COUNT(*) on every filtered page.
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
