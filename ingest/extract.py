"""The extractor: ``propose(text, published=None, language="en") -> Extraction``.

A deterministic, offline, CPU-only pipeline of rules over the normalized text
(``core.text.normalize_text``), in this order, each reading what the earlier ones found:
countries (``ingest.entities``: names, demonyms, capitals), organizations, officials and
their posts, commodities, dates (``ingest.dates``), amounts with who supplies whom,
statements, decisions and designations (``ingest.facts``). Names come from the published
records (``ingest.gazetteer``) and the curated tables (``ingest.tables``).

One proposal per record for named things (country, official, position, organization,
commodity): at its first mention, with every mention in ``value["mentions"]``; one proposal
per place for facts (quantity, value, date, statement, decision, designation). ``match`` is
the public id of the published record it names (ISO alpha-2 for a country, the slug of a
named record); ``new`` is True for a record kind that matches none. Quantities, values and
dates are values of records, never records: ``new`` stays False for them.

Why rules, and no library (measured on the gold set of ``manage.py evaluate_ingest``, the
seed article and the seven articles of ``tests/ingest/articles/``; Python 3.11, 2 busy
cores): see ``MEASUREMENT`` below; the figures are in the README.
"""

from __future__ import annotations

import datetime

from core.text import normalize_text
from ingest import dates, entities, facts
from ingest.context import Context, Mention
from ingest.gazetteer import Gazetteer
from ingest.proposals import KINDS, Extraction, Proposal

EXTRACTOR = "ingest.rules"
EXTRACTOR_VERSION = "1.0"
LANGUAGES = ("en",)
#: The longest text read in one request: a long article is 20,000 characters.
MAX_TEXT_CHARS = 100_000
#: Kinds proposed once per record (at the first mention), not once per place.
RECORD_KINDS = ("country", "official", "position", "organization", "commodity")
NEW_KINDS = (*RECORD_KINDS, "statement", "decision", "designation")

MEASUREMENT = """
Candidates measured on the gold set's 30 dates and 140 names (see README):
* dateparser 1.5.0 (search_dates, RELATIVE_BASE=published): finds "last month" and
  "on Wednesday" but also reads "may" and "could" contexts as dates, gives no precision
  ("March 2025" becomes 2025-03-<today's day>), and has no notion of a vague phrase:
  "earlier this year" is either missed or a fake exact day; 0.4 s import, 25 ms an article.
* datefinder 1.0.0: absolute dates only, spans cut inside words, relative words missed;
  it returns datetimes with invented days and months for "2025".
* spaCy 3.8 without a downloaded model: a tokenizer and an EntityRuler over the same
  gazetteers; it adds nothing the regexes do not, costs 1.6 s to import and 60 MB, and its
  token offsets must be mapped back to characters. With a model it would need a download.
The rules find dates with their precision and keep vague phrases as notes; nothing is added.
"""


def propose(text: str, published: datetime.date | None = None, language: str = "en") -> Extraction:
    """Proposed records for ``text``, with names matched against the published dataset."""
    return extract(text, published, language, Gazetteer.from_database())


def extract(
    text: str, published: datetime.date | None, language: str, gazetteer: Gazetteer
) -> Extraction:
    """``propose`` with a given gazetteer (``Gazetteer.offline()`` knows no record)."""
    normalized = normalize_text(text or "")
    extraction = Extraction(text=normalized, published=published, language=language)
    if not normalized.strip():
        return extraction
    ctx = Context(normalized, gazetteer, published)
    entities.countries(ctx)
    entities.organizations(ctx)
    entities.officials(ctx)
    entities.commodities(ctx)
    dates.dates(ctx)
    facts.amounts(ctx)
    facts.statements(ctx)
    facts.decisions(ctx)
    facts.designations(ctx)
    extraction.proposals = _proposals(ctx)
    return extraction


def _proposals(ctx: Context) -> list[Proposal]:
    firsts: dict[tuple[str, str], Mention] = {}
    mentions: dict[tuple[str, str], list[list[int]]] = {}
    facts_found = []
    for m in sorted(ctx.mentions, key=lambda m: (m.start, -m.end, KINDS.index(m.kind))):
        if m.kind in RECORD_KINDS:
            key = (m.kind, m.key)
            firsts.setdefault(key, m)
            mentions.setdefault(key, []).append([m.start, m.end])
        else:
            facts_found.append(m)
    keys = {}
    chosen = []
    for key, m in firsts.items():
        value = {**m.value, "mentions": mentions[key]}
        chosen.append((m, value))
        keys[m.key] = f"{m.kind}:{m.start}:{m.end}"
    chosen += [(m, dict(m.value)) for m in facts_found]
    proposals = []
    for m, value in chosen:
        related = tuple(keys.get(r, r) for r in m.related)
        proposals.append(
            Proposal(
                kind=m.kind,
                value=value,
                quote=ctx.text[m.start : m.end],
                start=m.start,
                end=m.end,
                score=round(m.score, 2),
                extractor=EXTRACTOR,
                extractor_version=EXTRACTOR_VERSION,
                match=m.match,
                new=m.match is None and m.kind in NEW_KINDS,
                inferred=m.inferred,
                related=related,
            )
        )
    return sorted(proposals, key=lambda p: (p.start, p.end, KINDS.index(p.kind)))
