"""Small truths of the API, round two (issue 20, findings 7 and 8): options parsed one way,
read-only fields refused when changed, one URL per record, gzip only when accepted, and
conditional headers through the CORS preflight."""

import csv
import gzip
import io
import json

import pytest
from django.contrib.auth.models import Group, User
from knox.models import AuthToken

from core.models import Change
from tests import factories as f

pytestmark = pytest.mark.django_db

COUNTRIES = "/api/v1/diplomacy/countries/"
OFFICIALS = "/api/v1/diplomacy/officials/"
CHANGES = "/api/v1/changes/"
SOURCES = "/api/v1/diplomacy/sources/"


def published(record):
    f.published(f.cite(record))
    return f.published(record)


@pytest.fixture
def auth():
    user = User.objects.create_user("carla", is_staff=True)
    user.groups.add(Group.objects.get(name="curators"))
    return {"HTTP_AUTHORIZATION": f"Token {AuthToken.objects.create(user)[1]}"}


# --- one boolean parser for every option ----------------------------------------------------


@pytest.mark.parametrize("value", ["true", "True", "TRUE", "1"])
def test_brief_is_read_the_same_in_every_spelling(client, value):
    country = published(f.country("RU", name="Russia"))
    brief_fields = client.get(f"{COUNTRIES}RU/", {"brief": "true"}).json().keys()
    full = client.get(f"{COUNTRIES}RU/").json().keys()
    assert brief_fields != full
    assert client.get(f"{COUNTRIES}{country.iso2}/", {"brief": value}).json().keys() == (
        brief_fields
    )
    listed = client.get(COUNTRIES, {"brief": value}).json()["results"][0]
    assert listed.keys() == brief_fields


@pytest.mark.parametrize("value", ["false", "False", "0"])
def test_false_in_any_spelling_is_false(client, value):
    published(f.country("RU", name="Russia"))
    full = client.get(f"{COUNTRIES}RU/").json()
    assert client.get(f"{COUNTRIES}RU/", {"brief": value}).json() == full


@pytest.mark.parametrize("name", ["brief", "include_retracted"])
@pytest.mark.parametrize("value", ["yes", "2", "tru", " "])
def test_any_other_value_is_a_400_naming_the_option(client, name, value):
    published(f.country("RU", name="Russia"))
    response = client.get(COUNTRIES, {name: value})
    assert response.status_code == 400
    assert name in response.json()["errors"]


def test_include_retracted_and_boolean_filters_take_the_same_spellings(client):
    published(f.country("RU", name="Russia"))
    for value in ("True", "1", "true"):
        assert client.get(COUNTRIES, {"include_retracted": value}).status_code == 200
    assert client.get(OFFICIALS, {"contested": "True"}).status_code == 200
    assert client.get(OFFICIALS, {"contested": "maybe"}).status_code == 400


# --- read-only fields in a write body -------------------------------------------------------


def test_a_changed_read_only_field_is_a_400_that_names_it(client, auth):
    official = published(f.official(name="Olga"))
    url = f"{OFFICIALS}{official.slug}/"
    read = client.get(url, **auth)
    body = {"name": "Olga B.", "version": 99, "evidence_url": "http://elsewhere.example/"}
    response = client.patch(
        url, body, content_type="application/json", HTTP_IF_MATCH=read["ETag"], **auth
    )
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == ["evidence_url", "version"]
    official.refresh_from_db()
    assert official.name == "Olga"
    # As read, they are known and unchanged: accepted.
    same = {"name": "Olga B.", "version": read.json()["version"]}
    response = client.patch(
        url, same, content_type="application/json", HTTP_IF_MATCH=read["ETag"], **auth
    )
    assert response.status_code == 200, response.content


def test_a_new_record_with_a_read_only_field_is_a_400(client, auth):
    body = {"id": "new-official", "name": "New", "review_state": "published"}
    response = client.post(OFFICIALS, body, content_type="application/json", **auth)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["review_state"]


# --- one URL per record ---------------------------------------------------------------------


def test_non_canonical_ids_name_no_record(client):
    official = published(f.official(name="Olga"))
    change = Change.objects.order_by("id").last()
    assert client.get(f"{CHANGES}{change.pk}/").status_code == 200
    fullwidth = "".join(chr(0xFF10 + int(digit)) for digit in str(change.pk))
    for alias in (f"00{change.pk}", fullwidth, f"+{change.pk}", f"{change.pk}.0"):
        assert client.get(f"{CHANGES}{alias}/").status_code == 404, alias
    source = official.citations.get().source
    assert client.get(f"{SOURCES}{source.pk}/").status_code == 200
    for alias in (str(source.pk).upper(), source.pk.hex, "{" + str(source.pk) + "}"):
        assert client.get(f"{SOURCES}{alias}/").status_code == 404, alias
    assert client.get(f"{OFFICIALS}{official.slug.upper()}/").status_code == 404


# --- gzip only when accepted, CORS preflight --------------------------------------------------


@pytest.mark.parametrize(
    ("header", "gzipped"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("gzip;q=0.5", True),
        ("gzip;q=0", False),
        ("gzip; q=0.000, deflate", False),
        ("*;q=0", False),
        ("*", False),  # gzip is sent to those who name it
        ("identity", False),
    ],
)
def test_gzip_only_for_clients_that_accept_it(client, header, gzipped):
    for n in range(30):  # a body worth compressing
        f.published(f.country(f"{chr(65 + n // 26)}{chr(65 + n % 26)}", name=f"Country {n}"))
    response = client.get(COUNTRIES, HTTP_ACCEPT_ENCODING=header)
    assert response.status_code == 200
    assert (response.get("Content-Encoding") == "gzip") is gzipped
    body = gzip.decompress(response.content) if gzipped else response.content
    assert b'"results"' in body
    assert "Accept-Encoding" in response["Vary"]


def test_the_cors_preflight_allows_conditional_headers(client):
    response = client.options(
        COUNTRIES,
        HTTP_ORIGIN="https://app.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match, if-match",
    )
    assert response.status_code == 200
    allowed = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"if-none-match", "if-match", "if-modified-since"} <= allowed


# --- CSV timestamps as JSON writes them ------------------------------------------------------


def test_csv_and_ndjson_timestamps_are_written_as_json_writes_them(client):
    published(f.country("RU", name="Russia"))
    record = client.get(f"{COUNTRIES}RU/").json()
    assert record["created"].endswith("Z")
    exported = client.get(COUNTRIES, {"format": "csv"})
    [row] = csv.DictReader(io.StringIO(b"".join(exported.streaming_content).decode()))
    assert (row["created"], row["updated"]) == (record["created"], record["updated"])
    streamed = client.get(COUNTRIES, {"format": "ndjson"})
    [line] = b"".join(streamed.streaming_content).decode().splitlines()
    assert json.loads(line)["created"] == record["created"]
