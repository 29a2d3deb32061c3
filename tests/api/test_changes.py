"""The change feed: what consumers use to sync."""

import pytest

pytestmark = pytest.mark.django_db

FEED = "/api/v1/changes/"


def test_a_loaded_dataset_is_in_the_feed(client, seed):
    response = client.get(FEED, {"model": "trade.shipment", "facet": "channel"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    assert {(c["action"], c["channel"], c["review_state"]) for c in body["results"]} == {
        ("created", "import", "published")
    }
    assert body["facets"]["channel"] == [{"value": "import", "label": "Import", "count": 4}]
    first = body["results"][0]
    assert first["record_url"].startswith("http://testserver/api/v1/trade/shipments/")
    assert client.get(first["record_url"]).status_code == 200


def test_feed_filters_by_record_and_time(client, seed):
    by_record = client.get(FEED, {"record_id": "dmitry-zhirnov"}).json()
    assert [c["model"] for c in by_record["results"]] == ["diplomacy.official"]
    later = client.get(FEED, {"since": "2999-01-01T00:00:00Z"}).json()
    assert later["count"] == 0
    bad = client.get(FEED, {"since": "last week"})
    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == ["since"]


def test_feed_is_read_only(client):
    assert client.post(FEED, {}, content_type="application/json").status_code in (401, 405)
