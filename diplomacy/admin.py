"""Curators' admin for the diplomacy app: actors, facts and their evidence.

Lists show what curators scan for (names, states, dates as the source gives them) and search
what they look records up by, including related names (a tenure by its official's name).
Every relation is an autocomplete, so every admin here has ``search_fields``.
"""

from django.contrib import admin

from core.admin.base import REVIEW_COLUMNS, CitationInline, PublicInline, PublicModelAdmin

from .models import (
    Country,
    DecisionStage,
    Designation,
    DesignationChange,
    Official,
    Organization,
    PolicyDecision,
    Position,
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


class DesignationChangeInline(PublicInline):
    model = DesignationChange
    fields = ("status", "date", "date_note", "description")


@admin.register(Country)
class CountryAdmin(PublicModelAdmin):
    list_display = ("iso2", "iso3", "name", "official_name", *REVIEW_COLUMNS)
    list_display_links = ("iso2", "name")
    list_filter = ("review_state",)
    search_fields = ("iso2", "iso3", "name", "official_name", "aliases", "numeric")
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
    readonly_fields = ("status_since",)
    inlines = [DesignationChangeInline, CitationInline]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.latest_change() is not None:
            return (*fields, "status")  # set by its dated changes (the model refuses edits)
        return fields


@admin.register(DesignationChange)
class DesignationChangeAdmin(PublicModelAdmin):
    list_display = ("designation", "status", "date", *REVIEW_COLUMNS)
    list_filter = ("review_state", "status")
    list_select_related = ("designation__organization", "designation__jurisdiction")
    search_fields = ("designation__organization__name", "description", "date_note")
    autocomplete_fields = ("designation",)
    inlines = [CitationInline]

    def api_record(self, obj):
        return obj.designation


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
