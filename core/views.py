"""The public evidence pages: server-rendered, readable without JavaScript.

Who sees what is ``core.visibility``'s rule, as in the API: drafts only for curators (here
through their admin session), retracted records marked as such.
"""

from django.db.models.functions import Substr
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from core import evidence
from core.models import Source


@require_safe
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


@require_safe
def source_detail(request, pk):
    page = evidence.source_page(pk, request.user)
    return render(request, "evidence/source.html", {"page": page, "source": page.source})


@require_safe
def record_detail(request, resource, public_id):
    model = evidence.resource_models().get(resource)
    if model is None:
        raise Http404(f"No resource {resource}.")
    if "\x00" in public_id:  # no id holds NUL, and PostgreSQL refuses it in any query
        raise Http404("No such record.")
    if model is Source:
        # A source's API address, under /evidence/: its page lives at /evidence/sources/.
        return redirect(evidence.evidence_path(Source, public_id), permanent=True)
    page = evidence.record_page(model, public_id, request.user)
    return render(request, "evidence/record.html", {"page": page, "record": page.record})
