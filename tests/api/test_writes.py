"""Curators write through the API; nobody else can, and no edit is silently lost."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone
from knox.models import AuthToken

from core.models import Change, Citation, ReviewState
from diplomacy.models import Official
from tests import factories as f
from trade.models import Shipment

pytestmark = pytest.mark.django_db

OFFICIALS = "/api/v1/diplomacy/officials/"
SHIPMENTS = "/api/v1/trade/shipments/"


def token_for(user, **kwargs) -> str:
    return AuthToken.objects.create(user, **kwargs)[1]


@pytest.fixture
def api(client, curator_auth):
    """A client that sends the curator's token."""
    auth = curator_auth

    class Curator:
        def get(self, url, **kw):
            return client.get(url, **auth, **kw)

        def post(self, url, data=None, **kw):
            return client.post(url, data or {}, content_type="application/json", **auth, **kw)

        def patch(self, url, data, **kw):
            return client.patch(url, data, content_type="application/json", **auth, **kw)

        def put(self, url, data, **kw):
            return client.put(url, data, content_type="application/json", **auth, **kw)

        def delete(self, url, **kw):
            return client.delete(url, **auth, **kw)

    return Curator()


def official_payload(src):
    return {
        "id": "gamma-official",
        "name": "Gamma Official",
        "citations": [{"source": str(src.pk), "quote": "Gamma exported wheat"}],
    }


def assert_unchanged(record):
    before = (record.version, record.name, record.review_state)
    record.refresh_from_db()
    assert (record.version, record.name, record.review_state) == before


def test_anonymous_writes_are_401_problems_and_change_nothing(client):
    record = f.published(f.official(name="Stays"))
    url = f"{OFFICIALS}{record.slug}/"
    responses = [
        client.post(OFFICIALS, {"id": "x", "name": "X"}, content_type="application/json"),
        client.put(url, {"id": record.slug, "name": "Changed"}, content_type="application/json"),
        client.patch(url, {"name": "Changed"}, content_type="application/json"),
        client.delete(url),
        client.post(f"{url}retract/", {"reason": "x"}, content_type="application/json"),
    ]
    assert [r.status_code for r in responses] == [401] * 5
    assert all(r["Content-Type"] == "application/problem+json" for r in responses)
    assert responses[0]["WWW-Authenticate"] == "Token"
    assert Official.objects.count() == 1
    assert_unchanged(record)


def test_a_token_without_permission_gets_403_and_changes_nothing(client):
    outsider = User.objects.create_user("olga")
    record = f.published(f.official(name="Stays"))
    auth = {"HTTP_AUTHORIZATION": f"Token {token_for(outsider)}"}
    created = client.post(
        OFFICIALS, {"id": "x", "name": "X"}, content_type="application/json", **auth
    )
    patched = client.patch(
        f"{OFFICIALS}{record.slug}/", {"name": "Changed"}, content_type="application/json", **auth
    )
    assert (created.status_code, patched.status_code) == (403, 403)
    assert created.json()["title"] == "Permission denied"
    assert Official.objects.count() == 1
    assert_unchanged(record)


def test_expired_and_revoked_tokens_are_refused(client, curator):
    expired = token_for(curator, expiry=datetime.timedelta(seconds=-1))
    response = client.post(
        OFFICIALS,
        {"id": "x", "name": "X"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {expired}",
    )
    assert response.status_code == 401
    token = token_for(curator)
    call_command("curator_token", "curator", "--revoke")
    response = client.post(
        OFFICIALS,
        {"id": "x", "name": "X"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 401
    assert Official.objects.count() == 0


def test_tokens_are_stored_as_digests(curator):
    token = token_for(curator)
    stored = AuthToken.objects.get(user=curator)
    assert token not in (stored.digest, stored.token_key)
    assert stored.expiry > timezone.now() + datetime.timedelta(days=80)


def test_curator_creates_a_record_with_a_cited_quote(api, curator):
    src = f.source(text="Alpha said beta. Gamma exported wheat to Delta.")
    response = api.post(OFFICIALS, official_payload(src))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"] == "gamma-official"
    assert body["review_state"] == "draft"
    assert response["Location"] == "http://testserver/api/v1/diplomacy/officials/gamma-official/"
    [citation] = body["citations"]
    assert (citation["quote"], citation["start"], citation["end"]) == (
        "Gamma exported wheat",
        17,
        37,
    )
    history = Official.objects.get(slug="gamma-official").history.get()
    assert (history.history_user, history.history_channel) == (curator, "api")
    change = Change.objects.get(model="diplomacy.official")
    assert (change.action, change.user, change.channel) == ("created", "curator", "api")


def test_a_quote_not_in_the_source_is_a_400_and_nothing_is_saved(api):
    src = f.source(text="Alpha said beta.")
    payload = official_payload(src)
    response = api.post(OFFICIALS, payload)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "citations[0].quote": ["The quote does not occur in the source's text."]
    }
    assert Official.objects.count() == 0
    assert Citation.objects.count() == 0


def test_invalid_write_is_a_400_naming_the_field(api):
    commodity = f.published(f.commodity())
    payload = {
        "exporter": f.country().iso2,
        "importer": f.country().iso2,
        "commodity": commodity.slug,
        "kind": "aggregate",
        "status": "reported",
        "quantity": "-5",
        "unit": "t",
        "period": {"value": "2025-13"},
    }
    response = api.post(SHIPMENTS, payload)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "period": ["'2025-13' is not a valid date: bad month number 13; must be 1-12."],
        "non_field_errors": ["A quantity cannot be negative."],
    }
    assert Shipment.objects.count() == 0


def test_update_needs_the_current_etag(api, curator):
    record = f.official(name="Before")
    url = f"{OFFICIALS}{record.slug}/"
    etag = api.get(url)["ETag"]

    missing = api.patch(url, {"name": "No precondition"})
    assert missing.status_code == 428
    assert_unchanged(record)

    ok = api.patch(url, {"name": "After"}, HTTP_IF_MATCH=etag)
    assert ok.status_code == 200, ok.content
    assert ok.json()["name"] == "After"
    assert ok["ETag"] != etag

    stale = api.patch(url, {"name": "Lost update"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["title"] == "Precondition failed"
    record.refresh_from_db()
    assert record.name == "After"
    latest = record.history.latest()
    assert (latest.history_user, latest.history_channel, latest.name) == (curator, "api", "After")
    change = Change.objects.filter(model="diplomacy.official", action="updated").get()
    assert change.changed_fields == ["name"]


def test_review_state_cannot_be_written_directly(api):
    record = f.official()
    url = f"{OFFICIALS}{record.slug}/"
    response = api.patch(url, {"review_state": "published"}, HTTP_IF_MATCH=api.get(url)["ETag"])
    assert response.status_code == 400  # read-only: refused, not silently dropped
    assert list(response.json()["errors"]) == ["review_state"]
    record.refresh_from_db()
    assert record.review_state == ReviewState.DRAFT


def test_an_unknown_field_is_a_400_that_names_it_and_nothing_is_saved(api):
    """DRF would drop a misspelt field and answer 201; here the write is refused."""
    payload = {"id": "typo-official", "name": "Typo", "aliasses": ["T."]}
    response = api.post(OFFICIALS, payload)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["aliasses"]
    assert not Official.objects.filter(slug="typo-official").exists()

    record = f.official()
    url = f"{OFFICIALS}{record.slug}/"
    before = api.get(url)
    for body in ({"nmae": "Renamed"}, {"citations": [{"source": "x", "colour": "red"}]}):
        response = api.patch(url, body, HTTP_IF_MATCH=before["ETag"])
        assert response.status_code == 400, body
    record.refresh_from_db()
    assert (record.name, record.version) == (before.json()["name"], before.json()["version"])


def test_a_key_given_twice_is_a_400_and_nothing_is_saved(api):
    # json.loads would keep the last "name" silently.
    body = '{"id": "twice-official", "name": "First", "name": "Second"}'
    response = api.post(OFFICIALS, body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "'name' is given twice" in response.json()["detail"]
    assert not Official.objects.filter(slug="twice-official").exists()
    response = api.post(OFFICIALS, '{"id": "twice-official", "name": "First"}')
    assert response.status_code == 201, response.content


def test_what_a_record_reads_as_can_be_written_back(api):
    """Read-only fields of the representation are known (ignored), so a GET's body round-trips."""
    record = f.official()
    url = f"{OFFICIALS}{record.slug}/"
    read = api.get(url)
    response = api.put(url, read.json(), HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == 200, response.json()


def test_review_actions_refuse_loose_bodies_and_change_nothing(api):
    record = f.published(f.official())
    url = f"{OFFICIALS}{record.slug}/"
    for action, body in (
        ("retract", {"reason": 123}),
        ("retract", {"reason": "Duplicate.", "colour": "red"}),
        ("publish", {"with_references": "yes"}),
    ):
        response = api.post(f"{url}{action}/", body)
        assert response.status_code == 400, (action, body)
    record.refresh_from_db()
    assert record.review_state == ReviewState.PUBLISHED


def test_publishing_needs_a_citation(api):
    bare = f.official()
    refused = api.post(f"{OFFICIALS}{bare.slug}/publish/")
    assert refused.status_code == 400
    assert "has no citation" in refused.json()["errors"]["non_field_errors"][0]
    bare.refresh_from_db()
    assert bare.review_state == ReviewState.DRAFT

    cited = f.official()
    f.cite(cited)
    published = api.post(f"{OFFICIALS}{cited.slug}/publish/")
    assert published.status_code == 200
    assert published.json()["review_state"] == "published"
    assert [c.review_state for c in cited.citations.all()] == [ReviewState.PUBLISHED]


def test_retraction_keeps_the_record_and_its_reason(api, client):
    record = f.official()
    f.cite(record)
    api.post(f"{OFFICIALS}{record.slug}/publish/")
    no_reason = api.post(f"{OFFICIALS}{record.slug}/retract/", {})
    assert no_reason.status_code == 400
    assert no_reason.json()["errors"] == {"reason": ["This field is required."]}
    response = api.post(f"{OFFICIALS}{record.slug}/retract/", {"reason": "Misattributed quote."})
    assert response.status_code == 200
    assert response.json()["retraction_reason"] == "Misattributed quote."
    public = client.get(f"{OFFICIALS}{record.slug}/", {"include_retracted": "true"}).json()
    assert (public["review_state"], public["retraction_reason"]) == (
        "retracted",
        "Misattributed quote.",
    )
    assert client.get(f"{OFFICIALS}{record.slug}/").status_code == 404


def test_only_drafts_are_deleted(api):
    draft = f.official()
    published = f.official()
    f.cite(published)
    api.post(f"{OFFICIALS}{published.slug}/publish/")
    url = f"{OFFICIALS}{published.slug}/"
    refused = api.delete(url, HTTP_IF_MATCH=api.get(url)["ETag"])
    assert refused.status_code == 409
    assert Official.objects.filter(pk=published.pk).exists()
    draft_url = f"{OFFICIALS}{draft.slug}/"
    deleted = api.delete(draft_url, HTTP_IF_MATCH=api.get(draft_url)["ETag"])
    assert deleted.status_code == 204
    assert not Official.objects.filter(pk=draft.pk).exists()
    assert Change.objects.filter(action="deleted", record_id=draft.slug).exists()


def test_change_feed_lists_every_step(api, client, curator):
    src = f.published(f.source(text="Alpha said beta. Gamma exported wheat to Delta."))
    api.post(OFFICIALS, official_payload(src))
    url = f"{OFFICIALS}gamma-official/"
    api.patch(url, {"name": "Gamma O."}, HTTP_IF_MATCH=api.get(url)["ETag"])
    api.post(f"{url}publish/")
    api.post(f"{url}retract/", {"reason": "Wrong person."})

    feed = api.get("/api/v1/changes/", data={"model": "diplomacy.official"}).json()["results"]
    assert [(c["action"], c["review_state"], c["user"], c["channel"]) for c in feed] == [
        ("created", "draft", "curator", "api"),
        ("updated", "draft", "curator", "api"),
        ("updated", "published", "curator", "api"),
        ("updated", "retracted", "curator", "api"),
    ]
    assert feed[-1]["reason"] == "Retracted: Wrong person."
    assert feed[-1]["record_url"] == "http://testserver/api/v1/diplomacy/officials/gamma-official/"

    public = client.get("/api/v1/changes/", {"model": "diplomacy.official"}).json()["results"]
    assert [c["review_state"] for c in public] == ["published", "retracted"]
    since = client.get(
        "/api/v1/changes/", {"model": "diplomacy.official", "after": public[0]["id"]}
    ).json()["results"]
    assert [c["review_state"] for c in since] == ["retracted"]
