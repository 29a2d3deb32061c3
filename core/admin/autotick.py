"""The admin endpoint behind ``cite.js``'s ticks: which fields a selected quote states, and
the values it states for the form's empty fields.

The rules are ``core.autotick``'s and ``core.proposals``', in Python, so that they are tested
once and the script stays small: it sends the form's values and the quote, fills in and
ticks what comes back.
"""

import json

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse

from core.autotick import stated_fields
from core.proposals import contradictions, proposed_values

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
    model = modeladmin.model
    proposed = proposed_values(model, values, quote, request.user)
    # The ticks are for the form as it will be once the proposals are filled in.
    merged = {**values, **{name: item["value"] for name, item in proposed.items()}}
    return JsonResponse(
        {
            "fields": stated_fields(model, merged, quote, request.user),
            "values": proposed,
            "contradicts": contradictions(model, merged, quote),
        }
    )
