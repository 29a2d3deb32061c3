"""Source text is stored with LF line ends and in NFC, whichever channel brings it, and its
``content_hash`` is the sha256 of the stored text; older texts are migrated with their spans."""

import hashlib
import importlib
import unicodedata

import pytest
from django.apps import apps

from core.loading import load_dataset
from core.models import Citation, Source
from core.text import moved_span, normalize_text
from tests import factories as f
from tests.admin.forms import admin_url, form_data, messages_of
from tests.core import test_rules
from tests.core.test_rules import write_fixture

pytestmark = pytest.mark.django_db
api = test_rules.api  # the rule matrix's API client fixture

# Pasted from a browser (CRLF), with a decomposed accent (e + U+0301) and a lone CR, ending in a
# line end, which every channel keeps (the admin and the API do not strip the text's ends).
PASTED = (
    "Kabul, 3 March.\r\nThe cafe\u0301 owner said fuel prices rose.\rTrucks waited.\r\nEnd.\r\n"
)
STORED = "Kabul, 3 March.\nThe caf\u00e9 owner said fuel prices rose.\nTrucks waited.\nEnd.\n"
SOURCES = "/api/v1/diplomacy/sources/"


def assert_stored(source: Source):
    source.refresh_from_db()
    assert source.text == STORED
    assert "\r" not in source.text and unicodedata.is_normalized("NFC", source.text)
    assert source.content_hash == hashlib.sha256(STORED.encode("utf-8")).hexdigest()


def test_normalize_text():
    assert normalize_text(PASTED) == STORED
    assert normalize_text(STORED) == STORED
    assert normalize_text("") == ""


def test_model_and_service():
    source = Source.objects.create(kind="news_article", text=PASTED)
    assert_stored(source)


def test_api_shows_the_stored_text(api):
    response = api.post(SOURCES, {"kind": "news_article", "text": PASTED})
    assert response.status_code == 201, response.content
    assert response.json()["text"] == STORED
    assert_stored(Source.objects.get())


def test_admin_says_the_text_was_normalized(curator_client):
    page = curator_client.get(admin_url(Source, "add"))
    data = {**form_data(page), "kind": "news_article", "text": PASTED}
    response = curator_client.post(admin_url(Source, "add"), data, follow=True)
    assert response.status_code == 200
    assert any("Line ends normalized" in m for m in messages_of(response))
    assert_stored(Source.objects.get())


def test_admin_says_nothing_when_the_text_was_already_normalized(curator_client):
    page = curator_client.get(admin_url(Source, "add"))
    data = {**form_data(page), "kind": "news_article", "text": STORED}
    response = curator_client.post(admin_url(Source, "add"), data, follow=True)
    assert not any("normalized" in m for m in messages_of(response))
    assert_stored(Source.objects.get())


def test_loader(tmp_path):
    pk = "0f0f0f0f-0000-4000-8000-0000000000aa"
    fields = {"kind": "news_article", "text": PASTED, "review_state": "draft"}
    load_dataset(write_fixture(tmp_path, [{"model": "core.source", "pk": pk, "fields": fields}]))
    assert_stored(Source.objects.get(pk=pk))


def test_a_quote_pasted_with_crlf_is_found_in_the_stored_text():
    source = Source.objects.create(kind="news_article", text=PASTED)
    official = f.official()
    citation = f.cite(official, quote="March.\r\nThe caf\u00e9", src=source)
    assert (citation.start, citation.end) == (9, 24)
    assert citation.quote == STORED[9:24] == "March.\nThe caf\u00e9"


# --- Migrating older texts ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "moved"),
    [
        ("Kabul", "Kabul"),  # before any line end: unchanged
        ("The cafe\u0301 owner", "The caf\u00e9 owner"),  # after one CRLF, across the accent
        ("fuel prices", "fuel prices"),  # after the accent: one character earlier
        ("Trucks waited.", "Trucks waited."),  # after a lone CR too
        ("rose.\rTrucks", "rose.\nTrucks"),  # across a lone CR
        ("March.\r\nThe", "March.\nThe"),  # across a CRLF: one shorter
        ("\nThe", "\nThe"),  # starting between the CR and the LF
    ],
)
def test_moved_span(quote, moved):
    start = PASTED.index(quote)
    new_start, new_end, new_quote = moved_span(PASTED, start, start + len(quote))
    assert new_quote == moved
    assert STORED[new_start:new_end] == moved
    assert new_start == STORED.index(moved)


def _raw_source_with_citation(text, quote):
    """A source and a citation as an older version stored them (no normalization)."""
    source = Source.objects.create(kind="news_article", text="placeholder")
    official = f.official()
    citation = f.cite(official, quote="placeholder", src=source)
    start = text.index(quote)
    Source.objects.filter(pk=source.pk).update(text=text, content_hash="old")
    Citation.objects.filter(pk=citation.pk).update(quote=quote, start=start, end=start + len(quote))
    return source, citation


def test_the_migration_moves_the_spans_with_the_text():
    migration = importlib.import_module("core.migrations.0008_source_text_normalized")
    source, citation = _raw_source_with_citation(PASTED, "fuel prices rose.\rTrucks")
    untouched = f.source(text="Another text, already stored as it should be.")
    migration.normalize_texts(apps, None)
    assert_stored(source)
    citation.refresh_from_db()
    assert citation.quote == "fuel prices rose.\nTrucks"
    assert STORED[citation.start : citation.end] == citation.quote
    citation.full_clean()  # the quote is at its span in the stored text
    assert Source.objects.get(pk=untouched.pk).content_hash == untouched.content_hash


def test_the_migration_keeps_a_text_that_would_duplicate_another(capsys):
    migration = importlib.import_module("core.migrations.0008_source_text_normalized")
    Source.objects.create(kind="news_article", text=STORED)
    source, _citation = _raw_source_with_citation(PASTED, "Trucks")
    migration.normalize_texts(apps, None)
    source.refresh_from_db()
    assert source.text == PASTED
    assert "same text as another source" in capsys.readouterr().out
