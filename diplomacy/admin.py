"""Curators' admin for the diplomacy app: actors, facts and their evidence.

Lists show what curators scan for (names, states, dates as the source gives them) and search
what they look records up by, including related names (a tenure by its official's name).
Every relation is an autocomplete, so every admin here has ``search_fields``.
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.forms import Textarea
from django.urls import reverse
from django.utils.html import format_html

from config.admin import REVIEW_COLUMNS, CitationInline, PublicInline, PublicModelAdmin

from .models import (
    Change,
    CitableModel,
    Citation,
    Country,
    DecisionStage,
    Designation,
    Official,
    Organization,
    PolicyDecision,
    Position,
    Source,
    Statement,
    Tenure,
)


class TenureInline(PublicInline):
    model = Tenure
    fields = ("official", "position", "start", "end", "as_of", "as_of_note")
    autocomplete_fields = ("official", "position")


class DecisionStageInline(PublicInline):
    model = DecisionStage
    fields = ("sequence", "status", "date", "date_note", "description")


@admin.register(Country)
class CountryAdmin(PublicModelAdmin):
    list_display = ("iso2", "iso3", "name", "official_name", *REVIEW_COLUMNS)
    list_display_links = ("iso2", "name")
    list_filter = ("review_state",)
    search_fields = ("iso2", "iso3", "name", "official_name", "numeric")
    inlines = [CitationInline]


@admin.register(Organization)
class OrganizationAdmin(PublicModelAdmin):
    list_display = ("name", "kind", "country", "parent", *REVIEW_COLUMNS)
    list_filter = ("review_state", "kind", ("country", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("country", "parent")
    search_fields = ("name", "slug", "name_original", "aliases", "country__name")
    autocomplete_fields = ("country", "parent")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CitationInline]


@admin.register(Official)
class OfficialAdmin(PublicModelAdmin):
    list_display = ("name", "name_original", "slug", *REVIEW_COLUMNS)
    list_filter = ("review_state",)
    search_fields = ("name", "slug", "name_original", "aliases")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [TenureInline, CitationInline]


@admin.register(Position)
class PositionAdmin(PublicModelAdmin):
    list_display = ("name", "organization", "country", "posted_to", *REVIEW_COLUMNS)
    list_filter = ("review_state", ("country", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("organization", "country", "posted_to")
    search_fields = ("name", "slug", "organization__name", "country__name", "posted_to__name")
    autocomplete_fields = ("organization", "country", "posted_to")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [TenureInline, CitationInline]


@admin.register(Tenure)
class TenureAdmin(PublicModelAdmin):
    list_display = ("official", "position", "start", "end", "as_of", *REVIEW_COLUMNS)
    list_filter = ("review_state", "as_of_precision")
    list_select_related = ("official", "position")
    search_fields = ("official__name", "position__name", "start_note", "end_note", "as_of_note")
    autocomplete_fields = ("official", "position")
    inlines = [CitationInline]

    def api_record(self, obj):
        return obj.position


@admin.register(Designation)
class DesignationAdmin(PublicModelAdmin):
    list_display = (
        "organization",
        "kind",
        "jurisdiction",
        "status",
        "start",
        "as_of",
        *REVIEW_COLUMNS,
    )
    list_filter = (
        "review_state",
        "kind",
        "status",
        ("jurisdiction", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("organization", "jurisdiction")
    search_fields = ("organization__name", "jurisdiction__name", "authority__name", "list_name")
    autocomplete_fields = ("organization", "jurisdiction", "authority")
    inlines = [CitationInline]


@admin.register(PolicyDecision)
class PolicyDecisionAdmin(PublicModelAdmin):
    list_display = ("title", "decision_type", "status", "decision_maker", *REVIEW_COLUMNS)
    list_filter = ("review_state", "decision_type", "status")
    list_select_related = ("decision_maker",)
    search_fields = (
        "title",
        "description",
        "decision_maker__name",
        "decision_maker_organization__name",
        "subject_organization__name",
    )
    autocomplete_fields = (
        "decision_maker",
        "decision_maker_organization",
        "subject_organization",
        "countries",
        "proposed_by",
        "briefed_by",
    )
    readonly_fields = ("status",)
    inlines = [DecisionStageInline, CitationInline]


@admin.register(DecisionStage)
class DecisionStageAdmin(PublicModelAdmin):
    list_display = ("decision", "sequence", "status", "date", *REVIEW_COLUMNS)
    list_filter = ("review_state", "status")
    list_select_related = ("decision",)
    search_fields = ("decision__title", "description", "date_note")
    autocomplete_fields = ("decision",)
    inlines = [CitationInline]

    def api_record(self, obj):
        return obj.decision


@admin.register(Statement)
class StatementAdmin(PublicModelAdmin):
    list_display = ("summary_excerpt", "speaker_label", "mode", "date", *REVIEW_COLUMNS)
    list_filter = ("review_state", "mode", "date_precision")
    list_select_related = ("speaker", "speaker_organization", "speaker_country")
    search_fields = (
        "summary",
        "quote",
        "speaker__name",
        "speaker_organization__name",
        "speaker_country__name",
    )
    autocomplete_fields = (
        "speaker",
        "speaker_organization",
        "speaker_country",
        "about_countries",
        "about_organizations",
        "about_decisions",
    )
    date_hierarchy = "date_earliest"
    inlines = [CitationInline]

    @admin.display(description="summary", ordering="summary")
    def summary_excerpt(self, obj):
        return obj.brief_name

    @admin.display(description="speaker")
    def speaker_label(self, obj):
        return obj.speaker or obj.speaker_organization or obj.speaker_country


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
