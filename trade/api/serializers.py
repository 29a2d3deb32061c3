"""Representations of the trade records."""

from rest_framework import serializers

from core.api.serializers import NamedSerializer, PublicSerializer
from trade.models import Commitment, Commodity, Shipment, TransportMode


class CommoditySerializer(NamedSerializer):
    """A traded good with its Harmonized System code and its place in the hierarchy."""

    class Meta(NamedSerializer.Meta):
        model = Commodity
        fields = (
            "name",
            "aliases",
            "hs_code",
            "hs_note",
            "parent",
            "sector",
            "statements",
            "policy_decisions",
        )
        brief_fields = ("id", "url", "name", "hs_code")


class ShipmentSerializer(PublicSerializer):
    """A consignment or an aggregate flow; numbers stay empty where the source gives none."""

    id = serializers.UUIDField(read_only=True)

    class Meta(PublicSerializer.Meta):
        model = Shipment
        fields = (
            "exporter",
            "importer",
            "commodity",
            "kind",
            "period",
            "quantity",
            "unit",
            "quantity_qualifier",
            "value",
            "currency",
            "value_qualifier",
            "transport_mode",
            "status",
            "is_quantity_estimated",
            "is_value_estimated",
            "note",
            "commitment",
            "reporter",
            "flow",
            "value_basis",
        )
        brief_fields = ("id", "url", "exporter", "importer", "commodity")


class CommitmentSerializer(PublicSerializer):
    """An agreed supply and its terms: supplier, recipient, commodity, a quantity per year,
    month or in total (with its qualifier: "up to" is ``at_most``), term, price terms,
    payment currency and transport modes. Shipments that deliver it name it."""

    id = serializers.UUIDField(read_only=True)
    transport_modes = serializers.ListField(
        child=serializers.ChoiceField(choices=TransportMode.choices),
        required=False,
        help_text="How the goods are to travel.",
    )

    class Meta(PublicSerializer.Meta):
        model = Commitment
        fields = (
            "title",
            "decision",
            "supplier",
            "recipient",
            "commodity",
            "quantity",
            "unit",
            "quantity_qualifier",
            "per",
            "start",
            "end",
            "price_terms",
            "currency",
            "transport_modes",
            "note",
        )
        brief_fields = ("id", "url", "title", "supplier", "recipient", "commodity")
