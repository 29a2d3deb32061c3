"""One router for the whole API: ``/api/v1/<app>/<resource>/``.

Route names are ``<app_label>-<model_name>-list|detail`` in the ``api-v1`` namespace, so
any record's address can be built from its model (see ``config.api.urls_cache``).
"""

from django.conf import settings
from rest_framework import routers

from config.api.errors import ProblemRenderingMixin


class APIRootView(ProblemRenderingMixin, routers.APIRootView):
    """Every resource of the API by name, and the dataset's licence (``licence``)."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.data["licence"] = settings.API_DATASET_LICENCE
        return response


class APIRouter(routers.DefaultRouter):
    include_format_suffixes = False
    APIRootView = APIRootView

    def register_app(self, app_label: str, routes):
        for prefix, viewset in routes:
            model = viewset.queryset.model
            # The route is named after the model's own app, wherever it is mounted.
            meta = model._meta
            self.register(
                f"{app_label}/{prefix}", viewset, basename=f"{meta.app_label}-{meta.model_name}"
            )
