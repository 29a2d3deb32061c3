"""People: officials and their posts ("Russian ambassador to Kabul Dmitry Zhirnov").

A title of office (``ingest.tables.TITLES``, "X Minister", "Minister of X") next to a
capitalized name, either way round, makes an official and a position: the post's country
is the nationality or possessive before the title, or "of X" after it, else the one the
context gives (``_country_of_post``); the country it is posted to is "to X"/"for X". Names of
published officials (and their spellings, by ``core.names``) are found anywhere, and a
surname alone after a full name is the same person.
"""

from __future__ import annotations

import re

from core.names import name_key, names_close
from ingest import tables
from ingest.context import CAPWORD, NAME, NOT_NAME, Context, Mention
from ingest.entities import SCORE_PATTERN, country_iso, nearest_country_before

# --- officials and their posts ----------------------------------------------------------

_TITLE = rf"(?i:{tables.MINISTER.pattern}|{tables.TITLE.pattern})"


def _post_patterns(ctx: Context) -> tuple[re.Pattern, re.Pattern]:
    c = ctx.gazetteer.country_alternation()
    post = (
        rf"(?:(?P<cty>{c})(?:['’]s)?\s+)?(?P<title>{_TITLE})"
        rf"(?:\s+(?:to|for|in)\s+(?P<to>{c}))?(?:\s+of\s+(?P<of>{c}))?"
        # "A spokesman for Iran's foreign ministry, Esmaeil Baghaei"
        rf"(?:\s+for\s+(?:the\s+)?(?P<body>{c})['’]s\s+(?:[a-z]+\s+){{0,2}}(?:ministry|"
        rf"department|government|embassy|agency|office))?"
    )
    title_name = ctx.gazetteer.compiled(
        "title_name",
        lambda: (
            rf"(?:\b[Tt]he\s+)?(?P<post>{post})(?:\s+(?:in|at|during)\s+the\s+[a-z]+)?,?\s+"
            rf"(?P<name>{NAME})"
        ),
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
    _speakers(ctx)
    _named_after(ctx)
    _surname_speakers(ctx)
    _surnames(ctx)
    _ministries_of_ministers(ctx)
    # "Lima" in "Paulo Teixeira Lima" is a man, not Peru.
    people = ctx.of("official")
    ctx.mentions = [
        m for m in ctx.mentions
        if not (m.kind == "country" and m.value["via"] == "capital"
                and any(p.start <= m.start and m.end <= p.end for p in people))
    ]  # fmt: skip


_THE_MINISTRY = re.compile(r"\b(?:[Tt]he|[Hh]is|[Hh]er|[Ii]ts)\s+ministry\b(?!\s+(?:of|for)\b)")
_PORTFOLIO_OF = re.compile(r"(?:deputy\s+|state\s+)?(?P<portfolio>[a-z][a-z ,]*?)\s+minister")


def _ministries_of_ministers(ctx: Context) -> None:
    """ "Brazil's agriculture minister, Carlos Favaro … A spokesperson for the ministry said":
    a ministry not named before is the one of the last minister with a portfolio named."""
    for m in _THE_MINISTRY.finditer(ctx.text):
        start, end = m.end() - len("ministry"), m.end()
        if ctx.covered(start, end, ("organization",)):
            continue
        if any(
            o.start < start and o.value.get("kind") == "ministry" for o in ctx.of("organization")
        ):
            continue  # "the ministry" is the one named before (speech._last_body)
        posts = sorted((p for p in ctx.of("position") if p.end <= start), key=lambda p: p.start)
        portfolios = [
            (p, f) for p in posts
            if (f := _PORTFOLIO_OF.fullmatch(p.value["title"])) and p.value.get("country")
        ]  # fmt: skip
        if not portfolios:
            continue
        post, found = portfolios[-1]
        name = f"{found.group('portfolio').title()} Ministry"
        value = {"name": name, "kind": "ministry", "country": post.value["country"]}
        key = name_key(f"{post.value['country']} {name}")
        ctx.add(Mention("organization", start, end, value, key, SCORE_PATTERN - 0.1))


_SPEAKER = re.compile(
    rf"(?P<name>{NAME})(?:,[^,.;“\"]{{3,80}},)?\s+(?:also\s+)?(?:{tables.SPEECH_VERBS})\b"
)


def _speakers(ctx: Context) -> None:
    """A person named without a title, by what they say: "Bahram Jafari said"."""
    forms = ctx.gazetteer.country_forms
    for m in _SPEAKER.finditer(ctx.text):
        start, end = _trim_name(ctx, *m.span("name"))
        name = ctx.text[start:end]
        if end <= start or ctx.covered(start, end, ("official", "organization", "position")):
            continue
        if re.search(r"\b(?:of|for|and)\s+$", ctx.text[max(0, start - 5) : start]):
            continue  # the end of a longer name: "Directorate General of Foreign Trade said"
        if tables.TITLE.search(name) or tables.MINISTER.search(name):
            continue
        if any(w in forms or w in NOT_NAME for w in name.split()) or re.search(
            rf"\b(?:{tables.ORG_HEADS}|Ministry)\b", name
        ):
            continue
        known = ctx.gazetteer.find("officials", name)
        _add_official(ctx, start, end, known.name if known else name,
                      known.public_id if known else None, 0.6)  # fmt: skip


#: A person named after the verb or a role: "said Zhang Wei, an analyst", "his Russian
#: counterpart, Sergei Lavrov", "cotton farmer Luiza Ferreira".
_NAMED_AFTER = re.compile(
    rf"(?:\b(?:{tables.SPEECH_VERBS})\s+(?P<said>{NAME})(?=,\s+(?:an?|the|who)\s)|"
    rf"\bcounterpart,?\s+(?P<peer>{NAME})|"
    rf"\b(?:farmer|analyst|economist|trader|researcher|professor|expert|owner|worker|"
    rf"manager|banker|broker|executive|lawyer|activist|driver|miller|grower)\s+(?P<role>{NAME}))"
)


def _named_after(ctx: Context) -> None:
    for m in _NAMED_AFTER.finditer(ctx.text):
        group = next(g for g in ("said", "peer", "role") if m.group(g))
        start, end = _trim_name(ctx, *m.span(group))
        if end <= start or not _person_like(ctx, start, end):
            continue
        known = ctx.gazetteer.find("officials", ctx.text[start:end])
        _add_official(ctx, start, end, known.name if known else ctx.text[start:end],
                      known.public_id if known else None, 0.6)  # fmt: skip


def _person_like(ctx: Context, start: int, end: int) -> bool:
    """Words that may be a person's name: no country, body, title or month among them."""
    name = ctx.text[start:end]
    if ctx.covered(start, end, ("official", "organization", "position")):
        return False
    if tables.TITLE.search(name) or tables.MINISTER.search(name):
        return False
    forms = ctx.gazetteer.country_forms
    return not (
        any(w in forms or w in NOT_NAME for w in name.split())
        or re.search(rf"\b(?:{tables.ORG_HEADS}|Ministry)\b", name)
    )


_SURNAME_SPEAKER = re.compile(
    rf"(?<![\w-])(?P<surname>[A-Z][^\W\d_]{{2,30}})\s+(?:also\s+)?(?:{tables.SPEECH_VERBS})\b"
)


def _surname_speakers(ctx: Context) -> None:
    """ "Ferreira said" after "cotton farmer Luiza Ferreira": the full name, named before, is
    the person (the surname alone would not make a name)."""
    known = {o.value["surname"] for o in ctx.of("official")}
    for m in _SURNAME_SPEAKER.finditer(ctx.text):
        surname = m.group("surname")
        if surname in known or surname in NOT_NAME or surname in ctx.gazetteer.country_forms:
            continue
        if ctx.covered(m.start(), m.end("surname"), ("official", "organization", "country")):
            continue
        full = re.search(rf"(?<![\w-])([A-Z][^\W\d_]+(?:-[A-Z][^\W\d_]+)?)\s+{surname}\b",
                         ctx.text[: m.start()])  # fmt: skip
        if not full:
            continue
        start, end = full.span()
        if _person_like(ctx, start, end):
            known.add(surname)
            _add_official(ctx, start, end, ctx.text[start:end], None, 0.55)


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
    cty = (
        country_iso(ctx, m.group("cty"))
        or country_iso(ctx, m.group("of"))
        or country_iso(ctx, m.group("body"))
    )
    title = tables.canonical_title(m.group("title"))
    posted_to = country_iso(ctx, m.group("to"))
    if cty is None:
        cty = _country_of_post(ctx, ps, pe, posted_to)
    if posted_to is None and title in _ENVOYS and cty:
        posted_to = _host(ctx, ps, cty)
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


_ENVOYS = ("ambassador", "envoy", "chargé d'affaires", "consul", "consul general")


def _host(ctx: Context, ps: int, cty: str) -> str | None:
    """Where an envoy serves when the words do not say ("summoned the Russian ambassador"):
    the country whose side acts in the sentence, named before the post, if one other than
    the envoy's own is."""
    s, _ = ctx.sentence_at(ps)
    others = [c for c in ctx.of("country") if s <= c.start < ps and c.key != cty]
    return others[0].key if len({c.key for c in others}) == 1 else None


_PARTNER_BEFORE = re.compile(r"\b(?:from|to|into|with)\s+(?:the\s+)?$")


def _country_of_post(ctx: Context, ps: int, pe: int, posted_to: str | None) -> str | None:
    """The state a post serves, when its words do not say: a country named before it in
    its sentence, else a nationality after it in the sentence ("… said Vietnamese exporters
    could"), else the last country named before the sentence."""
    exclude = {posted_to} if posted_to else set()
    s, e = ctx.sentence_at(ps)
    # "Trade Minister X and his Iraqi counterpart": the counterpart's side is the other one.
    exclude |= {
        c.key for c in ctx.of("country")
        if s <= c.start < e and re.match(r"\s+counterparts?\b", ctx.text[c.end : c.end + 14])
    }  # fmt: skip
    # The sentence's first country: "Mongolia expects to export … to China, Mining Minister
    # X said"; "Russia's envoy said the Russian Foreign Ministry had briefed President Putin".
    first = [c for c in ctx.of("country") if s <= c.start < ps and c.key not in exclude]
    if first:
        return min(first, key=lambda c: c.start).key
    after = [c for c in ctx.of("country") if pe <= c.start < e and c.value["via"] == "demonym"]
    if after and after[0].key not in exclude:
        return after[0].key
    # The last country named before, as a side rather than a partner: in "imports from
    # China … Deputy Trade Minister X said", or "The Philippines plans to import rice from
    # Vietnam … Agriculture Secretary X", the post is not the partner's.
    sides = [
        c for c in ctx.of("country")
        if c.start < s and c.key not in exclude
        and not _PARTNER_BEFORE.search(ctx.text[max(0, c.start - 12) : c.start])
    ]  # fmt: skip
    if sides:
        return max(sides, key=lambda c: c.start).key
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
    first: dict[str, Mention] = {}
    for official in sorted(ctx.of("official"), key=lambda m: m.start):
        first.setdefault(official.value["surname"], official)
    taken = [(m.start, m.end) for m in ctx.mentions if m.kind in ("official", "organization")]
    taken += [(c.start, c.end) for c in ctx.of("country") if c.value["via"] != "capital"]
    forms = ctx.gazetteer.country_forms
    for surname, official in first.items():
        for m in re.finditer(rf"(?<![\w-]){CAPWORD}(?![\w-])", ctx.text):
            word = m.group()
            # "Aliev" after "Ilham Aliyev", "Sarkar" after "Zanendra Nath Sarker": one man's
            # surname in another transliteration (core.names compares them so)
            if word != surname and not (
                len(word) >= 4 and word[0] == surname[:1] and word not in forms
                and word not in NOT_NAME and names_close(word, surname)
            ):  # fmt: skip
                continue
            if not any(s <= m.start() and m.end() <= e for s, e in taken):
                taken.append((m.start(), m.end()))
                ctx.add(
                    Mention("official", m.start(), m.end(), official.value, official.key,
                            official.score * 0.9, official.match)
                )  # fmt: skip
