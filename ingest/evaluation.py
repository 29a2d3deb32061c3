"""How well the extractor does on a gold set: precision and recall per kind.

A gold item is a kind, a value and the span(s) where the text states it. A proposal MATCHES
a gold item when

1. they are of the same kind;
2. their spans overlap (the proposal's ``[start, end)`` and one of the item's spans share at
   least one character), and the proposal's span is exact (``text[start:end] == quote``);
3. every key the gold value gives has the same value in the proposal: ISO codes, units,
   currencies, qualifiers, stages, decision types, modes, dates and precisions equal; amounts
   equal as numbers; names of people and organizations (a statement's speaker, a
   designation's organization) close by ``core.names`` (titles, transliteration and a
   missing part such as "of Russia" aside); a commodity's name that of the proposal or one of
   its synonyms; a date's note equal without case. Keys the gold does not give are not
   compared (the proposal may say more).

Each gold item is matched by at most one proposal and each proposal matches at most one item
(the pairs with the largest overlap first). Precision is matched proposals over proposals,
recall matched items over items, per kind and overall.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.text import slugify

from core.names import names_close
from ingest import tables
from ingest.proposals import KINDS, Proposal

ARTICLES = Path(__file__).resolve().parent.parent / "tests" / "ingest" / "articles"


@dataclass
class GoldItem:
    """What a curator would record from the text, and where the text says it."""

    kind: str
    value: dict
    spans: list[tuple[int, int]]


@dataclass
class GoldText:
    name: str
    text: str
    published: object
    items: list[GoldItem]


@dataclass
class Score:
    gold: int = 0
    proposed: int = 0
    matched_gold: int = 0
    matched_proposals: int = 0
    inexact: int = 0

    @property
    def precision(self) -> float:
        return self.matched_proposals / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.matched_gold / self.gold if self.gold else 1.0

    def add(self, other: Score) -> None:
        for name in ("gold", "proposed", "matched_gold", "matched_proposals", "inexact"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Result:
    by_kind: dict[str, Score] = field(default_factory=lambda: {k: Score() for k in KINDS})
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    @property
    def overall(self) -> Score:
        total = Score()
        for score in self.by_kind.values():
            total.add(score)
        return total


def load_articles(folder: Path = ARTICLES, names=None) -> list[GoldText]:
    """The articles of ``folder`` (``<name>.txt`` beside ``<name>.gold.json``)."""
    import datetime

    texts = []
    for gold_file in sorted(folder.glob("*.gold.json")):
        name = gold_file.name.removesuffix(".gold.json")
        if names is not None and name not in names:
            continue
        data = json.loads(gold_file.read_text(encoding="utf-8"))
        text = (folder / f"{name}.txt").read_text(encoding="utf-8")
        published = data.get("published")
        items = [GoldItem(i["kind"], i["value"], [(i["start"], i["end"])]) for i in data["items"]]
        day = datetime.date.fromisoformat(published) if published else None
        texts.append(GoldText(name, text, day, items))
    return texts


def evaluate(gold: GoldText, proposals: list[Proposal], text: str, result: Result) -> None:
    """Match ``proposals`` (made for ``gold.text``, normalized as ``text``) with the gold."""
    pairs = []
    for gi, item in enumerate(gold.items):
        for pi, p in enumerate(proposals):
            if p.kind != item.kind or text[p.start : p.end] != p.quote:
                continue
            overlap = max((min(e, p.end) - max(s, p.start) for s, e in item.spans), default=0)
            if overlap > 0 and value_matches(item.kind, item.value, p.value):
                pairs.append((-overlap, gi, pi))
    gold_done, prop_done = set(), set()
    for _, gi, pi in sorted(pairs):
        if gi not in gold_done and pi not in prop_done:
            gold_done.add(gi)
            prop_done.add(pi)
    for gi, item in enumerate(gold.items):
        score = result.by_kind[item.kind]
        score.gold += 1
        if gi in gold_done:
            score.matched_gold += 1
        else:
            s, e = item.spans[0]
            result.misses.append(f"{gold.name}: {item.kind} {item.value} “{text[s:e]}”")
    for pi, p in enumerate(proposals):
        score = result.by_kind[p.kind]
        score.proposed += 1
        score.inexact += text[p.start : p.end] != p.quote
        if pi in prop_done:
            score.matched_proposals += 1
        else:
            shown = {k: v for k, v in p.value.items() if k not in ("mentions", "summary")}
            result.extras.append(f"{gold.name}: {p.kind} {shown} “{p.quote[:60]}”")


def value_matches(kind: str, gold: dict, value: dict) -> bool:
    return all(_same(kind, key, expected, value) for key, expected in gold.items())


def _same(kind: str, key: str, expected, value: dict) -> bool:
    if kind == "commodity" and key == "name":
        return _commodity(expected, value)
    if kind == "statement" and key == "speaker":
        if re.fullmatch(r"[A-Z]{2}", expected):
            return value.get("speaker_kind") == "country" and value.get("speaker") == expected
        return names_close(expected, str(value.get("speaker") or ""))
    if key in ("name", "organization") and kind in ("official", "organization", "designation"):
        return names_close(expected, str(value.get(key) or ""))
    got = value.get(key)
    if key == "amount":
        try:
            return Decimal(str(expected)) == Decimal(str(got))
        except (InvalidOperation, TypeError):
            return False
    if key in ("title", "note"):
        return str(expected).strip().casefold() == str(got or "").strip().casefold()
    return expected == got


def _commodity(expected: str, value: dict) -> bool:
    if (
        slugify(expected) == value.get("slug")
        or expected.casefold() == str(value.get("name", "")).casefold()
    ):
        return True
    words = next((w for w, slug, *_ in tables.COMMODITIES if slug == value.get("slug")), None)
    return bool(words) and re.fullmatch(words, expected, re.IGNORECASE) is not None


def table(title: str, result: Result) -> str:
    """The scores as a plain-text table, one row per kind with gold or proposals."""
    lines = [
        title,
        f"{'kind':<14}{'gold':>6}{'proposed':>10}{'matched':>9}{'precision':>11}{'recall':>8}",
    ]
    rows = [(k, s) for k, s in result.by_kind.items() if s.gold or s.proposed]
    for kind, s in [*rows, ("overall", result.overall)]:
        lines.append(
            f"{kind:<14}{s.gold:>6}{s.proposed:>10}{s.matched_gold:>9}"
            f"{s.precision:>11.2f}{s.recall:>8.2f}"
        )
    inexact = result.overall.inexact
    lines.append(f"spans exact: {result.overall.proposed - inexact}/{result.overall.proposed}")
    return "\n".join(lines)
