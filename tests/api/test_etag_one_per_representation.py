"""One ETag per representation: it depends on the data and the reader's visibility only.

Another worker, or the same one after a restart, starts with empty caches and a fresh
``config.api.cache`` module: it must compute the same ETag for the same bytes, so that a
conditional GET gets its 304 and an If-Match its write wherever the request lands.
"""

import importlib

import pytest
from django.contrib.auth.models import Group, User
from knox.models import AuthToken

import config.api.cache
from core import signals
from tests import factories as f
from tests.caches import clear_caches

pytestmark = pytest.mark.django_db

OFFICIALS = "/api/v1/diplomacy/officials/"
COMMODITIES = "/api/v1/trade/commodities/"


def restart():
    """What another worker, or this one after a restart, starts from."""
    clear_caches()
    importlib.reload(config.api.cache)
    config.api.cache.set_version_source(signals.last_change)


@pytest.fixture
def curator_auth():
    user = User.objects.create_user("carla", is_staff=True)
    user.groups.add(Group.objects.get(name="curators"))
    return {"HTTP_AUTHORIZATION": f"Token {AuthToken.objects.create(user)[1]}"}


def published_official(name):
    official = f.official(name=name)
    f.published(f.cite(official))
    return f.published(official)


@pytest.mark.parametrize("path", ["detail", "list", "fields"])
def test_the_same_data_has_the_same_etag_in_every_process(client, path):
    official = published_official("Olga Example")
    url = {
        "detail": f"{OFFICIALS}{official.slug}/",
        "list": OFFICIALS,
        "fields": f"{OFFICIALS}?fields=name&ordering=name",
    }[path]
    first = client.get(url)
    restart()
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]
    restart()
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    if not first["ETag"].startswith("W/"):  # If-Match compares strongly (RFC 9110 13.1.1)
        restart()
        assert client.get(url, HTTP_IF_MATCH=first["ETag"]).status_code == 200


def test_a_write_changes_the_etag_seen_after_it(client):
    official = published_official("Olga Example")
    url = f"{OFFICIALS}{official.slug}/"
    before_detail, before_list = client.get(url)["ETag"], client.get(COMMODITIES)["ETag"]
    published_official("Other Example")  # another record: nested data may have moved
    restart()
    assert client.get(url)["ETag"] != before_detail
    assert client.get(COMMODITIES)["ETag"] != before_list
    assert client.get(url, HTTP_IF_NONE_MATCH=before_detail).status_code == 200


def test_readers_of_another_visibility_get_another_etag(client, curator_auth):
    official = published_official("Olga Example")
    url = f"{OFFICIALS}{official.slug}/"
    public = client.get(url)["ETag"]
    as_curator = client.get(url, **curator_auth)["ETag"]
    assert public != as_curator
    restart()
    assert client.get(url)["ETag"] == public
    assert client.get(url, **curator_auth)["ETag"] == as_curator


def test_an_etag_read_on_one_worker_is_a_valid_if_match_on_another(client, curator_auth):
    official = f.official(name="Before")
    url = f"{OFFICIALS}{official.slug}/"
    etag = client.get(url, **curator_auth)["ETag"]
    restart()
    written = client.patch(
        url,
        {"name": "After"},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
        **curator_auth,
    )
    assert written.status_code == 200, written.content
    restart()
    again = client.get(url, **curator_auth)
    assert again["ETag"] == written["ETag"]
    stale = client.patch(
        url, {"name": "Lost"}, content_type="application/json", HTTP_IF_MATCH=etag, **curator_auth
    )
    assert stale.status_code == 412
