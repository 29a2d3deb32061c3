"""Root URLs: the admin, and the versioned API with its schema and documentation."""

from django.contrib import admin
from django.urls import include, path

from config.api.docs import RedocView, SchemaView, SwaggerView
from config.api.routers import APIRouter
from core.api.views import ChangeViewSet
from diplomacy.api.urls import routes as diplomacy_routes
from trade.api.urls import routes as trade_routes

router = APIRouter()
router.register_app("diplomacy", diplomacy_routes)
router.register_app("trade", trade_routes)
router.register("changes", ChangeViewSet, basename="core-change")

api_v1 = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api-v1:schema"), name="docs"),
    path("redoc/", RedocView.as_view(url_name="api-v1:schema"), name="redoc"),
    *router.urls,
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api-v1"))),
]

handler404 = "config.api.errors.not_found"
handler500 = "config.api.errors.server_error"
