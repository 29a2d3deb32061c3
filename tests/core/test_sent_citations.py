"""The rule that turns a sent list of citations into changes is the services' own.

``record_save(sent=…)`` takes a record's citations as a client lists them: the kept ones (by
id or by content), the new ones, a retraction by ``retraction_reason``; one left out is a
deletion, refused for published evidence.
"""

import pytest
from django.contrib.auth.models import User

from core import services
from core.models import Change, ReviewState
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return User.objects.create_user("sam")


@pytest.fixture
def published(user):
    record = f.official()
    f.cite(record)
    services.record_publish(record, user=user)
    [kept] = record.citations.all()
    return record, kept


def test_a_kept_citation_and_a_new_one(published, user):
    record, kept = published
    new = f.published(f.source())
    feed = Change.objects.count()
    services.record_save(
        record,
        user=user,
        sent=[
            {"id": kept.pk, "source": kept.source},
            {"source": new, "quote": "Gamma exported wheat"},
        ],
    )
    citations = {c.source_id: c for c in record.citations.all()}
    assert set(citations) == {kept.source_id, new.pk}
    assert citations[new.pk].review_state == ReviewState.PUBLISHED
    assert record.min_origins == 2  # the corroboration, refreshed with the change
    record.refresh_from_db()
    assert record.min_origins == 2
    # The record's change and the new citation's, in the feed.
    assert Change.objects.count() == feed + 2


def test_kept_by_content_retracted_by_reason(published, user):
    record, kept = published
    other = f.published(f.source())
    services.record_save(
        record,
        user=user,
        sent=[
            {"source": kept.source, "quote": kept.quote, "retraction_reason": "Misread."},
            {"source": other, "quote": "Gamma exported wheat"},
        ],
    )
    kept.refresh_from_db()
    assert (kept.review_state, kept.retraction_reason) == (ReviewState.RETRACTED, "Misread.")


def test_published_evidence_left_out_is_never_deleted(published, user):
    record, _kept = published
    with pytest.raises(services.EvidenceConflict, match="never deleted"):
        services.record_save(record, user=user, sent=[])
    assert record.citations.get().review_state == ReviewState.PUBLISHED


def test_an_unknown_id_and_an_edit_are_refused(published, user):
    record, kept = published
    with pytest.raises(services.SentCitationsInvalid) as refused:
        services.record_save(record, user=user, sent=[{"id": record.pk, "source": kept.source}])
    assert "No live citation" in refused.value.errors[0]
    edit = {"id": kept.pk, "source": kept.source, "quote": "Alpha said beta"}
    with pytest.raises(services.EvidenceConflict, match="does not change"):
        services.record_save(record, user=user, sent=[edit])


def test_errors_of_new_citations_stand_at_their_place_in_the_list(published, user):
    record, kept = published
    bad = {"source": f.published(f.source()), "quote": "Not in the text"}
    with pytest.raises(services.CitationsInvalid) as refused:
        services.record_save(record, user=user, sent=[{"id": kept.pk, "source": kept.source}, bad])
    assert refused.value.items[0] == {}
    assert "does not occur" in refused.value.items[1]["quote"][0]
