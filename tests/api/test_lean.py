"""The lean read path renders exactly what the serializer renders, byte for byte."""

import pytest
from django.urls import resolve

from config.api import lean, response_cache
from config.api.serializers import requested_fields
from diplomacy.api.urls import routes as diplomacy_routes
from tests.api.case import CuratorAPI
from trade.api.urls import routes as trade_routes

pytestmark = pytest.mark.django_db

URLS = [f"/api/v1/diplomacy/{prefix}/" for prefix, _ in diplomacy_routes] + [
    f"/api/v1/trade/{prefix}/" for prefix, _ in trade_routes
]
#: Resources whose every field the lean path renders (the others keep the serializer path).
LEAN = {
    "/api/v1/diplomacy/countries/",
    "/api/v1/diplomacy/organizations/",
    "/api/v1/diplomacy/tenures/",
    "/api/v1/diplomacy/designations/",
    "/api/v1/diplomacy/decision-stages/",
    "/api/v1/trade/shipments/",
}


def both_ways(get, url, monkeypatch, **params):
    viewset = resolve(url).func.cls
    lean_answer = get(url, **params)
    with monkeypatch.context() as patched:
        patched.setattr(viewset, "lean", False)
        serializer_answer = get(url, **params)
    return lean_answer, serializer_answer


def test_pages_and_records_are_the_same_both_ways(seed, client, curator, monkeypatch):
    # One test over every resource: the seed loads once. No response cache: each answer is
    # rendered by the path under test.
    monkeypatch.setattr(response_cache, "lookup", lambda key: None)
    curator_api = CuratorAPI(client, curator)
    readers = {"anonymous": lambda u, **p: client.get(u, p), "curator": curator_api.get}
    for url in URLS:
        check_resource(url, readers, monkeypatch)


def check_resource(url, readers, monkeypatch):
    for who, get in readers.items():
        for params in ({}, {"limit": 3}, {"include_retracted": "true"}, {"brief": "true"}):
            lean_page, full_page = both_ways(get, url, monkeypatch, **params)
            assert lean_page.status_code == 200, lean_page.content
            assert lean_page["X-Cache"] == full_page["X-Cache"] == "miss"
            assert lean_page.content == full_page.content, (who, url, params)
        rows = get(url, limit=5).json()["results"]
        for row in rows:
            detail = row["url"].removeprefix("http://testserver")
            lean_record, full_record = both_ways(get, detail, monkeypatch)
            assert lean_record.content == full_record.content, (who, detail)
            assert lean_record["ETag"] == full_record["ETag"]


@pytest.mark.parametrize("url", sorted(LEAN))
def test_these_resources_take_the_lean_path(url):
    viewset = resolve(url).func.cls
    view = viewset()
    collections = frozenset(
        {"citations"} if "citations" in viewset.serializer_class().fields else ()
    )
    plan = lean.plan_for(viewset.serializer_class, None, collections)
    assert plan is not None
    assert requested_fields(viewset.serializer_class, {}) is None
    assert view.lean


def test_a_filtered_count_reads_the_table_alone(seed, client):
    # The page joins countries and commodities for their names; the count must not, or the
    # database visits every matching row instead of reading an index (78 ms for 20,000).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = "/api/v1/trade/shipments/?exporter=RU&commodity=wheat&q=wheat"
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("JOIN" not in sql.upper() for sql in counts), counts
    assert page.json()["count"] == len(client.get(f"{url}&limit=1000").json()["results"]) > 0
