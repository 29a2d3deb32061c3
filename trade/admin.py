"""Curators' admin for the trade app: commodities, commitments and shipments."""

from django import forms
from django.contrib import admin

from core.admin.base import REVIEW_COLUMNS, CitationInline, PublicModelAdmin
from core.admin.forms import VersionedModelForm

from .models import Commitment, Commodity, Shipment, TransportMode


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
        "flow",
        "value_basis",
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
    autocomplete_fields = ("exporter", "importer", "commodity", "commitment", "reporter")
    date_hierarchy = "period_earliest"
    inlines = [CitationInline]


class CommitmentForm(VersionedModelForm):
    # Ticks instead of JSON typed by hand; the model's validator still decides.
    transport_modes = forms.TypedMultipleChoiceField(
        choices=TransportMode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="How the goods are to travel.",
    )

    class Meta:
        model = Commitment
        fields = "__all__"


@admin.register(Commitment)
class CommitmentAdmin(PublicModelAdmin):
    form = CommitmentForm
    list_display = (
        "title",
        "supplier",
        "recipient",
        "commodity",
        "quantity",
        "unit",
        "quantity_qualifier",
        "per",
        "start",
        "end",
        *REVIEW_COLUMNS,
    )
    list_filter = (
        "review_state",
        "per",
        "quantity_qualifier",
        ("supplier", admin.RelatedOnlyFieldListFilter),
        ("recipient", admin.RelatedOnlyFieldListFilter),
        ("commodity", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("commodity", "supplier", "recipient")
    search_fields = (
        "title",
        "commodity__name",
        "commodity__aliases",
        "supplier__name",
        "supplier__iso2",
        "recipient__name",
        "recipient__iso2",
        "price_terms",
        "note",
    )
    autocomplete_fields = ("decision", "supplier", "recipient", "commodity")
    date_hierarchy = "start_earliest"
    inlines = [CitationInline]
