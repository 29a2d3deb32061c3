"""FilterSets of the trade resources."""

from core.filtersets import COMMON, AliasFilterSet, RecordFilterSet
from trade.models import Commitment, Commodity, Shipment


class CommodityFilterSet(AliasFilterSet):
    class Meta:
        model = Commodity
        text_fields = ("name",)
        fields = (
            "slug",
            "name",
            "hs_code",
            "parent",
            "sector",
            "statements",
            "policy_decisions",
            *COMMON,
        )


class ShipmentFilterSet(RecordFilterSet):
    class Meta:
        model = Shipment
        fields = (
            "exporter",
            "importer",
            "commodity",
            "kind",
            "status",
            "transport_mode",
            "period_precision",
            "quantity",
            "unit",
            "quantity_qualifier",
            "value",
            "currency",
            "value_qualifier",
            "is_quantity_estimated",
            "is_value_estimated",
            "commitment",
            "reporter",
            "flow",
            "value_basis",
            *COMMON,
        )


class CommitmentFilterSet(RecordFilterSet):
    class Meta:
        model = Commitment
        fields = (
            "supplier",
            "recipient",
            "commodity",
            "decision",
            "per",
            "quantity",
            "unit",
            "quantity_qualifier",
            "currency",
            "start_precision",
            "end_precision",
            *COMMON,
        )
