"""The country-pair evidence page, ``/evidence/pairs/RU-AF/`` (``trade.pairs``)."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from trade import pairs


@require_safe
def pair_page(request, a: str, b: str):
    timeline = pairs.pair(a, b, request.user)
    api_url = reverse("api-v1:pair", kwargs={"a": timeline.a.iso2, "b": timeline.b.iso2})
    return render(request, "evidence/pair.html", {"pair": timeline, "api_url": api_url})
