"""The ``as_of`` option: a day of valid time, given as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

A year or a month stands for its last day: ``as_of=2024`` reads the records as they stood at
the end of 2024 (everything dated in 2024 is "up to then"). Parsed once per request by the
viewset; a model's queryset applies it (``as_of(day)``, see ``core.validtime``).
"""

import calendar
import datetime
import re

AS_OF_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
#: What the schema says a client may send: a day (any valid date), or a year or month of the
#: years 1000 to 9999 (``as_of=0999`` reads as a typo, and is refused).
PERIOD_PATTERN = r"^[1-9]\d{3}(-(0[1-9]|1[0-2]))?$"
AS_OF_SCHEMA = {
    "anyOf": [
        {"type": "string", "format": "date"},
        {"type": "string", "pattern": PERIOD_PATTERN},
    ]
}
AS_OF_HELP = (
    "Valid time: each record as it stood on that day (YYYY-MM-DD; YYYY or YYYY-MM stand for "
    "the period's last day). Records that began later are left out; states (a designation's "
    "status, a decision's) are those of that day, and filters and facets apply to them. "
    "Each record then says `as_of_uncertain: true` when a date known only to the month or "
    "year (or not at all) leaves its state on that day open."
)


def parse_as_of(value: str) -> datetime.date:
    """The day ``value`` stands for; ValueError with a message for the client if none."""
    match = AS_OF_RE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD.")
    year, month, day = (int(part) if part else None for part in match.groups())
    if day is None and not re.match(PERIOD_PATTERN, value):
        raise ValueError(f"{value!r}: a year from 1000 to 9999, or a month from 01 to 12.")
    try:
        if day is not None:
            return datetime.date(year, month, day)
        if month is not None:
            return datetime.date(year, month, calendar.monthrange(year, month)[1])
        return datetime.date(year, 12, 31)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a valid date: {exc}.") from None
