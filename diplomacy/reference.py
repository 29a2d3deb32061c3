"""Reference data: the ISO 3166-1 countries, cited to their standard as a dataset source."""

import re
import uuid

import pycountry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from core.models import Citation, ReviewState, Source, SourceKind

from .models import Country
from .models.actors import REFERENCE_NAMESPACE

ISO_3166_SOURCE_ID = uuid.uuid5(REFERENCE_NAMESPACE, "source:iso-3166-1")
HS_SOURCE_ID = uuid.uuid5(REFERENCE_NAMESPACE, "source:hs-nomenclature")


#: Short names in common use that the standard's copy does not give, where there is no doubt
#: which country they name. pycountry's ``common_name`` ("Iran", "Syria", "Vietnam") is added
#: to these; its ``official_name`` already has its own field. Anything less certain (former
#: names, demonyms, names of rival governments) is a curator's alias, added with its record.
SHORT_NAMES = {
    "GB": ("UK", "Britain"),
    "KR": ("South Korea",),
    "RU": ("Russia",),
    "US": ("USA",),
}


def reference_aliases(iso2: str) -> list[str]:
    """The other names this project gives an ISO 3166-1 country (see ``SHORT_NAMES``)."""
    entry = pycountry.countries.get(alpha_2=iso2)
    names = [getattr(entry, "common_name", "")] if entry is not None else []
    names.extend(SHORT_NAMES.get(iso2, ()))
    official = getattr(entry, "official_name", "") if entry is not None else ""
    return [name for name in dict.fromkeys(names) if name and name != official]


def iso_3166_row(locator: str) -> dict | None:
    """The ISO 3166-1 entry ``locator`` names, by the Country fields it gives (None: no such
    code). Registered with ``core.locators`` for ``verify_citations``."""
    entry = pycountry.countries.get(alpha_2=locator) if len(locator) == 2 else None
    if entry is None:
        return None
    return {"iso2": entry.alpha_2, "iso3": entry.alpha_3, "numeric": entry.numeric}


def hs_row(locator: str) -> dict | None:
    """An HS heading or subheading: no copy of the nomenclature is shipped, so a code of 2, 4
    or 6 digits is taken as a row, and it gives the cited commodity's ``hs_code``."""
    if not re.fullmatch(r"\d{2}(?:\d{2}){0,2}", locator):
        return None
    return {"hs_code": locator}


def iso_3166_source() -> Source:
    source, _ = Source.objects.get_or_create(
        pk=ISO_3166_SOURCE_ID,
        defaults={
            "kind": SourceKind.REFERENCE,
            "title": "ISO 3166-1: Codes for the representation of names of countries",
            "publisher": "International Organization for Standardization (copy: pycountry)",
            "locator_pattern": "^[A-Z]{2}$",
            "review_state": ReviewState.PUBLISHED,
        },
    )
    return source


@transaction.atomic
def countries_sync() -> int:
    """Create every ISO 3166-1 country that is missing, published and cited. Idempotent.

    Returns how many were created. Existing countries are left as curators made them.
    """
    source = iso_3166_source()
    existing = set(Country.objects.values_list("iso2", flat=True))
    country_type = ContentType.objects.get_for_model(Country)
    created = 0
    for entry in pycountry.countries:
        if entry.alpha_2 in existing:
            continue
        country = Country.objects.create(
            id=Country.uuid_for(entry.alpha_2),
            iso2=entry.alpha_2,
            iso3=entry.alpha_3,
            numeric=entry.numeric,
            name=entry.name,
            official_name=getattr(entry, "official_name", ""),
            aliases=reference_aliases(entry.alpha_2),
            review_state=ReviewState.PUBLISHED,
        )
        Citation.objects.create(
            id=uuid.uuid5(REFERENCE_NAMESPACE, f"citation:country:{entry.alpha_2}"),
            source=source,
            content_type=country_type,
            object_id=country.pk,
            locator=entry.alpha_2,
            supports=["iso3", "numeric", "name"],
            review_state=ReviewState.PUBLISHED,
        )
        created += 1
    return created
