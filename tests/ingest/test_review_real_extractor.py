"""The review page with the real extractor (not a stand-in): each article of the gold set
goes from pasted text to draft records, every proposal accepted, with no error and nothing
published. This is what ties the extractor's value shapes to what "Create drafts" reads."""

from pathlib import Path

import pytest
from django.urls import reverse

from core.models import ReviewState, Source
from diplomacy.models import Official, Organization, PolicyDecision, Statement
from diplomacy.reference import countries_sync
from ingest import extract
from tests.admin.forms import messages_of
from trade.models import Commitment, Shipment

pytestmark = pytest.mark.django_db

ARTICLES = sorted((Path(__file__).parent / "articles").glob("*.txt"))


@pytest.mark.parametrize("path", ARTICLES[:6], ids=lambda p: p.stem)
def test_every_proposal_accepted_becomes_a_draft(curator_client, path):
    countries_sync()
    text = path.read_text(encoding="utf-8")
    response = curator_client.post(
        reverse("admin:ingest_source_from_text"),
        {
            "kind": "news_article",
            "title": path.stem,
            "publisher": "Our own test article",
            "published": "2025-06-01",
            "language": "en",
            "text": text,
        },
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    source = Source.objects.get(title=path.stem)
    proposals = extract.propose(source.text, source.published_earliest).proposals
    assert proposals
    decide = reverse("admin:ingest_decide", args=[source.pk])
    for proposal in proposals:
        answer = curator_client.post(decide, {"key": proposal.key, "action": "accept"})
        assert answer.status_code in (302, 400), answer.content.decode()[:500]
    drafts = curator_client.post(reverse("admin:ingest_drafts", args=[source.pk]), follow=True)
    assert drafts.status_code == 200
    assert any("draft record(s) created" in m for m in messages_of(drafts)), messages_of(drafts)
    made = [
        record
        for model in (Shipment, Commitment, Statement, PolicyDecision, Official, Organization)
        for record in model.objects.all()
    ]
    assert made  # a fact, a statement or a person from every article
    assert {record.review_state for record in made} == {ReviewState.DRAFT}
    source.refresh_from_db()
    assert source.review_state == ReviewState.DRAFT
