"""``verify_citations`` reads the reference datasets it can (ISO 3166-1 through pycountry,
HS codes by their form) and checks each citation's locator against its row: an unknown row,
or a supported value the row does not give, is a problem."""

import pytest
from django.core.management import CommandError, call_command

from core.models import Citation, ReviewState, Source, SourceKind
from diplomacy.models import Country
from diplomacy.reference import HS_SOURCE_ID, countries_sync
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def countries():
    countries_sync()


def verify() -> str:
    with pytest.raises(CommandError) as caught:
        call_command("verify_citations")
    return str(caught.value)


def test_the_reference_countries_pass(countries, capsys):
    call_command("verify_citations")
    assert "No problems" in capsys.readouterr().out


def test_an_unknown_code_is_named(countries, capsys):
    citation = Citation.objects.filter(locator="AF").get()
    Citation.objects.filter(pk=citation.pk).update(locator="ZZ")
    assert "1 problem" in verify()
    assert "“ZZ” is not a row of “ISO 3166-1" in capsys.readouterr().err


def test_a_value_the_row_does_not_give_is_named(countries, capsys):
    Country.objects.filter(iso2="AF").update(iso3="AFX")
    verify()
    assert "iso3 is 'AFX', but row “AF”" in capsys.readouterr().err


def test_an_hs_code_against_the_commodity(capsys):
    hs = f.published(
        Source.objects.create(
            pk=HS_SOURCE_ID,
            kind=SourceKind.REFERENCE,
            title="Harmonized System",
            locator_pattern=r"^[0-9]{2}(?:[0-9]{2}){0,4}$",
            review_state=ReviewState.PUBLISHED,
        )
    )
    wheat = f.published(f.commodity(name="Wheat", hs_code="1001"))
    f.published(f.cite(wheat, quote="", src=hs, locator="1001", supports=["hs_code"]))
    call_command("verify_citations")
    type(wheat).objects.filter(pk=wheat.pk).update(hs_code="1101")
    verify()
    assert "hs_code is '1101', but row “1001”" in capsys.readouterr().err
