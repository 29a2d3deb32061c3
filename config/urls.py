"""Root URLs: the admin, and the versioned API with its schema and documentation."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from config.api.routers import APIRouter
from core.api.releases import ReleaseViewSet
from core.api.views import ChangeViewSet
from diplomacy.api.urls import routes as diplomacy_routes
from trade.api.urls import routes as trade_routes

router = APIRouter()
router.register_app("diplomacy", diplomacy_routes)
router.register_app("trade", trade_routes)
router.register("changes", ChangeViewSet, basename="core-change")
router.register("releases", ReleaseViewSet, basename="core-release")

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's setup as a script file: no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-v1:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-v1:schema"), name="redoc"),
    *router.urls,
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api-v1"))),
]

handler404 = "config.api.errors.not_found"
# A database outage outside DRF (admin, middleware) is a 503 problem; the rest a 500 one.
handler500 = "config.outage.server_error"
