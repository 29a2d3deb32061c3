"""``q`` behaves the same on SQLite and PostgreSQL: one table of expectations, run on both.

Every word must match the beginning of a word (in any order), in the record's names,
aliases and codes, or, for shipments, in its commodity's and countries'; accents and case
are folded; punctuation separates words; a ``q`` with no word left matches everything.
Run with DATABASE_URL=postgres://… for PostgreSQL: the table does not change.
"""

import pytest
from django.apps import apps

from core.search import backfill
from diplomacy.models import Country
from tests import factories as f
from tests.caches import clear_caches

pytestmark = pytest.mark.django_db

API = "/api/v1"
COUNTRIES = f"{API}/diplomacy/countries/"
ORGANIZATIONS = f"{API}/diplomacy/organizations/"
OFFICIALS = f"{API}/diplomacy/officials/"
SHIPMENTS = f"{API}/trade/shipments/"


@pytest.fixture
def records():
    """Published records with accents, aliases, hyphens and codes; their public ids."""
    pub = f.published
    ru = pub(f.country("RU", iso3="RUS", name="Russia", official_name="Russian Federation"))
    af = pub(f.country("AF", iso3="AFG", name="Afghanistan", aliases=["Afġānistān"]))
    pub(f.country("AX", iso3="ALA", name="Åland Islands"))
    pub(f.organization(slug="taliban", name="Taliban", aliases=["Islamic Emirate"]))
    pub(f.organization(slug="mfa-ru", name="Ministry of Foreign Affairs of Russia"))
    pub(f.official(slug="zamir-kabulov", name="Zamir Kābulov", aliases=["Z. Kabulov"]))
    pub(f.official(slug="ana-ruiz", name="Ana Ruiz-Müller"))
    wheat = pub(f.commodity(slug="wheat", name="Wheat", aliases=["common wheat"]))
    fuel = pub(f.commodity(slug="gasoline", name="Motor gasoline", hs_code="271012"))
    ship = lambda **kw: str(pub(f.shipment(**kw)).pk)  # noqa: E731
    return {
        "wheat RU-AF": ship(commodity=wheat, exporter=ru, importer=af),
        "fuel RU-AF": ship(commodity=fuel, exporter=ru, importer=af, note="Via Hairatan-Termez."),
        "wheat AF-RU": ship(commodity=wheat, exporter=af, importer=ru, note="Return load"),
    }


ALL_COUNTRIES = {"RU", "AF", "AX"}
ALL_SHIPMENTS = {"wheat RU-AF", "fuel RU-AF", "wheat AF-RU"}
HYPHENS = "-" * 40

TABLE = [
    # (list, q, expected ids; for shipments the names of the fixture)
    (COUNTRIES, "Russia", {"RU"}),
    (COUNTRIES, "russ", {"RU"}),  # a word's beginning
    (COUNTRIES, "ussia", set()),  # not inside a word
    (COUNTRIES, "FEDERATION russian", {"RU"}),  # any order, any case
    (COUNTRIES, "RUS", {"RU"}),  # a code
    (COUNTRIES, "Åland", {"AX"}),
    (COUNTRIES, "aland islands", {"AX"}),  # accents folded both ways
    (COUNTRIES, "ÅLAND", {"AX"}),
    (COUNTRIES, "land", set()),
    (COUNTRIES, "Afganistan", {"AF"}),  # the alias Afġānistān, folded
    (COUNTRIES, "Afghanistani", set()),  # a prefix of the query is not enough
    (COUNTRIES, "afġān", {"AF"}),  # an alias, its accents folded
    (COUNTRIES, "Russia Afghanistan", set()),  # every word in one record
    (COUNTRIES, "Russia or Afghanistan", {"RU", "AF"}),
    (COUNTRIES, "-Russia", {"AF", "AX"}),
    (COUNTRIES, "Russia!", {"RU"}),  # punctuation is no word
    (COUNTRIES, "ｒｕｓｓｉａ", {"RU"}),  # fullwidth letters
    (COUNTRIES, HYPHENS, ALL_COUNTRIES),  # no word left: everything
    (COUNTRIES, "- -- ...", ALL_COUNTRIES),
    (COUNTRIES, '"', ALL_COUNTRIES),
    (COUNTRIES, "x" * 499, set()),
    (ORGANIZATIONS, "Talib", {"taliban"}),
    (ORGANIZATIONS, "islamic emir", {"taliban"}),
    (ORGANIZATIONS, "foreign russia", {"mfa-ru"}),
    (ORGANIZATIONS, '"foreign affairs"', {"mfa-ru"}),
    (ORGANIZATIONS, '"affairs foreign"', set()),  # a quoted phrase keeps its order
    (OFFICIALS, "Kabul", {"zamir-kabulov"}),
    (OFFICIALS, "Kābulov", {"zamir-kabulov"}),
    (OFFICIALS, "zamir-kabulov", {"zamir-kabulov"}),  # hyphenated: the words in a row
    (OFFICIALS, "ruiz-muller", {"ana-ruiz"}),
    (OFFICIALS, "Müller", {"ana-ruiz"}),
    (OFFICIALS, "muller ana", {"ana-ruiz"}),
    (SHIPMENTS, "wheat Russia", {"wheat RU-AF", "wheat AF-RU"}),  # across related records
    (SHIPMENTS, "whe russ", {"wheat RU-AF", "wheat AF-RU"}),
    (SHIPMENTS, "common wheat", {"wheat RU-AF", "wheat AF-RU"}),
    (SHIPMENTS, "gasoline Afghanistan", {"fuel RU-AF"}),
    (SHIPMENTS, "271012", {"fuel RU-AF"}),
    (SHIPMENTS, "hairatan-termez", {"fuel RU-AF"}),
    (SHIPMENTS, "termez", {"fuel RU-AF"}),
    (SHIPMENTS, "wheat return", {"wheat AF-RU"}),  # one word in the note, one in a relation
    (SHIPMENTS, "wheat -return", {"wheat RU-AF"}),
    (SHIPMENTS, "Åland", set()),
    (SHIPMENTS, HYPHENS, ALL_SHIPMENTS),
]


@pytest.mark.parametrize(("url", "q", "expected"), TABLE)
def test_q_finds_the_same_records_on_every_database(client, records, url, q, expected):
    response = client.get(url, {"q": q, "limit": 1000})
    assert response.status_code == 200, response.content
    ids = {row["id"] for row in response.json()["results"]}
    if url == SHIPMENTS:
        expected = {records[name] for name in expected}
    assert ids == expected
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize("q", ["w" * 1000, "a " * 21, ("Kābulov " * 125)[:1000]])
def test_a_q_over_the_documented_limits_is_a_400_problem(client, records, q):
    response = client.get(OFFICIALS, {"q": q})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "q" in response.json()["errors"]


def test_the_migration_refolds_documents_written_before_it(client, records):
    """A database from before folded documents (``search_document`` as raw text) is refolded
    by the migrations' ``backfill`` and then found like any other."""
    Country.objects.filter(iso2="AX").update(search_document="AX ALA Åland Islands")
    assert client.get(COUNTRIES, {"q": "aland"}).json()["count"] == 0
    assert backfill(apps, "diplomacy") >= 3
    clear_caches()  # the raw update bypassed the dataset version
    assert [row["id"] for row in client.get(COUNTRIES, {"q": "aland"}).json()["results"]] == ["AX"]
