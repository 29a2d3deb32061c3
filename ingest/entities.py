"""Named things: countries, commodities, organizations, officials and their posts.

Each rule adds ``Mention``s to the context; ``ingest.extract`` keeps one proposal per record.
Matches against published records come first (score 0.95), curated tables next (0.85), and
patterns of the language last (0.6–0.8).
"""

from __future__ import annotations

import re

from core.names import name_key
from ingest import tables
from ingest.context import CAPWORD, NAME, NOT_NAME, Context, Mention

SCORE_KNOWN, SCORE_TABLE, SCORE_PATTERN = 0.95, 0.85, 0.7


# --- countries --------------------------------------------------------------------------


def countries(ctx: Context) -> None:
    gaz = ctx.gazetteer
    for m in gaz.country_pattern().finditer(ctx.text):
        form = m.group(1)
        iso2, how = gaz.country_forms[form]
        if how == "demonym" and re.match(r"\s+(?:Sea|Ocean)\b", ctx.text[m.end() :]):
            continue
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
    if ctx.covered(m.start(), m.end(), ("organization", "official")):
        return True
    word = m.group()
    if not word[:1].isupper() or m.start() == 0 or ctx.text[m.start() - 2 : m.start()] == ". ":
        return False
    around = ctx.text[max(0, m.start() - 12) : m.end() + 12]
    return bool(re.search(rf"(?:{tables.ORG_HEADS}|Ministry|of)\b", around))


# --- organizations ----------------------------------------------------------------------


def _ministry(ctx: Context) -> re.Pattern:
    def build():
        c = ctx.gazetteer.country_alternation()
        return (
            rf"(?:(?P<cty>{c})(?:['’]s)?\s+)?(?:{tables.PORTFOLIOS})\s+Ministry|"
            rf"Ministry\s+(?:of|for)\s+(?:the\s+)?{CAPWORD}(?:\s+(?:and\s+)?{CAPWORD}){{0,3}}"
            rf"(?:\s+of\s+(?:the\s+)?(?P<cty2>{c}))?|"
            # "India's petroleum ministry", "the Kyrgyz statistics committee": lower case, only
            # after the country, which makes them a body's name.
            rf"(?P<cty3>{c})['’]s\s(?:[a-z]+\s){{1,2}}(?:ministry|department|committee|agency)\b|"
            rf"(?P<cty4>{c})\s(?:(?:[a-z]+\s){{1,2}}(?:ministry|department|committee|agency)|"
            rf"customs(?:\s(?:service|authority|administration))?)\b|"
            # "its agriculture department", "the trade ministry": a portfolio's body.
            rf"(?<=\b(?:its|the) )(?i:{tables.PORTFOLIOS})\s(?:ministry|department)\b"
        )

    return ctx.gazetteer.compiled("ministry", build)


_ORG = re.compile(
    rf"(?P<name>{CAPWORD}(?:\s+(?:(?:and|of|for|&)\s+)?{CAPWORD}){{0,5}}\s+(?:{tables.ORG_HEADS})"
    rf"(?:\s+(?:of|for)\s+(?:the\s+)?{CAPWORD}(?:\s+{CAPWORD}){{0,2}})?)(?![\w-])"
)
_APPOSITIVE = re.compile(
    rf"(?P<name>{CAPWORD}(?:\s+{CAPWORD}){{0,4}}),\s+(?:an?|the)\s+(?:[\w-]+\s+){{0,2}}?"
    r"(?:organi[sz]ation|group|movement|militia|company|firm|party|network)\b"
)
_GROUP_NOUN = re.compile(rf"\bthe\s+(?P<name>{CAPWORD}(?:\s+(?:{CAPWORD}|\d+)){{0,3}})\s+"
                         r"(?:movement|group|militia|network)\b")  # fmt: skip
_ACRONYM = re.compile(rf"\b(?P<name>{'|'.join(tables.ACRONYMS)})\b")


def organizations(ctx: Context) -> None:
    gaz, text = ctx.gazetteer, ctx.text
    for record in gaz.organizations:
        for name in record.names:
            for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
                _org(ctx, m.start(), m.end(), record.name, "", record.extra.get("country"),
                     record.public_id, SCORE_KNOWN)  # fmt: skip
    for m in _ministry(ctx).finditer(text):
        named = [_iso(ctx, m.group(g)) for g in ("cty", "cty2", "cty3", "cty4")]
        iso2 = next((i for i in named if i), None) or _nearest(ctx, m.start())
        start = m.start("cty") if m.group("cty") else m.start()
        for g in ("cty3", "cty4"):
            if m.group(g):  # the body's own words, after the country's
                start = m.end(g) + (3 if g == "cty3" else 1)
        _org(ctx, start, m.end(), text[m.start() : m.end()], "ministry", iso2, None, SCORE_PATTERN)
    for pattern, kind in ((_ORG, ""), (_APPOSITIVE, "movement"), (_GROUP_NOUN, "movement")):
        for m in pattern.finditer(text):
            start, end = m.span("name")
            while text[start:end].split(" ", 1)[0] in NOT_NAME and " " in text[start:end]:
                start += len(text[start:end].split(" ", 1)[0]) + 1
            name = text[start:end]
            if name in NOT_NAME or name in gaz.country_forms:
                continue
            _org(ctx, start, end, name, kind or _org_kind(name), None, None, SCORE_PATTERN)
    for m in _ACRONYM.finditer(text):
        name = tables.ACRONYMS[m.group("name")]
        _org(ctx, m.start(), m.end(), name, "international_body", None, None, SCORE_TABLE)
    _listed(ctx)
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


def _iso(ctx: Context, form: str | None) -> str | None:
    if not form:
        return None
    found = ctx.gazetteer.country_forms.get(form.removeprefix("the "))
    return found[0] if found else None


def _nearest(ctx: Context, offset: int) -> str | None:
    return nearest_country_before(ctx, offset)


# --- officials and their posts ----------------------------------------------------------

_TITLE = rf"(?i:{tables.MINISTER.pattern}|{tables.TITLE.pattern})"


def _post_patterns(ctx: Context) -> tuple[re.Pattern, re.Pattern]:
    c = ctx.gazetteer.country_alternation()
    post = (
        rf"(?:(?P<cty>{c})(?:['’]s)?\s+)?(?P<title>{_TITLE})"
        rf"(?:\s+(?:to|for|in)\s+(?P<to>{c}))?(?:\s+of\s+(?P<of>{c}))?"
    )
    title_name = ctx.gazetteer.compiled(
        "title_name", lambda: rf"(?:\b[Tt]he\s+)?(?P<post>{post}),?\s+(?P<name>{NAME})"
    )
    name_title = ctx.gazetteer.compiled(
        "name_title", lambda: rf"(?P<name>{NAME}),\s+(?:(?:the|a)\s+)?(?P<post>{post})"
    )
    return title_name, name_title


def officials(ctx: Context) -> None:
    for pattern in _post_patterns(ctx):
        for m in pattern.finditer(ctx.text):
            name_start, name_end = _trim_name(ctx, *m.span("name"))
            if name_end <= name_start:
                continue
            _official(ctx, name_start, name_end, m, SCORE_PATTERN + 0.1)
    for record in ctx.gazetteer.officials:
        for name in record.names:
            for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", ctx.text):
                if not ctx.covered(m.start(), m.end(), ("official",)):
                    _add_official(ctx, m.start(), m.end(), record.name, record.public_id, 0.95)
    _surnames(ctx)
    # "Lima" in "Paulo Teixeira Lima" is a man, not Peru.
    people = ctx.of("official")
    ctx.mentions = [
        m for m in ctx.mentions
        if not (m.kind == "country" and m.value["via"] == "capital"
                and any(p.start <= m.start and m.end <= p.end for p in people))
    ]  # fmt: skip


def _trim_name(ctx: Context, start: int, end: int) -> tuple[int, int]:
    """Drop leading and trailing words that are no part of a name ("In", a country)."""
    words = [(w.start() + start, w.end() + start) for w in re.finditer(r"\S+", ctx.text[start:end])]
    while words and (
        ctx.text[words[0][0] : words[0][1]] in NOT_NAME
        or ctx.text[words[0][0] : words[0][1]] in ctx.gazetteer.country_forms
    ):
        words.pop(0)
    while words and ctx.text[words[-1][0] : words[-1][1]] in NOT_NAME:
        words.pop()
    if len(words) < 2:
        return start, start
    return words[0][0], words[-1][1]


def _official(ctx: Context, start: int, end: int, m, score: float) -> None:
    name = ctx.text[start:end]
    forms = ctx.gazetteer.country_forms
    if any(w in forms and forms[w][1] != "capital" for w in name.split()) or re.search(
        rf"\b(?:{tables.ORG_HEADS}|Ministry)\b", name
    ):
        return
    known = ctx.gazetteer.find("officials", name)
    official = _add_official(
        ctx, start, end, known.name if known else name, known.public_id if known else None, score
    )
    if official is None:
        return
    ps, pe = m.span("post")
    if ctx.text[ps:pe].split(" ", 1)[0] in ("The", "the"):
        ps += 4
    cty = _iso(ctx, m.group("cty")) or _iso(ctx, m.group("of"))
    title = tables.canonical_title(m.group("title"))
    posted_to = _iso(ctx, m.group("to"))
    if cty is None:
        cty = _country_of_post(ctx, ps, pe, posted_to)
    if ctx.text[pe - 1] in ",.":
        pe -= 1
    value = {"name": ctx.text[ps:pe], "title": title, "country": cty, "posted_to": posted_to}
    value["holder"] = official.value["name"]
    known = next(
        (p for p in ctx.gazetteer.positions
         if p.extra.get("title") == title and p.extra.get("country") == cty
         and p.extra.get("posted_to") == posted_to),
        None,
    )  # fmt: skip
    if known:
        value["name"] = known.name
    key = f"{title}|{cty}|{posted_to}"
    ctx.add(
        Mention("position", ps, pe, value, known.public_id if known else key, score,
                match=known.public_id if known else None, related=(official.key,))
    )  # fmt: skip


def _country_of_post(ctx: Context, ps: int, pe: int, posted_to: str | None) -> str | None:
    """The state a post serves, when its words do not say: a country named before it in
    its sentence, else a nationality after it in the sentence ("… said Vietnamese exporters
    could"), else the last country named before the sentence."""
    exclude = {posted_to} if posted_to else set()
    found = nearest_country_before(ctx, ps, exclude)
    if found:
        return found
    e = ctx.sentence_at(ps)[1]
    after = [c for c in ctx.of("country") if pe <= c.start < e and c.value["via"] == "demonym"]
    if after and after[0].key not in exclude:
        return after[0].key
    return nearest_country_before(ctx, ps, exclude, sentence=False)


def _add_official(ctx, start, end, name, match, score) -> Mention | None:
    if ctx.covered(start, end, ("official",)):
        return None
    key = match or name_key(name)
    same = [m for m in ctx.of("official") if m.key == key or name_key(m.value["name"]) == key]
    if same:
        key = same[0].key
    value = {"name": name, "surname": name.split()[-1]}
    return ctx.add(Mention("official", start, end, value, key, score, match))


def _surnames(ctx: Context) -> None:
    """ "Zhirnov" after "Dmitry Zhirnov": the same official, mentioned again."""
    for official in list(ctx.of("official")):
        surname = official.value["surname"]
        for m in re.finditer(rf"(?<![\w-]){re.escape(surname)}(?![\w-])", ctx.text):
            if not ctx.covered(m.start(), m.end(), ("official", "organization")) and not any(
                c.start <= m.start() and m.end() <= c.end and c.value["via"] != "capital"
                for c in ctx.of("country")
            ):
                ctx.add(
                    Mention("official", m.start(), m.end(), official.value, official.key,
                            official.score * 0.9, official.match)
                )  # fmt: skip
