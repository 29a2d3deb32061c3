"""Detail URLs of records, built without a ``reverse()`` per row.

Route names follow one rule: ``api-v1:<app_label>-<model_name>-detail`` with the
``public_id`` keyword. Each is reversed once, with a placeholder, then formatted per row.
"""

from django.urls import NoReverseMatch, reverse

_PLACEHOLDER = "__public_id__"
_templates: dict[str, str | None] = {}


def route_name(model, action: str = "detail") -> str:
    return f"api-v1:{model._meta.app_label}-{model._meta.model_name}-{action}"


def detail_path(model, public_id) -> str | None:
    name = route_name(model)
    if name not in _templates:
        try:
            _templates[name] = reverse(name, kwargs={"public_id": _PLACEHOLDER})
        except NoReverseMatch:
            _templates[name] = None
    template = _templates[name]
    return template.replace(_PLACEHOLDER, str(public_id)) if template else None


def absolute(request, path: str | None) -> str | None:
    if path is None or request is None:
        return path
    base = getattr(request, "_api_base_url", None)
    if base is None:
        base = request._api_base_url = request.build_absolute_uri("/").rstrip("/")
    return base + path
