"""Content negotiation: CSV and NDJSON only where a list streams them.

Only list views of the base viewset stream exports. Anywhere else (a record, the API root,
the docs), ``Accept: text/csv`` alone must not pick a renderer that cannot render: the
streamed media types are dropped, and a request that accepts nothing else gets a 406.

``?format=`` names the renderer whatever ``Accept`` says.

``application/problem+json`` is the type of errors only (they are problems whatever was
negotiated). A client that accepts just that type still gets its errors, and an answer that
is not an error comes as ``application/json``, never labelled a problem.
"""

from rest_framework.negotiation import DefaultContentNegotiation

from config.api.renderers import JSONRenderer, ProblemJSONRenderer


def streams_exports(request) -> bool:
    view = (getattr(request, "parser_context", None) or {}).get("view")
    return bool(getattr(view, "streams_exports", False)) and getattr(view, "action", None) == "list"


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        if not streams_exports(request):
            renderers = [r for r in renderers if not getattr(r, "streamed", False)]
        fmt = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if fmt:
            # ?format= is the client's explicit choice: it wins over an Accept header that a
            # generated client or a library sends on every call (Accept: application/json).
            renderer = self.filter_renderers(renderers, fmt)[0]
            return renderer, renderer.media_type
        renderer, media_type = super().select_renderer(request, renderers, format_suffix)
        if isinstance(renderer, ProblemJSONRenderer):
            return JSONRenderer(), JSONRenderer.media_type
        return renderer, media_type
