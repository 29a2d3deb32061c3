"""The curators' admin: base classes for every record (``core.admin.base``), and the
evidence itself: sources, citations and the change feed."""

from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.forms import Textarea
from django.urls import reverse
from django.utils.html import format_html

from core.admin.base import REVIEW_COLUMNS, PublicModelAdmin
from core.models import Change, CitableModel, Citation, Source


@admin.register(Source)
class SourceAdmin(PublicModelAdmin):
    list_display = ("__str__", "kind", "publisher", "published", "language", *REVIEW_COLUMNS)
    list_filter = ("review_state", "kind", "language")
    search_fields = ("title", "publisher", "document_url", "content_hash", "text")
    readonly_fields = ("content_hash",)
    date_hierarchy = "published_earliest"
    # The full text is what quotes are checked against: give it room.
    formfield_overrides = {
        **PublicModelAdmin.formfield_overrides,
        models.TextField: {"widget": Textarea(attrs={"rows": 20, "cols": 100})},
    }


def _citable_content_types():
    citable = [model for model in apps.get_models() if issubclass(model, CitableModel)]
    return ContentType.objects.get_for_models(*citable).values()


@admin.register(Citation)
class CitationAdmin(PublicModelAdmin):
    """Citations are usually added inline on the record they support; here they are listed."""

    list_display = ("quote_excerpt", "source", "cited_record", "start", "end", *REVIEW_COLUMNS)
    list_filter = ("review_state", "content_type")
    list_select_related = ("source", "content_type")
    search_fields = ("quote", "note", "source__title", "source__publisher")
    autocomplete_fields = ("source",)
    fields = (
        "source",
        "content_type",
        "object_id",
        "cited_record",
        "quote",
        "start",
        "end",
        "note",
    )
    readonly_fields = ("cited_record",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("record")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "content_type":
            # Only citable models: a small list, so a select rather than an autocomplete.
            kwargs["queryset"] = ContentType.objects.filter(
                pk__in=[ct.pk for ct in _citable_content_types()]
            ).order_by("app_label", "model")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def api_record(self, obj):
        return obj.record

    @admin.display(description="quote", ordering="quote")
    def quote_excerpt(self, obj):
        return obj.quote if len(obj.quote) <= 80 else f"{obj.quote[:79]}…"

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
