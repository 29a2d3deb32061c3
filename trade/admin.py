"""Curators' admin for the trade app: commodities and shipments."""

from django.contrib import admin

from core.admin.base import REVIEW_COLUMNS, CitationInline, PublicModelAdmin

from .models import Commodity, Shipment


@admin.register(Commodity)
class CommodityAdmin(PublicModelAdmin):
    list_display = ("name", "hs_code", "parent", "sector", *REVIEW_COLUMNS)
    list_filter = ("review_state", "sector")
    list_select_related = ("parent",)
    search_fields = ("name", "slug", "aliases", "hs_code", "hs_note")
    autocomplete_fields = ("parent", "statements", "policy_decisions")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CitationInline]


@admin.register(Shipment)
class ShipmentAdmin(PublicModelAdmin):
    list_display = (
        "commodity",
        "exporter",
        "importer",
        "kind",
        "period",
        "quantity",
        "unit",
        "value",
        "currency",
        "status",
        *REVIEW_COLUMNS,
    )
    list_filter = (
        "review_state",
        "kind",
        "status",
        "transport_mode",
        "quantity_qualifier",
        "value_qualifier",
        ("exporter", admin.RelatedOnlyFieldListFilter),
        ("importer", admin.RelatedOnlyFieldListFilter),
        ("commodity", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("commodity", "exporter", "importer")
    search_fields = (
        "commodity__name",
        "commodity__aliases",
        "commodity__hs_code",
        "exporter__name",
        "exporter__aliases",
        "exporter__iso2",
        "importer__name",
        "importer__aliases",
        "importer__iso2",
        "note",
        "period_note",
    )
    autocomplete_fields = ("exporter", "importer", "commodity")
    date_hierarchy = "period_earliest"
    inlines = [CitationInline]
