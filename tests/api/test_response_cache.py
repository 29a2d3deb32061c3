"""The response cache: a repeated public GET is answered from the cache, without the
database, until a write moves the dataset version; curators' answers are never shared."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken

from core import services
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "/api/v1/trade/commodities/"


def cited_commodity(name):
    commodity = f.commodity(name=name)
    f.published(f.cite(commodity))
    return f.published(commodity)


def test_a_repeated_page_touches_no_table(client):
    cited_commodity("Barley")
    first = client.get(URL)
    assert first["X-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        again = client.get(URL)
    assert again["X-Cache"] == "hit"
    assert len(queries) == 0
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


def test_a_write_is_seen_at_once(client, curator):
    cited_commodity("Barley")
    client.get(URL)
    rye = f.commodity(name="Rye")
    f.published(f.cite(rye))
    services.record_publish(rye, user=curator)
    after = client.get(URL)
    assert after["X-Cache"] == "miss"
    assert [row["name"] for row in after.json()["results"]] == ["Barley", "Rye"]


def test_curators_answers_are_never_shared_with_the_public(client, curator):
    cited_commodity("Barley")
    f.commodity(name="Draft oats")
    token = AuthToken.objects.create(curator)[1]
    as_curator = client.get(URL, HTTP_AUTHORIZATION=f"Token {token}")
    assert as_curator.json()["count"] == 2
    public = client.get(URL)
    assert public["X-Cache"] == "miss"
    assert public.json()["count"] == 1
    assert as_curator["Cache-Control"] == "private, no-cache"
    assert public["Cache-Control"] == "public, max-age=60, s-maxage=60"


def test_details_are_cached_with_their_etag(client):
    barley = cited_commodity("Barley")
    url = f"{URL}{barley.slug}/"
    first = client.get(url)
    hit = client.get(url)
    assert (hit["X-Cache"], hit["ETag"]) == ("hit", first["ETag"])
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_stream_of_distinct_pages_does_not_push_the_counts_out(client):
    # Without Redis each worker keeps pages in memory, a few hundred at most: a crawl of
    # distinct pages must not evict the counts (a COUNT over the whole table each time).
    cited_commodity("Barley")
    client.get(URL)
    for n in range(1, 401):  # more pages (of another list) than memory keeps
        assert client.get(f"/api/v1/diplomacy/countries/?limit={n}")["X-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"{URL}?fields=name")
    assert page["X-Cache"] == "miss"
    assert page.json()["count"] == 1
    assert not [q for q in queries if "COUNT(" in q["sql"].upper()]
