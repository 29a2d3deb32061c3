"""Country codes of trade statistics to our countries (ISO 3166-1 alpha-2).

UN Comtrade and BACI name countries by their M49 numeric code, which is the ISO 3166-1
numeric code for a country (pycountry knows it), with a few codes of their own for a
country together with territories it reports with. Other codes name no country: "World",
areas "not elsewhere specified", bunkers, free zones, groups such as the EU, and former
states. A row with one of those is skipped and counted, not an error; a code that is none of
these is an error, so a file of another layout is not read as if it were Comtrade's.
"""

import pycountry

#: Comtrade's (and BACI's) own codes for a country with the territories it reports with:
#: the codes of BACI's ``country_codes_V2024xx.csv`` that are no ISO numeric code but name
#: one country (its ``country_iso3`` column). Italy is one: every BACI file has 381.
OWN_CODES = {
    842: "US",  # USA, with Puerto Rico and the US Virgin Islands
    251: "FR",  # France, with Monaco
    381: "IT",  # Italy, with San Marino and the Holy See
    757: "CH",  # Switzerland, with Liechtenstein
    699: "IN",  # India
    579: "NO",  # Norway, with Svalbard and Jan Mayen
}

WORLD = 0

#: Codes that name no current country: the world, areas, groups and former states.
NOT_COUNTRIES = {
    WORLD: "World",
    58: "Belgium-Luxembourg (former)",
    97: "European Union",
    200: "Czechoslovakia (former)",
    230: "Ethiopia, with Eritrea (former)",
    278: "German Democratic Republic (former)",
    280: "Federal Republic of Germany (former)",
    290: "Northern Africa, nes",
    471: "Central American Common Market, nes",
    472: "Africa CAMEU region, nes",
    473: "LAIA, nes",
    490: "Other Asia, nes",  # Taiwan in practice, never named so by the UN or CEPII
    492: "Europe EU, nes",
    527: "Oceania, nes",
    530: "Netherlands Antilles (former)",
    536: "Neutral Zone (former)",
    568: "Other Europe, nes",
    577: "Other Africa, nes",
    582: "Pacific Islands (former)",
    590: "Panama, with the Canal Zone (former)",
    592: "Panama Canal Zone (former)",
    636: "Rest of America, nes",
    637: "North and Central America, nes",
    697: "Europe EFTA, nes",
    711: "Southern African Customs Union (former)",
    720: "Democratic Yemen (former)",
    736: "Sudan, with South Sudan (former)",
    810: "USSR (former)",
    837: "Bunkers",
    838: "Free zones",
    839: "Special Caribbean",
    849: "US Miscellaneous Pacific Islands",
    866: "Yemen Arab Republic (former)",
    879: "Western Asia, nes",
    886: "Yemen Arab Republic (former)",
    890: "Yugoslavia (former)",
    891: "Serbia and Montenegro (former)",
    899: "Areas, nes",
}


class UnknownCountry(ValueError):
    """A code that is neither a country nor a known area."""


def country_code(code, iso3: str = "") -> str | None:
    """The alpha-2 code of a country given by its M49 ``code`` (and, where the format gives
    one, its ISO alpha-3 code); ``None`` for a code that names no country (``NOT_COUNTRIES``).

    Raises ``UnknownCountry`` for anything else, or when the two codes name two countries.
    """
    try:
        number = int(str(code).strip())
    except ValueError:
        raise UnknownCountry(f"“{code}” is not an M49 country code (a number).") from None
    if number in NOT_COUNTRIES:
        return None
    iso3 = (iso3 or "").strip().upper()
    by_code = OWN_CODES.get(number)
    if by_code is None:
        entry = pycountry.countries.get(numeric=f"{number:03d}")
        by_code = entry.alpha_2 if entry is not None else None
    by_iso3 = None
    if len(iso3) == 3 and iso3.isalpha():
        entry = pycountry.countries.get(alpha_3=iso3)
        by_iso3 = entry.alpha_2 if entry is not None else None
    if by_code and by_iso3 and by_code != by_iso3:
        raise UnknownCountry(f"M49 code {number} is {by_code} but ISO code {iso3} is {by_iso3}.")
    found = by_code or by_iso3
    if found is None:
        named = f" ({iso3})" if iso3 else ""
        raise UnknownCountry(f"Unknown country code {number}{named}: not an M49 country or area.")
    return found


def area_name(code) -> str:
    """What a code that names no country stands for ("World", "Areas, nes")."""
    try:
        return NOT_COUNTRIES.get(int(str(code).strip()), str(code))
    except ValueError:
        return str(code)
