"""The extractor: ``propose(text, published=None, language="en") -> Extraction``.

A placeholder until the rule-based pipeline lands: it normalizes the text as a source would
store it and proposes nothing.
"""

from __future__ import annotations

import datetime

from core.text import normalize_text
from ingest.proposals import Extraction


def propose(text: str, published: datetime.date | None = None, language: str = "en") -> Extraction:
    return Extraction(text=normalize_text(text), published=published, language=language)
