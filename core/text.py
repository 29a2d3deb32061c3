"""Source text as stored: LF line ends and Unicode NFC, whatever channel it came through.

A text pasted in a browser arrives with CRLF line ends; a text copied from a PDF may hold
decomposed accents ("e" + U+0301). Stored as given, its ``content_hash`` would not be the
sha256 of the same article saved elsewhere, and every span would shift by one character per
line against an LF copy. So the models normalize a source's text (and a quote) before they
check or store it (``Source.compute_derived``), and the migration that normalized older texts
moves their citations' spans with ``moved_span``.
"""

import unicodedata

LINE_ENDS = ("\r\n", "\r")


def normalize_text(text: str) -> str:
    """``text`` with LF line ends (CRLF and a lone CR become LF) and in Unicode NFC."""
    if not text:
        return text
    for end in LINE_ENDS:
        text = text.replace(end, "\n")
    return unicodedata.normalize("NFC", text)


def is_normalized(text: str) -> bool:
    return "\r" not in text and unicodedata.is_normalized("NFC", text)


def _moved_offset(text: str, offset: int) -> int:
    """Where ``offset`` of ``text`` lies in ``normalize_text(text)``."""
    moved = len(normalize_text(text[:offset]))
    if 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n":
        # Between the CR and the LF of one line end: the pair is now the one LF before here.
        moved -= 1
    return moved


def moved_span(text: str, start: int, end: int) -> tuple[int, int, str]:
    """The span ``[start, end)`` of ``text`` moved into ``normalize_text(text)``.

    Returns the new start, end and quote (the normalized text at the new span: the quote
    normalized as its text was). Offsets are counted on the normalized prefix, so a line end
    or a decomposed accent before the span shifts it, and those inside it shorten it.
    """
    new_start = _moved_offset(text, start)
    new_end = max(_moved_offset(text, end), new_start)
    return new_start, new_end, normalize_text(text)[new_start:new_end]
