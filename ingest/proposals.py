"""The contract between the extractor, the API and the admin's review page.

``propose(text, published=None, language="en")`` returns an ``Extraction``: the text as a
source would store it (``core.text``'s normalization) and the proposals found in it, each
with its exact span on that text. The extractor lives in ``ingest.extract``; this module
only names the shapes, so the API, the admin and the evaluation read one definition.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field

#: Every kind the assistant proposes, in the order the review page lists them.
KINDS = (
    "country",
    "official",
    "position",
    "organization",
    "commodity",
    "quantity",
    "value",
    "date",
    "statement",
    "decision",
    "designation",
)


@dataclass(frozen=True)
class Proposal:
    """One proposed value, where it was read, and how sure the extractor is.

    ``value`` holds what would be written (for a country ``{"iso2": "AF", "name":
    "Afghanistan"}``, for a quantity ``{"amount": "1000000", "unit": "t", "qualifier":
    "up_to"}``, for a decision ``{"stage": "under_consideration", ...}``); ``match`` is the
    public id of the existing record it names (iso code, slug or uuid) or None when the
    record would be new (``new`` is then True). ``text[start:end] == quote`` always.
    """

    kind: str
    value: dict
    quote: str
    start: int
    end: int
    score: float
    extractor: str
    extractor_version: str
    match: str | None = None
    new: bool = False
    inferred: bool = False
    #: Proposals this one is built from (e.g. a quantity's commodity and countries), by key.
    related: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Stable within one text: what a curator's accept or reject is remembered by."""
        return f"{self.kind}:{self.start}:{self.end}"

    def as_dict(self) -> dict:
        data = asdict(self)
        data["key"] = self.key
        data["related"] = list(self.related)
        return data


@dataclass
class Extraction:
    text: str
    proposals: list[Proposal] = field(default_factory=list)
    published: datetime.date | None = None
    language: str = "en"
