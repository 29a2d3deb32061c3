"""One router for the whole API: ``/api/v1/<app>/<resource>/``.

Route names are ``<app_label>-<model_name>-list|detail`` in the ``api-v1`` namespace, so
any record's address can be built from its model (see ``config.api.urls_cache``).

The root lists every resource, then the ``root_links`` the URL configuration adds (pages
outside the API, such as the evidence pages, and endpoints that take parameters).
"""

from collections.abc import Callable

from django.conf import settings
from rest_framework import routers

from config.api.errors import NoParametersMixin, ProblemRenderingMixin
from config.api.response_cache import CacheHeadersMixin


class APIRootView(CacheHeadersMixin, NoParametersMixin, ProblemRenderingMixin, routers.APIRootView):
    """Every resource of the API by name, the extra links (name → path callable) and the
    dataset's licence (``licence``)."""

    root_links: dict[str, Callable[[], str]] = {}

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        for key, path in self.root_links.items():
            response.data[key] = request.build_absolute_uri(path())
        response.data["licence"] = settings.API_DATASET_LICENCE
        return response


class APIRouter(routers.DefaultRouter):
    include_format_suffixes = False
    APIRootView = APIRootView

    def __init__(self, *args, root_links: dict[str, Callable[[], str]] | None = None, **kwargs):
        self.root_links = root_links or {}
        super().__init__(*args, **kwargs)

    def register_app(self, app_label: str, routes):
        for prefix, viewset in routes:
            model = viewset.queryset.model
            # The route is named after the model's own app, wherever it is mounted.
            meta = model._meta
            self.register(
                f"{app_label}/{prefix}", viewset, basename=f"{meta.app_label}-{meta.model_name}"
            )

    def get_api_root_view(self, api_urls=None):
        return self.APIRootView.as_view(
            api_root_dict=self.get_api_root_dict(), root_links=self.root_links
        )

    def get_api_root_dict(self) -> dict[str, str]:
        list_name = self.routes[0].name
        return {
            prefix: list_name.format(basename=basename)
            for prefix, _viewset, basename in self.registry
        }
