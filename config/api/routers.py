"""One router for the whole API: ``/api/v1/<app>/<resource>/``.

Route names are ``<app_label>-<model_name>-list|detail`` in the ``api-v1`` namespace, so
any record's address can be built from its model (see ``config.api.urls_cache``).
"""

from rest_framework.routers import DefaultRouter


class APIRouter(DefaultRouter):
    include_format_suffixes = False

    def register_app(self, app_label: str, routes):
        for prefix, viewset in routes:
            model = viewset.queryset.model
            # The route is named after the model's own app, wherever it is mounted.
            meta = model._meta
            self.register(
                f"{app_label}/{prefix}", viewset, basename=f"{meta.app_label}-{meta.model_name}"
            )
