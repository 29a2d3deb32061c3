"""An extractor that fails on a text is told as such: the review page opens with a clear
message (and "create drafts" drafts nothing, saying why), and the API answers a problem
document that names the extractor, never a bare server error."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from knox.models import AuthToken

from core.models import Source
from ingest import extract
from tests import factories as f
from tests.admin.forms import messages_of

from . import review_article as article
from .test_admin_review import add_source

pytestmark = pytest.mark.django_db


def broken(*args, **kwargs):
    raise ZeroDivisionError("a defect of the rules")


@pytest.fixture
def source(curator_client, monkeypatch):
    f.published(f.country("BY", iso3="BLR", name="Belarus"))
    f.published(f.country("IN", iso3="IND", name="India"))
    monkeypatch.setattr(extract, "propose", article.extraction)
    response = add_source(curator_client)
    assert response.status_code == 302
    return Source.objects.get(publisher="Baltic Ledger")


def test_the_review_page_tells_an_extractor_failure_and_still_shows_the_text(
    curator_client, source, monkeypatch
):
    monkeypatch.setattr(extract, "propose", broken)
    response = curator_client.get(reverse("admin:ingest_review", args=[source.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="ingest-failure"' in page
    assert "The extraction assistant (ingest.rules" in page
    assert "failed on this source&#x27;s text (ZeroDivisionError)" in page
    assert "Belarus will export up to 300,000 tonnes" in page  # the text, still readable


def test_create_drafts_after_a_failure_drafts_nothing_and_says_why(
    curator_client, source, monkeypatch
):
    key = next(p.key for p in article.extraction(article.TEXT).proposals if p.kind == "official")
    url = reverse("admin:ingest_decide", args=[source.pk])
    assert curator_client.post(url, {"key": key, "action": "accept"}).status_code == 302
    monkeypatch.setattr(extract, "propose", broken)
    response = curator_client.post(reverse("admin:ingest_drafts", args=[source.pk]), follow=True)
    assert response.status_code == 200
    said = " ".join(messages_of(response))
    assert "Not drafted: The extraction assistant (ingest.rules" in said
    assert "draft record(s) created" not in said


def test_the_api_answers_a_problem_naming_the_extractor(client, monkeypatch):
    user = User.objects.create_user("cora", is_staff=True)
    user.groups.add(Group.objects.get(name="curators"))
    token = AuthToken.objects.create(user)[1]
    monkeypatch.setattr(extract, "propose", broken)
    response = client.post(
        "/api/v1/ingest/proposals/",
        {"text": "Kazakhstan will supply wheat to Uzbekistan."},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 500
    assert body["detail"].startswith("The extraction assistant (ingest.rules ")
    assert "failed on this text (ZeroDivisionError)" in body["detail"]
    assert "Nothing was stored" in body["detail"]
