"""Amounts as sources write them: digits, words, scales, units, currencies and qualifiers.

``amounts_in(text)`` finds every amount in a text: "12,500 tonnes", "500 000 t" (with normal,
no-break or thin spaces), "1.2 million tons", "one million", "a million", "half a million",
"one and a half million", "a quarter of a million", "30 thousand", "twelve thousand five
hundred", "$3.2 million", "3.2 million US dollars", "up to two million tons", "1–2 million t".
Each ``Amount`` has its value (``Decimal``), its span, its qualifier, its unit (the codes of
``trade.models.Unit``) or currency (ISO 4217) and its kind (quantity, money, year, day of
month, percent, plain).

Why our own grammar (measured on the 25 phrases of ``tests/core/test_numbers.py``' first
table, Python 3.11, ``/tmp/numeval/w/eval.py`` of the issue 17 work): quantulum3 0.10 read
19/25 (``half a million`` → 1,500,000; ``1.5 mln`` → 1.5; ``500\u00a0000`` → 500; ``MT`` →
megaton), and took 3.4 s to load its unit table and 2.4 ms a phrase; text2num 3.1 and
number-parser 0.3 read 14/25 (a scale after digits, ``half``/``quarter``, thousands
separators), at 23 µs and 2.2 ms a phrase; word2number 1.1 (2017) 9/25, no digits at all.
None knows qualifiers, currencies, years or days. A wrong value is worse than none here (it
would let a quote support a number it does not give), so this module is a small grammar:
25/25, 0.1 ms a phrase and 0.4 ms for the 2.5 KB seed article (on a busy 2-core machine),
with every rule pinned by the test table.

Qualifiers (the words just before an amount, or "or more"/"or less" just after):

* ``approximate``: approximately, approx., about, around, some, nearly, almost, roughly,
  close to, circa, an estimated, estimated, ``~``, ... or so. "Nearly" and "almost" say "a little
  less than": we read them as approximate, not as a bound.
* ``at_most``: up to, as much as, as many as, at most, no more than, not more than, a maximum
  of, ... or less; and strictly: under, below, less than, fewer than.
* ``at_least``: at least, no less than, not less than, a minimum of, ... or more; and
  strictly: more than, over, above, in excess of, upwards of.

A strict bound ("more than 1 million tons") is recorded as ``at_least``/``at_most`` with
``strict=True``: the records hold no strict bounds, and "more than 1,000,000" is the bound
the source gives. A range "1–2 million tons" gives its two ends: 1,000,000 t ``at_least`` and
2,000,000 t ``at_most``.

Tons: "t", "tons", "tonnes", "MT", "metric tons/tonnes" are the metric tonne (1,000 kg), as
trade reporting uses them. A "short ton" or "long ton" is another unit, which supports
nothing in ``t``. "$" is the US dollar.
"""

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple


class Measure(NamedTuple):
    """A decimal field that holds a measure: ``kind`` is "quantity" (with its unit field) or
    "money" (with its currency field); ``qualifier`` names its qualifier field."""

    kind: str
    unit: str
    qualifier: str


@dataclass(frozen=True)
class Amount:
    value: Decimal
    start: int  # the number's first character (after the qualifier and a currency sign)
    end: int  # past the number, its scale and its unit or currency word
    kind: str = "plain"  # quantity, money, year, day, percent, plain
    qualifier: str = "exact"
    unit: str = ""
    currency: str = ""
    strict: bool = False
    #: Where the qualifier's words start (== the start of a currency sign or of the number
    #: when exact): a quote states the qualifier only when it holds these words.
    qualifier_start: int = -1


_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen"
_TEENS = "fourteen fifteen sixteen seventeen eighteen nineteen"
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety"
WORDS = {
    **{w: i for i, w in enumerate(f"{_ONES} {_TEENS}".split())},
    **{w: (i + 2) * 10 for i, w in enumerate(_TENS.split())},
}
SCALES = {
    "thousand": 10**3,
    "million": 10**6,
    "mln": 10**6,
    "mn": 10**6,
    "billion": 10**9,
    "bln": 10**9,
    "bn": 10**9,
    "trillion": 10**12,
    "lakh": 10**5,  # Indian and Pakistani news: "Rs 450 crore"
    "crore": 10**7,
}
FRACTIONS = {"half": Decimal("0.5"), "quarter": Decimal("0.25")}

# Longest first: "metric tons" before "tons", "US dollars" before "dollars".
UNITS = [
    (r"short\s+tons?", "short_ton"),
    (r"long\s+tons?", "long_ton"),
    (r"metric\s+(?:tons?|tonnes?)", "t"),
    (r"(?:tons?|tonnes?|MT|mt|t)", "t"),
    (r"(?:kilograms?|kilogrammes?|kilos?|kgs?)", "kg"),
    (r"(?:cubic\s+met(?:re|er)s?|m3|m³)", "m3"),
    (r"(?:lit(?:re|er)s?|l)", "l"),
    (r"(?:barrels?|bbl)", "bbl"),
    (r"(?:items?|units?|pieces?)", "item"),
    # Electricity: every multiple is read in kilowatt hours (ENERGY_SCALES below).
    (r"(?:terawatt[\s-]+hours?|TWh)", "TWh"),
    (r"(?:gigawatt[\s-]+hours?|GWh)", "GWh"),
    (r"(?:megawatt[\s-]+hours?|MWh)", "MWh"),
    (r"(?:kilowatt[\s-]+hours?|kWh)", "kWh"),
]
#: A unit written as a multiple of another: its value is the multiple's ("1,500 gigawatt
#: hours" is 1,500,000,000 kWh), so one fact written two ways has one value.
ENERGY_SCALES = {"TWh": 10**9, "GWh": 10**6, "MWh": 10**3}
CURRENCY_WORDS = [
    (r"(?:US|U\.S\.|American)\s+dollars?", "USD"),
    (r"(?:Canadian)\s+dollars?", "CAD"),
    (r"(?:Australian)\s+dollars?", "AUD"),
    (r"dollars?", "USD"),
    (r"euros?", "EUR"),
    (r"(?:Russian\s+)?r[o]?ubles?", "RUB"),
    (r"afghanis?", "AFN"),
    (r"(?:pounds?\s+sterling)", "GBP"),
    (r"Egyptian\s+pounds?", "EGP"),
    (r"(?:Chinese\s+)?(?:yuan|renminbi)", "CNY"),
    # A currency several countries name alike is its most traded one unless the country's
    # adjective says otherwise: "shillings" alone are Kenyan, "rupees" Indian.
    (r"Ugandan\s+shillings?", "UGX"),
    (r"Tanzanian\s+shillings?", "TZS"),
    (r"(?:Kenyan\s+|Kenya\s+)?shillings?", "KES"),
    (r"Pakistani\s+rupees?", "PKR"),
    (r"Sri\s+Lankan\s+rupees?", "LKR"),
    (r"Nepal(?:ese|i)\s+rupees?", "NPR"),
    (r"(?:Indian\s+)?rupees?", "INR"),
    (r"Indonesian\s+rupiahs?|rupiahs?", "IDR"),
    (r"Moroccan\s+dirhams?", "MAD"),
    (r"(?:UAE\s+|Emirati\s+)?dirhams?", "AED"),
    (r"Qatari\s+riyals?", "QAR"),
    (r"Omani\s+rials?", "OMR"),
    (r"Iranian\s+rials?|rials?", "IRR"),
    (r"(?:Saudi\s+)?riyals?", "SAR"),
    (r"(?:Turkish\s+)?lir(?:a|as|e)", "TRY"),
    (r"(?:Kazakh(?:stani)?\s+)?tenges?", "KZT"),
    (r"(?:Nigerian\s+)?nairas?", "NGN"),
    (r"(?:Ghanaian\s+)?cedis?", "GHS"),
    (r"(?:Ethiopian\s+)?birrs?", "ETB"),
    (r"(?:South\s+African\s+)rands?", "ZAR"),
    (r"(?:Bangladeshi\s+)?takas?", "BDT"),
    (r"(?:South\s+)?Korean\s+won", "KRW"),  # "won" alone is a verb
    (r"(?:Japanese\s+)?yen", "JPY"),
    (r"Chilean\s+pesos?", "CLP"),
    (r"Philippine\s+pesos?", "PHP"),
    (r"Mexican\s+pesos?", "MXN"),
    (r"(?:Brazilian\s+)?reais|Brazilian\s+real", "BRL"),
    (r"(?:Azerbaijani\s+)?manats?", "AZN"),
    (r"(?:Ukrainian\s+)?hryvni(?:a|as)", "UAH"),
    (r"(?:Polish\s+)?zl(?:o|ō)ty(?:s)?", "PLN"),
    (r"Vietnamese\s+dong", "VND"),
    (r"(?:Malaysian\s+)?ringgits?", "MYR"),
    (r"(?:Thai\s+)?baht", "THB"),
    (r"(?:Swiss\s+)?francs?", "CHF"),
    (r"soums?|Uzbek\s+sums?", "UZS"),
    (r"[A-Z]{3}", ""),  # an ISO code after the number: "3.2 million USD"
]
CURRENCY_SIGNS = {
    "$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "₽": "RUB", "؋": "AFN",
    "₹": "INR", "Rs": "INR", "¥": "CNY", "₺": "TRY", "₸": "KZT", "₦": "NGN", "₩": "KRW",
    "৳": "BDT", "Tk": "BDT", "Tk.": "BDT", "Rs.": "INR", "R$": "BRL", "₴": "UAH", "₫": "VND",
}  # fmt: skip
#: The ISO 4217 codes read as currencies when written as such ("USD 3.2 million").
ISO_CODES = {
    "USD", "EUR", "RUB", "AFN", "GBP", "CNY", "CHF", "JPY", "INR", "PKR", "IRR", "KES", "UGX",
    "TZS", "LKR", "NPR", "IDR", "MAD", "AED", "QAR", "OMR", "SAR", "TRY", "KZT", "NGN", "GHS",
    "ETB", "ZAR", "BDT", "KRW", "CLP", "PHP", "MXN", "BRL", "AZN", "UAH", "PLN", "VND", "MYR",
    "THB", "UZS", "EGP", "CAD", "AUD", "KGS", "TJS", "TMT", "GEL", "AMD", "MNT", "DZD", "ARS",
}  # fmt: skip
QUALIFIERS = [
    # (words, qualifier, strict); matched just before the amount, longest first.
    (
        "approximately|approx\\.|about|around|some|nearly|almost|roughly|circa|close to"
        "|an estimated|estimated|~",
        "approximate",
        False,
    ),
    (
        "up to|as much as|as many as|at most|no more than|not more than|a maximum of",
        "at_most",
        False,
    ),
    ("under|below|less than|fewer than", "at_most", True),
    ("at least|no less than|not less than|a minimum of", "at_least", False),
    ("more than|over|above|in excess of|upwards of", "at_least", True),
]
#: The words a number in words may start with.
STARTERS = frozenset(WORDS) | {"a", "one", "half", "quarter"}
TRAILING = re.compile(r",?\s+or\s+(more|less|so)\b", re.IGNORECASE)
TRAILING_QUALIFIERS = {"more": "at_least", "less": "at_most", "so": "approximate"}
MONTHS = frozenset(
    {"january", "february", "march", "april", "may", "june", "july", "august", "september"}
    | {"october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug"}
    | {"sep", "sept", "oct", "nov", "dec"}
)

GROUP = "[,\u00a0\u202f\u2009 ]"
DIGITS = re.compile(rf"\d{{1,3}}(?:{GROUP}\d{{3}})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?")
WORD = re.compile(r"[A-Za-z]+|\S")
SPACE = r"[\s\u00a0\u202f\u2009-]*"


def _compiled(alternatives: list[tuple[str, str]]):
    return [(re.compile(rf"{SPACE}({p})(?![A-Za-z0-9])"), code) for p, code in alternatives]


UNIT_PATTERNS = _compiled(UNITS)
CURRENCY_PATTERNS = _compiled(CURRENCY_WORDS)
QUALIFIER_PATTERNS = [
    (re.compile(rf"(?<![A-Za-z])(?:{words})[\s\u00a0]*$", re.IGNORECASE), qualifier, strict)
    for words, qualifier, strict in QUALIFIERS
]
NEXT_WORD = re.compile(rf"{SPACE}([A-Za-z]+)\b")
SCALE_ON_NUMBER = re.compile(r"(bn|mln|mn)\b")  # "2.5bn", "3mln"
WON_AFTER_SCALE = re.compile(rf"{SPACE}won(?![A-Za-z0-9])")
AND_A_HALF = re.compile(rf"{SPACE}and a half\s+([a-z]+)\b")
SIGN = re.compile(r"(US\$|R\$|\bRs\.?|\bTk\.?|[$€£₽؋₹¥₺₸₦₩৳₴₫]|\b[A-Z]{3})\s?$")
PERCENT = re.compile(rf"{SPACE}(%|per\s?cent)")
DAY_BEFORE = re.compile(r"([A-Za-z]+)\.?\s+$")
DAY_AFTER = re.compile(r"(?:st|nd|rd|th)?(?:\s+of)?\s+([A-Za-z]+)")


def _after(text: str, at: int, patterns):
    """The first pattern matched at ``at`` (after spaces), as (code, end)."""
    for pattern, code in patterns:
        m = pattern.match(text, at)
        if m:
            return code or m.group(1), m.end()
    return None, at


def _scale(text: str, at: int):
    m = NEXT_WORD.match(text, at)
    if m and m.group(1).lower() in SCALES:
        return SCALES[m.group(1).lower()], m.end()
    m = SCALE_ON_NUMBER.match(text, at)
    if m:
        return SCALES[m.group(1)], m.end()
    return 1, at


def _words(low: list[str], i: int):
    """A number in words from word ``i`` (of ``low``, lowercased): (value, next index)."""
    n = len(low)

    def at(k, *words):
        return k < n and low[k] in words

    # "half a million", "a quarter of a million", "three quarters of a million"
    k = i + (1 if at(i, "a", "one") and at(i + 1, "quarter", "half") else 0)
    if at(k, "half", "quarter"):
        frac = FRACTIONS[low[k]]
        k += 1 + (1 if at(k + 1, "of") else 0)
        if at(k, "a") and k + 1 < n and low[k + 1] in SCALES:
            return frac * SCALES[low[k + 1]], k + 2
        return None
    total, current, k, seen = Decimal(0), Decimal(0), i, False
    while k < n:
        word = low[k]
        if word in WORDS:
            current += WORDS[word]
        elif word == "a" and not seen and at(k + 1, "hundred", *SCALES):
            current = Decimal(1)
        elif word == "hundred" and seen:
            current = (current or 1) * 100
        elif word in SCALES and seen and word not in ("mn", "bn", "mln", "bln"):
            if at(k + 1, "and") and at(k + 2, "a") and at(k + 3, "half"):
                current += Decimal("0.5")  # "a million and a half"
                k += 3
            total, current = total + current * SCALES[word], Decimal(0)
        elif word == "and" and seen and at(k + 1, "a") and at(k + 2, "half") and k + 3 < n:
            if low[k + 3] in SCALES:  # "one and a half million"
                current += Decimal("0.5")
                k += 2
            else:
                break
        elif word == "and" and seen and k + 1 < n and low[k + 1] in WORDS:
            pass  # "one hundred and five"
        elif word == "-" and seen and k + 1 < n and low[k + 1] in WORDS:
            pass  # "forty-two"
        else:
            break
        seen = True
        k += 1
    return (total + current, k) if seen else None


def _qualifier(text: str, start: int):
    """The qualifier written just before ``start``: (qualifier, strict, words' start)."""
    before = text[max(0, start - 40) : start]
    for pattern, qualifier, strict in QUALIFIER_PATTERNS:
        m = pattern.search(before)
        if m:
            return qualifier, strict, start - len(before) + m.start()
    return "exact", False, start


def _candidates(text: str):
    """(value, start, end) of every bare number, in digits or in words."""
    for m in DIGITS.finditer(text):
        if m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] in ",."):
            continue  # inside a word or a number ("B52", the "500" of "1,500" cut off)
        raw = re.sub(GROUP, "", m.group())
        value = Decimal(raw)
        scale, end = _scale(text, m.end())
        if scale == 1:  # "1.5 million": the scale is part of the number
            m2 = AND_A_HALF.match(text, m.end())
            if m2 and m2.group(1) in SCALES:
                value, scale, end = value + Decimal("0.5"), SCALES[m2.group(1)], m2.end()
        yield value * scale, m.start(), end, scale == 1 and m.group().isdigit()
    tokens = [(t.group(), t.start(), t.end()) for t in WORD.finditer(text)]
    low = [t[0].lower() for t in tokens]
    i = 0
    while i < len(tokens):
        found = _words(low, i) if low[i] in STARTERS else None
        if found:
            value, k = found
            yield value, tokens[i][1], tokens[k - 1][2], False
            i = k
        else:
            i += 1


@lru_cache(maxsize=64)
def amounts_in(text: str) -> tuple[Amount, ...]:
    """Every amount written in ``text``, in order."""
    found = []
    for value, start, end, plain_digits in sorted(_candidates(text), key=lambda c: c[1]):
        found.append(_classify(text, value, start, end, plain_digits))
    return tuple(_ranges(text, found))


def _classify(text, value, start, end, plain_digits) -> Amount:
    amount = _classify_number(text, value, start, end, plain_digits)
    trailing = TRAILING.match(text, amount.end)
    if trailing and amount.qualifier == "exact" and amount.kind in ("quantity", "money"):
        qualifier = TRAILING_QUALIFIERS[trailing.group(1).lower()]
        return replace(amount, end=trailing.end(), qualifier=qualifier)
    return amount


def _classify_number(text, value, start, end, plain_digits) -> Amount:
    sign = SIGN.search(text[max(0, start - 4) : start])
    number_start = start
    currency = ""
    if sign and (sign.group(1) in CURRENCY_SIGNS or sign.group(1) in ISO_CODES):
        currency = CURRENCY_SIGNS.get(sign.group(1), sign.group(1))
        start -= len(sign.group())
    qualifier, strict, q_start = _qualifier(text, start)
    common = {"qualifier": qualifier, "strict": strict, "qualifier_start": q_start}
    unit, unit_end = _after(text, end, UNIT_PATTERNS)
    if currency:
        return Amount(value, start, end, "money", currency=currency, **common)
    word_currency, money_end = _after(text, end, CURRENCY_PATTERNS)
    won = WON_AFTER_SCALE.match(text, end)
    if not word_currency and won and re.search(r"(?:illion|bn|mn)$", text[number_start:end]):
        word_currency, money_end = "KRW", won.end()  # "3.4 trillion won": no verb there
    if word_currency in ISO_CODES:
        return Amount(value, number_start, money_end, "money", currency=word_currency, **common)
    if unit in ENERGY_SCALES:
        value, unit = value * ENERGY_SCALES[unit], "kWh"
    if unit:
        return Amount(value, number_start, unit_end, "quantity", unit=unit, **common)
    percent = PERCENT.match(text, end)
    if percent:
        return Amount(value, number_start, percent.end(), "percent", **common)
    if plain_digits and _is_day(text, number_start, end, value):
        return Amount(value, number_start, end, "day", **common)
    if plain_digits and value == value.to_integral() and 1500 <= value <= 2200:
        return Amount(value, number_start, end, "year", **common)
    return Amount(value, number_start, end, "plain", **common)


def _is_day(text, start, end, value) -> bool:
    if not (1 <= value <= 31 and value == value.to_integral()):
        return False
    before = DAY_BEFORE.search(text[max(0, start - 12) : start])
    after = DAY_AFTER.match(text, end)
    return any(m and m.group(1).lower() in MONTHS for m in (before, after))


def _ranges(text, amounts):
    """ "1–2 million tons": the first end takes the second's scale, unit and currency."""
    out = list(amounts)
    for i in range(len(out) - 1):
        low, high = out[i], out[i + 1]
        between = text[low.end : high.start]
        if not re.fullmatch(r"\s*(?:-|–|—|to)\s*", between) or high.kind not in (
            "quantity",
            "money",
        ):
            continue
        if low.kind not in ("plain", "year", high.kind):
            continue
        scale = Decimal(1)
        if re.fullmatch(r"[\d.,\s\u00a0\u202f\u2009]+", text[low.start : low.end]):
            # "1–2 million": 2 million is 2 × 10⁶, so 1 is 1 × 10⁶.
            m = re.match(r"[\d.,\s]+?\s*([a-z]+)", text[high.start : high.end])
            if m and m.group(1) in SCALES:
                scale = Decimal(SCALES[m.group(1)])
        out[i] = Amount(
            low.value * scale,
            low.start,
            low.end,
            high.kind,
            "at_least",
            high.unit,
            high.currency,
            False,
            low.start,
        )
        out[i + 1] = Amount(
            high.value,
            high.start,
            high.end,
            high.kind,
            "at_most",
            high.unit,
            high.currency,
            False,
            low.start,
        )
    return out
