"""Which of a record's fields a quote states: the ticks the admin proposes when a curator
selects words in a source (``cite.js`` asks ``stated_fields`` through an admin endpoint).

The rules live here, in Python, so that tests cover them and the same words decide in every
browser; the script only sends the form's values and the quote. A field is proposed only when
the quote states its value, never on a mere mention:

* a related record in a role (``quote_roles`` on the model: ``origin`` or ``destination``)
  only in that role's position: "from Russia", "Russia exported", "Russian exports"; "to
  Afghanistan", "Afghanistan received". "Russia said" ticks nothing;
* another related record (or each of a many-to-many) by its name or an alias, as a word;
* a number written in digits or words ("12,500", "1.2 million", "half a million");
* a unit or a currency by its words ("tonnes", "MT" → ``t``; "dollars" → ``USD``);
* a status by its verbs ("shipped" → delivered, "will supply" → planned);
* a date by its year (and month name), a date known only as a note by the note's words;
* any other text by its value, whole.

The curator checks the ticks; the server checks the evidence again on save.
"""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models

from core.notes import text_states_note

# --- numbers: one function, so a fuller parser (core.numbers) can take its place ----------

_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "half a": Decimal("0.5"), "half": Decimal("0.5"),
}  # fmt: skip
_SCALES = {"thousand": 10**3, "million": 10**6, "mln": 10**6, "billion": 10**9, "bn": 10**9}
_NUMBER = re.compile(
    r"(?<![\w.,])(?:(?P<digits>\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"|(?P<word>half an?|half|an?|" + "|".join(w for w in _WORDS if " " not in w) + r"))"
    r"(?:[\s-]+(?P<scale>" + "|".join(_SCALES) + r"))?\b",
    re.IGNORECASE,
)


def numbers_stated(text: str, unit: str = "") -> set[Decimal]:
    """Every number ``text`` writes: "12,500", "1.2 million", "one million", "half a million".

    A word alone ("a", "one") counts only with a scale ("a million"), so that "a ton" is not 1.
    With ``unit`` (a key of ``UNIT_WORDS``), a number followed by another unit's words does
    not count ("12,500 kg" is no quantity in tonnes).
    """
    found = set()
    for match in _NUMBER.finditer(text):
        if unit and _other_unit_follows(text[match.end() :], unit):
            continue
        scale = _SCALES.get((match["scale"] or "").lower(), 1)
        if match["digits"]:
            raw = re.sub(r"[,\u00a0\u202f ]", "", match["digits"])
            try:
                found.add(Decimal(raw) * scale)
            except InvalidOperation:
                continue
        elif match["scale"]:
            word = re.sub(r"\s+", " ", match["word"].lower()).replace("half an", "half a")
            found.add(Decimal(_WORDS[word]) * scale)
    return found


def _other_unit_follows(rest: str, unit: str) -> bool:
    head = rest.lstrip()
    return any(
        re.match(rf"(?:{words})(?!\w)", head, re.IGNORECASE)
        for key, words in UNIT_WORDS.items()
        if key != unit
    )


# --- words of units, currencies and statuses ----------------------------------------------

UNIT_WORDS = {
    "t": r"tons?|tonnes?|t|mt|metric tons?|metric tonnes?",
    "kg": r"kg|kgs|kilos?|kilograms?|kilogrammes?",
    "l": r"l|litres?|liters?",
    "m3": r"m3|m³|cubic met(?:re|er)s?",
    "bbl": r"bbl|barrels?",
    "item": r"items?|units?|pieces?",
}
CURRENCY_WORDS = {
    "USD": r"usd|us\$|\$|dollars?",
    "EUR": r"eur|€|euros?",
    "RUB": r"rub|roubles?|rubles?",
    "CNY": r"cny|yuan|renminbi",
}
STATUS_WORDS = {
    "delivered": r"delivered|shipped|sent|arrived|supplied",
    "planned": r"planned|plans? to|will (?:supply|deliver|send|ship|export)|agreed to "
    r"(?:supply|deliver|send|ship)|to be (?:supplied|delivered|shipped)",
    "proposed": r"proposed|proposes|proposal|suggested",
    "under_consideration": r"consider(?:s|ed|ing|ation)?|possibility|weighing|discuss(?:ed|ing)?",
    "briefed": r"briefed",
    "decided": r"decided|agreed|approved|have begun|has begun|began",
    "implemented": r"implemented|in force|took effect|carried out|completed",
    "rejected": r"rejected|refused|declined",
    "reversed": r"reversed|revoked|overturned|lifted",
}
_ORIGIN_VERBS = (
    r"export(?:s|ed)?|suppl(?:y|ies|ied)|sen(?:t|ds)|ship(?:s|ped)|deliver(?:s|ed)|sol[d]|sells"
)
_DESTINATION_VERBS = r"import(?:s|ed)?|receiv(?:es|ed)|b(?:ought|uys)|purchas(?:es|ed)"
_AUX = r"(?:\s+(?:has|have|had|is|was|will|reportedly|also))*"


def _words_regex(pattern: str) -> re.Pattern:
    return re.compile(rf"(?<![\w$€])(?:{pattern})(?![\w])", re.IGNORECASE)


# --- names --------------------------------------------------------------------------------


def names_of(record) -> list[str]:
    """A record's names as sources write them: its label and its aliases (if it has any)."""
    names = [str(record), getattr(record, "name", "")]
    names += list(getattr(record, "aliases", None) or [])
    return sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)


def _name_regex(names: list[str], *, adjective: bool = False) -> str:
    forms = [re.escape(n) for n in names]
    if adjective:
        # "Russian" for Russia, "Afghan" for Afghanistan: a stem of the name and a suffix.
        forms = [rf"{re.escape(n[: max(4, len(n) - 5)])}\w*" for n in names if len(n) >= 4]
    return r"(?:the\s+)?(?:" + "|".join(forms) + r")" if forms else r"(?!)"


def states_role(quote: str, record, role: str) -> bool:
    """Does ``quote`` name ``record`` in ``role`` (``origin`` or ``destination``)?"""
    name = _name_regex(names_of(record))
    adjective = _name_regex(names_of(record), adjective=True)
    if role == "origin":
        patterns = [
            rf"\bfrom\s+{name}\b",
            rf"\b{name}(?:['’]s)?{_AUX}\s+(?:{_ORIGIN_VERBS})\b",
            rf"\b{adjective}\s+(?:exports?|supplies|shipments|deliveries|sales)\b",
        ]
    else:
        patterns = [
            rf"\b(?:to|into)\s+{name}\b",
            rf"\b{name}{_AUX}\s+(?:{_DESTINATION_VERBS})\b",
            rf"\b{adjective}\s+(?:imports|purchases)\b",
        ]
    return any(re.search(p, quote, re.IGNORECASE) for p in patterns)


def states_name(quote: str, record) -> bool:
    """Does ``quote`` name ``record`` as a word (a plural "s" allowed)?"""
    names = names_of(record)
    pattern = r"\b(?:" + "|".join(re.escape(n) for n in names) + r")(?:s|es)?\b"
    return bool(names) and re.search(pattern, quote, re.IGNORECASE) is not None


# --- fields ---------------------------------------------------------------------------------

_MONTHS = [
    *("january", "february", "march", "april", "may", "june"),
    *("july", "august", "september", "october", "november", "december"),
]


def _states_date(quote: str, value: str) -> bool:
    if not re.fullmatch(r"\d{4}(-(0[1-9]|1[0-2])(-\d\d)?)?", value):
        return False
    year, _, rest = value.partition("-")
    if not re.search(rf"(?<!\d){re.escape(year)}(?!\d)", quote):
        return False
    if not rest:
        return True
    month = _MONTHS[int(rest[:2]) - 1]
    return re.search(rf"\b(?:{month}|{month[:3]}\.?)\b", quote, re.IGNORECASE) is not None


def _states_choice(quote: str, f, value: str) -> bool:
    for table in (STATUS_WORDS, UNIT_WORDS, CURRENCY_WORDS):
        if value in table:
            return _words_regex(table[value]).search(quote) is not None
    label = dict(f.choices or ()).get(value, value)
    return bool(label) and _words_regex(re.escape(str(label))).search(quote) is not None


def _states_number(quote: str, raw, unit: str = "") -> bool:
    try:
        value = Decimal(str(raw).replace(",", ""))
    except InvalidOperation:
        return False
    return value in numbers_stated(quote, unit)


#: The field that gives a number's unit: its words after the number must not be another's.
_UNIT_OF = {"quantity": "unit"}


def _related(f, raw, user):
    manager = f.related_model._default_manager
    ids = [i for i in (raw if isinstance(raw, list) else [raw]) if i not in (None, "")]
    if not ids:
        return []
    try:
        return list(manager.visible_as_related(user).filter(pk__in=ids))
    except (ValueError, TypeError, ValidationError):  # a malformed id names nothing
        return []


def field_stated(model, name: str, values: dict, quote: str, user) -> bool:
    """Does ``quote`` state the value the form gives field ``name`` of a ``model`` record?"""
    f = model._meta.get_field(name)
    raw = values.get(name)
    if f.is_relation:
        records = _related(f, raw, user)
        role = getattr(model, "quote_roles", {}).get(name)
        if role:
            return bool(records) and all(states_role(quote, r, role) for r in records)
        return bool(records) and all(states_name(quote, r) for r in records)
    if isinstance(raw, list):  # a list of choices (transport modes): each by its words
        labels = dict(getattr(getattr(model, "list_choices", {}).get(name), "choices", ()))
        words = [str(labels.get(v, v)) for v in raw if v not in (None, "")]
        return bool(words) and all(_words_regex(re.escape(w)).search(quote) for w in words)
    raw = "" if raw is None else str(raw).strip()
    if name in getattr(model, "fuzzy_dates", ()):
        if raw:
            return _states_date(quote, raw)
        record = model(**{f"{name}_note": str(values.get(f"{name}_note") or "")})
        return text_states_note(quote, record, name)
    if not raw or isinstance(f, models.BooleanField):
        return False
    if isinstance(f, models.DecimalField | models.IntegerField | models.FloatField):
        return _states_number(quote, raw, str(values.get(f"{_UNIT_OF.get(name)}") or ""))
    if f.choices or raw.upper() in CURRENCY_WORDS:
        return _states_choice(quote, f, raw.upper() if raw.upper() in CURRENCY_WORDS else raw)
    return raw.casefold() in quote.casefold()


def stated_fields(model, values: dict, quote: str, user=None) -> list[str]:
    """The factual fields of ``model`` whose values (``values``: the form's, by field name)
    ``quote`` states, in the model's order."""
    return [
        name
        for name in getattr(model, "factual_fields", ())
        if field_stated(model, name, values, quote, user)
    ]
