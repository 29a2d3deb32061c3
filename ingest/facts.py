"""Facts: quantities and values (who supplies whom), statements, decisions, designations.

* A quantity or a value is an amount of ``core.numbers`` (digits or words, scale, unit or
  currency, qualifier) with its commodity and, where the sentence says so, its exporter and
  importer: "from X", "X exported/supplies/will ship", "Kazakh exports" give the exporter;
  "to X", "X imported/bought/received" the importer.
* A statement is a verb of speech with its speaker (an official, an organization, a country,
  or "he"/"the ambassador" for the last official named), or "according to X", or a side's
  "statements about"; its quote is the passage between quotation marks (mode direct) or empty
  (mode reported).
* A decision needs both a stage word and an object ("recognition", "removing … from the
  list", "supply agreement"…) in one sentence. A hedge ("possibility", "considering", "could",
  "may", "if confirmed") makes it ``under_consideration`` (``briefed`` when someone was
  briefed, ``proposed`` when it was proposed): hedged words never make a decided fact.
* A designation is an organization banned, restricted, sanctioned or listed in a country.
"""

from __future__ import annotations

import re

from core.numbers import amounts_in
from ingest import tables
from ingest.context import Context, Mention
from ingest.entities import nearest_country_before

_ORIGIN = (
    r"export\w*|suppl(?:y|ies|ied|ying)|sen(?:t|ds|ding)|ship(?:s|ped|ping)?|deliver\w*|sold|"
    r"sell\w*"
)
_DEST = r"import\w*|receiv\w*|b(?:ought|uys?|uying)|purchas\w*"
_AUX = r"(?:\s+(?:has|have|had|is|was|will|would|could|may|plans to|agreed to|also|reportedly|to))*"


def amounts(ctx: Context) -> None:
    for amount in amounts_in(ctx.text):
        if amount.kind not in ("quantity", "money"):
            continue
        start = amount.qualifier_start if amount.qualifier != "exact" else amount.start
        start = min(start, amount.start)
        end = amount.end
        value = {
            "amount": _plain(amount.value),
            "qualifier": amount.qualifier,
            "strict": amount.strict,
        }
        if amount.kind == "quantity":
            value["unit"] = amount.unit
        else:
            value["currency"] = amount.currency
        per = re.match(
            r"\s*(?:a|per|each|every)\s+(year|month|day)\b|\s*(annually|a year)",
            ctx.text[end : end + 20],
        )
        if per:
            value["per"] = per.group(1) or "year"
        related = _flow(ctx, start, end, value)
        kind = "quantity" if amount.kind == "quantity" else "value"
        ctx.add(Mention(kind, start, end, value, f"{kind}:{start}", 0.85, related=related))


def _plain(value) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _flow(ctx: Context, start: int, end: int, value: dict) -> tuple[str, ...]:
    """The commodity and the countries in their roles, read in the amount's sentence."""
    s, e = ctx.sentence_at(start)
    related = []
    goods = sorted((m for m in ctx.of("commodity") if s <= m.start < e), key=lambda m: m.start)
    after = [m for m in goods if m.start >= end]
    chosen = (after[:1] or goods[-1:]) if goods else []
    if chosen:
        value["commodity"] = chosen[0].key
        related.append(f"commodity:{chosen[0].start}:{chosen[0].end}")
    exporter, importer = roles(ctx, s, e, start)
    if exporter and exporter != importer:
        value["exporter"] = exporter
    if importer and importer != exporter:
        value["importer"] = importer
    return tuple(related)


def roles(ctx: Context, s: int, e: int, at: int | None = None) -> tuple[str | None, str | None]:
    """(exporter, importer) as the sentence [s, e) states them, or None."""
    exporter = importer = None
    countries = sorted((c for c in ctx.of("country") if s <= c.start < e), key=lambda c: c.start)
    goods = {m.start for m in ctx.of("commodity")}
    for m in countries:
        before = ctx.text[max(s, m.start - 12) : m.start]
        after = ctx.text[m.end : min(e, m.end + 60)]
        demonym = m.value["via"] == "demonym"
        if demonym and m.end + 1 in goods:  # "Ukrainian wheat", "Iranian crude"
            exporter = exporter or m.key
            continue
        if demonym and re.match(
            rf"\s+[a-z]+{_AUX}\s+(?:{_DEST})\b", after
        ):  # "Indian refiners bought"
            importer = importer or m.key
            continue
        if demonym and re.match(rf"\s+[a-z]+{_AUX}\s+(?:{_ORIGIN})\b", after):
            exporter = exporter or m.key
            continue
        if re.search(r"\bfrom\s+(?:the\s+)?$", before) and not exporter:
            exporter = m.key
        elif re.search(r"\b(?:to|into)\s+(?:the\s+)?$", before) and not importer:
            importer = m.key
        elif re.match(rf"(?:['’]s)?{_AUX}\s+(?:{_ORIGIN})\b", after) and not demonym:
            exporter = exporter or m.key
        elif re.match(rf"{_AUX}\s+(?:{_DEST})\b", after) and not demonym:
            importer = importer or m.key
        elif re.match(r"(?:['’]s)?\s+(?:exports|supplies|shipments|deliveries|sales)\b", after):
            exporter = exporter or m.key
        elif re.match(r"(?:['’]s)?\s+(?:imports|purchases)\b", after):
            importer = importer or m.key
    if countries and at is not None and countries[0].start < at:
        # The sentence's subject: "Egypt, among the largest importers, bought 12 million t".
        first = countries[0]
        between = ctx.text[first.end : at]
        others = [c for c in countries[1:] if c.start < at]
        if not others and first.value["via"] != "demonym":
            if re.search(rf"\b(?:{_DEST})\b", between) and not importer and first.key != exporter:
                importer = first.key
            elif (
                re.search(rf"\b(?:{_ORIGIN})\b", between) and not exporter and first.key != importer
            ):
                exporter = first.key
    return exporter, importer


# --- statements -------------------------------------------------------------------------

_QUOTED = re.compile(r"[“\"«]([^”\"»]{3,}?)[”\"»]")
_VERB = tables.words(tables.SPEECH_VERBS)
_PARTICIPLE = re.compile(rf"\b(?:{tables.SPEECH_PARTICIPLES})(?=\s+(?:that\b|[“\"]))")
_ACCORDING = re.compile(r"\b[Aa]ccording to\s+")
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
        for m in _ACCORDING.finditer(sentence):
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
    r"(?:[\s,]|also|has|had|have|\w+ly|officials?|side|government|authorities|spokes\w+)*"
)
#: An official's apposition before the verb: "Zhirnov, the ambassador, said".
_APPOSITION = re.compile(r",[^.;]*,\s*(?:also\s+)?")
_SIDE_NOUN = re.compile(r" (?:side|government|officials?|authorities)\b")


def _next_to_verb(ctx: Context, m: Mention, at: int) -> bool:
    gap = ctx.text[m.end : at]
    return bool(
        _SPEAKER_GAP.fullmatch(gap) or (m.kind == "official" and _APPOSITION.fullmatch(gap))
    )


def _may_speak(ctx: Context, m: Mention) -> bool:
    """A nationality speaks only as a side: "the Uzbek side", "Afghan officials"."""
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
    if first.kind == "country":
        covering = [m for m in after if m.kind == "organization" and m.start <= first.start < m.end]
        first = covering[0] if covering else first
    return _as_speaker(first)


def _last_official(ctx: Context, at: int, title: str = "") -> dict | None:
    before = [m for m in ctx.of("official") if m.end <= at]
    if title and title not in ("official",):
        posts = [p for p in ctx.of("position") if p.start < at and title in p.value["title"]]
        holders = {k for p in posts for k in p.related}
        before = [m for m in before if m.key in holders] or before
    return _as_speaker(before[-1]) if before else None


def _statement(ctx: Context, s: int, e: int, at: int, speaker: dict) -> None:
    start = max(s, min(at, speaker["at"][0]))
    end = e - 1 if ctx.text[e - 1] in ".!?" else e
    quoted = _QUOTED.search(ctx.text, s, e)
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


# --- decisions --------------------------------------------------------------------------

_HEDGE = re.compile(rf"(?<![\w-])(?:{tables.MODALS}|(?i:{tables.HEDGES}))(?![\w-])")
_STAGES = [
    ("briefed", tables.words(tables.BRIEFED)),
    ("proposed", tables.words(tables.PROPOSED)),
    ("rejected", tables.words(tables.REJECTED)),
    ("reversed", tables.words(tables.REVERSED)),
    ("implemented", tables.words(tables.IMPLEMENTED)),
    ("decided", tables.words(tables.DECIDED)),
]
_OBJECTS = [(t, tables.words(p)) for t, p in tables.DECISION_OBJECTS]


def decisions(ctx: Context) -> None:
    for s, e in ctx.sentences:
        sentence = ctx.text[s:e]
        obj = next(((t, m) for t, p in _OBJECTS if (m := p.search(sentence))), None)
        if obj is None:
            continue
        decision_type, om = obj
        hedge = _HEDGE.search(sentence)
        stage, trigger = None, None
        for name, pattern in _STAGES:
            found = pattern.search(sentence)
            if found:
                stage, trigger = name, found
                break
        if hedge and stage not in ("briefed", "proposed"):
            stage, trigger = "under_consideration", hedge
        if stage is None:
            continue
        start = s + min(om.start(), trigger.start())
        end = s + max(om.end(), trigger.end())
        value = {
            "stage": stage,
            "decision_type": decision_type,
            "hedge": hedge.group() if hedge else "",
            "countries": sorted({c.key for c in ctx.of("country") if s <= c.start < e}),
        }
        ctx.add(Mention("decision", start, end, value, f"decision:{start}", 0.7 if hedge else 0.6))


# --- designations -----------------------------------------------------------------------

_DESIGNATED = "|".join(tables.DESIGNATION_WORDS.values())


_BEFORE_WORD = re.compile(
    r",\s+(?:an?|the)\s+[\w\s-]{0,40}?(?:that|which|who)\s+(?:is|was|are|were|has been|"
    r"had been|remains)\s+(?:\w+\s+)?|\s+(?:is|was|are|were|has been|had been|remains|"
    r"remain)\s+(?:\w+\s+)?"
)


def designations(ctx: Context) -> None:
    for s, e in ctx.sentences:
        sentence = ctx.text[s:e]
        orgs = [o for o in ctx.of("organization") if s <= o.start < e]
        pattern = rf"\b(?P<word>{_DESIGNATED})\b(?:\s+as\s+\w+(?:\s+\w+)?)?\s+(?:in|by)\s+"
        for m in re.finditer(pattern, sentence):
            iso2 = _country_after(ctx, s + m.end())
            # "the Taliban, an organization that is banned in Russia", "X is banned in Y"
            named = [o for o in orgs if _BEFORE_WORD.fullmatch(ctx.text[o.end : s + m.start()])]
            if iso2 and named:
                for org in _coordinated(ctx, orgs, named[-1]):
                    _designation(ctx, org, iso2, m.group("word"), m, s)
        # "removing the Taliban from the list of organizations restricted in Russia"
        for m in re.finditer(
            rf"\bfrom\s+(?:the|its)\s+list\s+of\s+(?:[\w-]+\s+){{0,2}}?(?:organi[sz]ations|"
            rf"groups|entities)\s+(?:(?P<word>{_DESIGNATED})\s+)?(?:in|by)\s+",
            sentence,
        ):
            iso2 = _country_after(ctx, s + m.end())
            before = [o for o in orgs if o.end <= s + m.start() and o.value["kind"] != "ministry"]
            if iso2 and before:
                _designation(ctx, before[-1], iso2, m.group("word") or "listed", m, s)
        # "organizations banned in Russia, such as A, B and C"; "Russia's list of banned groups"
        for m in re.finditer(
            rf"\b(?P<word>{_DESIGNATED}|terrorist|extremist)\s+(?:organi[sz]ations|groups)\b",
            sentence,
        ):
            iso2 = _country_after(ctx, s + m.end()) or nearest_country_before(
                ctx, s + m.start(), sentence=False
            )
            listed = [o for o in orgs if o.start >= s + m.end() and o.value["kind"] != "ministry"]
            if iso2 and re.match(
                r"[^.;]{0,40}?(?:such as|including|includes?|like|:)", sentence[m.end() :]
            ):
                for org in listed:
                    _designation(ctx, org, iso2, m.group("word"), m, s)


def _coordinated(ctx: Context, orgs: list[Mention], last: Mention) -> list[Mention]:
    """ "the Group 24 movement and the Islamic Renaissance Party are banned": both."""
    found = [last]
    for org in reversed([o for o in orgs if o.end <= last.start]):
        gap = ctx.text[org.end : found[0].start]
        if not re.fullmatch(
            r"(?:\s+(?:movement|group|party))?\s*(?:,|,?\s+and)\s+(?:the\s+)?", gap
        ):
            break
        found.insert(0, org)
    return found


def _country_after(ctx: Context, at: int) -> str | None:
    for c in ctx.of("country"):
        if at <= c.start <= at + 4:
            return c.key
    return None


def _designation(ctx: Context, org: Mention, iso2: str, word: str, m, s: int) -> None:
    if any(d.value["organization"] == org.value["name"] and d.value["jurisdiction"] == iso2
           for d in ctx.of("designation")):  # fmt: skip
        return
    kind = next(
        (k for k, w in tables.DESIGNATION_WORDS.items() if re.fullmatch(w, word, re.I)), "listed"
    )
    sentence = ctx.text[s : ctx.sentence_at(s)[1]]
    removed = re.search(
        r"\b(?:was|were|has been|have been) (?:removed|delisted)\b|\blifted\b", sentence
    )
    status = "removed" if removed and not _HEDGE.search(sentence) else "in_force"
    country = next(c for c in ctx.of("country") if c.key == iso2 and c.start >= s + m.end() - 1)
    start, end = min(org.start, s + m.start()), max(org.end, country.end)
    value = {
        "organization": org.value["name"],
        "organization_match": org.match,
        "jurisdiction": iso2,
        "kind": kind,
        "status": status,
        "list_name": "",
    }
    ctx.add(Mention("designation", start, end, value, f"designation:{org.key}:{iso2}", 0.7,
                    related=(f"organization:{org.start}:{org.end}",)))  # fmt: skip
