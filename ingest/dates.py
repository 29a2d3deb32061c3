"""Dates as sources write them, with their precision, and relative ones resolved.

"14 March 2025" and "March 14, 2025" are days, "March 2025" a month, "in 2025" a year.
Relative words are resolved against the source's publication date (``published``): "today",
"yesterday", "on Wednesday" (the last Wednesday on or before it), "last month", "this year",
"next year", "three months ago". Without a publication date, and for vague words ("earlier
this year", "recently", "in recent weeks", "late last year"), the proposal is a note: the
words, an empty date and precision ``unknown``, as ``core.notes`` stores a date known only in
words. A date is never made more exact than the words: "last week" is a note, not a day.
"""

from __future__ import annotations

import calendar
import datetime
import re

from ingest.context import Context, Mention

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS |= {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
MONTHS["sept"] = 9
DAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
ABSOLUTE = [
    re.compile(rf"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_MONTH}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b(?:(?:early|mid|late)[- ])?{_MONTH}\s+(?:of\s+)?{_YEAR}\b", re.I),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mm>[01]\d)-(?P<day>[0-3]\d)\b"),
    re.compile(rf"\b(?:in|since|by|until|during|for|of|from|to|through)\s+{_YEAR}\b(?!-)", re.I),
]
VAGUE = re.compile(
    r"\b(?:(?:earlier|later) (?:this|last|next) (?:year|month|week)|early (?:this|last|next) "
    r"(?:year|month)|late (?:this|last) (?:year|month)|in recent (?:weeks|months|days|years)|"
    r"recently|in the coming (?:weeks|months|days|years)|last week|this week|next week|"
    r"(?:earlier |later )?(?:this|next|last) (?:spring|summer|autumn|fall|winter)|"
    r"(?:earlier|later) this week|some time ago|(?:one|two|three|four|five|six|a few|several|"
    r"\d+) weeks ago|(?:last|this|next|previous) (?:fiscal|financial|marketing) year)\b",
    re.I,
)
RELATIVE = re.compile(
    r"\b(?P<word>today|yesterday|tomorrow)\b|"
    r"\b(?:on |last |this |next )?(?P<dow>monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday)\b|"
    r"\b(?P<rel>last|this|next) (?P<unit>month|year)\b|"
    r"\b(?P<n>one|two|three|four|five|six|seven|eight|nine|ten|\d+) (?P<unit2>days?|months?|"
    r"years?) ago\b|"
    r"\b(?P<dday>[0-3]?\d) (?P<dmonth>(?-i:January|February|March|April|May|June|July|August|"
    r"September|October|November|December))\b(?!,? \d)|"
    r"\b(?P<mmonth>(?-i:January|February|March|April|May|June|July|August|September|October|"
    r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec))\.? (?P<mday>[0-3]?\d)"
    r"(?:st|nd|rd|th)?\b(?!,? \d)|"
    r"\b(?:in|and|or|until|by|from|to|between) (?P<bare_month>(?-i:January|February|March|April|"
    r"May|June|July|August|September|October|November|December))\b(?! \d)",
    re.I,
)
FUTURE = re.compile(
    r"\b(?:will|shall|expected to|due to|scheduled|plans? to|next|for delivery|to be delivered|"
    r"agreed to|would|should|hopes? to|hoped to|expects?|forecasts?|projected)\b",
    re.I,
)
#: A deadline or a start before a month ("by October", "from January") in a sentence that
#: speaks of the future anywhere: the month to come, however far back the future's verb is.
DEADLINE = re.compile(r"(?:by|from|until|till|starting|before)\s", re.I)
_PAST = re.compile(r"\b(?:had|was|were|did|fell|rose|reached|dropped)\b")
NUMBER_WORDS = {
    w: i + 1
    for i, w in enumerate(
        ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    )
}


def dates(ctx: Context) -> None:
    taken: list[tuple[int, int]] = []
    for pattern in ABSOLUTE:
        for m in pattern.finditer(ctx.text):
            if _free(taken, m):
                taken.append(m.span())
                _absolute(ctx, m)
    for m in VAGUE.finditer(ctx.text):
        if _free(taken, m):
            taken.append(m.span())
            _note(ctx, m.start(), m.end(), 0.8)
    for m in RELATIVE.finditer(ctx.text):
        if _free(taken, m):
            taken.append(m.span())
            _relative(ctx, m)


def _free(taken, m) -> bool:
    return all(m.end() <= s or m.start() >= e for s, e in taken)


def _absolute(ctx: Context, m) -> None:
    groups = m.groupdict()
    year = int(groups["year"])
    month = MONTHS[groups["month"].lower()] if groups.get("month") else None
    month = int(groups["mm"]) if groups.get("mm") else month
    day = int(groups["day"]) if groups.get("day") else None
    start = m.start("year") if month is None and day is None else m.start()
    if day and month:
        try:
            _add(ctx, start, m.end(), datetime.date(year, month, day), "day", 0.9)
        except ValueError:
            return
    elif month:
        _add(ctx, start, m.end(), datetime.date(year, month, 1), "month", 0.9)
    else:
        _add(ctx, start, m.end(), datetime.date(year, 1, 1), "year", 0.8)


def _relative(ctx: Context, m) -> None:
    published = ctx.published
    start, end = m.span()
    if published is None:
        _note(ctx, start, end, 0.6)
        return
    g = m.groupdict()
    if g["word"]:
        shift = {"today": 0, "yesterday": -1, "tomorrow": 1}[g["word"].lower()]
        _add(ctx, start, end, published + datetime.timedelta(days=shift), "day", 0.85, True)
    elif g["dow"]:
        target = DAYS[g["dow"].lower()]
        back = (published.weekday() - target) % 7
        day = published - datetime.timedelta(days=back)
        if m.group().lower().startswith("next "):
            day = published + datetime.timedelta(days=(target - published.weekday()) % 7 or 7)
        _add(ctx, start, end, day, "day", 0.75, True)
    elif g["rel"]:
        step = {"last": -1, "this": 0, "next": 1}[g["rel"].lower()]
        if g["unit"].lower() == "year":
            _add(ctx, start, end, datetime.date(published.year + step, 1, 1), "year", 0.85, True)
        else:
            _add(ctx, start, end, _months_from(published, step), "month", 0.85, True)
    elif g["n"]:
        n = NUMBER_WORDS.get(g["n"].lower()) or int(g["n"])
        unit = g["unit2"].lower().rstrip("s")
        if unit == "day":
            _add(ctx, start, end, published - datetime.timedelta(days=n), "day", 0.75, True)
        elif unit == "month":
            _add(ctx, start, end, _months_from(published, -n), "month", 0.75, True)
        else:
            _add(ctx, start, end, datetime.date(published.year - n, 1, 1), "year", 0.75, True)
    elif g["dday"] or g["mday"]:
        month = MONTHS[(g["dmonth"] or g["mmonth"]).lower()]
        day = int(g["dday"] or g["mday"])
        year = _year_of(ctx, start, month)
        try:
            _add(ctx, start, end, datetime.date(year, month, day), "day", 0.7, True)
        except ValueError:
            return
    elif g["bare_month"]:
        month = MONTHS[g["bare_month"].lower()]
        # The publication's year: "in May" in a February article is this May, planned or
        # past; the reader checks (the proposal is marked inferred).
        year = _year_of(ctx, start, month)
        start = m.start("bare_month")
        year = _range_start_year(ctx, start, end, month, year)
        _add(ctx, start, end, datetime.date(year, month, 1), "month", 0.7, True)


_RANGE_END = re.compile(r"\s+(?:and|to|until|through|till)\s+([A-Z][a-z]+)\b")


def _range_start_year(ctx: Context, start: int, end: int, month: int, year: int) -> int:
    """ "between August and July", "from October to March": a range of months runs forward,
    so a first month later in the year than the second is in the year before the second's
    (a season across the new year), and an earlier one in the same year."""
    if not re.search(r"\b(?:between|from)\s+$", ctx.text[max(0, start - 9) : start], re.I):
        return year
    m = _RANGE_END.match(ctx.text, end)
    second = MONTHS.get(m.group(1).lower()) if m else None
    if not second:
        return year
    second_year = _year_of(ctx, m.start(1), second)
    return second_year - 1 if month > second else second_year


def _year_of(ctx: Context, at: int, month: int) -> int:
    """The year of a month named without one: the publication's, unless the sentence speaks
    of the future and the month is past ("will review it in March", in September: next year)
    or of the past and the month is to come ("imposed in December", in February: last year)."""
    year = ctx.published.year
    s = max(ctx.sentence_at(at)[0], at - 60)  # the month's own clause, roughly
    future = (
        FUTURE.search(ctx.text, s, at)
        or (DEADLINE.match(ctx.text, at) and FUTURE.search(ctx.text, ctx.sentence_at(at)[0], at))
        # "by December" sets a deadline: one to come, unless the sentence is in the past
        or (re.match(r"by\s", ctx.text[at : at + 3], re.I) and not _PAST.search(ctx.text, s, at))
    )
    if month < ctx.published.month and future:
        return year + 1
    if month > ctx.published.month and not future:
        return year - 1
    return year


def _months_from(day: datetime.date, step: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + step
    return datetime.date(index // 12, index % 12 + 1, 1)


def _add(ctx, start, end, day: datetime.date, precision: str, score, relative=False) -> None:
    text = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year)}
    if precision == "day":
        earliest = latest = day
    elif precision == "month":
        earliest = day
        latest = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    else:
        earliest, latest = day.replace(month=1, day=1), day.replace(month=12, day=31)
    value = {
        "date": text[precision],
        "precision": precision,
        "earliest": earliest.isoformat(),
        "latest": latest.isoformat(),
        "note": "",
        "relative": relative,
    }
    ctx.add(Mention("date", start, end, value, f"date:{start}", score, inferred=relative))


def _note(ctx: Context, start: int, end: int, score: float) -> None:
    words = ctx.text[start:end]
    value = {"date": "", "precision": "unknown", "earliest": None, "latest": None}
    value |= {"note": words, "relative": True}
    ctx.add(Mention("date", start, end, value, f"date:{start}", score))
