"""A short article of our own, and the proposals a right extractor makes for it, with exact
spans: what the review tests put in place of ``ingest.extract.propose``.

The text is written for these tests (no third party's words). Spans are found in it, never
typed, so each proposal's quote is exactly ``text[start:end]``.
"""

from core.text import normalize_text
from ingest.proposals import Extraction, Proposal

TEXT = (
    "MINSK, 12 May (Baltic Ledger). Belarus will export up to 300,000 tonnes of potash to "
    "India in 2026, the trade ministry said on Tuesday. Deputy Trade Minister Olga Varenik "
    "said the first trains would leave in June.\n\n"
    "“Our fertiliser will reach Indian farms before the monsoon,” Varenik told reporters. "
    "New Delhi is considering a second contract with Belarus, an official said."
)
EXTRACTOR = ("test-rules", "0.1")


def at(text: str, quote: str, after: str = "") -> tuple[int, int]:
    """The span of ``quote`` in ``text`` (its first occurrence after ``after``)."""
    start = text.index(quote, text.index(after) if after else 0)
    return start, start + len(quote)


def proposal(text, kind, quote, value, *, after="", **kw) -> Proposal:
    start, end = at(text, quote, after)
    return Proposal(
        kind=kind,
        value=value,
        quote=quote,
        start=start,
        end=end,
        score=kw.pop("score", 0.9),
        extractor=EXTRACTOR[0],
        extractor_version=EXTRACTOR[1],
        **kw,
    )


def proposals(text: str = TEXT) -> dict[str, Proposal]:
    """The proposals for ``text``, by a short name."""
    p = {
        "belarus": proposal(
            text, "country", "Belarus", {"iso2": "BY", "name": "Belarus"}, match="BY"
        ),
        "india": proposal(text, "country", "India", {"iso2": "IN", "name": "India"}, match="IN"),
        "potash": proposal(
            text,
            "commodity",
            "potash",
            {"name": "Potash", "hs_code": "3104", "sector": "food"},
            new=True,
            inferred=True,
        ),
        "year": proposal(text, "date", "2026", {"value": "2026", "precision": "year"}),
        "varenik": proposal(text, "official", "Olga Varenik", {"name": "Olga Varenik"}, new=True),
        "india_2": proposal(
            text, "country", "New Delhi", {"iso2": "IN", "name": "India"}, match="IN"
        ),
    }
    p["quantity"] = proposal(
        text,
        "quantity",
        "up to 300,000 tonnes",
        {"amount": "300000", "unit": "t", "qualifier": "at_most"},
        related=(p["potash"].key, p["belarus"].key, p["india"].key, p["year"].key),
    )
    p["statement"] = proposal(
        text,
        "statement",
        "“Our fertiliser will reach Indian farms before the monsoon,” Varenik told reporters",
        {
            "summary": "Varenik: Belarusian fertiliser will reach Indian farms before the monsoon",
            "mode": "direct",
            "quote": "Our fertiliser will reach Indian farms before the monsoon",
        },
        related=(p["varenik"].key,),
    )
    p["decision"] = proposal(
        text,
        "decision",
        "New Delhi is considering a second contract with Belarus",
        {
            "stage": "under_consideration",
            "title": "India considers a second potash contract with Belarus",
            "decision_type": "supply_arrangement",
        },
        related=(p["india_2"].key,),
        score=0.7,
    )
    return p


BANNED = (
    "TASHKENT, 3 June (Steppe Courier). Uzbekistan has banned the Crimson Dawn movement, the "
    "Supreme Court of Uzbekistan ruled on 2 June 2025. Uzbek ambassador to Kabul Timur Ahmedov "
    "said the ruling was final."
)


def banned_proposals(text: str = BANNED) -> dict[str, Proposal]:
    """A designation by a court, and an ambassador (a position held by an official)."""
    p = {
        "uzbekistan": proposal(
            text, "country", "Uzbekistan", {"iso2": "UZ", "name": "Uzbekistan"}, match="UZ"
        ),
        "movement": proposal(
            text,
            "organization",
            "Crimson Dawn movement",
            {"name": "Crimson Dawn", "kind": "movement"},
            new=True,
        ),
        "court": proposal(
            text,
            "organization",
            "Supreme Court of Uzbekistan",
            {"name": "Supreme Court of Uzbekistan", "kind": "other", "country": "UZ"},
            new=True,
        ),
        "day": proposal(text, "date", "2 June 2025", {"value": "2025-06-02", "precision": "day"}),
        "ahmedov": proposal(text, "official", "Timur Ahmedov", {"name": "Timur Ahmedov"}, new=True),
    }
    p["designation"] = proposal(
        text,
        "designation",
        "Uzbekistan has banned the Crimson Dawn movement",
        {"kind": "banned", "status": "in_force"},
        related=(p["movement"].key, p["uzbekistan"].key, p["court"].key, p["day"].key),
    )
    p["ambassador"] = proposal(
        text,
        "position",
        "Uzbek ambassador to Kabul",
        {"name": "Ambassador of Uzbekistan to Afghanistan", "country": "UZ", "posted_to": "AF"},
        related=(p["ahmedov"].key,),
        new=True,
    )
    return p


def extraction(text: str, published=None, language: str = "en") -> Extraction:
    """What a right extractor returns for our articles (nothing for any other text)."""
    text = normalize_text(text)
    found = []
    if text == normalize_text(TEXT):
        found = list(proposals(text).values())
    elif text == normalize_text(BANNED):
        found = list(banned_proposals(text).values())
    return Extraction(text=text, proposals=found, published=published, language=language)
