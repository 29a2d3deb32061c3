"""Test URLs: the admin, plus a stand-in ``api-v1`` namespace with a detail route per model.

The admin links to the API by URL name only; these routes let the tests see the links that
the real API's routes will produce, whatever state the API is in.
"""

from django.apps import apps
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path


def _detail(request, public_id):
    return HttpResponse(public_id)


_api = [
    path(
        f"{model._meta.app_label}/{model._meta.model_name}/<str:public_id>/",
        _detail,
        name=f"{model._meta.app_label}-{model._meta.model_name}-detail",
    )
    for label in ("diplomacy", "trade")
    for model in apps.get_app_config(label).get_models()
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include((_api, "api-v1"))),
]
