"""``POST /api/v1/ingest/proposals/``: curators get proposals at exact spans; others nothing."""

import pytest
from django.contrib.auth.models import Group, User
from knox.models import AuthToken

from diplomacy.models import Official
from diplomacy.reference import countries_sync
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "/api/v1/ingest/proposals/"
TEXT = (
    "Kazakhstan will supply up to two million tonnes of wheat to Uzbekistan under an "
    "agreement signed last month. The Kazakh agriculture minister, Aidar Bekov, said on "
    "Wednesday that Astana was considering the possibility of recognising the new "
    "authorities, if confirmed by parliament."
)


def token_for(user) -> str:
    return AuthToken.objects.create(user)[1]


@pytest.fixture
def curator_token():
    user = User.objects.create_user("cora", is_staff=True)
    user.groups.add(Group.objects.get(name="curators"))
    return token_for(user)


def post(client, body, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
    return client.post(URL, body, content_type="application/json", **headers)


def test_anonymous_is_a_401_problem(client):
    response = post(client, {"text": TEXT})
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["status"] == 401


def test_a_user_without_curator_permissions_is_a_403(client):
    outsider = User.objects.create_user("otto", is_staff=True)
    response = post(client, {"text": TEXT}, token_for(outsider))
    assert response.status_code == 403
    assert response.json()["title"] == "Permission denied"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": "   \n "}, "text"),
        ({"text": 12}, "text"),
        ({"text": "x" * 20_001}, "text"),
        ({"text": TEXT, "published": "2025-13-01"}, "published"),
        ({"text": TEXT, "published": "last week"}, "published"),
        ({"text": TEXT, "language": "fr"}, "language"),
        ({"text": TEXT, "colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_a_400_problem_naming_the_field(client, curator_token, body, field):
    response = post(client, body, curator_token)
    assert response.status_code == 400
    problem = response.json()
    assert response["Content-Type"].startswith("application/problem+json")
    assert problem["status"] == 400
    assert list(problem["errors"]) == [field]


def test_the_response_holds_the_normalized_text_and_exact_spans(client, curator_token):
    response = post(client, {"text": TEXT.replace(". ", ".\r\n", 1), "published": "2025-03-14"},
                    curator_token)  # fmt: skip
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"text", "published", "language", "proposals"}
    assert body["published"] == "2025-03-14" and body["language"] == "en"
    assert "\r" not in body["text"] and body["text"].count("\n") == 1
    text = body["text"]
    keys = {"key", "kind", "value", "quote", "start", "end", "score", "extractor",
            "extractor_version", "match", "new", "inferred", "related"}  # fmt: skip
    assert body["proposals"]
    for p in body["proposals"]:
        assert set(p) == keys
        assert text[p["start"] : p["end"]] == p["quote"]
        assert p["extractor"] == "ingest.rules" and p["extractor_version"]
    keys_found = {p["key"] for p in body["proposals"]}
    assert all(set(p["related"]) <= keys_found for p in body["proposals"])
    kinds = {p["kind"] for p in body["proposals"]}
    assert {"country", "official", "position", "commodity", "quantity", "date", "statement",
            "decision"} <= kinds  # fmt: skip
    quantity = next(p for p in body["proposals"] if p["kind"] == "quantity")
    assert quantity["quote"] == "up to two million tonnes"
    wheat = next(p for p in body["proposals"] if p["kind"] == "commodity")
    assert quantity["related"] == [wheat["key"]]
    assert {k: quantity["value"][k] for k in ("amount", "unit", "qualifier", "exporter",
            "importer", "commodity")} == {"amount": "2000000", "unit": "t", "qualifier":
            "at_most", "exporter": "KZ", "importer": "UZ", "commodity": "wheat"}  # fmt: skip


def test_relative_dates_are_resolved_against_published(client, curator_token):
    body = post(client, {"text": TEXT, "published": "2025-03-14"}, curator_token).json()
    dates = {p["quote"]: p["value"] for p in body["proposals"] if p["kind"] == "date"}
    assert dates["last month"]["date"] == "2025-02"
    assert dates["last month"]["precision"] == "month"
    assert dates["on Wednesday"]["date"] == "2025-03-12"  # 14 March 2025 was a Friday
    assert dates["on Wednesday"]["precision"] == "day"
    undated = post(client, {"text": TEXT}, curator_token).json()
    notes = {p["quote"]: p["value"] for p in undated["proposals"] if p["kind"] == "date"}
    note = {"date": "", "precision": "unknown", "earliest": None, "latest": None}
    assert notes["last month"] == {**note, "note": "last month", "relative": True}


def test_a_hedge_is_under_consideration_never_decided(client, curator_token):
    body = post(client, {"text": TEXT}, curator_token).json()
    decisions = [p for p in body["proposals"] if p["kind"] == "decision"]
    recognition = [d for d in decisions if d["value"]["decision_type"] == "recognition"]
    assert [d["value"]["stage"] for d in recognition] == ["under_consideration"]
    hedged = post(client, {"text": "Moscow could decide to recognise the authorities."},
                  curator_token).json()  # fmt: skip
    assert [p["value"]["stage"] for p in hedged["proposals"] if p["kind"] == "decision"] == [
        "under_consideration"
    ]


def test_an_existing_record_is_matched_by_alias_and_a_new_one_marked_new(client, curator_token):
    countries_sync()  # the ISO 3166-1 countries, published, as every dataset load leaves them
    f.official(name="Aidarbek Saparov", slug="aidarbek-saparov", aliases=["Aidar Bekov"],
               review_state="published")  # fmt: skip
    body = post(client, {"text": TEXT}, curator_token).json()
    officials = [p for p in body["proposals"] if p["kind"] == "official"]
    assert [(p["quote"], p["match"], p["new"]) for p in officials] == [
        ("Aidar Bekov", "aidarbek-saparov", False)
    ]
    countries = {p["quote"]: (p["match"], p["new"]) for p in body["proposals"]
                 if p["kind"] == "country"}  # fmt: skip
    assert countries["Kazakhstan"] == ("KZ", False)  # reference countries are published
    commodity = next(p for p in body["proposals"] if p["kind"] == "commodity")
    assert (commodity["quote"], commodity["match"], commodity["new"]) == ("wheat", None, True)
    assert commodity["inferred"] and commodity["value"]["hs_code"] == "1001"


def test_a_draft_record_is_not_matched(client, curator_token):
    f.official(name="Aidarbek Saparov", slug="aidarbek-saparov", aliases=["Aidar Bekov"],
               review_state="draft")  # fmt: skip
    body = post(client, {"text": TEXT}, curator_token).json()
    official = next(p for p in body["proposals"] if p["kind"] == "official")
    assert (official["quote"], official["match"], official["new"]) == ("Aidar Bekov", None, True)
    assert Official.objects.count() == 1  # and nothing was written


def test_the_same_text_gives_the_same_proposals(client, curator_token):
    first = post(client, {"text": TEXT, "published": "2025-03-14"}, curator_token).json()
    second = post(client, {"text": TEXT, "published": "2025-03-14"}, curator_token).json()
    assert first == second
