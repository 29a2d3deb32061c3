"""A database or Redis outage: fast 503 problems, probes that tell, and recovery alone."""

import time
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import OperationalError, connections
from django.test import Client
from django.test.utils import override_settings

from config.api.errors import problem
from config.settings.base import database

COUNTRIES = "/api/v1/diplomacy/countries/"
# Nothing listens on port 1: connecting is refused at once, as when the server is down.
CLOSED_PORT_REDIS = {
    alias: {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.25},
    }
    for alias in ("default", "responses")
}


@pytest.fixture
def client():
    # As in production: an exception becomes the handler's response, not a test failure.
    return Client(raise_request_exception=False)


@contextmanager
def primary_down():
    """Every connection attempt to the primary fails, as when PostgreSQL is stopped."""

    def refuse():
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(connections["default"], "ensure_connection", refuse)
        patch.setattr(connections["default"], "connection", None)  # no open one to reuse
        yield


@pytest.fixture
def database_down():
    with primary_down():
        yield


def assert_unavailable(response, path):
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body == problem(503, body["detail"], instance=path)
    assert body["title"] == "Service unavailable"
    assert "database" in body["detail"]


@pytest.mark.django_db
def test_an_api_read_during_a_database_outage_is_a_fast_503_and_recovers(client, seed):
    assert client.get(COUNTRIES).status_code == 200
    uncached = f"{COUNTRIES}?limit=7"  # a page the response cache has not seen
    with primary_down():
        started = time.monotonic()
        response = client.get(uncached)
        assert time.monotonic() - started < 2
        assert_unavailable(response, uncached)
        # A page already in the response cache is still served: it needs no database.
        assert client.get(COUNTRIES)["X-Cache"] == "hit"
    # Back: the same process answers again, no restart.
    response = client.get(COUNTRIES)
    assert response.status_code == 200
    assert response.json()["results"]


def test_a_curator_write_during_an_outage_is_a_503(client, database_down):
    response = client.post(
        "/api/v1/diplomacy/officials/",
        {"id": "x", "name": "X"},
        content_type="application/json",
        HTTP_AUTHORIZATION="Token " + "0" * 64,  # the token lookup needs the database
    )
    assert_unavailable(response, "/api/v1/diplomacy/officials/")


def test_the_admin_during_an_outage_is_a_503_too(client, database_down):
    # The session lookup fails in a middleware, outside DRF: Django's handler500 path.
    client.cookies["sessionid"] = "a" * 32
    response = client.get("/admin/")
    assert_unavailable(response, "/admin/")


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="the PostgreSQL driver's connect path",
)
def test_an_unreachable_postgresql_fails_within_two_seconds():
    from django.db.backends.postgresql.base import DatabaseWrapper

    config = database("postgres://postgres@127.0.0.1:1/tradediplomacy")
    assert config["OPTIONS"]["connect_timeout"] == 2
    wrapper = DatabaseWrapper({**connections["default"].settings_dict, **config}, "unreachable")
    started = time.monotonic()
    # What ensure_connection does, less pytest-django's guard against database access.
    with pytest.raises(OperationalError), wrapper.wrap_database_errors:
        wrapper.get_new_connection(wrapper.get_connection_params())
    assert time.monotonic() - started < 2


def test_healthz_answers_without_the_database(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_is_ready_when_database_and_cache_answer(client):
    response = client.get("/readyz", HTTP_HOST="10.0.0.7")  # probes use the node's address
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database:default": "ok", "cache": "ok"},
    }


def test_readyz_is_a_503_naming_the_database_when_it_is_down(client, database_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["checks"] == {"database:default": "unreachable", "cache": "ok"}
    assert "database:default" in body["detail"]


@pytest.mark.django_db
@override_settings(CACHES=CLOSED_PORT_REDIS)
def test_a_redis_outage_degrades_to_no_cache_and_readyz_says_so(client, seed):
    started = time.monotonic()
    first, second = client.get(COUNTRIES), client.get(COUNTRIES)
    assert time.monotonic() - started < 2
    assert first.status_code == second.status_code == 200
    assert first.json()["results"] == second.json()["results"]

    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database:default": "ok", "cache": "unreachable"}


@pytest.mark.parametrize("fmt", ["csv", "ndjson"])
def test_an_export_during_an_outage_is_a_503_not_a_stream_cut_short(client, database_down, fmt):
    path = f"{COUNTRIES}?format={fmt}"
    assert_unavailable(client.get(path), path)


def test_a_missing_table_is_a_500_not_an_outage(client, monkeypatch):
    # SQLite's word for a missed migration is OperationalError too; retrying will not help.
    def missing(*args, **kwargs):
        raise OperationalError("no such table: diplomacy_country")

    monkeypatch.setattr(connections["default"], "ensure_connection", missing)
    monkeypatch.setattr(connections["default"], "connection", None)
    response = client.get(COUNTRIES)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert "Retry-After" not in response


def test_a_redis_outage_is_logged_once_a_minute_not_per_request(monkeypatch):
    import logging

    from config.logging_filters import OncePerInterval

    clock = iter([100.0, 130.0, 161.0])
    monkeypatch.setattr("config.logging_filters.time.monotonic", lambda: next(clock))
    once = OncePerInterval(seconds=60)
    record = logging.makeLogRecord({"msg": "Exception ignored"})
    assert [once.filter(record) for _ in range(3)] == [True, False, True]
