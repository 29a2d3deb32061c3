"""``ordering=name`` and ``-name``: one documented order, the same on SQLite and PostgreSQL.

Names sort by their folded key (``core.collation``): transliterated to ASCII, lower case,
punctuation one space; equal keys by the public id, in the sort's direction. The
expectations below are written out by hand, not computed with ``sort_key``. Run with
DATABASE_URL=postgres://… for PostgreSQL: nothing changes.
"""

import base64
import csv
import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from knox.models import AuthToken

from config.urls import router
from core.collation import backfill, sort_key
from core.releases.snapshot import NOT_RELEASED, ReleasedKeys, fixture_records
from diplomacy.models import Country, Official, Organization
from tests import factories as f
from tests.caches import clear_caches
from tests.conftest import SEED
from trade.models import Commodity

pytestmark = pytest.mark.django_db

API = "/api/v1"
COUNTRIES = f"{API}/diplomacy/countries/"

# (iso2, name), in the order ordering=name returns them.
COUNTRY_ORDER = [
    ("AX", "Åland Islands"),  # accents folded: among the A's, not after Z
    ("XA", "Aland Islands"),  # the same key: the public id decides
    ("XB", "ALAND ISLANDS"),  # case folded
    ("AL", "Albania"),
    ("CI", "Côte d'Ivoire"),  # "cote divoire": the apostrophe goes
    ("EC", "Ecuador"),
    ("EG", "Égypte"),
    ("ER", "Eritrea"),
    ("SZ", "eSwatini"),  # lower case first letter: with the E's, not after Z
    ("GN", "Guinea"),
    ("GW", "Guinea-Bissau"),  # a hyphen is a space, and a space sorts before letters
    ("XD", "Guinea Bissau"),
    ("XE", "Guineas"),
    ("ZM", "Zambia"),
]

# The same names for the slug-identified resources: slug n01… in the order expected.
NAMES = [name for _, name in COUNTRY_ORDER]


def make_named(kind: str):
    """Published records of ``kind`` named ``NAMES``, made in an order unlike the expected
    (by the factory named after the resource's model: ``f.organization``)."""
    maker = getattr(f, RESOURCES[kind][1]._meta.model_name)
    for index in reversed(range(len(NAMES))):
        f.published(maker(slug=f"n{index:02d}", name=NAMES[index]))
    return [f"n{index:02d}" for index in range(len(NAMES))]


@pytest.fixture
def countries():
    for iso2, name in reversed(COUNTRY_ORDER):
        f.published(f.country(iso2, iso3=f"{iso2}Q", name=name))
    return [iso2 for iso2, _ in COUNTRY_ORDER]


# Every list that orders by name, found in the router: {resource: (list URL, model)}.
RESOURCES = {
    prefix.rsplit("/", 1)[-1]: (f"{API}/{prefix}/", viewset.queryset.model)
    for prefix, viewset, _ in router.registry
    if "name" in getattr(viewset, "ordering_fields", ())
}


@pytest.fixture(params=sorted(RESOURCES))
def named(request):
    """(list URL, public ids in the order of ordering=name) for every name-ordered list."""
    kind = request.param
    if kind == "countries":
        request.getfixturevalue("countries")
        return RESOURCES[kind][0], [iso2 for iso2, _ in COUNTRY_ORDER]
    return RESOURCES[kind][0], make_named(kind)


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_aland_islands_is_among_the_a_names_not_first_of_descending(client, countries):
    descending = client.get(COUNTRIES, {"ordering": "-name", "limit": 3}).json()["results"]
    assert [row["name"] for row in descending] == ["Zambia", "Guineas", "Guinea Bissau"]
    ascending = client.get(COUNTRIES, {"ordering": "name", "limit": 4}).json()["results"]
    # The public name is as written; only the order is folded.
    assert [row["name"] for row in ascending] == [
        "Åland Islands",
        "Aland Islands",
        "ALAND ISLANDS",
        "Albania",
    ]
    assert "name_sort_key" not in ascending[0]


def test_every_name_ordered_list_sorts_by_the_folded_name(client, named):
    url, expected = named
    assert ids(client.get(url, {"ordering": "name", "limit": 100})) == expected
    # Descending is the exact reverse: equal keys too, by the public id descending.
    assert ids(client.get(url, {"ordering": "-name", "limit": 100})) == expected[::-1]
    # name then updated: the key decides first.
    assert ids(client.get(url, {"ordering": "name,-updated", "limit": 100}))[:1] == expected[:1]


def follow(client, url: str, params: dict, link: str) -> list[list[str]]:
    """The pages from ``url`` on, following ``link`` (next or previous) to its end."""
    pages = []
    response = client.get(url, params)
    while True:
        pages.append(ids(response))
        target = response.json()[link]
        if target is None:
            return pages
        response = client.get(target)


@pytest.mark.parametrize("ordering", ["name", "-name"])
@pytest.mark.parametrize("limit", [1, 2, 3, 5])
def test_cursor_pages_both_ways_equal_one_page(client, named, ordering, limit):
    url, expected = named
    one_page = ids(client.get(url, {"ordering": ordering, "limit": 1000}))
    assert one_page == (expected if ordering == "name" else expected[::-1])
    forward = follow(client, url, {"ordering": ordering, "limit": limit}, "next")
    assert [row for page in forward for row in page] == one_page
    assert all(len(page) == limit for page in forward[:-1])
    # From the last page back to the first, through the previous links.
    last = client.get(url, {"ordering": ordering, "limit": limit})
    while last.json()["next"]:
        last = client.get(last.json()["next"])
    pages, response = [], last
    while True:
        pages.insert(0, ids(response))
        if response.json()["previous"] is None:
            break
        response = client.get(response.json()["previous"])
    assert [row for page in pages for row in page] == one_page


@pytest.mark.parametrize("ordering", ["name", "-name"])
def test_exports_follow_the_same_order(client, countries, ordering):
    expected = countries if ordering == "name" else countries[::-1]
    response = client.get(COUNTRIES, {"ordering": ordering, "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["id"] for row in rows] == expected
    assert "name_sort_key" not in rows[0]  # derived, not a column
    assert rows[0]["name"] == ("Åland Islands" if ordering == "name" else "Zambia")

    response = client.get(COUNTRIES, {"ordering": ordering, "format": "ndjson"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == expected

    # An export after a cursor of the JSON list goes on in the same order.
    page = client.get(COUNTRIES, {"ordering": ordering, "limit": 4}).json()
    cursor = page["next"].split("cursor=")[1].split("&")[0]
    response = client.get(COUNTRIES, {"ordering": ordering, "format": "csv", "cursor": cursor})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["id"] for row in rows] == expected[4:]


def test_every_list_that_orders_by_name_uses_the_folded_key():
    """A new named resource cannot forget the key: ``name`` must not sort by raw text."""
    name_ordered = [
        viewset
        for _, viewset, _ in router.registry
        if "name" in getattr(viewset, "ordering_fields", ())
    ]
    assert len(name_ordered) == len(RESOURCES) >= 5  # the router finds them all
    for viewset in name_ordered:
        assert viewset.ordering_columns.get("name") == "name_sort_key", viewset


def test_sort_key_folds_accents_case_and_punctuation():
    assert sort_key("Åland Islands") == sort_key("ALAND  islands") == "aland islands"
    assert sort_key("Côte d’Ivoire") == "cote divoire"
    assert sort_key("Guinea-Bissau") == "guinea bissau"
    assert sort_key("Ørsted (Denmark)") == "orsted denmark"
    assert sort_key("Straße") == "strasse"
    assert sort_key("Россия") == "rossiya"
    assert sort_key("...") == ""
    assert len(sort_key("北" * 300)) <= 300


def test_every_write_keeps_the_key(client, countries, curator):
    """save() derives the key (admin, API, services, commands), with update_fields too."""
    zambia = Country.objects.get(iso2="ZM")
    zambia.name = "Ábaco"
    zambia.save(update_fields=["name"])
    clear_caches()
    assert ids(client.get(COUNTRIES, {"ordering": "name", "limit": 2})) == ["ZM", "AX"]

    # Through the API: a renamed official moves in the order at once (drafts: no evidence
    # needed, and the curator reads them).
    url = f"{API}/diplomacy/officials/"
    f.official(slug="zed", name="Zed")
    f.official(slug="bea", name="Bea")
    auth = {"HTTP_AUTHORIZATION": f"Token {AuthToken.objects.create(curator)[1]}"}
    etag = client.get(f"{url}zed/", **auth)["ETag"]
    renamed = client.patch(
        f"{url}zed/", {"name": "Ábel"}, content_type="application/json", **auth, HTTP_IF_MATCH=etag
    )
    assert renamed.status_code == 200, renamed.content
    assert ids(client.get(url, {"ordering": "name"}, **auth)) == ["zed", "bea"]
    assert Official.objects.get(slug="zed").name_sort_key == "abel"


@pytest.mark.parametrize("channel", ["load_dataset", "loaddata"])
def test_loading_a_dataset_derives_the_key(client, channel):
    """The seed has no keys: the loader derives them, and so does plain ``loaddata``."""
    call_command(channel, str(SEED), verbosity=0)
    assert Country.objects.count() > 1 and Official.objects.exists()
    for model in (Country, Official, Organization, Commodity):
        rows = model.objects.values_list("name", "name_sort_key")
        assert rows and all(key == sort_key(name) and key for name, key in rows), model


def test_the_migration_fills_keys_of_older_rows(client, countries):
    Country.objects.update(name_sort_key="")
    clear_caches()  # the raw update bypassed the dataset version
    assert ids(client.get(COUNTRIES, {"ordering": "name", "limit": 1})) == ["AL"]  # by id
    backfill(apps, "diplomacy", ["country", "historicalcountry"])
    clear_caches()
    assert ids(client.get(COUNTRIES, {"ordering": "name", "limit": 100})) == countries
    assert not Country.history.filter(name_sort_key="").exists()


def test_releases_leave_the_derived_key_out(countries):
    """The key is derived again on load (``compute_derived``), so no release file holds it."""
    assert "name_sort_key" in NOT_RELEASED
    entries = [entry for _, entry in fixture_records(Country, ReleasedKeys())]
    assert entries and all("name_sort_key" not in entry["fields"] for entry in entries)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's column collation")
def test_on_postgresql_the_key_compares_bytes_whatever_the_database_collation():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, collation_name FROM information_schema.columns "
            "WHERE column_name = 'name_sort_key' AND table_name NOT LIKE '%%historical%%'"
        )
        collations = dict(cursor.fetchall())
    assert set(collations) == {
        "diplomacy_country",
        "diplomacy_organization",
        "diplomacy_official",
        "diplomacy_position",
        "trade_commodity",
    }
    assert set(collations.values()) == {"C"}


def cursor(values: list) -> str:
    raw = json.dumps({"v": values, "b": 0}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    ("params", "status", "first"),
    [
        ({"ordering": "name_sort_key"}, 400, None),  # the key is no public ordering
        ({"ordering": "-name", "cursor": cursor(["guinea", "GN"])}, 200, "SZ"),
        ({"ordering": "name", "cursor": cursor(["guinea", "GN"])}, 200, "GW"),
        ({"ordering": "name", "cursor": cursor(["Guinea", "GN"])}, 200, "AX"),  # bytes: G < a
        ({"ordering": "name", "cursor": cursor(["z" * 5000, "ZZ"])}, 200, None),  # nothing after
        ({"ordering": "name", "cursor": cursor([None, "AX"])}, 400, None),  # never empty
        ({"ordering": "name", "cursor": cursor(["a\x00", "AX"])}, 400, None),
        ({"ordering": "name", "cursor": cursor(["aland islands"])}, 400, None),
    ],
)
def test_forged_name_cursors_are_compared_or_refused(client, countries, params, status, first):
    response = client.get(COUNTRIES, {**params, "limit": 1})
    assert response.status_code == status, response.content
    if status == 200:
        assert [row["id"] for row in response.json()["results"]][:1] == ([first] if first else [])


def test_the_admin_sorts_the_name_column_the_same_way(curator_client, countries):
    """A click on the admin's "name" header: the same order as the API's ``ordering=name``."""
    url = "/admin/diplomacy/country/"
    columns = curator_client.get(url).context["cl"].list_display
    column = columns.index("name")  # o= indexes the change list's columns
    for sign, expected in (("", countries), ("-", countries[::-1])):
        response = curator_client.get(url, {"o": f"{sign}{column}"})
        shown = [country.iso2 for country in response.context["cl"].result_list]
        # The admin breaks ties by its own rule (-pk); the order of the keys is the API's.
        key = {iso2: sort_key(name) for iso2, name in COUNTRY_ORDER}
        assert [key[iso2] for iso2 in shown] == [key[iso2] for iso2 in expected]
