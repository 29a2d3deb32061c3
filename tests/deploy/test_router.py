"""Reads go to a replica, writes and a curator's next reads to the primary.

The replica is ``replica1``: in tests, the primary's database under another alias and
connection (TEST MIRROR), so which alias ran a query shows where the router sent it.
"""

import time

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.sessions.models import Session
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from knox.models import AuthToken

from config.db_routers import PrimaryReplicaRouter
from diplomacy.models import Official
from tests import factories as f
from tests.caches import clear_caches

OFFICIALS = "/api/v1/diplomacy/officials/"

replicas_on = override_settings(DATABASE_REPLICAS=["replica1"], READ_YOUR_WRITES_SECONDS=30)
router = PrimaryReplicaRouter()


@pytest.fixture(autouse=True)
def _clear_cache():
    clear_caches()
    yield
    clear_caches()


def test_without_replicas_everything_is_the_primary():
    assert router.db_for_read(Official) == "default"
    assert router.db_for_write(Official) == "default"


@replicas_on
def test_outside_a_request_reads_go_to_a_replica_and_writes_to_the_primary():
    assert router.db_for_read(Official) == "replica1"
    assert router.db_for_write(Official) == "default"


@replicas_on
def test_sessions_and_tokens_are_read_from_the_primary():
    # A login or a token made a moment ago works even if a replica has not caught up.
    assert router.db_for_read(Session) == "default"
    assert router.db_for_read(AuthToken) == "default"


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate("default", "diplomacy", "official")
    assert not router.allow_migrate("replica1", "diplomacy", "official")


@replicas_on
# Every transactional test here reloads the migrations' data (serialized_rollback) rather
# than let the flush recreate it under other ids, which would break the next such test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reads_inside_a_write_transaction_stay_on_the_primary():
    with transaction.atomic():
        assert router.db_for_read(Official) == "default"
    assert router.db_for_read(Official) == "replica1"


def queries_on(alias):
    return CaptureQueriesContext(connections[alias])


@replicas_on
@pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=["default", "replica1"]
)
def test_a_curator_reads_their_write_from_the_primary_and_the_public_from_a_replica(client):
    curator = User.objects.create_user("carla", is_staff=True)
    curator.groups.add(Group.objects.get(name="curators"))
    token = AuthToken.objects.create(curator)[1]
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    source = f.published(f.source())

    # Public reads: the replica only.
    with queries_on("default") as primary, queries_on("replica1") as replica:
        response = client.get(OFFICIALS)
    assert response.status_code == 200
    assert len(replica) > 0 and len(primary) == 0

    # The write, and the record it answers with, on the primary.
    payload = {
        "id": "ada-quill",
        "name": "Ada Quill",
        "citations": [{"source": str(source.pk), "quote": "Gamma exported wheat"}],
    }
    with queries_on("default") as primary, queries_on("replica1") as replica:
        response = client.post(OFFICIALS, payload, content_type="application/json", **auth)
    assert response.status_code == 201, response.json()
    assert response.json()["name"] == "Ada Quill"
    assert len(primary) > 0 and len(replica) == 0

    # Right after, the curator's reads stay on the primary: they see their draft at once.
    with queries_on("default") as primary, queries_on("replica1") as replica:
        response = client.get(f"{OFFICIALS}ada-quill/", **auth)
    assert response.status_code == 200
    assert response.json()["review_state"] == "draft"
    assert any("diplomacy_official" in q["sql"] for q in primary.captured_queries)
    assert not any("diplomacy_official" in q["sql"] for q in replica.captured_queries)

    # Everybody else still reads from the replica.
    with queries_on("default") as primary, queries_on("replica1") as replica:
        assert client.get(OFFICIALS).status_code == 200
    assert len(replica) > 0 and len(primary) == 0


@override_settings(DATABASE_REPLICAS=["replica1"], READ_YOUR_WRITES_SECONDS=1)
@pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=["default", "replica1"]
)
def test_the_pin_to_the_primary_ends_after_read_your_writes_seconds(client):
    curator = User.objects.create_user("carla", is_staff=True)
    curator.groups.add(Group.objects.get(name="curators"))
    auth = {"HTTP_AUTHORIZATION": f"Token {AuthToken.objects.create(curator)[1]}"}
    record = f.official(name="Stays a draft")
    url = f"{OFFICIALS}{record.slug}/"
    # A write that fails still pins: it reached the database.
    assert client.patch(url, {"name": "x"}, content_type="application/json", **auth).status_code
    with queries_on("default") as primary:
        assert client.get(url, **auth).status_code == 200
    assert any("diplomacy_official" in q["sql"] for q in primary.captured_queries)

    time.sleep(1.1)
    with queries_on("default") as primary, queries_on("replica1") as replica:
        # (brief=true: a page the response cache has not seen)
        assert client.get(url, {"brief": "true"}, **auth).status_code == 200
    # The token is still checked on the primary; the record is read from the replica.
    assert all("knox_authtoken" in q["sql"] for q in primary.captured_queries)
    assert any("diplomacy_official" in q["sql"] for q in replica.captured_queries)
