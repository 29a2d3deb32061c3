"""Representations of the trade records."""

from rest_framework import serializers

from core.api.serializers import NamedSerializer, PublicSerializer
from trade.models import Commodity, Shipment


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
        )
        fuzzy_dates = ("period",)
        brief_fields = ("id", "url", "exporter", "importer", "commodity")
