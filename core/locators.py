"""What a locator names in a reference dataset, for the checks of ``verify_citations``.

A citation of a dataset names its row by a ``locator`` ("RU" in ISO 3166-1, "2710" in the
Harmonized System). A source's ``locator_pattern`` says what locators look like; an app that
can read the dataset itself registers a reader here, and the check then knows whether the
row exists and what it says: ``reader(locator)`` returns the row's values by the cited
record's field names, or None when the dataset has no such row. A citation's supported
fields that the row gives must hold the row's values.

core knows no dataset; the apps that do register their readers when they are ready.
"""

from collections.abc import Callable

_readers: dict[str, Callable[[str], dict | None]] = {}


def register(source_id, reader: Callable[[str], dict | None]) -> None:
    _readers[str(source_id)] = reader


def locator_problems(citation) -> list[str]:
    """What is wrong with ``citation``'s locator against its dataset, if the dataset can be
    read here: an unknown row, or a supported value that differs from the row's."""
    reader = _readers.get(str(citation.source_id))
    if reader is None or not citation.locator:
        return []
    row = reader(citation.locator)
    if row is None:
        return [f"“{citation.locator}” is not a row of “{citation.source}”."]
    problems = []
    checked = [name for name in citation.supports if name in row]
    record = citation.record if checked else None  # read only when there is a value to check
    for name in checked:
        if record is not None:
            held = getattr(record, name, None)
            if str(held) != str(row[name]):
                problems.append(
                    f"{name} is {held!r}, but row “{citation.locator}” of “{citation.source}” "
                    f"gives {row[name]!r}."
                )
    return problems
