"""Reported speech: statements and their speakers.

A statement is a verb of speech with its speaker (an official, an organization, a country's
side, or "he"/"the ambassador" for the last official named), "according to X", or a side's
"statements about"; its quote is the passage between quotation marks (mode ``direct``) or
empty (mode ``reported``). Its span runs from the speaker (or the verb) to the sentence's end.
"""

from __future__ import annotations

import re

from ingest import tables
from ingest.context import Context, Mention

# --- statements -------------------------------------------------------------------------

_QUOTED = re.compile(r"[“\"«]([^”\"»]{3,}?)[”\"»]")
_VERB = tables.words(tables.SPEECH_VERBS)
_PARTICIPLE = re.compile(rf"\b(?:{tables.SPEECH_PARTICIPLES})(?=\s+(?:that\b|[“\"]))")
#: "data from the energy ministry showed": the body whose figures they are.
_DATA_FROM = re.compile(
    r"\b(?:[Dd]ata|[Ff]igures|[Ss]tatistics|[Ee]stimates)\s+(?:(?:released|published|compiled)\s+)?"
    r"(?:from|by)\s+(?=[^.;]*\bshow)"
)
_ACCORDING = re.compile(
    r"\b[Aa]ccording to\s+(?:(?:the\s+)?(?:figures|data|estimates|statistics|a statement|a report)"
    r"\s+(?:from|by|of)\s+)?"
)
_PRONOUN = re.compile(r"\b(?:He|She|he|she)(?:\s+also)?\s*$")
_ROLE_NOUN = re.compile(
    r"\b[Tt]he\s+(ambassador|minister|envoy|president|spokes\w+|official)(?:\s+also)?\s*$"
)
_SIDE = re.compile(rf"(?:{tables.SPEECH_NOUNS})\s+(?:about|on|that)\b")


def statements(ctx: Context) -> None:
    for s, e in ctx.sentences:
        sentence = ctx.text[s:e]
        found = []
        for m in _VERB.finditer(sentence):
            speaker = _speaker_before(ctx, s, s + m.start()) or _speaker_after(ctx, s + m.end(), e)
            if speaker:
                found.append((s + m.start(), speaker))
        for m in _PARTICIPLE.finditer(sentence):
            speaker = _speaker_before(ctx, s, s + m.start(), anywhere=True)
            if speaker:
                found.append((s + m.start(), speaker))
        for m in [*_ACCORDING.finditer(sentence), *_DATA_FROM.finditer(sentence)]:
            speaker = _speaker_after(ctx, s + m.end(), e, immediately=True)
            if speaker:
                found.append((s + m.start(), speaker))
        for m in _SIDE.finditer(sentence):
            side = [c for c in ctx.of("country") if s <= c.start < s + m.start()
                    and s + m.start() - c.end <= 2 and c.value["via"] == "demonym"]  # fmt: skip
            if side:
                found.append((side[-1].start, _as_speaker(side[-1])))
        seen = set()
        for at, speaker in sorted(found, key=lambda f: f[0]):
            if speaker["key"] in seen:
                continue
            seen.add(speaker["key"])
            _statement(ctx, s, e, at, speaker)


def _as_speaker(m: Mention) -> dict:
    kind = {"country": "country", "official": "official", "organization": "organization"}[m.kind]
    name = m.value["name"] if kind != "country" else m.value["iso2"]
    return {"kind": kind, "name": name, "match": m.match, "key": m.key, "at": (m.start, m.end)}


#: What may stand between a speaker and the verb: "Zhirnov also said", "Ukrainian officials
#: said", "A Saudi energy ministry official said".
_SPEAKER_GAP = re.compile(
    r"(?:[\s,]|also|has|had|have|\w+ly|officials?|side|government|authorities|spokes\w+|"
    r"in [A-Z][\w-]+)*"
)
#: An official's apposition before the verb: "Zhirnov, the ambassador, said".
_APPOSITION = re.compile(r",[^.;]*,\s*(?:also\s+)?|,?\s+[a-z][^.;,“\"]{0,60}\s+(?:and|but)\s+")
_SIDE_NOUN = re.compile(r" (?:side|government|officials?|authorities)\b")


def _next_to_verb(ctx: Context, m: Mention, at: int) -> bool:
    if at - m.end > 100:  # no speaker stands further from the verb (and no text is re-read)
        return False
    gap = ctx.text[m.end : at]
    return bool(
        _SPEAKER_GAP.fullmatch(gap) or (m.kind == "official" and _APPOSITION.fullmatch(gap))
    )


def _may_speak(ctx: Context, m: Mention) -> bool:
    """A nationality speaks only as a side: "the Uzbek side", "Afghan officials"."""
    if m.kind == "country" and re.search(
        r"\bofficials in $", ctx.text[max(0, m.start - 14) : m.start]
    ):
        return True  # "officials in Islamabad said": that state's side
    if m.kind == "country" and re.search(
        r"\bin (?:\w+ern )?$", ctx.text[max(0, m.start - 12) : m.start]
    ):
        return False  # "the ministry in Warsaw said": a place, not a speaker
    if m.kind != "country" or m.value["via"] != "demonym":
        return True
    return bool(_SIDE_NOUN.match(ctx.text, m.end))


def _speaker_before(ctx, s, at, anywhere=False) -> dict | None:
    window = ctx.text[s:at]
    people = [
        m
        for m in ctx.mentions
        if m.kind in ("official", "organization", "country") and s <= m.start and m.end <= at
    ]
    if not anywhere:
        people = [m for m in people if _next_to_verb(ctx, m, at)]
    people = [m for m in people if _may_speak(ctx, m)]
    if people:
        officials = [m for m in people if m.kind == "official"]
        return _as_speaker(officials[0] if anywhere and officials else people[-1])
    if _PRONOUN.search(window):
        return _last_official(ctx, at)
    role = _ROLE_NOUN.search(window)
    if role:
        return _last_official(ctx, at, role.group(1).lower())
    body = _BODY_NOUN.search(window)
    if body:
        return _last_body(ctx, at, body.group(1).lower())
    if _SPOKESPERSON.search(window):
        # "X is reviewing …, a spokesperson said": the sentence's body, else the last named.
        orgs = sorted((m for m in ctx.of("organization") if m.end <= at), key=lambda m: m.start)
        here = [m for m in orgs if m.start >= s]
        return _as_speaker((here or orgs[-1:])[0]) if orgs else None
    if _IT.search(window):
        before = sorted((m for m in ctx.of("organization") if m.end <= at), key=lambda m: m.start)
        return _as_speaker(before[-1]) if before else None
    return None


def _speaker_after(ctx, at, e, immediately=False) -> dict | None:
    gap = r"\s*(?:the\s+)?" if immediately else r"\s+"
    after = sorted(
        (m for m in ctx.mentions if m.kind in ("official", "organization", "country")),
        key=lambda m: (m.start, -m.end),
    )
    after = [m for m in after if at <= m.start < e]
    if not after or not re.fullmatch(gap, ctx.text[at : after[0].start]):
        return None
    first = after[0]
    if first.kind == "country" and first.value["via"] == "demonym":
        # "the Kyrgyz statistics committee": the body, not the country, speaks.
        body = [m for m in after[1:] if m.kind == "organization" and m.start - first.end <= 1]
        first = body[0] if body else first
    if first.kind == "country" and ctx.text.startswith(("'s", "’s"), first.end):
        # "according to Japan's trade representative in the talks, Hiroshi Tanabe"
        posts = [p for p in ctx.of("position") if p.start == first.start]
        held = [m for m in after if m.kind == "official" and posts and m.key in posts[0].related]
        first = held[0] if held else first
    if first.kind == "country":
        covering = [m for m in after if m.kind == "organization" and m.start <= first.start < m.end]
        first = covering[0] if covering else first
    return _as_speaker(first)


#: "the ministry said", "A ministry spokesperson said", "the Ministry added", "the association
#: estimates": a body named before speaks again by its kind (or through its spokesperson).
_BODY_NOUN = re.compile(
    r"\b(?:[Tt]he|[Aa]n?|[Ii]ts)\s+(?:[a-z-]+\s+)?(?i:(ministry|company|utility|embassy|agency|"
    r"department|committee|bank|association|office|authority|council|commission|board|union|"
    r"federation|regulator|miner|exporter|importer|buyer|producer|group))(?:['’]s)?"
    r"(?:\s+(?:spokes\w+|official|representative|source))?(?:\s+also)?\s*$"
)
_SPOKESPERSON = re.compile(r"\b(?:[Aa]n?|[Tt]he)\s+spokes\w+(?:\s+also)?\s*$")
#: "…, it said": the last body named before.
_IT = re.compile(r"(?:^|[,;]\s*|\b)(?:[Ii]t)(?:\s+also)?\s*$")


#: "the company said" after "Uniper": the body's kind when its name lacks the noun.
_KIND_OF = {
    "company": "company", "utility": "company", "ministry": "ministry", "miner": "company",
    "exporter": "company", "importer": "company", "buyer": "company", "producer": "company",
    "group": "company",
}  # fmt: skip


def _last_body(ctx: Context, at: int, noun: str) -> dict | None:
    """ "the ministry said": the last organization named with that word before."""
    before = sorted(
        (
            m
            for m in ctx.of("organization")
            if m.end <= at
            and (noun in m.value["name"].lower() or _KIND_OF.get(noun) == m.value.get("kind"))
        ),
        key=lambda m: m.start,
    )
    # "The power ministry has asked the finance ministry for …, a ministry spokesman said":
    # the sentence's first such body, its subject, speaks; else the last one named before
    here = [m for m in before if m.start >= ctx.sentence_at(at)[0]]
    if here:
        return _as_speaker(here[0])
    return _as_speaker(before[-1]) if before else None


def _last_official(ctx: Context, at: int, title: str = "") -> dict | None:
    before = sorted((m for m in ctx.of("official") if m.end <= at), key=lambda m: m.start)
    if title and title not in ("official",):
        posts = [p for p in ctx.of("position") if p.start < at and title in p.value["title"]]
        holders = {k for p in posts for k in p.related}
        before = [m for m in before if m.key in holders] or before
    return _as_speaker(before[-1]) if before else None


_OTHER_CLAUSE = re.compile(r"\b(?:while|whereas|but|and)\b|;")


def _statement(ctx: Context, s: int, e: int, at: int, speaker: dict) -> None:
    start = max(s, min(at, speaker["at"][0]))
    end = e - 1 if ctx.text[e - 1] in ".!?" else e
    quoted = _QUOTED.search(ctx.text, s, e)
    if quoted and quoted.end() <= start and _OTHER_CLAUSE.search(ctx.text, quoted.end(), start):
        # '"a milestone", while X said …': a quote in another clause is another's.
        quoted = _QUOTED.search(ctx.text, start, e)
    value = {
        "speaker": speaker["name"],
        "speaker_kind": speaker["kind"],
        "speaker_match": speaker["match"],
        "mode": "direct" if quoted else "reported",
        "quote": quoted.group(1).strip().rstrip(",") if quoted else "",
        "summary": ctx.text[start:end],
    }
    if quoted:
        start = min(start, quoted.start())
    ctx.add(Mention("statement", start, end, value, f"statement:{start}", 0.75))
