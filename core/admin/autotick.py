"""The admin endpoint behind ``cite.js``'s ticks: which fields a selected quote states.

The rules are ``core.autotick``'s, in Python, so that they are tested once and the script
stays small: it sends the form's values and the quote, and ticks what comes back.
"""

import json

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse

from core.autotick import stated_fields

MAX_BODY = 64 * 1024  # a quote and a form's values: far less than this


def autotick_response(modeladmin, request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not modeladmin.has_change_permission(request):
        raise PermissionDenied
    try:
        body = json.loads(request.body[: MAX_BODY + 1] or b"{}")
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict) or len(request.body) > MAX_BODY:
        return JsonResponse({"error": "Send JSON: {values: {...}, quote: '...'}."}, status=400)
    values, quote = body.get("values") or {}, body.get("quote") or ""
    if not isinstance(values, dict) or not isinstance(quote, str):
        return JsonResponse({"error": "values is an object, quote a string."}, status=400)
    fields = stated_fields(modeladmin.model, values, quote, request.user)
    return JsonResponse({"fields": fields})
