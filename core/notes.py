"""Dates known only in words: a fuzzy date whose value is empty and whose note says what the
source says ("earlier this year").

Such a date is evidence of the note, not of a date, so it needs no tick: it stands on any live
citation whose quote contains the note's words (compared without case and extra spaces). A
curator who paraphrased the source instead ticks the date on the citation that says it.
"""

import re


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" \t\n.,;:\"'“”‘’").casefold()


def note_only(record, name: str) -> str:
    """The note of ``record``'s fuzzy date ``name`` when the date is known only in words."""
    if name not in getattr(type(record), "fuzzy_dates", ()):
        return ""
    if getattr(record, name, ""):
        return ""
    return getattr(record, f"{name}_note", "") or ""


def quote_states_note(citation, record, name: str) -> bool:
    """Whether ``citation``'s quote contains the words of the note of ``record``'s ``name``."""
    return text_states_note(citation.quote or "", record, name)


def text_states_note(text: str, record, name: str) -> bool:
    """Whether ``text`` contains the words of the note of ``record``'s date ``name``."""
    note = _words(note_only(record, name))
    return bool(note) and note in _words(text)


def note_problem(record, name: str) -> str:
    """What a curator does when a date known only as a note has no quote with its words."""
    note = note_only(record, name)
    return (
        f"{name} is known only as the note “{note}”, and no quote contains those words: quote "
        f"the sentence that says “{note}” (the note's words as the source writes them), or "
        f"tick {name} under “Supports” on the citation that says it, or empty {name}_note."
    )
