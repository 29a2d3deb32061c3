"""The number rule: a measure is supported only by a quote that gives it, with its unit.

A model declares its measures (``measures = {"quantity": Measure("quantity", "unit",
"quantity_qualifier"), ...}``); for each filled-in one, some live citation that supports it
and quotes text must give an amount (``core.numbers``) with

* the same value;
* for a quantity, a quantity in the record's unit (a year, a day of the month, a percentage,
  a money amount or a bare number never supports one; "7 tonnes" does not support 7 kg);
* for money, a money amount in the record's currency;
* the same qualifier, stated in the quote ("up to two million tons" supports 2,000,000 t
  at most, not exactly; "two million tons" quoted out of "up to two million tons" supports
  neither).

The whole amount, from its qualifier to its unit, lies inside the quote.
"""

from decimal import Decimal

from core.numbers import Amount, Measure, amounts_in

QUALIFIER_WORDS = {
    "exact": "",
    "approximate": "approximately",
    "at_most": "up to",
    "at_least": "at least",
}


def format_number(value: Decimal) -> str:
    """``2000000.000`` → ``2,000,000``; ``3.50`` → ``3.5``."""
    return format(Decimal(value).normalize(), ",f")


def format_measure(value, unit: str = "", *, currency: str = "", qualifier: str = "") -> str:
    """A measure as people read it: "up to 2,000,000 t", "USD 3,200,000"."""
    if value is None:
        return ""
    number = format_number(value)
    text = f"{currency} {number}" if currency else f"{number} {unit}".strip()
    words = QUALIFIER_WORDS.get(qualifier or "exact", "")
    return f"{words} {text}" if words else text


def _describe(amount: Amount) -> str:
    if amount.kind == "quantity":
        unit = amount.unit.replace("_", " ")
        return format_measure(amount.value, unit, qualifier=amount.qualifier)
    if amount.kind == "money":
        return format_measure(amount.value, currency=amount.currency, qualifier=amount.qualifier)
    kinds = {"year": "the year", "day": "the day of the month", "percent": "the percentage"}
    name = kinds.get(amount.kind, "the bare number")
    number = str(amount.value) if amount.kind == "year" else format_number(amount.value)
    return f"{name} {number}"


def quoted_amounts(citation) -> list[Amount]:
    """The amounts that lie whole inside the citation's quote (qualifier and unit included),
    read in the source's text so that a qualifier just outside the quote is seen."""
    text = citation.source.text if citation.source_id else ""
    start = citation.start
    if start is None or text[start : start + len(citation.quote)] != citation.quote:
        text, start = citation.quote, 0
    end = start + len(citation.quote)
    inside = [a for a in amounts_in(text) if start <= a.start and a.end <= end]
    return [a for a in inside if a.qualifier == "exact" or a.qualifier_start >= start]


def _outside_qualifier(citation, value) -> bool:
    text = citation.source.text if citation.source_id else ""
    start = citation.start
    if start is None or not text:
        return False
    return any(
        a.value == value and a.start >= start and a.qualifier_start < start
        for a in amounts_in(text)
        if a.qualifier != "exact"
    )


def _supports(amount: Amount, measure: Measure, value, unit: str, qualifier: str) -> bool:
    if amount.value != value or amount.qualifier != qualifier:
        return False
    if measure.kind == "money":
        return amount.kind == "money" and amount.currency == unit
    return amount.kind == "quantity" and amount.unit == unit


def measure_problems(record, citations) -> list[str]:
    """Why ``citations`` (the live ones) do not support ``record``'s measures ([] if they do)."""
    problems = []
    for name, measure in getattr(type(record), "measures", {}).items():
        value = getattr(record, name, None)
        quoted = [c for c in citations if name in c.supports and c.quote]
        if value is None or not quoted:
            continue  # a dataset row (locator) is its own evidence
        unit = getattr(record, measure.unit, "")
        qualifier = getattr(record, measure.qualifier, "") or "exact"
        found = [a for c in quoted for a in quoted_amounts(c)]
        if any(_supports(a, measure, value, unit, qualifier) for a in found):
            continue
        kw = {"currency": unit} if measure.kind == "money" else {"unit": unit}
        stated = format_measure(value, qualifier=qualifier, **kw)
        gives = "; ".join(dict.fromkeys(_describe(a) for a in found)) or "no amount"
        hint = "Quote the words that give it, from the qualifier to the unit"
        if any(_outside_qualifier(c, value) for c in quoted):
            hint = "The qualifier before the number is outside the quote: start the quote there"
        problems.append(
            f"{name} is {stated}, but no quote that supports it says so: the quote gives "
            f"{gives}. {hint}, or correct the {name}."
        )
    return problems
