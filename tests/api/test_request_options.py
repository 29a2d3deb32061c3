"""A request's options are parsed once into one object (``config.api.request_options``):
every spelling of a boolean the schema allows is one request (one body, one cache entry),
a bad spelling is a 400, the paginator needs no view, and the base viewset stays small."""

from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from config.api.pagination import KeysetPagination
from config.api.request_options import RequestOptions
from tests import factories as f
from trade.models import Commodity

pytestmark = pytest.mark.django_db

URL = "/api/v1/trade/commodities/"
TRUE_SPELLINGS = ("true", "True", "TRUE", "1")
FALSE_SPELLINGS = ("false", "False", "FALSE", "0")
ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 150


@pytest.fixture
def commodities():
    rows = []
    for name in ("Barley", "Oats", "Rye"):
        commodity = f.commodity(name=name)
        f.published(f.cite(commodity))
        rows.append(f.published(commodity))
    return rows


def fresh_get(client, url, **params):
    """A GET that the response cache cannot answer (each spelling renders its own body)."""
    caches["responses"].clear()
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response


@pytest.mark.parametrize("name", ["brief", "include_retracted"])
def test_every_true_spelling_gives_the_same_page(client, commodities, name):
    bodies = {
        spelling: fresh_get(client, URL, **{name: spelling}, limit=2).content
        for spelling in TRUE_SPELLINGS
    }
    assert len(set(bodies.values())) == 1, bodies
    page = client.get(URL, {name: "true", "limit": 2}).json()
    assert f"{name}=true" in page["next"]  # the links too: one spelling
    if name == "brief":
        assert list(page["results"][0]) == ["id", "url", "name", "hs_code"]


@pytest.mark.parametrize("name", ["brief", "include_retracted"])
def test_every_false_spelling_gives_the_default_records(client, commodities, name):
    default = fresh_get(client, URL).json()["results"]
    bodies = {
        spelling: fresh_get(client, URL, **{name: spelling}).content for spelling in FALSE_SPELLINGS
    }
    assert len(set(bodies.values())) == 1, bodies
    assert client.get(URL, {name: "0"}).json()["results"] == default


def test_every_spelling_of_brief_gives_the_same_record(client, commodities):
    url = f"{URL}{commodities[0].slug}/"
    bodies = {s: fresh_get(client, url, brief=s).json() for s in TRUE_SPELLINGS}
    assert len({repr(body) for body in bodies.values()}) == 1
    assert set(bodies["True"]) == {"id", "url", "name", "hs_code"}


def test_spellings_share_one_cache_entry(client, commodities):
    caches["responses"].clear()
    first = client.get(URL, {"brief": "true"})
    again = client.get(URL, {"brief": "True"})
    assert (first["X-Cache"], again["X-Cache"]) == ("miss", "hit")
    assert again.content == first.content


@pytest.mark.parametrize("url", [URL, f"{URL}commodity-x/"])
@pytest.mark.parametrize("name", ["brief", "include_retracted"])
@pytest.mark.parametrize("spelling", ["yes", "t", "2", "truthy"])
def test_a_bad_spelling_is_a_400_that_names_it(client, url, name, spelling):
    response = client.get(url, {name: spelling})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {name: ["true or false."]}


def count_parses(client, url, params):
    original = RequestOptions.from_query.__func__
    calls = []

    def counted(cls, query):
        calls.append(query)
        return original(cls, query)

    with mock.patch.object(RequestOptions, "from_query", classmethod(counted)):
        response = client.get(url, params)
        assert response.status_code == 200
        if response.streaming:  # an export: PostgreSQL's COPY holds the connection until read
            b"".join(response.streaming_content)
    return len(calls)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"brief": "True", "limit": "2", "ordering": "-name", "facet": "sector"},
        {"fields": "id,name", "sector": "food", "q": "barley"},
        {"format": "csv", "limit": "2"},
        {"format": "ndjson", "include_retracted": "1"},
    ],
)
def test_a_list_parses_its_options_once(client, commodities, params):
    caches["responses"].clear()
    assert count_parses(client, URL, params) == 1
    if params.get("format") is None:
        assert count_parses(client, URL, params) == 1  # a cache hit too


def test_a_record_parses_its_options_once(client, commodities):
    caches["responses"].clear()
    assert count_parses(client, f"{URL}{commodities[0].slug}/", {"brief": "1"}) == 1


def test_the_compiled_path_parses_its_options_once(client):
    for iso2 in ("FR", "DE", "IT"):
        country = f.country(iso2)
        f.published(f.cite(country))
        f.published(country)
    caches["responses"].clear()
    countries = "/api/v1/diplomacy/countries/"
    assert count_parses(client, countries, {"brief": "TRUE", "limit": "2"}) == 1
    assert count_parses(client, f"{countries}FR/", {"fields": "id,name"}) == 1
    bodies = {s: fresh_get(client, countries, brief=s, limit=2).content for s in TRUE_SPELLINGS}
    assert len(set(bodies.values())) == 1
    assert fresh_get(client, countries, brief="1", limit=2).json()["results"][0]["id"] == "DE"


def test_the_paginator_needs_no_view(commodities):
    request = RequestFactory().get(URL, {"limit": "2", "brief": "TRUE"})
    options = RequestOptions.from_query(request.GET)
    paginator = KeysetPagination()
    rows = paginator.paginate_queryset(Commodity.objects.all(), request, ["name", "id"], options)
    assert [row.name for row in rows] == ["Barley", "Oats"]
    assert "brief=true" in paginator.get_next_link()
    response = paginator.get_paginated_response([], count=3)
    assert response.data["count"] == 3


def modules():
    package = ROOT / "config" / "api" / "viewsets"
    files = sorted(package.glob("*.py"))
    names = ("views.py", "pagination.py", "counting.py", "request_options.py")
    files += [ROOT / "config" / "api" / name for name in names]
    files += sorted((ROOT / "config" / "api").glob("keyset*.py"))
    return files


@pytest.mark.parametrize("path", modules(), ids=lambda path: path.name)
def test_the_base_viewset_and_the_paginator_are_small_modules(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)}: {lines} lines"
