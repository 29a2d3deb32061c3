"""The seed dataset through the public API: what a journalist would ask first."""

import pytest

pytestmark = pytest.mark.django_db


def test_russian_wheat_flow_with_its_evidence(client, article):
    response = client.get("/api/v1/trade/shipments/", {"exporter": "RU", "commodity": "wheat"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    flow = body["results"][0]
    assert (flow["exporter"]["id"], flow["importer"]["id"], flow["commodity"]["id"]) == (
        "RU",
        "AF",
        "wheat",
    )
    assert (flow["quantity"], flow["value"], flow["period"]["value"]) == (None, None, "")
    [citation] = flow["citations"]
    assert citation["source"]["id"] == str(article.pk)
    assert citation["quote"] == (
        "shipments of flour, wheat, fuel, and lubricants flowing into Afghanistan from Russia"
    )
    assert article.text[citation["start"] : citation["end"]] == citation["quote"]


def test_zhirnov_found_by_search_with_his_post(client, seed):
    response = client.get("/api/v1/diplomacy/officials/", {"q": "Zhirnov"})
    assert response.status_code == 200
    [official] = response.json()["results"]
    assert official["id"] == "dmitry-zhirnov"
    [tenure] = official["tenures"]
    assert tenure["position"]["id"] == "russia-ambassador-to-afghanistan"
    assert tenure["position"]["name"] == "Russian Ambassador to Afghanistan"
    assert tenure["as_of"]["note"] == "At the time of the article, whose date is not given."


def test_delisting_decision_shows_its_hedged_stage(client, seed):
    response = client.get(
        "/api/v1/diplomacy/policy-decisions/", {"decision_type": "delisting", "facet": "status"}
    )
    body = response.json()
    [decision] = body["results"]
    assert decision["status"] == "briefed"
    assert [s["status"] for s in decision["stages"]] == ["briefed"]
    assert decision["decision_maker"]["id"] == "vladimir-putin"
    assert body["facets"] == {
        "status": [{"value": "briefed", "label": "Briefed to decision-maker", "count": 1}]
    }


def test_facets_count_the_flows(client, seed):
    response = client.get(
        "/api/v1/trade/shipments/", {"facet": ["commodity", "exporter"], "limit": 1}
    )
    facets = response.json()["facets"]
    assert facets["exporter"] == [{"value": "RU", "label": "Russian Federation", "count": 4}]
    assert sorted(b["value"] for b in facets["commodity"]) == [
        "flour",
        "fuel",
        "lubricants",
        "wheat",
    ]


def test_any_pair_of_countries_can_be_filtered(client, seed):
    response = client.get("/api/v1/trade/shipments/", {"exporter": "FR", "importer": "BR"})
    assert response.status_code == 200
    assert response.json()["count"] == 0
