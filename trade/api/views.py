"""Viewsets of the trade resources."""

from core.api.views import RecordViewSet
from core.collation import NAME_ORDERING_COLUMNS
from trade import filtersets
from trade.api import serializers
from trade.models import Commitment, Commodity, Shipment


class CommodityViewSet(RecordViewSet):
    """Traded goods, with HS codes and a hierarchy (`parent`)."""

    queryset = Commodity.objects.all()
    serializer_class = serializers.CommoditySerializer
    filterset_class = filtersets.CommodityFilterSet
    ordering_fields = ("id", "name", "updated")
    ordering_columns = NAME_ORDERING_COLUMNS  # the folded name (core.collation)
    facet_fields = ("sector", "parent")


class ShipmentViewSet(RecordViewSet):
    """Consignments and aggregate flows between countries (maps onto UN Comtrade records)."""

    queryset = Shipment.objects.all()
    serializer_class = serializers.ShipmentSerializer
    filterset_class = filtersets.ShipmentFilterSet
    ordering_fields = ("id", "updated", "period", "quantity", "value")
    # A period sorts by its earliest day: "2025" sorts with 2025-01-01, an unknown one last.
    ordering_columns = {"period": "period_earliest"}
    facet_fields = ("commodity", "exporter", "importer", "status", "kind", "transport_mode")


class CommitmentViewSet(RecordViewSet):
    """Supply commitments between countries and their terms: what was agreed, beside the
    shipments (what was reported) that deliver it."""

    queryset = Commitment.objects.all()
    serializer_class = serializers.CommitmentSerializer
    filterset_class = filtersets.CommitmentFilterSet
    ordering_fields = ("id", "updated", "start", "end", "quantity")
    # A fuzzy date sorts by its earliest day, an unknown one last (as shipments' periods).
    ordering_columns = {"start": "start_earliest", "end": "end_earliest"}
    facet_fields = ("commodity", "supplier", "recipient", "per", "quantity_qualifier", "decision")
