"""Shipments through the API: what is special about them (the generic case is in tests/api).

``q`` searches a shipment's own text and its commodity's and countries' names and codes;
period, quantity and value sort with empty values last, page by page in both directions.
Run on SQLite and on PostgreSQL (DATABASE_URL): the answers must be the same.
"""

import csv
import io
import json

import pytest
from django.contrib.auth.models import Group, User
from knox.models import AuthToken

from core.models import ReviewState
from tests import factories as f

pytestmark = pytest.mark.django_db

SHIPMENTS = "/api/v1/trade/shipments/"


def get(client, url=SHIPMENTS, **params):
    response = client.get(url, params, HTTP_HOST="testserver")
    assert response.status_code == 200, response.content
    return response


def found(client, q, **params) -> set[str]:
    return {row["id"] for row in get(client, q=q, limit=1000, **params).json()["results"]}


def cited(record, supports=()):
    """Published with a published citation: evidence that lets curators edit it."""
    f.published(f.cite(record, supports=list(supports)))
    return f.published(record)


@pytest.fixture
def flows():
    """Four published shipments between three countries, of wheat and flour."""
    ru = cited(
        f.country("RU", iso3="RUS", name="Russia", official_name="Russian Federation"),
        supports=("iso3", "name"),
    )
    af = f.published(f.country("AF", iso3="AFG", name="Afghanistan"))
    kz = f.published(f.country("KZ", iso3="KAZ", name="Kazakhstan"))
    wheat = cited(f.commodity(slug="wheat", name="Wheat"))
    flour = f.published(f.commodity(slug="flour", name="Flour"))
    make = lambda **kw: str(f.published(f.shipment(**kw)).pk)  # noqa: E731
    return {
        "wheat RU-AF": make(commodity=wheat, exporter=ru, importer=af),
        "flour RU-KZ": make(commodity=flour, exporter=ru, importer=kz),
        "wheat KZ-AF": make(commodity=wheat, exporter=kz, importer=af),
        "flour AF-KZ, milled from wheat": make(
            commodity=flour, exporter=af, importer=kz, note="Milled from wheat"
        ),
    }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("wheat", {"wheat RU-AF", "wheat KZ-AF", "flour AF-KZ, milled from wheat"}),
        ("Russia", {"wheat RU-AF", "flour RU-KZ"}),
        ('"Russian Federation"', {"wheat RU-AF", "flour RU-KZ"}),
        ("RUS", {"wheat RU-AF", "flour RU-KZ"}),
        ("wheat Russia", {"wheat RU-AF"}),
        (
            "WHEAT afghanistan",
            {"wheat RU-AF", "wheat KZ-AF", "flour AF-KZ, milled from wheat"},
        ),
        ("wheat -Russia", {"wheat KZ-AF", "flour AF-KZ, milled from wheat"}),
        ("flour Russia or milled", {"flour RU-KZ", "flour AF-KZ, milled from wheat"}),
        ("wheat Russia Kazakhstan", set()),
        ("barley", set()),
        ("- or", {"wheat RU-AF", "flour RU-KZ", "wheat KZ-AF", "flour AF-KZ, milled from wheat"}),
    ],
)
def test_q_matches_the_shipment_its_commodity_and_its_countries(client, flows, q, expected):
    """Each word may match anywhere: the shipment's text, its commodity or either country."""
    assert found(client, q) == {flows[name] for name in expected}


def test_q_agrees_with_counts_facets_and_exports(client, flows):
    expected = {flows["wheat RU-AF"], flows["wheat KZ-AF"], flows["flour AF-KZ, milled from wheat"]}
    body = get(client, q="wheat", facet="exporter", limit=2).json()
    assert body["count"] == 3
    assert body["facets"]["exporter"] == [
        {"value": "AF", "label": "Afghanistan", "count": 1},
        {"value": "KZ", "label": "Kazakhstan", "count": 1},
        {"value": "RU", "label": "Russia", "count": 1},
    ]
    exported = get(client, q="wheat", format="csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert {row["id"] for row in rows} == expected
    streamed = get(client, q="wheat", format="ndjson")
    lines = b"".join(streamed.streaming_content).decode().splitlines()
    assert {json.loads(line)["id"] for line in lines} == expected


def curator_token() -> str:
    user = User.objects.create_user("search-curator", is_staff=True)
    user.groups.add(Group.objects.get(name="curators"))
    return AuthToken.objects.create(user)[1]


def test_a_draft_name_finds_nothing_for_the_public(client, flows):
    """A related record the reader may not see lends its name to no match."""
    secret = f.commodity(slug="secret-grain", name="Secret grain")  # a draft
    shipment = str(f.published(f.shipment(commodity=secret)).pk)
    assert found(client, "secret") == set()
    auth = {"HTTP_AUTHORIZATION": f"Token {curator_token()}"}
    response = client.get(SHIPMENTS, {"q": "secret"}, HTTP_HOST="testserver", **auth)
    assert [row["id"] for row in response.json()["results"]] == [shipment]
    # A retracted commodity is still shown inside its shipments, so its name still finds them.
    secret.review_state, secret.retraction_reason = ReviewState.RETRACTED, "Withdrawn."
    secret.save()
    assert found(client, "secret") == {shipment}


def test_renames_and_new_names_are_found_at_once(client, flows):
    """Written through the API, read through the API: no stale search document."""
    auth = {"HTTP_AUTHORIZATION": f"Token {curator_token()}"}
    assert found(client, "durum") == set()
    assert found(client, "Rossiya") == set()

    url = "/api/v1/trade/commodities/wheat/"
    etag = client.get(url, HTTP_HOST="testserver", **auth)["ETag"]
    renamed = client.patch(
        url, {"name": "Durum wheat"}, content_type="application/json", HTTP_IF_MATCH=etag, **auth
    )
    assert renamed.status_code == 200, renamed.content
    wheat = {flows["wheat RU-AF"], flows["wheat KZ-AF"]}
    assert found(client, "durum") == wheat

    url = "/api/v1/diplomacy/countries/RU/"
    etag = client.get(url, HTTP_HOST="testserver", **auth)["ETag"]
    renamed = client.patch(
        url,
        {"official_name": "Rossiyskaya Federatsiya"},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
        **auth,
    )
    assert renamed.status_code == 200, renamed.content
    assert found(client, "Rossiyskaya") == {flows["wheat RU-AF"], flows["flour RU-KZ"]}
    assert found(client, '"Russian Federation"') == set()
    assert found(client, "durum Rossiyskaya") == {flows["wheat RU-AF"]}


# --- ordering by period, quantity and value ------------------------------------------------

#: (period, quantity, value) of each shipment: empty values and ties in every column.
ROWS = [
    ("", None, None),
    ("2025", "5", "100.00"),
    ("2025-01-01", "5", None),
    ("2024-06", None, "100.00"),
    ("", "1.5", "7.25"),
    ("2025-03-02", "5", None),
    ("2024-06-30", None, "100.00"),
    ("2024", "0", "0.00"),
    ("", "1.5", None),
]


@pytest.fixture
def numbered():
    """Shipments with the ROWS' values, by id."""
    wheat = f.published(f.commodity())
    ru, af = f.published(f.country("RU")), f.published(f.country("AF"))
    made = {}
    for period, quantity, value in ROWS:
        shipment = f.published(
            f.shipment(
                commodity=wheat,
                exporter=ru,
                importer=af,
                period=period,
                quantity=quantity,
                unit="t" if quantity is not None else "",
                value=value,
                currency="USD" if value is not None else "",
            )
        )
        shipment.refresh_from_db()  # decimals as the database holds them
        made[str(shipment.pk)] = shipment
    return made


def expected_order(shipments: dict, column: str, descending: bool) -> list[str]:
    """Empty values last in both directions; ties broken by id in the same direction."""
    known = [(getattr(s, column), key) for key, s in shipments.items()]
    present = sorted((pair for pair in known if pair[0] is not None), reverse=descending)
    empty = sorted((pair for pair in known if pair[0] is None), reverse=descending)
    return [key for _, key in present + empty]


def walk(client, url: str, link: str) -> tuple[list[list[str]], str]:
    """Pages from ``url`` following ``link`` (next or previous) to the end, and the address
    of the last page."""
    pages = []
    while url:
        body = client.get(url, HTTP_HOST="testserver").json()
        pages.append([row["id"] for row in body["results"]])
        url, last = body[link], url
    return pages, last


@pytest.mark.parametrize(
    ("ordering", "column"),
    [("period", "period_earliest"), ("quantity", "quantity"), ("value", "value")],
)
@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
def test_pages_forwards_and_backwards_in_full_order(client, numbered, ordering, column, descending):
    """At several page sizes, both ways: no row skipped or repeated, empty values last."""
    param = ("-" if descending else "") + ordering
    expected = expected_order(numbered, column, descending)
    whole = get(client, ordering=param, limit=100).json()["results"]
    assert [row["id"] for row in whole] == expected
    for limit in (1, 2, 4):
        forward, last = walk(client, f"{SHIPMENTS}?ordering={param}&limit={limit}", "next")
        assert [key for page in forward for key in page] == expected
        assert [len(page) for page in forward[:-1]] == [limit] * (len(forward) - 1)
        # From the last page back to the first, through the previous links.
        backward, _ = walk(client, last, "previous")
        assert [key for page in reversed(backward) for key in page] == expected
        assert backward == list(reversed(forward))
    exported = get(client, ordering=param, format="ndjson")
    lines = b"".join(exported.streaming_content).decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == expected
