"""The project's URLs, plus the bare values() + orjson views the benchmark uses as a floor.

``/bench/baseline/shipments/`` (a keyset page) and ``/bench/baseline/shipments/<id>/`` (one
row) are the yardstick of PRODUCT.md section 5 ("a bare values() + keyset + orjson view"):
the same rows as the API's, flat (foreign keys as raw ids, no citations), with none of DRF.
They go through the same middleware and the same gunicorn as the API, so the ratio between
the two is what the API's own code costs.
"""

import decimal

import orjson
from django.http import Http404, HttpResponse
from django.urls import path

from config.urls import handler404, handler500  # noqa: F401
from config.urls import urlpatterns as project_urlpatterns
from trade.models import Shipment

FIELDS = (
    "id",
    "exporter_id",
    "importer_id",
    "commodity_id",
    "kind",
    "period",
    "period_precision",
    "period_earliest",
    "period_latest",
    "period_note",
    "quantity",
    "unit",
    "value",
    "currency",
    "transport_mode",
    "status",
    "is_quantity_estimated",
    "is_value_estimated",
    "note",
    "review_state",
    "version",
    "created",
    "updated",
)


def _default(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError


def baseline_shipments(request):
    limit = min(int(request.GET.get("limit", 50)), 1000)
    queryset = Shipment.objects.filter(review_state="published").order_by("id")
    after = request.GET.get("after")
    if after:
        queryset = queryset.filter(id__gt=after)
    rows = list(queryset.values(*FIELDS)[:limit])
    after_last = str(rows[-1]["id"]) if len(rows) == limit else None
    body = orjson.dumps({"after": after_last, "results": rows}, default=_default)
    return HttpResponse(body, content_type="application/json")


def baseline_shipment(request, pk):
    rows = list(Shipment.objects.filter(review_state="published", id=pk).values(*FIELDS)[:1])
    if not rows:
        raise Http404
    return HttpResponse(orjson.dumps(rows[0], default=_default), content_type="application/json")


urlpatterns = [
    *project_urlpatterns,
    path("bench/baseline/shipments/", baseline_shipments),
    path("bench/baseline/shipments/<uuid:pk>/", baseline_shipment),
]
