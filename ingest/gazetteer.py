"""What the extractor knows by name: the published records, plus the curated tables.

``Gazetteer.from_database()`` reads the names and aliases of PUBLISHED countries, officials,
organizations, positions and commodities (``core.visibility``'s public rule: what anyone may
read is what may be proposed as a match), so the assistant learns as the dataset grows.
``Gazetteer.offline()`` knows only ISO 3166-1 (pycountry) and ``ingest.tables``: the
evaluation runs both, to show what the rules find on a text nobody has curated yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pycountry
from anyascii import anyascii

from core.autotick import names_of
from core.names import name_key, names_close
from diplomacy.models import Country, Official, Organization, Position
from diplomacy.reference import reference_aliases
from ingest import tables
from trade.models import Commodity


@dataclass(frozen=True)
class Known:
    """A published record, by its public id, with the names sources write for it."""

    public_id: str
    name: str
    names: tuple[str, ...]
    extra: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass
class Gazetteer:
    """Names → records, for each kind the extractor matches against the dataset."""

    #: name as written → (iso2, how: name, demonym, capital)
    country_forms: dict[str, tuple[str, str]]
    country_names: dict[str, str]  # iso2 → name
    published_countries: frozenset[str]
    officials: list[Known]
    organizations: list[Known]
    positions: list[Known]
    commodities: list[Known]
    #: Patterns built from these names, compiled once per gazetteer (``compiled``).
    cache: dict = field(default_factory=dict)

    @classmethod
    def offline(cls) -> Gazetteer:
        forms, names = _iso_countries()
        return cls(forms, names, frozenset(), [], [], [], [])

    @classmethod
    def from_database(cls) -> Gazetteer:
        forms, names = _iso_countries()
        published = set()
        for country in Country.objects.published().order_by("iso2"):
            published.add(country.iso2)
            names[country.iso2] = country.name
            for name in [country.name, country.official_name, *(country.aliases or [])]:
                if name and name not in forms:
                    forms[name] = (country.iso2, "name")

        def known(queryset, **extra):
            return [
                Known(r.slug, r.name, tuple(names_of(r)), {k: f(r) for k, f in extra.items()})
                for r in queryset.published().order_by("slug")
            ]

        return cls(
            forms,
            names,
            frozenset(published),
            known(Official.objects),
            known(Organization.objects.select_related("country"), country=_iso("country")),
            known(
                Position.objects.select_related("country", "posted_to"),
                country=_iso("country"),
                posted_to=_iso("posted_to"),
                title=lambda p: tables.title_in(p.name),
            ),
            known(Commodity.objects, hs_code=lambda c: c.hs_code),
        )

    # --- countries ------------------------------------------------------------------

    def country_alternation(self) -> str:
        """Every name, demonym and capital, longest first, as one regex alternation."""
        forms = sorted(self.country_forms, key=lambda n: (-len(n), n))
        return "(?:" + "|".join(re.escape(f) for f in forms) + ")"

    def country_pattern(self) -> re.Pattern:
        """Every country form as a word, with its capital letter, as sources write them."""
        return self.compiled(
            "countries", lambda: rf"(?<![\w-])({self.country_alternation()})(?![\w-])"
        )

    def compiled(self, name: str, build) -> re.Pattern:
        if name not in self.cache:
            self.cache[name] = re.compile(build())
        return self.cache[name]

    def country_name(self, iso2: str) -> str:
        return self.country_names.get(iso2, iso2)

    # --- named records ----------------------------------------------------------------

    def find(self, kind: str, name: str, *, fuzzy: bool = True) -> Known | None:
        """The published record of ``kind`` that ``name`` names: by a name or alias (any
        case), or, for people, by the near-duplicate rule (spellings, titles, a surname)."""
        records = getattr(self, kind)
        folded = name.casefold()
        for record in records:
            if any(n.casefold() == folded for n in record.names):
                return record
        if not fuzzy:
            return None
        key = name_key(name)
        for record in records:
            if any(name_key(n) == key for n in record.names):
                return record
        if kind == "officials":
            close = [r for r in records if any(names_close(name, n) for n in r.names)]
            return close[0] if len(close) == 1 else None
        return None

    def commodity_forms(self) -> list[tuple[str, Known]]:
        """(name or alias, record) of the published commodities, longest first."""
        forms = [(n, r) for r in self.commodities for n in r.names]
        return sorted(forms, key=lambda f: (-len(f[0]), f[0]))


def _iso(name):
    def read(record):
        related = getattr(record, name)
        return related.iso2 if related is not None else None

    return read


def _iso_countries() -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    forms: dict[str, tuple[str, str]] = {}
    names: dict[str, str] = {}
    for entry in pycountry.countries:
        iso2 = entry.alpha_2
        names[iso2] = getattr(entry, "common_name", "") or entry.name
        for name in [entry.name, *reference_aliases(iso2)]:
            # "Korea, Republic of" is never written so in running text.
            if name and "," not in name and "(" not in name:
                forms.setdefault(name, (iso2, "name"))
    for name, iso2 in tables.COUNTRY_NAMES.items():
        forms[name] = (iso2, "name")
    for name, iso2 in tables.DEMONYMS.items():
        forms.setdefault(name, (iso2, "demonym"))
    for name, iso2 in tables.CAPITALS.items():
        forms.setdefault(name, (iso2, "capital"))
    # Sources drop diacritics as often as they keep them: "Turkiye", "Cote d'Ivoire",
    # "Sao Tome", "Bogota".
    for name, found in list(forms.items()):
        forms.setdefault(anyascii(name), found)
    # "Georgia" (the state in the US), "Jersey", "Chad": names that are also other words
    # still read as countries, written with their capital letter, as sources write them.
    return forms, names
