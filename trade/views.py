"""The country-pair evidence page, ``/evidence/pairs/RU-AF/`` (``trade.pairs``)."""

from django.shortcuts import render
from django.urls import reverse

from core.views import bad_parameters, read_only_page
from trade import pairs
from trade.pair_chart import chart


@read_only_page(*pairs.WINDOW_PARAMETERS)
def pair_page(request, a: str, b: str):
    try:
        window = pairs.parse_window(request.GET)
    except pairs.WindowError as exc:
        return bad_parameters(request, exc.errors)
    timeline = pairs.pair(a, b, request.user, window)
    api_url = reverse("api-v1:pair", kwargs={"a": timeline.a.iso2, "b": timeline.b.iso2})
    query = request.GET.urlencode()
    context = {
        "pair": timeline,
        "api_url": f"{api_url}?{query}" if query else api_url,
        "chart": chart(timeline.items),
        "window": dict(window.given),
    }
    return render(request, "evidence/pair.html", context)
