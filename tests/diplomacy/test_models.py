"""Model invariants: each is refused with a clear message, and the database holds the line too."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.models import Citation, DatePrecision, ReviewState
from diplomacy.models import Official, Tenure
from tests import factories as f

pytestmark = pytest.mark.django_db


def messages(exc_info) -> str:
    return " ".join(exc_info.value.messages)


class TestCitation:
    def test_span_is_computed_from_the_quote(self):
        src = f.source(text="Alpha said beta. Gamma exported wheat to Delta.")
        citation = f.cite(f.official(), quote="Gamma exported wheat", src=src)
        assert (citation.start, citation.end) == (17, 37)
        assert src.text[citation.start : citation.end] == citation.quote

    def test_quote_not_in_text_is_refused_and_nothing_saved(self):
        record = f.official()
        with pytest.raises(ValidationError) as exc:
            f.cite(record, quote="Epsilon imported rice")
        assert "does not occur in the source's text" in messages(exc)
        assert Citation.objects.count() == 0

    def test_given_span_must_match_the_text(self):
        src = f.source(text="Alpha said beta. Gamma exported wheat to Delta.")
        with pytest.raises(ValidationError) as exc:
            f.cite(f.official(), quote="Gamma exported wheat", src=src, start=3)
        assert "is not the source's text at [3, 23)" in messages(exc)

    def test_span_past_the_end_is_refused(self):
        src = f.source(text="Alpha said beta.")
        with pytest.raises(ValidationError) as exc:
            f.cite(f.official(), quote="beta.", src=src, start=14)
        assert "runs past the text's end" in messages(exc)

    def test_ambiguous_quote_needs_a_chosen_start(self):
        src = f.source(text="Alpha said beta. Then Alpha said beta.")
        with pytest.raises(ValidationError) as exc:
            f.cite(f.official(), quote="Alpha said beta", src=src)
        assert "occurs 2 times (at [0, 22])" in messages(exc)
        citation = f.cite(f.official(), quote="Alpha said beta", src=src, start=22)
        assert (citation.start, citation.end) == (22, 37)

    def test_database_refuses_a_span_of_the_wrong_length(self):
        citation = f.cite(f.official())
        with pytest.raises(IntegrityError), transaction.atomic():
            Citation.objects.filter(pk=citation.pk).update(end=citation.end + 5)


class TestDates:
    def test_precision_and_bounds_come_from_what_is_known(self):
        t = f.tenure(start="2024-03", end="2025")
        assert (t.start_precision, t.start_earliest, t.start_latest) == (
            DatePrecision.MONTH,
            datetime.date(2024, 3, 1),
            datetime.date(2024, 3, 31),
        )
        assert (t.end_precision, t.end_earliest, t.end_latest) == (
            DatePrecision.YEAR,
            datetime.date(2025, 1, 1),
            datetime.date(2025, 12, 31),
        )

    def test_unknown_date_stays_empty(self):
        t = f.tenure(as_of_note="At the time of the article.")
        assert (t.as_of, t.as_of_precision, t.as_of_earliest, t.as_of_latest) == (
            "",
            DatePrecision.UNKNOWN,
            None,
            None,
        )

    def test_inverted_range_is_refused_with_a_clear_message(self):
        t = Tenure(position=f.position(), official=f.official(), start="2025-05", end="2024")
        with pytest.raises(ValidationError) as exc:
            t.full_clean()
        assert "The end date lies before the start date." in messages(exc)
        with pytest.raises(IntegrityError), transaction.atomic():
            t.save()
        assert Tenure.objects.count() == 0

    def test_malformed_date_is_refused(self):
        t = Tenure(position=f.position(), official=f.official(), start="spring")
        with pytest.raises(ValidationError) as exc:
            t.full_clean()
        assert "Use YYYY, YYYY-MM or YYYY-MM-DD" in messages(exc)


class TestPublicIds:
    def test_slug_is_unique(self):
        f.official(slug="dmitry-zhirnov")
        with pytest.raises(ValidationError) as exc:
            Official(slug="dmitry-zhirnov", name="Another").full_clean()
        assert "Official with this Slug already exists." in messages(exc)

    def test_country_codes_are_validated(self):
        from diplomacy.models import Country

        with pytest.raises(ValidationError) as exc:
            Country(iso2="ru", iso3="RUS", name="x").full_clean()
        assert "ISO codes are two and three capital letters." in messages(exc)

    def test_retraction_needs_a_reason(self):
        o = f.official()
        o.review_state = ReviewState.RETRACTED
        with pytest.raises(ValidationError) as exc:
            o.full_clean()
        assert "A retracted record needs a retraction reason." in messages(exc)

    def test_statement_needs_a_speaker(self):
        from diplomacy.models import Statement

        with pytest.raises(ValidationError) as exc:
            Statement(mode="reported", summary="x").full_clean()
        assert "A statement needs a speaker" in messages(exc)


class TestDecisionStages:
    def test_decision_status_follows_its_latest_stage(self):
        d = f.decision()
        f.stage(decision=d, sequence=1, status="proposed")
        f.stage(decision=d, sequence=2, status="briefed")
        d.refresh_from_db()
        assert d.status == "briefed"
        assert list(d.stages.values_list("status", flat=True)) == ["proposed", "briefed"]


class TestHistory:
    def test_every_change_is_kept(self):
        o = f.official(name="First")
        o.name = "Second"
        o.save()
        assert [h.name for h in o.history.order_by("history_date")] == ["First", "Second"]
