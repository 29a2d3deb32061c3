"""FilterSets of the trade resources."""

from config.api.filters import PublicFilterSet
from trade.models import Commodity, Shipment

COMMON = ("review_state", "created", "updated")


class CommodityFilterSet(PublicFilterSet):
    class Meta:
        model = Commodity
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


class ShipmentFilterSet(PublicFilterSet):
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
            "period_earliest",
            "period_latest",
            "quantity",
            "unit",
            "value",
            "currency",
            "is_quantity_estimated",
            "is_value_estimated",
            *COMMON,
        )
