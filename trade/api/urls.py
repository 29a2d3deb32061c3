"""The trade resources, mounted under ``/api/v1/trade/``."""

from trade.api import views

routes = [
    ("commodities", views.CommodityViewSet),
    ("shipments", views.ShipmentViewSet),
    ("commitments", views.CommitmentViewSet),
]
