"""The public evidence pages: server-rendered, readable without JavaScript.

Who sees what is ``core.visibility``'s rule, as in the API: drafts only for curators (here
through their admin session), retracted records marked as such.
"""

import functools

from django.db.models.functions import Substr
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from config.api.as_of import parse_as_of
from config.api.errors import PROBLEM_CONTENT_TYPE, problem
from core import evidence
from core.models import Source


def read_only_page(*parameters):
    """A read-only page: GET and HEAD only (405 for the rest, never a CSRF refusal, as
    nothing is written), and only the query ``parameters`` it reads (a misspelt one is a 400,
    as in the API, not silently ignored)."""

    def decorate(view):
        @functools.wraps(view)
        def checked(request, *args, **kwargs):
            unknown = sorted(set(request.GET) - set(parameters))
            if unknown:
                allowed = ", ".join(parameters) or "none"
                return bad_parameters(
                    request, {name: [f"Unknown parameter. Allowed: {allowed}."] for name in unknown}
                )
            return view(request, *args, **kwargs)

        return csrf_exempt(require_safe(checked))

    return decorate


@read_only_page()
def index(request):
    """What the evidence pages are, and the sources a reader may open."""
    # The start of each text names an untitled source; the full texts are not read.
    sources = (
        Source.objects.visible_to(request.user)
        .annotate(excerpt=Substr("text", 1, 160))
        .defer("text", "search_document")
    )
    resources = sorted(r for r, m in evidence.resource_models().items() if m is not Source)
    return render(
        request,
        "evidence/index.html",
        {
            "sources": [(s, evidence.evidence_path(Source, s.pk)) for s in sources[:200]],
            "resources": resources,
        },
    )


@read_only_page()
def source_detail(request, pk):
    page = evidence.source_page(pk, request.user)
    return render(request, "evidence/source.html", {"page": page, "source": page.source})


@read_only_page("as_of")
def record_detail(request, resource, public_id):
    model = evidence.resource_models().get(resource)
    if model is None:
        raise Http404(f"No resource {resource}.")
    if "\x00" in public_id:  # no id holds NUL, and PostgreSQL refuses it in any query
        raise Http404("No such record.")
    if model is Source:
        # A source's API address, under /evidence/: its page lives at /evidence/sources/.
        return redirect(evidence.evidence_path(Source, public_id), permanent=True)
    day = None
    if "as_of" in request.GET:
        try:
            day = parse_as_of(request.GET["as_of"])
        except ValueError as exc:
            return bad_parameters(request, {"as_of": [str(exc)]})
    page = evidence.record_page(model, public_id, request.user, as_of=day)
    return render(request, "evidence/record.html", {"page": page, "record": page.record})


def bad_parameters(request, errors: dict) -> JsonResponse:
    """The API's one error shape, on the pages too: a bad parameter is the reader's to fix."""
    body = problem(400, "Some query parameters have bad values.", instance=request.get_full_path())
    response = JsonResponse({**body, "errors": errors}, status=400)
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    return response
