"""The change feed as Atom (``/api/v1/changes/?format=atom``), and no username in public."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

from core.history import Channel, history_channel
from tests import factories as f
from tests.api.case import CuratorAPI
from tests.conftest import _staff

pytestmark = pytest.mark.django_db

FEED = "/api/v1/changes/"
ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response) -> ET.Element:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def entries(feed: ET.Element) -> list[dict]:
    result = []
    for entry in feed.findall(f"{ATOM}entry"):
        links = {link.get("rel"): link.get("href") for link in entry.findall(f"{ATOM}link")}
        author = entry.find(f"{ATOM}author/{ATOM}name")
        result.append(
            {
                "title": entry.findtext(f"{ATOM}title"),
                "id": entry.findtext(f"{ATOM}id"),
                "updated": entry.findtext(f"{ATOM}updated"),
                "links": links,
                "author": author.text if author is not None else None,
            }
        )
    return result


@pytest.fixture
def curator(django_user_model):
    """A curator whose username is not the role's name."""
    return _staff(django_user_model, "alice.smith", curator=True)


@pytest.fixture
def edited(curator):
    """A published country whose last change a curator made, and a draft."""
    country = f.published(f.country(name="Feedland"))
    with history_channel(Channel.API):
        country._history_user = curator
        country.name = "Feedland Republic"
        country.save()
    draft = f.country(name="Secretland")
    return country, draft


def test_entries_link_the_record_and_its_evidence_page(client, edited):
    country, draft = edited
    feed = parse(client.get(FEED, {"format": "atom"}))
    assert feed.findtext(f"{ATOM}title")
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    items = entries(feed)
    json_feed = client.get(FEED, {"ordering": "-id"}).json()["results"]
    # The same changes as the JSON feed, newest first, each with its own id.
    assert [e["id"] for e in items] == [c["url"] for c in json_feed]
    latest = items[0]
    assert latest["title"] == f"updated diplomacy.country {country.iso2}"
    assert latest["links"]["alternate"] == (
        f"http://testserver/api/v1/diplomacy/countries/{country.iso2}/"
    )
    assert (
        latest["links"]["related"]
        == f"http://testserver/evidence/diplomacy/countries/{country.iso2}/"
    )
    assert client.get(latest["links"]["related"]).status_code == 200
    # Drafts never leak: no entry names the draft.
    assert all(draft.iso2 not in e["title"] for e in items)


def test_same_filters_as_the_json_feed(client, edited):
    country, _ = edited
    f.published(f.commodity())
    by_model = entries(parse(client.get(FEED, {"format": "atom", "model": "trade.commodity"})))
    assert by_model and all("trade.commodity" in e["title"] for e in by_model)
    by_record = entries(parse(client.get(FEED, {"format": "atom", "record_id": country.iso2})))
    assert {e["title"].split()[-1] for e in by_record} == {country.iso2}
    assert (
        entries(parse(client.get(FEED, {"format": "atom", "since": "2999-01-01T00:00:00Z"}))) == []
    )


def test_pages_link_the_next_one(client, edited):
    feed = parse(client.get(FEED, {"format": "atom", "limit": 1}))
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert len(entries(feed)) == 1
    second = parse(client.get(links["next"]))
    assert entries(second)[0]["id"] != entries(feed)[0]["id"]


@pytest.mark.parametrize(
    "params",
    [
        {"since": "last week"},
        {"after": "abc"},
        {"limit": "0"},
        {"cursor": "garbage"},
        {"colour": "red"},
        {"fields": "id"},
        {"facet": "model"},
    ],
)
def test_bad_filters_are_400_problems(client, params):
    response = client.get(FEED, {"format": "atom", **params})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == list(params)


def test_atom_is_for_the_feed_list_only(client):
    assert client.get("/api/v1/citations/", {"format": "atom"}).status_code == 400
    assert client.get(f"{FEED}1/", {"format": "atom"}).status_code == 400


def test_no_username_in_public_outputs(client, edited, curator):
    name = curator.username
    atom = client.get(FEED, {"format": "atom"})
    as_json = client.get(FEED, {"limit": 1000})
    as_csv = b"".join(client.get(FEED, {"format": "csv"}).streaming_content).decode()
    ndjson = b"".join(client.get(FEED, {"format": "ndjson"}).streaming_content).decode()
    for body in (atom.content.decode(), as_json.content.decode(), as_csv, ndjson):
        assert name not in body
    # The public reads the role instead.
    users = {c["user"] for c in as_json.json()["results"]}
    assert "curator" in users and users <= {"curator", ""}
    assert "curator" in {e["author"] for e in entries(parse(atom))}
    assert "curator" in {row["user"] for row in csv.DictReader(io.StringIO(as_csv))}
    assert "curator" in {json.loads(line)["user"] for line in ndjson.splitlines()}
    # Nor can the public find which changes a username made.
    probe = client.get(FEED, {"user": name})
    assert probe.status_code == 400
    assert probe.json()["errors"] == {"user": ["For curators only."]}


def test_curators_read_usernames(client, edited, curator):
    api = CuratorAPI(client, curator)
    users = {c["user"] for c in api.get(f"{FEED}?limit=1000").json()["results"]}
    assert curator.username in users
    mine = api.get(f"{FEED}?user={curator.username}").json()
    assert mine["count"] >= 1 and {c["user"] for c in mine["results"]} == {curator.username}
