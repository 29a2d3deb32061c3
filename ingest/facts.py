"""Facts: quantities and values (who supplies whom), decisions and designations
(statements: ``ingest.speech``).

* A quantity or a value is an amount of ``core.numbers`` (digits or words, scale, unit or
  currency, qualifier) with its commodity and, where the sentence says so, its exporter and
  importer: "from X", "X exported/supplies/will ship", "Kazakh exports" give the exporter;
  "to X", "X imported/bought/received" the importer.
* A decision needs both a stage word and an object ("recognition", "removing … from the
  list", "supply agreement"…) in one sentence. A hedge ("possibility", "considering", "could",
  "may", "if confirmed") makes it ``under_consideration`` (``briefed`` when someone was
  briefed, ``proposed`` when it was proposed): hedged words never make a decided fact.
* A designation is an organization banned, restricted, sanctioned or listed in a country.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import replace

from core.numbers import SCALES, Amount, amounts_in
from ingest import tables
from ingest.context import Context, Mention
from ingest.entities import nearest_country_before

_ORIGIN = (
    r"export\w*|suppl(?:y|ies|ied|ying)|sen(?:t|ds|ding)|ship(?:s|ped|ping)?|deliver\w*|sold|"
    r"sell\w*|sales|supplier"
)
_DEST = r"import\w*|receiv\w*|b(?:ought|uys?|uying)|purchas\w*|t(?:ake|akes|aking|ook)"
_AUX = r"(?:\s+(?:has|have|had|is|was|will|would|could|may|plans to|agreed to|also|reportedly|to))*"


def _between(text: str, found: tuple[Amount, ...]) -> list[Amount]:
    """ "between 80 and 85 million tonnes": 80 million at least, 85 million at most (as
    ``core.numbers`` reads "80–85 million tonnes")."""
    out = list(found)
    for i in range(len(out) - 1):
        low, high = out[i], out[i + 1]
        if low.kind not in ("plain", "year") or high.kind not in ("quantity", "money"):
            continue
        if not re.search(r"\bbetween\s+$", text[max(0, low.start - 10) : low.start]):
            continue
        if not re.fullmatch(r"\s+and\s+", text[low.end : high.start]):
            continue
        scale = 1
        word = re.match(r"[\d.,\s]+?\s*([a-z]+)", text[high.start : high.end])
        if re.fullmatch(r"[\d.,]+", text[low.start : low.end]) and word:
            scale = SCALES.get(word.group(1), 1)
        start = low.start - len("between ")
        out[i] = replace(high, value=low.value * scale, start=low.start, end=low.end,
                         qualifier="at_least", qualifier_start=start)  # fmt: skip
        out[i + 1] = replace(high, qualifier="at_most", qualifier_start=start)
    return out


def _years_apart(text: str, found: list[Amount]) -> list[Amount]:
    """ "in the first nine months of 2025 to $11.8 billion": a year, then the amount it rose
    to, not a range from 2025 dollars."""
    out = []
    before = r"\b(?:of|in|since|from|during)\s+$"
    for a in found:
        year = re.fullmatch(r"(?:19|20)\d\d", text[a.start : a.end])
        if (
            a.qualifier == "at_least"
            and year
            and a.value == int(year.group())
            and re.search(before, text[max(0, a.start - 8) : a.start])
        ):
            continue
        q = a.qualifier_start
        if (
            a.qualifier == "at_most"
            and re.fullmatch(r"(?:19|20)\d\d\s+to\s+", text[q : a.start])
            and re.search(before, text[max(0, q - 8) : q])
        ):
            a = replace(a, qualifier="exact", qualifier_start=a.start)
        out.append(a)
    return out


def amounts(ctx: Context) -> None:
    found = _years_apart(ctx.text, _between(ctx.text, amounts_in(ctx.text)))
    # "between 11 and 12 billion cubic metres a year": the low end is read per year too
    range_end = {
        low.start: high.end
        for low, high in itertools.pairwise(found)
        if low.qualifier == "at_least" and high.qualifier == "at_most"
        and low.qualifier_start == high.qualifier_start
    }  # fmt: skip
    for amount in found:
        unit = re.match(r"\s?(bcm|bpd|b/d|mm?tpa)\b", ctx.text[amount.end : amount.end + 6])
        if amount.kind == "plain" and unit:
            # "10 bcm" of gas, "200,000 bpd" of oil, "1.8 mtpa" of LNG (million tonnes per
            # annum): the trade's own abbreviations.
            scale = {"bcm": 10**9, "mtpa": 10**6, "mmtpa": 10**6}.get(unit.group(1), 1)
            kind_unit = {"bcm": "m3", "mtpa": "t", "mmtpa": "t"}.get(unit.group(1), "bbl")
            amount = replace(amount, kind="quantity", unit=kind_unit,
                             value=amount.value * scale, end=amount.end + unit.end())  # fmt: skip
        if amount.kind == "money" and re.match(r"m\b", ctx.text[amount.end : amount.end + 2]):
            # "$85m": news writes a million so; the number's own grammar does not know it.
            amount = replace(amount, value=amount.value * 10**6, end=amount.end + 1)
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
        # "2 million tonnes a year", "33 billion cubic metres of gas a year"
        after = range_end.get(amount.start, end)
        per = _PER.match(ctx.text[after : after + 80])
        if per:
            value["per"] = per.group(1) or "year"
        if ctx.text[start:end].endswith(("tpa",)):
            value["per"] = "year"
        if ctx.text[start:end].endswith(("bpd", "b/d")):
            value["per"] = "day"
        related = _flow(ctx, start, end, value)
        kind = "quantity" if amount.kind == "quantity" else "value"
        ctx.add(Mention(kind, start, end, value, f"{kind}:{start}", 0.85, related=related))


#: "2 million tonnes a year", "33 billion cubic metres of gas a year", "800,000 tonnes of
#: phosphate fertiliser to Nigeria every year", "1.8 mtpa"; not "30,000 tonnes a year earlier"
_PER = re.compile(
    r"(?:\s+[\w-]+){0,6}?\s*(?:(?:a|per|each|every)\s+(day\b|(?:year|month)\b(?!\s+before))"
    r"(?!\s+(?:earlier|ago|later|previously))|"
    r"(annually|per\s+annum|yearly)|/(?:y(?:ea)?r?|a)\b)"
)


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
    earlier = None
    if not chosen:
        # "Kazakhstan will ship wheat … The volume will reach 1.2 million tonnes": the goods of
        # the sentence before (or the one before that) when the amount's own names none.
        earlier = _sentence_before_with(ctx, s, "commodity")
        if earlier:
            chosen = [max((m for m in ctx.of("commodity") if earlier[0] <= m.start < earlier[1]),
                          key=lambda m: m.start)]  # fmt: skip
    if not chosen and value.get("unit") and _FLOW_WORDS.search(ctx.text, s, e):
        # "Posco has agreed to buy up to 25,000 tonnes a year", paragraphs after "Chile shipped
        # 41,000 tonnes of lithium carbonate": the goods of the last amount in that unit
        same = [q for q in ctx.of("quantity") if q.end <= start and q.value.get("commodity")
                and q.value.get("unit") == value["unit"]]  # fmt: skip
        if same:
            key = same[-1].value["commodity"]
            chosen = [next(m for m in ctx.of("commodity") if m.key == key)]
    if chosen:
        value["commodity"] = chosen[0].key
        related.append(chosen[0].key)
    exporter, importer = roles(ctx, s, e, start)
    if not (exporter and importer):
        exporter, importer = _inherited(ctx, s, e, start, value, earlier, exporter, importer)
    if bool(exporter) != bool(importer):
        exporter, importer = _partner(ctx, s, e, exporter, importer)
    if exporter and exporter != importer:
        value["exporter"] = exporter
    if importer and importer != exporter:
        value["importer"] = importer
    return tuple(related)


def _article_pair(ctx: Context) -> tuple[str, str] | None:
    """The two countries the article is about: the two named most, when a third is named
    less often than either ("Tanzania, which also sells sugar to Kenya" in a Kenya–Uganda
    story)."""
    counts = Counter(c.key for c in ctx.of("country"))
    ranked = counts.most_common(3)
    if len(ranked) < 2 or ranked[1][1] < 2:
        return None
    if len(ranked) == 3 and ranked[2][1] >= ranked[1][1]:
        return None
    return ranked[0][0], ranked[1][0]


def _partner(ctx, s, e, exporter, importer):
    """One side named, the other not: "the German utility will take up to 1.5 million
    tonnes", "about 90,000 tonnes of Ugandan sugar entered the market", "Kazakhstan will
    deliver … to us" (in an interview from Tashkent). When the sentence names no country
    outside the article's pair, the other side is the pair's other country."""
    known = exporter or importer
    pair = _article_pair(ctx)
    if not pair or known not in pair:
        return exporter, importer
    if any(s <= c.start < e and c.key not in pair for c in ctx.of("country")):
        return exporter, importer
    if re.search(r"\b(?:world|global|other|third|all|total)\b", ctx.text[s:e], re.I):
        return exporter, importer  # a market, not the partner
    other = pair[1] if known == pair[0] else pair[0]
    return (exporter, other) if exporter else (other, importer)


def _sentence_before_with(ctx: Context, s: int, kind: str) -> tuple[int, int] | None:
    index = next((i for i, (a, _) in enumerate(ctx.sentences) if a == s), 0)
    for a, b in reversed(ctx.sentences[max(0, index - 2) : index]):
        if any(a <= m.start < b for m in ctx.of(kind)):
            return a, b
    return None


_FLOW_WORDS = re.compile(rf"\b(?:{_ORIGIN}|{_DEST}|shipments|cargoes|came (?:first|second|third)|"
                         r"volume|second|third|flows?)\b", re.I)  # fmt: skip


def _inherited(ctx, s, e, start, value, earlier, exporter, importer):
    """The roles an amount's sentence leaves open, from what came before: the last amount of
    the same goods ("Indonesia shipped 4.8 million tonnes of LNG to Japan … South Korea came
    second with 2.1 million tonnes": Indonesia still ships, South Korea now takes), else the
    sentence the goods came from."""
    if not _FLOW_WORDS.search(ctx.text, s, e):
        return exporter, importer
    goods = value.get("commodity")
    prior = [q for q in ctx.of("quantity") if q.end <= start and (q.value.get("exporter")
             or q.value.get("importer"))]  # fmt: skip
    same = [q for q in prior if goods and q.value.get("commodity") == goods]
    base_exp = base_imp = None
    if same:
        # a partner only when every amount before went to the same one (not a breakdown by
        # destination: "South Korea second, China third … sales should reach 5 million t")
        base_exp = same[-1].value.get("exporter")
        partners = {q.value.get("importer") for q in same}
        base_imp = partners.pop() if len(partners) == 1 else None
    elif earlier:
        base_exp, base_imp = roles(ctx, *earlier)
    elif prior and importer and not exporter:
        # "shipments of copper concentrate to Japan": the article's supplier still ships
        base_exp = prior[-1].value.get("exporter")
    elif prior and not exporter and not importer:
        # "Oil deliveries through the pipeline reached 8.1 million tonnes", after "Kazakh
        # producers shipped … to Chinese buyers": the pair the article is about, when this
        # sentence names no country of its own
        both = [q for q in prior if q.value.get("exporter") and q.value.get("importer")]
        if both and not any(s <= c.start < e for c in ctx.of("country")):
            base_exp, base_imp = both[-1].value["exporter"], both[-1].value["importer"]
    if base_exp is None and base_imp is None:
        return exporter, importer
    taken = {exporter, importer, base_exp, base_imp}
    free = [c.key for c in ctx.of("country") if s <= c.start < start and c.key not in taken]
    if exporter is None and importer is None and free:
        # the sentence's own country takes the role its predecessor's partner had
        if base_exp:
            importer = free[-1]
        else:
            exporter = free[-1]
    exporter = exporter or (base_exp if base_exp != importer else None)
    importer = importer or (base_imp if base_imp != exporter and not free else None)
    return exporter, importer


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
        elif (
            re.search(r"\b(?:to|into|(?:buyers|importers|consumers) in)\s+(?:the\s+)?$", before)
            and not importer
        ):
            importer = m.key
        elif re.match(rf"(?:['’]s)?{_AUX}\s+(?:{_ORIGIN})\b", after) and not demonym:
            exporter = exporter or m.key
        elif re.match(rf"{_AUX}\s+(?:{_DEST})\b", after) and not demonym:
            importer = importer or m.key
        elif re.match(r"(?:['’]s)?\s+(?:exports|supplies|shipments|deliveries|sales)\b", after):
            exporter = exporter or m.key
        elif re.match(r"(?:['’]s|,\s+where)?\s+(?:imports|purchases)\b", after):
            importer = importer or m.key
    if countries and at is not None and countries[0].start < at:
        # The sentence's subject: "Egypt, among the largest importers, bought 12 million t".
        first = countries[0]
        between = ctx.text[first.end : at]
        others = [c for c in countries[1:] if c.start < at and c.key not in (exporter, importer)]
        # "Brazil overtook the United States … as the biggest supplier to China": a country
        # that opens the sentence is its subject, whatever it names after
        opens = ctx.text[s : first.start].strip() in ("", "The", "the")
        if (not others or opens) and first.value["via"] != "demonym":
            if re.search(rf"\b(?:{_DEST})\b", between) and not importer and first.key != exporter:
                importer = first.key
            elif (
                re.search(rf"\b(?:{_ORIGIN})\b", between) and not exporter and first.key != importer
            ):
                exporter = first.key
    return exporter, importer


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


_NEW_CLAUSE = re.compile(r"[;:]|,\s+(?:and|but|while|whereas)\s+[A-Z]")
#: Where a sentence's clauses part: "had signed contracts and was considering a rail link".
_CLAUSE = re.compile(
    r"[;:]|,\s+(?:and|but|while|whereas)\s+|\s+(?:and|but)\s+(?=(?:was|were|is|are|has|had|"
    r"have|will|would|could|may|might)\b)"
)


def _clauses(s: int, e: int, text: str) -> list[tuple[int, int]]:
    cuts = [s, *(m.end() for m in _CLAUSE.finditer(text, s, e)), e]
    return list(itertools.pairwise(cuts))


def _hedge(sentence: str, om):
    """The hedge of the object's clause: before it (within 80 characters), or after it with no
    new clause between ("designated X as terrorist …, and Washington warned that payments could
    face sanctions" is a designation made, not a possibility)."""
    for hedge in _HEDGE.finditer(sentence, max(0, om.start() - 80)):
        if hedge.start() < om.end() or not _NEW_CLAUSE.search(sentence, om.end(), hedge.start()):
            return hedge
    return None


def _objects(sentence: str) -> list[tuple[str, re.Match]]:
    """Every decision object in the sentence, the first type listed winning an overlap."""
    found: list[tuple[str, re.Match]] = []
    for decision_type, pattern in _OBJECTS:
        for m in pattern.finditer(sentence):
            if all(m.end() <= o.start() or m.start() >= o.end() for _, o in found):
                found.append((decision_type, m))
    return sorted(found, key=lambda f: f[1].start())


def decisions(ctx: Context) -> None:
    """One decision per clause that names an object and a stage (or a hedge)."""
    for s, e in ctx.sentences:
        sentence = ctx.text[s:e]
        objects = _objects(sentence)
        clauses = _clauses(0, len(sentence), sentence) if len(objects) > 1 else [(0, len(sentence))]
        done = set()
        for decision_type, om in objects:
            clause = next((c for c in clauses if c[0] <= om.start() < c[1]), (0, len(sentence)))
            if clause in done:
                continue
            found = _decision(ctx, s, e, sentence, clause, decision_type, om)
            if found:
                done.add(clause)
        _coordinated_decisions(ctx, s, e)


#: "agreed to reopen the crossing and to set up a committee": a second decision, made with
#: the first (each infinitive after "and to" is one).
_AND_TO = re.compile(
    r",?\s+and\s+(?:also\s+)?(?P<what>to\s+[a-z]+(?:\s+(?!and\b|to\b)[\w'’-]+){1,4})"
)
_AGREED_TO = re.compile(
    r"\b(?:agreed|decided|voted|pledged|promised|undertook)\b[^.;]*?\bto\s+[a-z]+"
)


def _coordinated_decisions(ctx: Context, s: int, e: int) -> None:
    made = [d for d in ctx.of("decision") if s <= d.start < e]
    for d in made:
        agreed = _AGREED_TO.search(ctx.text, d.start, e)
        if not agreed or agreed.start() > d.end:
            continue
        for m in _AND_TO.finditer(ctx.text, agreed.end(), e):
            start, end = m.span("what")
            if any(o.start <= start < o.end for o in ctx.of("decision")):
                continue
            while ctx.text[end - 1] in ",;":
                end -= 1
            value = {**d.value, "decision_type": "other"}
            ctx.add(Mention("decision", start, end, value, f"decision:{start}", d.score))


_NEGATED = re.compile(r"\b(?:no|not|never|yet to)\b|n't\b", re.I)


def _decision(ctx, s, e, sentence, clause, decision_type, om) -> bool:
    cs, ce = clause
    hedge = _hedge(sentence[:ce], om)
    if hedge is not None and hedge.end() <= cs and len(_clauses(0, len(sentence), sentence)) > 1:
        hedge = hedge if cs == 0 else None
    stage, trigger = None, None
    for name, pattern in _STAGES:
        found = pattern.search(sentence, cs, ce)
        if found:
            stage, trigger = name, found
            break
    considered = hedge is not None and re.match(r"consider|weigh|studying", hedge.group(), re.I)
    if hedge and (stage not in ("briefed", "proposed") or (stage == "proposed" and considered)):
        stage, trigger = "under_consideration", hedge
    if stage is None and re.search(r"ed$|^\w+ed\b|^will ", om.group()):
        # "has formally recognized", "was delisted"; "will cut fees from January" (announced)
        stage, trigger = "decided", om
    if stage in ("decided", "implemented") and _NEGATED.search(
        sentence, max(cs, trigger.start() - 25), trigger.start()
    ):
        return False  # "no contract had been signed yet" (not "no country but X has recognized")
    if stage is None:
        return False
    start = s + min(om.start(), trigger.start())
    end = s + max(om.end(), trigger.end())
    value = {
        "stage": stage,
        "decision_type": decision_type,
        "hedge": hedge.group() if hedge else "",
        "countries": sorted({c.key for c in ctx.of("country") if s <= c.start < e}),
    }
    ctx.add(Mention("decision", start, end, value, f"decision:{start}", 0.7 if hedge else 0.6))
    return True


# --- designations -----------------------------------------------------------------------

_DESIGNATED = "|".join(tables.DESIGNATION_WORDS.values())


_BEFORE_WORD = re.compile(
    r"(?:\s+(?:administration|movement|group|government|authorities))?(?:"
    r",\s+(?:an?|the)\s+[\w\s-]{0,40}?(?:that|which|who)\s+(?:is|was|are|were|has been|"
    r"had been|remains)\s+(?:\w+\s+)?|\s+(?:is|was|are|were|has been|had been|remains|"
    r"remain)\s+(?:\w+\s+)?|,\s+which\s+[^,.;]{0,80},\s+(?:is|was|are|were|has been|"
    r"had been|remains)\s+(?:\w+\s+)?)"
)


def designations(ctx: Context) -> None:
    for s, e in ctx.sentences:
        sentence = ctx.text[s:e]
        orgs = [o for o in ctx.of("organization") if s <= o.start < e]
        pattern = rf"\b(?P<word>{_DESIGNATED})\b(?:\s+as\s+\w+(?:\s+\w+){{0,2}})?\s+(?:in|by)\s+"
        for m in re.finditer(pattern, sentence):
            iso2 = _country_after(ctx, s + m.end())
            # "sanctioned by the United Nations Security Council": a body, not a state
            body = [o for o in orgs if s + m.end() <= o.start <= s + m.end() + 4]
            # "the Taliban, an organization that is banned in Russia", "X is banned in Y"
            named = [o for o in orgs if _BEFORE_WORD.fullmatch(ctx.text[o.end : s + m.start()])]
            if (iso2 or body) and named:
                for org in _coordinated(ctx, orgs, named[-1]):
                    _designation(ctx, org, iso2, m.group("word"), m, s, body[0] if body else None)
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
        # "Moscow added the X Company to its list of undesirable organizations"
        for m in re.finditer(
            r"\badd(?:ed|s|ing)?\s+(?:[^.;]{0,60}?)\s+to\s+(?:its|the|a)\s+(?:\w+\s+)?list\s+of\s+"
            r"(?:[\w-]+\s+){0,2}?(?:organi[sz]ations|groups|entities|companies)",
            sentence,
        ):
            inside = [o for o in orgs if s + m.start() < o.start and o.end < s + m.end()]
            iso2 = _country_after(ctx, s + m.end() + 4) or nearest_country_before(
                ctx, s + m.start(), sentence=True
            )
            if iso2 and inside:
                _designation(ctx, inside[0], iso2, "listed", m, s)
        # "the US Treasury imposed sanctions on Caspian Trans Line": the sanctioning state is
        # the one named before in the sentence, the body the first one after
        for m in re.finditer(
            r"\b(?:impos(?:ed|es|ing)|slapped|plac(?:ed|es|ing))\s+(?:new\s+|fresh\s+)?sanctions\s+"
            r"on\s+(?:the\s+)?|\bsanction(?:ed|s|ing)\s+(?:the\s+)?(?=[A-Z])",
            sentence,
        ):
            target = [o for o in orgs if s + m.end() <= o.start <= s + m.end() + 2]
            iso2 = nearest_country_before(ctx, s + m.start(), sentence=True)
            if iso2 and target:
                for org in _coordinated_after(ctx, orgs, target[0]):
                    _designation(ctx, org, iso2, "sanctioned", m, s)
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


def _coordinated_after(ctx: Context, orgs: list[Mention], first: Mention) -> list[Mention]:
    """ "sanctions on A, B and C": each."""
    found = [first]
    for org in [o for o in orgs if o.start >= first.end]:
        gap = ctx.text[found[-1].end : org.start]
        if not re.fullmatch(r"\s*(?:,|,?\s+and)\s+(?:the\s+)?", gap):
            break
        found.append(org)
    return found


def _country_after(ctx: Context, at: int) -> str | None:
    for c in ctx.of("country"):
        if at <= c.start <= at + 4:
            return c.key
    return None


def _designation(ctx, org: Mention, iso2, word: str, m, s: int, authority=None) -> None:
    if any(d.value["organization"] == org.value["name"] and d.value["jurisdiction"] == iso2
           for d in ctx.of("designation")):  # fmt: skip
        return
    kind = next(
        (k for k, w in tables.DESIGNATION_WORDS.items() if re.fullmatch(w, word, re.I)), "listed"
    )
    e = ctx.sentence_at(s)[1]
    sentence = ctx.text[s:e]
    removed = re.search(
        r"\b(?:was|were|has been|have been) (?:removed|delisted)\b|\blifted\b", sentence
    )
    status = "removed" if removed and not _HEDGE.search(sentence) else "in_force"
    where = [c for c in ctx.of("country") if c.key == iso2 and s + m.start() <= c.start < e]
    where += [authority] if authority is not None else []
    start = min(org.start, s + m.start())
    end = max([org.end, s + m.end() - 1, *(w.end for w in where[:1])])
    while ctx.text[end - 1].isspace():
        end -= 1
    value = {
        "organization": org.value["name"],
        "organization_match": org.match,
        "jurisdiction": iso2,
        "authority": authority.value["name"] if authority is not None else None,
        "kind": kind,
        "status": status,
        "list_name": "",
    }
    ctx.add(Mention("designation", start, end, value, f"designation:{org.key}:{iso2}", 0.7,
                    related=(org.key,)))  # fmt: skip
