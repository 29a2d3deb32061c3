"""Root URLs: the admin, and the versioned API with its schema and documentation."""

from django.contrib import admin
from django.urls import include, path, re_path, reverse

from config.api.docs import RedocView, SchemaView, SwaggerView
from config.api.routers import APIRouter
from core.api.citations import CitationViewSet
from core.api.releases import ReleaseViewSet
from core.api.views import ChangeViewSet
from diplomacy.api.urls import routes as diplomacy_routes
from ingest.api.urls import urlpatterns as ingest_urls
from trade.api.flows import PairFlowsView
from trade.api.pairs import PairView
from trade.api.urls import routes as trade_routes
from trade.views import pair_page

PAIR = r"(?P<a>[A-Za-z]{2})-(?P<b>[A-Za-z]{2})"

router = APIRouter(
    root_links={
        "evidence": lambda: reverse("evidence:index"),
        "pairs": lambda: reverse("api-v1:pair", kwargs={"a": "RU", "b": "AF"}),
    }
)
router.register_app("diplomacy", diplomacy_routes)
router.register_app("trade", trade_routes)
router.register("changes", ChangeViewSet, basename="core-change")
router.register("citations", CitationViewSet, basename="core-citation")
router.register("releases", ReleaseViewSet, basename="core-release")

api_v1 = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api-v1:schema"), name="docs"),
    path("redoc/", RedocView.as_view(url_name="api-v1:schema"), name="redoc"),
    re_path(rf"^pairs/{PAIR}/$", PairView.as_view(), name="pair"),
    re_path(rf"^pairs/{PAIR}/flows/$", PairFlowsView.as_view(), name="pair-flows"),
    *ingest_urls,
    *router.urls,
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api-v1"))),
    # Pages of the top layer first: the generic record route would take any path.
    re_path(rf"^evidence/pairs/{PAIR}/$", pair_page, name="evidence-pair"),
    path("evidence/", include("core.urls")),
]

handler400 = "config.api.errors.bad_request"
handler404 = "config.api.errors.not_found"
# A database outage outside DRF (admin, middleware) is a 503 problem; the rest a 500 one.
handler500 = "config.outage.server_error"
