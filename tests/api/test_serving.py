"""Serving: the schema once per process with an ETag, gzip, offline docs, rate limits."""

import gzip
import re

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from config.api.throttling import client_ip
from tests.caches import clear_caches

pytestmark = pytest.mark.django_db


def test_schema_has_an_etag_and_answers_304(client):
    first = client.get("/api/v1/schema/")
    assert first.status_code == 200
    etag = first["ETag"]
    again = client.get("/api/v1/schema/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/api/v1/trade/commodities/", "application/json"),
        ("/api/v1/trade/commodities/?format=csv", "text/csv; charset=utf-8"),
        ("/api/v1/trade/commodities/?format=ndjson", "application/x-ndjson"),
        ("/api/v1/schema/", "application/vnd.oai.openapi; charset=utf-8"),
    ],
)
def test_responses_are_gzipped_when_accepted(client, seed, path, content_type):
    plain = client.get(path)
    # Read each response whole before the next request, as a server does.
    plain_body = b"".join(plain.streaming_content) if plain.streaming else plain.content
    zipped = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert zipped["Content-Type"] == content_type
    body = b"".join(zipped.streaming_content) if zipped.streaming else zipped.content
    assert gzip.decompress(body) == plain_body


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_docs_load_nothing_from_outside(client, path):
    page = client.get(path).content.decode()
    assert re.findall(r"(?:src|href)=\"(https?:)?//", page) == []
    assert "googleapis" not in page and "cdn" not in page.lower()


@override_settings(API_ANON_RATE="3/minute")
def test_anonymous_limit_ignores_a_forged_forwarded_for(client):
    clear_caches()
    statuses = []
    for number in range(4):
        response = client.get("/api/v1/", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")
        statuses.append(response.status_code)
    assert statuses == [200, 200, 200, 429]
    assert int(response["Retry-After"]) > 0
    assert response["RateLimit-Policy"] == '"anon";q=3;w=60'
    assert response["RateLimit"].startswith('"anon";r=0;t=')


def test_every_response_carries_rate_limit_headers(client, seed):
    clear_caches()
    response = client.get("/api/v1/trade/commodities/")
    assert response["RateLimit-Policy"] == '"anon";q=1200;w=60'
    # Fixed windows aligned to the clock: t is what is left of this minute.
    remaining, reset = response["RateLimit"].removeprefix('"anon";').split(";")
    assert remaining == "r=1199"
    assert 1 <= int(reset.removeprefix("t=")) <= 60


def test_forwarded_for_is_read_only_behind_trusted_proxies(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4")
    assert client_ip(request) == "10.0.0.1"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    assert client_ip(request) == "1.2.3.4"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 2}
    assert client_ip(request) == "6.6.6.6"


def test_admin_logins_are_locked_per_account_and_per_address(client, settings):
    User.objects.create_user("ada", password="right-horse-battery", is_staff=True)
    User.objects.create_user("bob", password="other-horse-battery", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "ada", "password": "wrong"})
    right = client.post("/admin/login/", {"username": "ada", "password": "right-horse-battery"})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    # The address is locked too: another account from it is refused.
    other = client.post("/admin/login/", {"username": "bob", "password": "other-horse-battery"})
    assert other.status_code == 429
    # Another address may still log in to an unlocked account... but ada stays locked.
    elsewhere = client.post(
        "/admin/login/",
        {"username": "ada", "password": "right-horse-battery"},
        REMOTE_ADDR="192.0.2.9",
    )
    assert elsewhere.status_code == 429
