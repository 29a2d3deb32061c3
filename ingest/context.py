"""What every rule of the extractor shares: the text, its sentences, and what was found.

A ``Mention`` is one place where a rule read something; ``ingest.extract`` turns mentions
into proposals (one per record for named things, one per place for facts).
"""

from __future__ import annotations

import bisect
import datetime
import re
from dataclasses import dataclass, field

from ingest.gazetteer import Gazetteer

#: An upper-case letter in the scripts sources' names use (Latin with accents, Cyrillic).
UP = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f\u0400-\u042f"
#: A capitalized word, at most 30 letters a part: bounded, so that no text (a 20,000-letter
#: "word", say) makes a pattern try every length at every offset.
CAPWORD = rf"[{UP}][^\W\d_]{{0,30}}(?:[-'’](?!s\b)[{UP}]?[^\W\d_]{{1,30}}){{0,3}}"
#: Words with a capital that are never part of a person's name.
NOT_NAME = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "According",
        "But",
        "And",
        "Or",
        "If",
        "As",
        "After",
        "Before",
        "While",
        "During",
        "Since",
        "For",
        "From",
        "Earlier",
        "Later",
        "This",
        "That",
        "These",
        "Those",
        "He",
        "She",
        "They",
        "It",
        "We",
        "His",
        "Her",
        "Their",
        "Its",
        "Our",
        "Officials",
        "Observers",
        "Analysts",
        "Traders",
        "Experts",
        "Ministry",
        "Minister",
        "Government",
        "President",
        "Ambassador",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Last",
        "Next",
        "Meanwhile",
        "However",
        "Under",
        "Over",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Speaking",
        "Separately",
        "Both",
        "Each",
        "Such",
        "Some",
        "Several",
        "Under",
    ]
)
PARTICLES = r"(?:bin|ibn|al|el|da|de|dos|van|von|du|ul)"
#: "al-Kaabi", "ul-Haq": an Arabic article joined to the name.
JOINED = r"(?:al|el|ul|ad|ar|as|ash|an|at|az)-"
NAME = rf"{CAPWORD}(?:\s+(?:{PARTICLES}\s+|{JOINED})?{CAPWORD}){{1,3}}"
_ABBREVIATIONS = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|No|Jan|Feb|Aug|Sept?|Oct|Nov|"
                            r"Dec|vs|approx|U\.S|U\.K|e\.g|i\.e))$")  # fmt: skip
_END = re.compile(r"[.!?]['\"”’)]*(?=\s+['\"“‘(]?[A-Z0-9\u00c0-\u017f])|\n+")


@dataclass
class Mention:
    """Where a rule read one thing, and what it read."""

    kind: str
    start: int
    end: int
    value: dict
    key: str  # what makes two mentions one record (an iso code, a slug, a name key)
    score: float
    match: str | None = None
    inferred: bool = False
    related: tuple[str, ...] = ()


@dataclass
class Context:
    """The normalized text, its sentences, the reference date and what the rules found."""

    text: str
    gazetteer: Gazetteer
    published: datetime.date | None = None
    mentions: list[Mention] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self):
        self.sentences = split_sentences(self.text)
        self._starts = [s for s, _ in self.sentences]

    def sentence_at(self, offset: int) -> tuple[int, int]:
        i = max(0, bisect.bisect_right(self._starts, offset) - 1)
        return self.sentences[i] if self.sentences else (0, len(self.text))

    def of(self, kind: str) -> list[Mention]:
        return [m for m in self.mentions if m.kind == kind]

    def add(self, mention: Mention) -> Mention:
        self.mentions.append(mention)
        return mention

    def covered(self, start: int, end: int, kinds: tuple[str, ...]) -> bool:
        """Whether [start, end) lies inside a mention of one of ``kinds``."""
        return any(m.start <= start and end <= m.end for m in self.mentions if m.kind in kinds)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentences as spans, trimmed of spaces: a full stop ends one unless it closes an
    abbreviation ("Mr.", "U.S."); a line break always does."""
    spans, start = [], 0
    for m in _END.finditer(text):
        if m.group().startswith(".") and _ABBREVIATIONS.search(
            text[max(0, m.start() - 6) : m.start()]
        ):
            continue
        end = m.end() if not m.group().startswith("\n") else m.start()
        spans.append((start, end))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out
