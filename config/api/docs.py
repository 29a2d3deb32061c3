"""The schema and its documentation pages, served fast and fully offline.

* The schema is generated once per process and kept rendered per media type, with an
  ETag: a request, a 304 included, costs a dictionary lookup, not a 1–2 s generation.
* Swagger UI and Redoc load their assets from drf-spectacular-sidecar (static files), and
  Redoc's page loads no web fonts: nothing comes from a CDN.
* The pages answer GET and HEAD only; any other method is a 405.
"""

import hashlib

from django.http import HttpResponse
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from config.api.errors import ProblemRenderingMixin

READ_ONLY = ["get", "head"]

_rendered: dict[tuple, tuple[bytes, str, str]] = {}


class SchemaView(ProblemRenderingMixin, SpectacularAPIView):
    """The OpenAPI schema (YAML by default; JSON for Accept: application/vnd.oai.openapi+json)."""

    http_method_names = READ_ONLY

    def _get_schema_response(self, request):
        renderer = request.accepted_renderer
        key = (renderer.media_type, request.version)
        if key not in _rendered:
            response = super()._get_schema_response(request)
            body = renderer.render(response.data, renderer.media_type, {})
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            _rendered[key] = (body, etag, response["Content-Disposition"])
        body, etag, disposition = _rendered[key]
        response = HttpResponse(body, content_type=f"{renderer.media_type}; charset=utf-8")
        response["ETag"] = etag
        response["Content-Disposition"] = disposition
        response["Cache-Control"] = "public, max-age=300"
        return response


class SwaggerView(ProblemRenderingMixin, SpectacularSwaggerSplitView):
    """Swagger UI; the split view serves its setup as a script file: no inline script (CSP)."""

    http_method_names = READ_ONLY


class RedocView(ProblemRenderingMixin, SpectacularRedocView):
    """Redoc, with no web fonts: config/templates/drf_spectacular/redoc.html drops them."""

    http_method_names = READ_ONLY
