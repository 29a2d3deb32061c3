"""Citing by pasting a quote: the admin finds the span, or refuses it and saves nothing."""

import pytest

from core.models import Citation, ReviewState
from diplomacy.models import Official
from tests import factories as f

from .forms import admin_url, errors_of, form_data, inline_prefix

pytestmark = pytest.mark.django_db

TEXT = "Kabul said ties grow. Moscow sent wheat. Kabul said ties grow."


def add_official_citing(client, source, quote, start=""):
    page = client.get(admin_url(Official, "add"))
    data = form_data(page)
    prefix = inline_prefix(page, Citation)
    data.update(
        {
            "name": "Ada Quill",
            "slug": "ada-quill",
            f"{prefix}-0-source": str(source.pk),
            f"{prefix}-0-quote": quote,
            f"{prefix}-0-start": start,
        }
    )
    return client.post(admin_url(Official, "add"), data)


def test_pasted_quote_is_located_and_its_span_stored(curator_client):
    source = f.source(text=TEXT)

    response = add_official_citing(curator_client, source, "Moscow sent wheat")

    assert response.status_code == 302, errors_of(response)
    official = Official.objects.get(slug="ada-quill")
    (citation,) = official.citations.all()
    assert (citation.source, citation.start, citation.end) == (source, 22, 39)
    assert TEXT[citation.start : citation.end] == "Moscow sent wheat"
    assert citation.review_state == ReviewState.DRAFT


@pytest.mark.parametrize(
    ("quote", "message"),
    [
        ("Moscow sent rice", "The quote does not occur in the source's text."),
        (
            "Kabul said ties grow",
            "The quote occurs 2 times (at [0, 41]); give the start of the one meant",
        ),
    ],
    ids=["absent", "ambiguous"],
)
def test_quote_absent_or_ambiguous_is_refused_and_nothing_saved(curator_client, quote, message):
    source = f.source(text=TEXT)

    response = add_official_citing(curator_client, source, quote)

    assert response.status_code == 200
    assert message in errors_of(response)
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Official.objects.exists()
    assert not Citation.objects.exists()


def test_ambiguous_quote_is_accepted_with_a_chosen_start(curator_client):
    source = f.source(text=TEXT)

    response = add_official_citing(curator_client, source, "Kabul said ties grow", start="41")

    assert response.status_code == 302, errors_of(response)
    (citation,) = Official.objects.get(slug="ada-quill").citations.all()
    assert (citation.start, citation.end) == (41, 61)


def delete_first_citation(client, record):
    page = client.get(admin_url(record, "change"))
    data = form_data(page)
    data[f"{inline_prefix(page, Citation)}-0-DELETE"] = "on"
    return client.post(admin_url(record, "change"), data)


def test_published_record_cannot_lose_its_last_citation(curator_client):
    official = f.official(name="Ada Quill")
    citation = f.cite(official)  # a draft citation of a published record still supports it
    f.published(official)

    response = delete_first_citation(curator_client, official)

    assert response.status_code == 200
    assert "has no citation of a source that is not retracted" in errors_of(response)
    assert Citation.objects.filter(pk=citation.pk).exists()


def test_a_published_citation_cannot_be_deleted(curator_client):
    official = f.official(name="Ada Quill")
    f.cite(official)
    citation = f.published(f.cite(official, quote="Alpha said beta", start=0))

    response = delete_first_citation(curator_client, official)

    assert response.status_code == 200
    assert "only drafts can be deleted. Retract it instead." in errors_of(response)
    assert Citation.objects.filter(pk=citation.pk).exists()


def add_citation(client, record, source, quote):
    page = client.get(admin_url(record, "change"))
    data = form_data(page)
    prefix = inline_prefix(page, Citation)
    data.update({f"{prefix}-1-source": str(source.pk), f"{prefix}-1-quote": quote})
    return client.post(admin_url(record, "change"), data)


def published_official():
    official = f.official(name="Ada Quill")
    f.published(f.cite(official))
    return f.published(official)


def test_citation_added_to_a_published_record_is_published(curator_client):
    official = published_official()
    new_source = f.published(f.source(text=TEXT))

    response = add_citation(curator_client, official, new_source, "Moscow sent")

    assert response.status_code == 302, errors_of(response)
    added = official.citations.get(source=new_source)
    assert (added.start, added.review_state) == (22, ReviewState.PUBLISHED)


def test_a_published_record_citing_a_draft_source_publishes_it(curator_client):
    official = published_official()
    draft_source = f.source(text=TEXT)

    response = add_citation(curator_client, official, draft_source, "Moscow sent")

    assert response.status_code == 302
    assert official.citations.filter(source=draft_source, review_state="published").exists()
    draft_source.refresh_from_db()
    assert draft_source.review_state == ReviewState.PUBLISHED


def test_a_published_record_cannot_cite_a_retracted_source(curator_client):
    official = published_official()
    retracted = f.source(text=TEXT, review_state="retracted", retraction_reason="Forged.")

    response = add_citation(curator_client, official, retracted, "Moscow sent")

    assert response.status_code == 200
    assert "is retracted: a published record cites published sources only" in errors_of(response)
    assert not official.citations.filter(source=retracted).exists()
