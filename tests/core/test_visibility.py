"""One visibility rule, asked by every reader.

Drafts of every kind are referenced from published records (made with raw saves, as legacy
data or a bug elsewhere could leave them). Anonymous users and logged-in non-curators must
not learn that they exist, through any reader; curators see them.
"""

import csv
import io
import json

import pytest
from django.contrib.auth.models import Permission, User
from knox.models import AuthToken

from core.models import ReviewState
from tests import factories as f
from trade.models import Commodity

pytestmark = pytest.mark.django_db

DRAFT_NAMES = ("Secret Barley", "Hidden Ministry", "Ghost Official", "secret-barley")


@pytest.fixture
def world():
    ru, af = f.published(f.country("RU")), f.published(f.country("AF"))
    draft_commodity = f.commodity(slug="secret-barley", name="Secret Barley")
    draft_org = f.organization(slug="hidden-ministry", name="Hidden Ministry")
    draft_official = f.official(slug="ghost-official", name="Ghost Official")
    draft_source = f.source(text="Draft text about barley.", title="Draft wire")

    shipment = f.published(f.shipment(exporter=ru, importer=af, commodity=draft_commodity))
    f.published(f.cite(shipment))
    statement = f.published(f.statement(speaker_country=af, summary="Ties grow."))
    statement.about_organizations.add(draft_org)
    f.published(f.cite(statement))
    f.cite(statement, quote="Draft text", src=draft_source)  # a draft citation of a draft source
    official = f.published(f.official(slug="known-official", name="Known Official"))
    f.published(f.cite(official))
    position = f.published(f.position(slug="envoy", name="Envoy"))
    f.published(f.cite(position))
    f.tenure(position=position, official=draft_official)  # a draft tenure of a draft official
    return {
        "shipment": shipment,
        "statement": statement,
        "position": position,
        "draft_commodity": draft_commodity,
        "draft_source": draft_source,
    }


def reader(client, user):
    headers = {}
    if user is not None:
        headers["HTTP_AUTHORIZATION"] = f"Token {AuthToken.objects.create(user)[1]}"

    def get(url, **params):
        return client.get(url, params, **headers)

    return get


@pytest.fixture(params=["anonymous", "non-curator"])
def public_get(request, client):
    user = None
    if request.param == "non-curator":
        user = User.objects.create_user("reader", is_staff=False)
    return reader(client, user)


@pytest.fixture
def curator_get(client, curator):
    return reader(client, curator)


def body_text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def assert_no_draft(response):
    assert response.status_code == 200, response.content
    text = body_text(response)
    for name in DRAFT_NAMES:
        assert name not in text


SHIPMENTS = "/api/v1/trade/shipments/"
STATEMENTS = "/api/v1/diplomacy/statements/"


def test_lists_details_exports_and_facets_hide_drafts(world, public_get):
    shipment = world["shipment"]
    for url, params in [
        (SHIPMENTS, {}),
        (f"{SHIPMENTS}{shipment.pk}/", {}),
        (SHIPMENTS, {"facet": "commodity"}),
        (SHIPMENTS, {"format": "csv"}),
        (SHIPMENTS, {"format": "ndjson"}),
        (STATEMENTS, {}),
        (STATEMENTS, {"format": "csv"}),
        ("/api/v1/diplomacy/positions/envoy/", {}),
        ("/api/v1/diplomacy/officials/", {}),
        ("/api/v1/changes/", {"limit": 1000}),
        ("/api/v1/changes/", {"format": "ndjson"}),
        ("/api/v1/trade/commodities/", {}),
    ]:
        assert_no_draft(public_get(url, **params))
    detail = public_get(f"{SHIPMENTS}{shipment.pk}/").json()
    assert detail["commodity"] is None
    rows = list(csv.DictReader(io.StringIO(body_text(public_get(SHIPMENTS, format="csv")))))
    assert [row["commodity"] for row in rows] == [""]
    statement = public_get(f"{STATEMENTS}{world['statement'].pk}/").json()
    assert statement["about_organizations"] == []
    assert len(statement["citations"]) == 1
    position = public_get("/api/v1/diplomacy/positions/envoy/").json()
    assert position["tenures"] == []


def test_relation_filters_answer_a_draft_like_an_unknown_record(world, public_get):
    draft = public_get(SHIPMENTS, commodity="secret-barley")
    unknown = public_get(SHIPMENTS, commodity="no-such-thing")
    assert draft.status_code == unknown.status_code == 400
    assert draft.json()["errors"]["commodity"] == [
        message.replace("no-such-thing", "secret-barley")
        for message in unknown.json()["errors"]["commodity"]
    ]
    by_draft_source = public_get(STATEMENTS, source=str(world["draft_source"].pk)).json()
    assert by_draft_source["count"] == 0


def test_counts_are_per_visibility_class(world, public_get, curator_get):
    drafts = Commodity.objects.filter(review_state=ReviewState.DRAFT).count()
    assert drafts >= 1
    assert curator_get("/api/v1/trade/commodities/").json()["count"] == drafts
    assert public_get("/api/v1/trade/commodities/").json()["count"] == 0
    curator_feed = curator_get("/api/v1/changes/").json()["count"]
    public_feed = public_get("/api/v1/changes/").json()["count"]
    assert public_feed < curator_feed


def test_the_change_feed_hides_drafts_changes(world, public_get):
    feed = public_get("/api/v1/changes/", limit=1000).json()["results"]
    assert feed
    assert {row["review_state"] for row in feed} <= {ReviewState.PUBLISHED}


def test_curators_see_the_drafts(world, curator_get):
    shipment = curator_get(f"{SHIPMENTS}{world['shipment'].pk}/").json()
    assert shipment["commodity"]["id"] == "secret-barley"
    facet = curator_get(SHIPMENTS, facet="commodity").json()["facets"]["commodity"]
    assert [bucket["value"] for bucket in facet] == ["secret-barley"]
    assert curator_get(SHIPMENTS, commodity="secret-barley").json()["count"] == 1
    rows = list(csv.DictReader(io.StringIO(body_text(curator_get(SHIPMENTS, format="csv")))))
    assert [row["commodity"] for row in rows] == ["secret-barley"]
    position = curator_get("/api/v1/diplomacy/positions/envoy/").json()
    assert [t["official"]["id"] for t in position["tenures"]] == ["ghost-official"]
    statement = curator_get(f"{STATEMENTS}{world['statement'].pk}/").json()
    assert len(statement["citations"]) == 2
    assert json.dumps(statement).count("Hidden Ministry") == 1


def test_a_curator_who_loses_the_permission_sees_no_draft_from_then_on(world, client, curator):
    # Cached pages, counts, relation lookups and the compiled path's querysets are all kept per
    # reader: none of them may outlive the permission that let the reader see drafts.
    get = reader(client, curator)
    draft_shipment = f.shipment(commodity=world["draft_commodity"], note="Draft consignment")
    lists = [
        (SHIPMENTS, {}),
        (SHIPMENTS, {"commodity": "secret-barley"}),
        ("/api/v1/trade/commodities/", {}),
        (f"{SHIPMENTS}{draft_shipment.pk}/", {}),
    ]
    before = [get(url, **params) for url, params in lists]
    assert [r.status_code for r in before] == [200, 200, 200, 200]
    assert "Draft consignment" in before[0].content.decode()
    # Still a curator of something (countries), no longer of shipments and commodities.
    curator.groups.clear()
    curator.user_permissions.add(Permission.objects.get(codename="change_country"))
    for response in [get(url, **params) for url, params in lists[:1] + lists[2:3]]:
        assert_no_draft(response)
        assert "Draft consignment" not in response.content.decode()
    assert get(SHIPMENTS, commodity="secret-barley").status_code == 400
    assert get(f"{SHIPMENTS}{draft_shipment.pk}/").status_code == 404
