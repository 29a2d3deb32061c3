"""The country-pair evidence page, ``/evidence/pairs/RU-AF/`` (``trade.pairs``)."""

import re

from django.shortcuts import render
from django.urls import reverse

from core.views import bad_parameters, read_only_page
from trade import pairs
from trade.flows_chart import flows_chart
from trade.pair_chart import chart
from trade.statistics.flows import pair_flows


@read_only_page(*pairs.WINDOW_PARAMETERS, "year")
def pair_page(request, a: str, b: str):
    year = request.GET.get("year", "")
    params = request.GET.copy()
    params.pop("year", None)
    try:
        window = pairs.parse_window(params)
    except pairs.WindowError as exc:
        return bad_parameters(request, exc.errors)
    if year and not re.fullmatch(r"[12][0-9]{3}", year):
        return bad_parameters(request, {"year": ["A year, YYYY."]})
    timeline = pairs.pair(a, b, request.user, window)
    api_url = reverse("api-v1:pair", kwargs={"a": timeline.a.iso2, "b": timeline.b.iso2})
    query = params.urlencode()
    # The flows of the year asked for, or of the latest year with a figure.
    flows = pair_flows(a, b, request.user, int(year) if year else None)
    flows_api = reverse("api-v1:pair-flows", kwargs={"a": timeline.a.iso2, "b": timeline.b.iso2})
    context = {
        "flows": flows,
        "flows_chart": flows_chart(flows),
        "flows_api_url": f"{flows_api}?year={flows.year}" if flows.year else flows_api,
        "pair": timeline,
        "api_url": f"{api_url}?{query}" if query else api_url,
        "chart": chart(timeline.items),
        "window": dict(window.given),
    }
    return render(request, "evidence/pair.html", context)
