"""A public reader's request reads from one replica, and falls back to the primary when none
is usable; the dataset version comes from the database the rows come from.

As in ``test_router``, ``replica1`` and ``replica2`` are the primary's test database under
other aliases (TEST MIRROR): which alias ran a query shows where the router sent it.
"""

import pytest
from django.contrib.auth.models import Group, User
from django.db import OperationalError, connections, router
from django.test.utils import CaptureQueriesContext, override_settings
from knox.models import AuthToken

from config import replica_health
from config.api import cache as version_cache
from tests import factories as f
from tests.caches import clear_caches

OFFICIALS = "/api/v1/diplomacy/officials/"
BOTH = ["replica1", "replica2"]
ALL = ["default", *BOTH]
replicas = override_settings(
    DATABASE_REPLICAS=BOTH,
    READ_YOUR_WRITES_SECONDS=30,
    REPLICA_MAX_LAG_SECONDS=10,
    REPLICA_RETRY_SECONDS=60,
    REPLICA_CHECK_SECONDS=60,
)
# Every transactional test here reloads the migrations' data (serialized_rollback) rather
# than let the flush recreate it under other ids, which would break the next such test.
db = pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=ALL)


@pytest.fixture(autouse=True)
def _fresh():
    clear_caches()
    replica_health.forget()
    yield
    clear_caches()
    replica_health.forget()


def record_reads(alias_queries):
    """The aliases whose captured queries read a record table (not sessions, tokens)."""
    return {
        alias
        for alias, captured in alias_queries.items()
        if any("diplomacy_" in q["sql"] for q in captured.captured_queries)
    }


def get(client, path, **extra):
    captures = {}
    for alias in ALL:
        capture = CaptureQueriesContext(connections[alias])
        try:
            capture.__enter__()
        except OperationalError:
            continue  # a database that is down (take_down): it runs nothing
        captures[alias] = capture
    try:
        response = client.get(path, **extra)
    finally:
        for capture in captures.values():
            capture.__exit__(None, None, None)
    return response, captures


@replicas
@db
def test_one_request_reads_from_one_replica(client):
    f.published(f.official(name="Ada Quill"))
    used = set()
    # Distinct URLs: each is rendered (no response cache), with its count, rows and citations.
    for limit in range(1, 41):
        response, captures = get(client, OFFICIALS, QUERY_STRING=f"limit={limit}")
        assert response.status_code == 200
        readers = {alias for alias, c in captures.items() if len(c)}
        assert len(readers) == 1 and readers <= set(BOTH), readers
        used |= readers
    # Both replicas serve, one per request: 40 random draws all alike is 1 in 5e11 (8 draws,
    # 1 in 128, failed once in CI on 2026-12-07).
    assert used == set(BOTH)


def fake_versions(monkeypatch):
    """Each database names its own state: as if the replicas had not replayed the last write."""
    monkeypatch.setattr(version_cache, "_source", lambda: router.db_for_read(User))


def curator_client(client):
    curator = User.objects.create_user("carla", is_staff=True)
    curator.groups.add(Group.objects.get(name="curators"))
    return {"HTTP_AUTHORIZATION": f"Token {AuthToken.objects.create(curator)[1]}"}


@override_settings(DATABASE_REPLICAS=["replica1"])
@db
def test_a_public_page_is_versioned_by_the_replica_it_was_read_from(client, monkeypatch):
    f.published(f.official(name="Ada Quill"))
    fake_versions(monkeypatch)
    alone = client.get(OFFICIALS)
    assert alone.status_code == 200
    clear_caches()

    # A curator writes, so reads the primary's (newer) version; then a public reader comes.
    auth = curator_client(client)
    record = f.official(name="Draft")
    patched = client.patch(
        f"{OFFICIALS}{record.slug}/", {"name": "Draft 2"}, content_type="application/json", **auth
    )
    assert patched.status_code in (200, 412, 428), patched.content
    assert client.get(OFFICIALS, **auth).status_code == 200
    after, captures = get(client, OFFICIALS)
    assert after.status_code == 200
    assert record_reads(captures) == {"replica1"}
    # The replica's rows carry the replica's version (the one it had alone), never the
    # primary's: a lagging replica's page filed under the newer version would be served as
    # current to everybody for the response cache's lifetime.
    assert after["ETag"] == alone["ETag"]


def take_down(monkeypatch, alias):
    """``alias`` refuses connections, as a stopped standby does."""
    connection = connections[alias]
    connection.close()  # (a no-op for SQLite's in-memory test database: hence the patch)

    def refuse(*args, **kwargs):
        raise OperationalError(f"connection to {alias} refused")

    # Every query, and the router's probe, connects through this.
    monkeypatch.setattr(connection, "ensure_connection", refuse)


@override_settings(DATABASE_REPLICAS=["replica1"], REPLICA_RETRY_SECONDS=60)
@db
def test_a_replica_that_is_down_falls_back_to_the_primary_and_readyz_says_degraded(
    client, monkeypatch
):
    f.published(f.official(name="Ada Quill"))
    take_down(monkeypatch, "replica1")
    response, captures = get(client, OFFICIALS)
    assert response.status_code == 200
    assert [r["name"] for r in response.json()["results"]] == ["Ada Quill"]
    assert record_reads(captures) == {"default"}

    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "degraded",
        "checks": {"database:default": "ok", "database:replica1": "unreachable", "cache": "ok"},
    }


@override_settings(DATABASE_REPLICAS=["replica1"], REPLICA_RETRY_SECONDS=0)
@db
def test_a_replica_back_up_serves_again_after_the_retry_window(client, monkeypatch):
    f.published(f.official(name="Ada Quill"))
    take_down(monkeypatch, "replica1")
    response, captures = get(client, OFFICIALS)
    assert response.status_code == 200 and record_reads(captures) == {"default"}

    monkeypatch.undo()  # the standby is started again
    response, captures = get(client, f"{OFFICIALS}?limit=1")
    assert response.status_code == 200 and record_reads(captures) == {"replica1"}
    assert client.get("/readyz").json()["status"] == "ready"


@override_settings(DATABASE_REPLICAS=["replica1"], REPLICA_MAX_LAG_SECONDS=-1)
@db
def test_a_replica_that_lags_too_far_serves_no_reads(client):
    # Any lag (0 s here) is above a negative bound: the replica counts as lagging.
    f.published(f.official(name="Ada Quill"))
    response, captures = get(client, OFFICIALS)
    assert response.status_code == 200
    assert record_reads(captures) == {"default"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "degraded"
    assert ready.json()["checks"]["database:replica1"] == "lagging"


@override_settings(DATABASE_REPLICAS=["replica1"])
@db
def test_a_writer_is_pinned_and_nobody_else(client):
    f.published(f.official(name="Ada Quill"))
    auth = curator_client(client)
    record = f.official(name="Draft")
    client.patch(
        f"{OFFICIALS}{record.slug}/", {"name": "x"}, content_type="application/json", **auth
    )
    _, captures = get(client, f"{OFFICIALS}{record.slug}/", **auth)
    assert record_reads(captures) == {"default"}
    # Another curator who did not write, and the public: the replica.
    other = User.objects.create_user("otto", is_staff=True)
    other.groups.add(Group.objects.get(name="curators"))
    other_auth = {"HTTP_AUTHORIZATION": f"Token {AuthToken.objects.create(other)[1]}"}
    _, captures = get(client, f"{OFFICIALS}{record.slug}/", **other_auth)
    assert record_reads(captures) == {"replica1"}
    _, captures = get(client, OFFICIALS)
    assert record_reads(captures) == {"replica1"}
