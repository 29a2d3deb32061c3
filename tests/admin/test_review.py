"""The review workflow: its services, and the admin actions that apply them record by record."""

import pytest
from django.core.exceptions import ValidationError

from core.models import ReviewState
from core.services import record_publish, record_reopen, record_retract
from diplomacy.models import Official
from tests import factories as f

from .forms import action, admin_url, errors_of, form_data, messages_of

pytestmark = pytest.mark.django_db

DRAFT, PUBLISHED, RETRACTED = ReviewState.DRAFT, ReviewState.PUBLISHED, ReviewState.RETRACTED


def state(record):
    record.refresh_from_db()
    return record.review_state, record.retraction_reason, record.version


def history_count(record):
    return record.history.count()


def published_cited(name="Cited One"):
    official = f.official(name=name)
    citation = f.cite(official)
    f.published(citation.source)
    f.published(citation)
    return f.published(official), citation


class TestServices:
    def test_publishing_an_uncited_record_is_refused_and_changes_nothing(self, curator):
        official = f.official()
        before = (state(official), history_count(official))

        with pytest.raises(ValidationError, match="has no citation of a source"):
            record_publish(official, user=curator)

        assert (state(official), history_count(official)) == before

    def test_publishing_publishes_draft_citations(self, curator):
        official = f.official()
        citation = f.cite(official)

        record_publish(official, user=curator)

        for record in (official, citation):
            assert state(record)[0] == PUBLISHED
            latest = record.history.first()
            assert (latest.history_user, latest.history_type) == (curator, "~")
        assert official.history.first().history_change_reason == "Published"

    def test_a_draft_source_is_published_only_with_references(self, curator):
        official = f.official()
        citation = f.cite(official, src=f.source())
        before = (state(official), state(citation), state(citation.source))

        with pytest.raises(ValidationError, match="stands only on published records"):
            record_publish(official, user=curator)
        assert (state(official), state(citation), state(citation.source)) == before

        record_publish(official, user=curator, with_references=True)
        for record in (official, citation, citation.source):
            assert state(record)[0] == PUBLISHED

    @pytest.mark.parametrize("retracted", ["citation", "source"])
    def test_a_retracted_citation_or_source_is_no_support(self, curator, retracted):
        official = f.official()
        citation = f.cite(official)
        f.published(citation.source)
        f.published(citation)
        evidence = citation if retracted == "citation" else citation.source
        evidence.review_state, evidence.retraction_reason = RETRACTED, "Misquoted."
        evidence.save()

        with pytest.raises(ValidationError, match="has no citation"):
            record_publish(official, user=curator)
        assert state(official)[0] == DRAFT

    def test_only_a_draft_can_be_published(self, curator):
        official, _ = published_cited()
        with pytest.raises(ValidationError, match="Only a draft can be published"):
            record_publish(official, user=curator)

    def test_a_source_needs_no_citation(self, curator):
        source = f.source()
        record_publish(source, user=curator)
        assert state(source)[0] == PUBLISHED

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_retraction_needs_a_reason(self, curator, reason):
        official, _ = published_cited()
        before = state(official)

        with pytest.raises(ValidationError, match="A retraction needs a reason"):
            record_retract(official, reason=reason, user=curator)

        assert state(official) == before

    def test_retraction_keeps_the_record_and_its_reason(self, curator):
        official, _ = published_cited()

        record_retract(official, reason="  Wrong person.  ", user=curator)

        assert state(official)[:2] == (RETRACTED, "Wrong person.")
        latest = official.history.first()
        assert (latest.history_user, latest.history_change_reason) == (
            curator,
            "Retracted: Wrong person.",
        )

    def test_a_draft_cannot_be_retracted(self, curator):
        official = f.official()
        with pytest.raises(ValidationError, match="Only a published record can be retracted"):
            record_retract(official, reason="No.", user=curator)
        assert state(official)[0] == DRAFT

    @pytest.mark.parametrize("evidence", ["citation", "source"])
    def test_the_last_evidence_of_a_published_record_cannot_be_retracted(self, curator, evidence):
        official, citation = published_cited("Ada Quill")
        target = citation if evidence == "citation" else citation.source
        before = state(target)

        message = (
            "evidence official “Ada Quill” needs"
            if evidence == "citation"
            else ("published records stand on it: official “Ada Quill”")
        )
        with pytest.raises(ValidationError, match=message):
            record_retract(target, reason="Unreliable.", user=curator)

        assert state(target) == before
        f.published(f.cite(official))  # a second published citation
        if evidence == "source":
            # The source's published citation stands on it: that goes first.
            record_retract(citation, reason="Unreliable.", user=curator)
        record_retract(target, reason="Unreliable.", user=curator)
        assert state(target)[0] == RETRACTED

    def test_reopen_returns_a_retracted_record_to_draft_and_history_keeps_the_reason(self, curator):
        official, _ = published_cited()
        record_retract(official, reason="Wrong person.", user=curator)

        record_reopen(official, user=curator)

        assert state(official)[:2] == (DRAFT, "")
        assert [h.retraction_reason for h in official.history.all()[:2]] == ["", "Wrong person."]
        with pytest.raises(ValidationError, match="Only a retracted record can be reopened"):
            record_reopen(official, user=curator)


class TestActions:
    def test_publish_refuses_the_uncited_record_and_publishes_the_cited_one(self, curator_client):
        uncited = f.official(name="Uncited")
        cited = f.official(name="Cited")
        f.cite(cited)

        response = action(curator_client, Official, "publish_selected", [uncited, cited])

        assert response.status_code == 200
        assert state(uncited)[0] == DRAFT
        assert state(cited)[0] == PUBLISHED
        notes = messages_of(response)
        assert "1 official published." in notes
        assert any(
            note.startswith("“Uncited” was not published: Official “Uncited” has no citation")
            for note in notes
        ), notes

    def test_retract_asks_for_a_reason_and_keeps_it(self, curator_client):
        official, _ = published_cited()
        before = state(official)

        asked = action(curator_client, Official, "retract_selected", [official])
        assert asked.templates[0].name == "admin/retract_selected.html"
        assert state(official) == before

        blank = action(curator_client, Official, "retract_selected", [official], apply="1")
        assert blank.templates[0].name == "admin/retract_selected.html"
        assert blank.context["form"].errors == {"reason": ["This field is required."]}
        assert state(official) == before

        done = action(
            curator_client,
            Official,
            "retract_selected",
            [official],
            apply="1",
            reason="The source misnamed him.",
        )
        assert "1 official retracted." in messages_of(done)
        assert state(official)[:2] == (RETRACTED, "The source misnamed him.")
        assert Official.objects.filter(pk=official.pk).exists()

    def test_reopen_action(self, curator_client):
        official, _ = published_cited()
        record_retract(official, reason="Wrong.", user=None)

        response = action(curator_client, Official, "reopen_selected", [official])

        assert "1 official reopened as draft." in messages_of(response)
        assert state(official)[0] == DRAFT

    def test_the_change_form_cannot_set_the_review_state(self, curator_client):
        official = f.official(name="Uncited")
        page = curator_client.get(admin_url(official, "change"))
        data = form_data(page)
        data.update({"review_state": PUBLISHED, "retraction_reason": "x", "name": "Renamed"})

        response = curator_client.post(admin_url(official, "change"), data)

        assert response.status_code == 302, errors_of(response)
        official.refresh_from_db()
        assert (official.name, official.review_state, official.retraction_reason) == (
            "Renamed",
            DRAFT,
            "",
        )
