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

Why rules, and no library added (measured on the 27 dates of the first seven written
articles' gold, ``tests/ingest/articles/``, each library given the article's publication date
as its base; Python 3.11, a busy 2-core machine; a temporary virtualenv, not the project's):

* dateparser 1.5.0 (``search_dates``, ``RELATIVE_BASE``): 8 of 27 right (recall 0.30,
  precision 0.27), 102 ms an article, 0.6 s to import. It has no precision: "in 2024" becomes
  2024-01-18 (the base's month and day), "last week" an exact day; it reads "about 70" as
  1970, "$31" as the 31st and "a five-year" as the 5th; "on Monday" in an article of Tuesday
  11 February 2025 became 11 January 2025.
* datefinder 1.0.0: 0 of 27 (6 found, none right: years and weekdays get invented days,
  relative words are missed), 9 ms an article.
* spaCy 3.8.18 without a downloaded model (``spacy.blank("en")`` and an ``EntityRuler`` over
  the same names): 1.9 s to import, 7 ms an article, and finds exactly the gazetteer's names,
  which the regular expressions here find too, on characters rather than tokens; its trained
  NER would need a model download, which the assistant may not do.

The rules here: 27 of 27 dates with their precision, vague ones kept as notes, about 30 ms an
article with everything else, no new dependency (pycountry, anyascii and rapidfuzz are the
project's already). Overall figures are in the README (``manage.py evaluate_ingest``).
"""

from __future__ import annotations

import datetime

from core.text import normalize_text
from ingest import dates, entities, facts, people, speech
from ingest.context import Context, Mention
from ingest.gazetteer import Gazetteer
from ingest.proposals import KINDS, Extraction, Proposal

EXTRACTOR = "ingest.rules"
EXTRACTOR_VERSION = "1.2"
LANGUAGES = ("en",)
#: The longest text read in one request: a long article (about 3,000 words). The rules take
#: about 1 s for a text this long on a busy 2-core machine.
MAX_TEXT_CHARS = 20_000
#: Kinds proposed once per record (at the first mention), not once per place.
RECORD_KINDS = ("country", "official", "position", "organization", "commodity")
NEW_KINDS = (*RECORD_KINDS, "statement", "decision", "designation")


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
    people.officials(ctx)
    entities.commodities(ctx)
    dates.dates(ctx)
    facts.amounts(ctx)
    speech.statements(ctx)
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
        # Facts name the records they stand on by their record keys; the review page needs the
        # key of the proposal that proposes each record.
        related = tuple(keys[r] for r in m.related if r in keys)
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
