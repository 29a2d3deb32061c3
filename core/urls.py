"""The evidence pages' addresses: ``/evidence/`` (mounted by ``config.urls``).

A record's page mirrors its API address: ``/api/v1/trade/shipments/<id>/`` is shown at
``/evidence/trade/shipments/<id>/``. Pages of other layers (the country pairs, in ``trade``)
are mounted by ``config.urls`` before the generic route.
"""

from django.urls import path

from core import views

app_name = "evidence"

urlpatterns = [
    path("", views.index, name="index"),
    path("sources/<uuid:pk>/", views.source_detail, name="source"),
    path("<path:resource>/<str:public_id>/", views.record_detail, name="record"),
]
