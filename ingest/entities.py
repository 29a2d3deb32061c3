"""Named things: countries, commodities, organizations, officials and their posts.

Each rule adds ``Mention``s to the context; ``ingest.extract`` keeps one proposal per record.
Matches against published records come first (score 0.95), curated tables next (0.85), and
patterns of the language last (0.6–0.8).
"""

from __future__ import annotations

import re

from core.names import name_key
from ingest import tables
from ingest.context import CAPWORD, NOT_NAME, Context, Mention

SCORE_KNOWN, SCORE_TABLE, SCORE_PATTERN = 0.95, 0.85, 0.7


# --- countries --------------------------------------------------------------------------


def countries(ctx: Context) -> None:
    gaz = ctx.gazetteer
    for m in gaz.country_pattern().finditer(ctx.text):
        form = m.group(1)
        iso2, how = gaz.country_forms[form]
        if how == "demonym" and re.match(r"\s+(?:Sea|Ocean)\b", ctx.text[m.end() :]):
            continue
        if re.match(r"\s+dollars?\b", ctx.text[m.end() : m.end() + 10]):
            continue  # "US dollars" names a currency, not a country
        ctx.add(
            Mention(
                "country",
                m.start(1),
                m.end(1),
                {"iso2": iso2, "name": gaz.country_name(iso2), "via": how},
                iso2,
                SCORE_KNOWN if how == "name" else SCORE_TABLE,
                match=iso2 if iso2 in gaz.published_countries else None,
                inferred=how == "capital",
            )
        )


def country_at(ctx: Context, start: int, end: int) -> str | None:
    """The iso2 of a country mention inside [start, end)."""
    for m in ctx.of("country"):
        if start <= m.start and m.end <= end:
            return m.key
    return None


def nearest_country_before(
    ctx: Context, offset: int, exclude=(), *, sentence: bool = True
) -> str | None:
    """The last country named before ``offset`` (in its sentence, or anywhere before)."""
    s = ctx.sentence_at(offset)[0] if sentence else 0
    before = [m for m in ctx.of("country") if s <= m.start < offset and m.key not in exclude]
    return before[-1].key if before else None


# --- commodities ------------------------------------------------------------------------

_COMMODITY_TABLE = [
    (re.compile(rf"(?<![\w-])(?:{words})(?![\w-])", re.IGNORECASE), slug, name, hs, sector)
    for words, slug, name, hs, sector in tables.COMMODITIES
]


def commodities(ctx: Context) -> None:
    """Published commodities' names and aliases first, then the curated words; where two
    overlap, the longer wins ("sunflower oil" over "oil", "soybean meal" over "soybean")."""
    gaz, found = ctx.gazetteer, []
    for rank, (form, record) in enumerate(gaz.commodity_forms()):
        pattern = rf"(?<![\w-]){re.escape(form)}(?:s|es)?(?![\w-])"
        for m in re.finditer(pattern, ctx.text, re.IGNORECASE):
            found.append((m, 0, rank, record, None))
    for rank, entry in enumerate(_COMMODITY_TABLE):
        for m in entry[0].finditer(ctx.text):
            found.append((m, 1, rank, None, entry))
    taken: list[tuple[int, int]] = []
    for m, _source, _, record, entry in sorted(
        found, key=lambda f: (-(f[0].end() - f[0].start()), f[1], f[0].start(), f[2])
    ):
        if not _free(taken, m.start(), m.end()) or _in_name(ctx, m):
            continue
        taken.append((m.start(), m.end()))
        if record is not None:
            value = {"slug": record.public_id, "name": record.name}
            value |= {"hs_code": record.extra.get("hs_code", ""), "hs_inferred": False}
            mention = Mention("commodity", m.start(), m.end(), value, record.public_id,
                              SCORE_KNOWN, match=record.public_id)  # fmt: skip
        else:
            _, slug, name, hs, sector = entry
            known = gaz.find("commodities", name, fuzzy=False) or gaz.find(
                "commodities", slug, fuzzy=False
            )
            value = {"slug": slug, "name": name, "hs_code": hs, "hs_inferred": True}
            value["sector"] = sector
            if known:
                value.update(slug=known.public_id, name=known.name)
            mention = Mention("commodity", m.start(), m.end(), value, value["slug"], SCORE_TABLE,
                              match=known.public_id if known else None, inferred=True)  # fmt: skip
        ctx.add(mention)


def _free(taken, start, end) -> bool:
    return all(end <= s or start >= e for s, e in taken)


def _in_name(ctx: Context, m) -> bool:
    """A commodity word inside a capitalized name ("Ministry of Oil", "Grain Company")."""
    if ctx.covered(m.start(), m.end(), ("organization", "official", "position")):
        return True
    word = m.group()
    # a sentence's or a paragraph's first word is capitalized for that alone
    if (
        not word[:1].isupper()
        or m.start() == 0
        or re.search(r"(?:[.!?]\s|\n)$", ctx.text[m.start() - 2 : m.start()])
    ):
        return False
    # "the West African Gas Pipeline": capitalized words on both sides make it a name.
    if re.search(r"[A-Z][\w-]*\s$", ctx.text[max(0, m.start() - 30) : m.start()]) and re.match(
        r"\s[A-Z]", ctx.text[m.end() : m.end() + 2]
    ):
        return True
    around = ctx.text[max(0, m.start() - 12) : m.end() + 12]
    if re.search(rf"(?:{tables.ORG_HEADS}|Ministry)\b", around):
        return True
    # "Ministry of Oil", "Bank of Gold": "of" after a capitalized word, not "tonnes of LNG"
    return bool(re.search(r"[A-Z][\w-]*\s+of\s+$", ctx.text[max(0, m.start() - 30) : m.start()]))


# --- organizations ----------------------------------------------------------------------


#: Bodies written in lower case after their country: "India's petroleum ministry", "the
#: Afghan power utility", "the Kyrgyz statistics committee".
BODIES = r"ministry|department|committee|agency|utility|regulator|central bank|office|service"


def _ministry(ctx: Context) -> re.Pattern:
    def build():
        c = ctx.gazetteer.country_alternation()
        return (
            rf"(?:(?P<cty>{c})(?:['’]s)?\s+)?(?:{tables.PORTFOLIOS})\s+Ministry|"
            # "Ministry of Economy, Trade and Industry"
            rf"Ministry\s+(?:of|for)\s+(?:the\s+)?{CAPWORD}(?:,?\s+(?:and\s+)?{CAPWORD}){{0,3}}"
            rf"(?:\s+of\s+(?:the\s+)?(?:(?:Republic|Kingdom|State|Federation)\s+of\s+)?"
            rf"(?P<cty2>{c}))?|"
            # "India's petroleum ministry", "the Kyrgyz statistics committee": lower case, only
            # after the country, which makes them a body's name.
            # Not when the body's own name follows: "Algeria's state grains agency OAIC".
            rf"(?P<cty3>{c})['’]s\s(?:[a-z]+\s){{1,2}}(?:{BODIES})\b(?!\s[A-Z])|"
            rf"(?P<cty4>{c})\s(?:(?:[a-z]+\s){{1,2}}(?:{BODIES})(?!\s[A-Z])|"
            rf"customs(?:\s(?:service|authority|administration))?)\b|"
            # "Iran's embassy in Tokyo": a state's mission, with no other word
            rf"(?P<cty6>{c})['’]s\s(?:embassy|consulate|mission)\b(?:\sin\s{CAPWORD})?|"
            # "its agriculture department", "the trade ministry": a portfolio's body.
            rf"(?<=\b(?:[Ii]ts|[Tt]he) )(?i:{tables.PORTFOLIOS})\s(?:ministry|department)\b|"
            # ", trade ministry figures show": a portfolio's body by what it publishes
            rf"(?<=, )(?i:{tables.PORTFOLIOS})\sministry(?=\s(?:figures|data|statistics)\b)|"
            # "the Nigerian ministry of power": the name's order, in lower case.
            rf"(?:(?P<cty5>{c})\s)?ministry\s(?:of|for)\s(?i:{tables.PORTFOLIOS})\b"
        )

    return ctx.gazetteer.compiled("ministry", build)


_ORG = re.compile(
    # "Prosecutor General's Office": a possessive inside the name, never on its first word
    rf"(?P<name>{CAPWORD}(?:\s+(?:(?:and|of|for|&)\s+)?{CAPWORD}(?:['’]s)?){{0,5}}\s+"
    rf"(?:{tables.ORG_HEADS})"
    rf"(?:\s+(?:of|for)\s+(?:the\s+)?{CAPWORD}(?:\s+{CAPWORD}){{0,2}})?)(?![\w-])"
)
_APPOSITIVE = re.compile(
    rf"(?P<name>{CAPWORD}(?:\s+{CAPWORD}){{0,4}}),\s+(?:an?|the)\s+(?:[\w-]+\s+){{0,2}}?"
    r"(?:organi[sz]ation|group|movement|militia|company|firm|party|network|producer|exporter|"
    r"importer|utility|operator|buyer|agency|regulator|monopoly|giant|body|miner|smelter|refiner|"
    r"trader|lender|insurer|carrier|shipper|manufacturer|maker|supplier|conglomerate|"
    r"retailer|developer|union)\b"
)
_GROUP_NOUN = re.compile(
    rf"\b[Tt]he\s+(?P<name>{CAPWORD}(?:\s+(?:{CAPWORD}|\d+)){{0,3}})\s+"
    r"(?:movement|group|militia|network|administration|authorities)\b"
)
#: "Directorate General of Foreign Trade", "Bank of Japan": the head word first.
_HEAD_FIRST = re.compile(
    rf"(?P<name>(?:(?:\bU\.S\.|\bU\.K\.|\b{CAPWORD})\s+){{0,2}}\b(?:Directorate(?: General)?|"
    rf"Bank|Council|Office|Agency|"
    rf"Commission|Committee|"
    rf"Chamber|Federation|Union|Organi[sz]ation|Court|Administration|Bureau|Institute|Community|Department)\s+"
    rf"(?:of|for)\s+(?:the\s+)?{CAPWORD}(?:\s+(?:and\s+)?{CAPWORD}){{0,3}})"
)
#: "the state miner Erdenes Tavan Tolgoi", "state oil company Socar": a name after its kind.
_DESCRIBED = re.compile(
    # "Brazilian farm cooperative Coamo", "Tehran-based Sapid Shipping"
    rf"(?:\b(?:state|state-owned|national|government-owned|[a-z]+s['’]|[a-z]+ing|"
    rf"[A-Z][a-z]+(?:ian|an|ese|ish|i))\s+(?:[a-z]+\s+)"
    rf"{{0,2}}?(?:miner|producer|company|utility|firm|railway|airline|operator|buyer|exporter|"
    rf"cooperative|"
    rf"importer|bank|carrier|union|shipping line|smelter|refiner|trader|lender|group|agency)|"
    rf"\b[A-Z][\w]+-based)\s+(?P<name>{CAPWORD}(?:\s+{CAPWORD}){{0,3}})"
)
#: Bodies written in lower case, after "the": "the volta river authority", "the council of
#: palm oil producing countries" (a name the text does not capitalize is still a name).
_LOWER_BODY = re.compile(
    r"\b[Tt]he\s+(?P<name>(?:[a-z]+\s+){1,2}authority|(?:council|union|association|federation|"
    r"organi[sz]ation|forum|alliance) of (?:[a-z-]+\s+){0,4}(?:countries|states|nations|"
    r"exporters|producers|importers))\b"
)
#: "Germany's Uniper has signed": one capitalized word after a country's possessive, then a
#: verb, is a company of that country (a person has a title or two names there).
_POSSESSED = re.compile(
    rf"['’]s\s+(?P<name>{CAPWORD})(?=\s+(?:has|have|had|is|was|will|would|said|says|plans|"
    rf"signed|agreed)\b)"
)
_NAMED_FORMS = sorted(map(re.escape, tables.NAMED_BODIES), key=len, reverse=True)
_NAMED = re.compile(rf"(?<![\w-])(?P<name>{'|'.join(_NAMED_FORMS)})(?![\w-])")
#: "QatarEnergy", "PetroChina": a capital inside a word is a company's mark (not "McDonald").
_CAMEL = re.compile(r"(?<![\w-])(?!Mc|Mac)[A-Z][a-z]{2,}[A-Z][A-Za-z]{2,}(?![\w-])")
_ACRONYM_APPOSITION = re.compile(r"(?:,\s+the\s+|\()(?P<name>[A-Z][A-Z&]{2,7})(?=[,)])")
_TITLED = re.compile(
    rf"(?<![\w'’-])(?<![A-Z][\w'’-] )(?P<name>{CAPWORD})\s+(?:chairman|chairwoman|chief executive|"
    rf"managing director|chief financial officer)\s+(?=[A-Z][a-z])"
)
_NAMES = ("organization", "country", "official", "commodity")
_ACRONYM = re.compile(rf"\b(?P<name>{'|'.join(tables.ACRONYMS)})\b")


def organizations(ctx: Context) -> None:
    gaz, text = ctx.gazetteer, ctx.text
    for record in gaz.organizations:
        for name in record.names:
            for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
                _org(ctx, m.start(), m.end(), record.name, "", record.extra.get("country"),
                     record.public_id, SCORE_KNOWN)  # fmt: skip
    for m in _ministry(ctx).finditer(text):
        groups = ("cty", "cty2", "cty3", "cty4", "cty5", "cty6")
        named = [country_iso(ctx, m.group(g)) for g in groups]
        iso2 = next((i for i in named if i), None) or _nearest_side(ctx, m.start())
        start = m.start("cty") if m.group("cty") else m.start()
        for g in ("cty3", "cty4", "cty6"):
            if m.group(g):  # the body's own words, after the country's
                start = m.end(g) + (1 if g == "cty4" else 3)
        # "Ministry of Trade of the Republic of Turkiye" is the Ministry of Trade of Turkiye
        name = re.sub(r"\s+of\s+the\s+(?:Republic|Kingdom|State|Federation)\s+of\s+", " of ",
                      text[m.start() : m.end()])  # fmt: skip
        _org(ctx, start, m.end(), name, "ministry", iso2, None, SCORE_PATTERN)
    patterns = ((_ORG, ""), (_APPOSITIVE, "movement"), (_GROUP_NOUN, "movement"))
    for pattern, kind in (*patterns, (_DESCRIBED, "company"), (_HEAD_FIRST, "")):
        for m in pattern.finditer(text):
            start, end = m.span("name")
            while text[start:end].split(" ", 1)[0] in NOT_NAME and " " in text[start:end]:
                start += len(text[start:end].split(" ", 1)[0]) + 1
            name = text[start:end]
            if name in NOT_NAME or name in gaz.country_forms:
                continue
            _org(ctx, start, end, name, kind or _org_kind(name), None, None, SCORE_PATTERN)
    for pattern in (_LOWER_BODY, _POSSESSED):
        for m in pattern.finditer(text):
            start, end = m.span("name")
            owner = [c for c in ctx.of("country") if c.end == m.start()]
            if pattern is _POSSESSED and not owner:
                continue  # "Germany's Uniper", not "the company's Chairman"
            name = text[start:end]
            if name in NOT_NAME or name in gaz.country_forms or tables.TITLE.fullmatch(name):
                continue
            kind = "company" if pattern is _POSSESSED else _org_kind(name.title())
            _org(ctx, start, end, name, kind, _nearest(ctx, start), None, SCORE_PATTERN - 0.1)
    for m in _ACRONYM_APPOSITION.finditer(text):
        # "the Nigeria Sovereign Investment Authority (NSIA)": the same body by its initials
        named = [
            o
            for o in ctx.of("organization")
            if re.fullmatch(r"\s*\(", text[o.end : m.start("name")])
        ]
        if named and not ctx.covered(*m.span("name"), ("organization",)):
            o = named[0]
            ctx.add(Mention("organization", *m.span("name"), o.value, o.key, o.score, o.match))
            continue
        # "China's customs agency, the GACC": initials set off after a body are its own.
        if not ctx.covered(m.start("name"), m.end("name"), ("country", "commodity")):
            _org(ctx, *m.span("name"), m.group("name"), "", None, None, SCORE_PATTERN - 0.1)
    for m in _ACRONYM.finditer(text):
        name = tables.ACRONYMS[m.group("name")]
        _org(ctx, m.start(), m.end(), name, "international_body", None, None, SCORE_TABLE)
    for m in _NAMED.finditer(text):
        kind = tables.NAMED_BODIES[m.group("name")]
        if kind != "government":  # "the Kremlin" speaks for Russia (a capital, in tables)
            _org(ctx, m.start(), m.end(), m.group("name"), kind, None, None, SCORE_TABLE)
    for m in _CAMEL.finditer(text):
        if m.group() not in gaz.country_forms:
            _org(ctx, m.start(), m.end(), m.group(), "company", None, None, SCORE_PATTERN - 0.1)
    _listed(ctx)
    _again(ctx)
    for m in _TITLED.finditer(text):
        # "Petrobangla chairman Zanendra Nath Sarker": one word before a company's officer
        name = m.group("name")
        if name in NOT_NAME or name in gaz.country_forms or ctx.covered(*m.span("name"), _NAMES):
            continue
        _org(ctx, *m.span("name"), name, "company", None, None, SCORE_PATTERN - 0.1)
    _again(ctx)


_LIST_HEAD = re.compile(
    r"\b(?:organi[sz]ations|groups|movements|entities)\b[^.;:]{0,40}?\b(?:now\s+)?"
    r"(?:includes?|including|such as|like|namely)\s+|\b(?:organi[sz]ations|groups)\b[^.;]{0,40}:\s*"
)


def _listed(ctx: Context) -> None:
    """ "the list of banned organizations now includes A, B and the C group": each a name."""
    for m in _LIST_HEAD.finditer(ctx.text):
        end = ctx.sentence_at(m.start())[1]
        at = m.end()
        for item in re.split(r",\s+(?:and\s+)?|\s+and\s+", ctx.text[at:end].rstrip(".")):
            lead = len(item) - len(item.lstrip())
            start = at + lead
            if item.lstrip().startswith("the "):
                start += 4
            name = ctx.text[start : at + len(item)]
            name = re.sub(r"\s+(?:group|movement|party|network)$", "", name)
            if (
                name[:1].isupper()
                and len(name.split()) <= 5
                and name not in ctx.gazetteer.country_forms
            ):
                _org(ctx, start, start + len(name), name, "movement", None, None, SCORE_PATTERN)
            at += len(item) + len(
                re.match(r",\s+(?:and\s+)?|\s+and\s+|", ctx.text[at + len(item) :]).group()
            )


def _again(ctx: Context) -> None:
    """An organization named once is the same one where its name comes again."""
    for org in list(ctx.of("organization")):
        name = ctx.text[org.start : org.end]
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", ctx.text):
            if not ctx.covered(m.start(), m.end(), ("organization",)):
                ctx.add(
                    Mention(
                        "organization", m.start(), m.end(), org.value, org.key, org.score, org.match
                    )
                )


def _org_kind(name: str) -> str:
    if re.search(r"Company|Corporation|Corp|Holding|Group|Exchange", name):
        return "company"
    if re.search(r"Movement|Party|Front", name):
        return "movement"
    if re.search(r"Ministry|Agency|Committee|Service|Administration|Authority|Cabinet", name):
        return "ministry"
    return "other"


def _org(ctx, start, end, name, kind, iso2, match, score) -> None:
    if ctx.covered(start, end, ("organization",)):
        return
    # A longer name found later replaces the shorter ones inside it.
    ctx.mentions = [
        m
        for m in ctx.mentions
        if not (m.kind == "organization" and start <= m.start and m.end <= end)
    ]
    known = None if match else ctx.gazetteer.find("organizations", name, fuzzy=False)
    if known:
        match, name, iso2 = known.public_id, known.name, known.extra.get("country") or iso2
    value = {"name": name, "kind": kind or "other", "country": iso2}
    ctx.add(Mention("organization", start, end, value, match or name_key(name), score, match))


def country_iso(ctx: Context, form: str | None) -> str | None:
    if not form:
        return None
    found = ctx.gazetteer.country_forms.get(form.removeprefix("the "))
    return found[0] if found else None


def _nearest_side(ctx: Context, offset: int) -> str | None:
    """The last country named before in the sentence as a side, not as a partner ("South
    Korea imported … from Chile …, trade ministry figures show"), else the last one."""
    s = ctx.sentence_at(offset)[0]
    before = [c for c in ctx.of("country") if s <= c.start < offset]
    sides = [c for c in before if not _PARTNER.search(ctx.text, max(0, c.start - 12), c.start)]
    return (sides or before)[-1].key if before else None


_PARTNER = re.compile(r"\b(?:from|to|into|with)\s+(?:the\s+)?$")


def _nearest(ctx: Context, offset: int) -> str | None:
    return nearest_country_before(ctx, offset)
