"""What a selected quote fills in: the values it states for the form's EMPTY fields.

When a curator selects words in a source on a record's form, ``cite.js`` asks the admin's
autotick endpoint, which answers with the fields to tick (``core.autotick``) and, from here,
the values the words state for fields the curator has left empty, so that one selection
fills a record ("Kazakhstan will supply approximately one million tons of wheat to
Afghanistan in 2025" → exporter, importer, commodity, quantity, unit, qualifier, status and
period). A model lists the fields that may be filled this way in ``quote_fills``; each is
read by the rule of its kind:

* a country in a role (``quote_roles``): the one record named in that role's position
  ("from Kazakhstan", "to Afghanistan"), never one merely mentioned;
* another relation listed in ``quote_names`` (a commodity, a statement's speaker): the one
  record whose name or alias the words contain, as a word;
* a measure (``measures``): the one amount of its kind in the words, with its unit or
  currency and its qualifier (``core.numbers.amounts_in``: "approximately one million tons"
  → 1000000, t, approximate); if the unit is chosen, only amounts in that unit count;
* a status: the one status whose verbs the words use (``core.autotick.STATUS_WORDS``);
* a date with precision: the one year the words give ("in 2025"; "March 2025" → 2025-03);
* ``kind``: an aggregate flow when the words give a period ("in 2025", "a year"), a
  consignment for "a shipment of", "a cargo of";
* a statement's ``quote``: the passage the words quote (between quotation marks), and its
  ``mode``: direct when they quote one, reported when they only say "said".

Nothing is proposed when the words are ambiguous (two countries in one role, two amounts),
nor for a field that holds a value: what the curator typed stays. The proposals are only
proposals: the curator sees them in a status line, and the services check the evidence
again on save. ``contradictions`` proposes the other direction: a quote that gives another
figure for a measure the form already holds.
"""

import re
from decimal import Decimal

from core.autotick import STATUS_WORDS, _words_regex, names_of, states_name, states_role
from core.numbers import amounts_in

_KIND_WORDS = {
    "aggregate": r"\b(?:in|for|during|throughout)\s+(?:[a-z]+\s+)?(?:19|20)\d\d\b|\b(?:a|per|each|"
    r"every)\s+(?:year|month)\b|\bannual(?:ly)?\b|\bmonthly\b",
    "consignment": r"\b(?:a|one|the)\s+(?:shipment|consignment|cargo|batch|delivery)\s+of\b",
}
_QUOTED = re.compile(r"[“\"«]([^”\"»]{3,}?)[”\"»]")
_SPEECH = re.compile(r"\b(?:said|says|told|stated|announced|added|noted|declared)\b", re.I)
_MONTHS = [
    *("january", "february", "march", "april", "may", "june"),
    *("july", "august", "september", "october", "november", "december"),
]


def _empty(values: dict, name: str) -> bool:
    raw = values.get(name)
    return raw in (None, "", []) or (isinstance(raw, str) and not raw.strip())


def _plain(value: Decimal) -> str:
    """A decimal as a form's number field takes it: 1000000, 1.5 (no exponent, no zeros)."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _one(found: list):
    """The one distinct thing found, or None when there is none or more than one."""
    distinct = list(dict.fromkeys(found))
    return distinct[0] if len(distinct) == 1 else None


def _record(f, user, quote: str, role: str | None, taken: set):
    rows = f.related_model._default_manager.visible_as_related(user)
    if role:  # countries: a few hundred rows, read by name and aliases
        words = set(re.findall(r"\w{3,}", quote.casefold()))
        candidates = [
            r for r in rows if any(w in words for n in names_of(r) for w in n.casefold().split())
        ]
        found = [r for r in candidates if r.pk not in taken and states_role(quote, r, role)]
    else:
        found = _outermost([r for r in rows if r.pk not in taken and states_name(quote, r)], quote)
    record = _one(found)
    return None if record is None else {"value": str(record.pk), "label": str(record)}


def _outermost(found: list, quote: str) -> list:
    """ "wheat flour" names Wheat flour, and Wheat within it: a record whose every name in the
    quote lies inside another found record's name is not one the quote names."""
    named = {r.pk: [n.casefold() for n in names_of(r) if _named(quote, n)] for r in found}
    return [
        r
        for r in found
        if not all(
            any(mine in theirs and mine != theirs for o in found for theirs in named[o.pk])
            for mine in named[r.pk]
        )
    ]


def _named(quote: str, name: str) -> bool:
    return re.search(rf"\b{re.escape(name)}(?:s|es)?\b", quote, re.IGNORECASE) is not None


def _measure(model, name: str, values: dict, quote: str) -> dict:
    measure = model.measures[name]
    unit = "" if _empty(values, measure.unit) else str(values[measure.unit])
    found = []
    for amount in amounts_in(quote):
        own = amount.unit if measure.kind == "quantity" else amount.currency
        if amount.kind == "plain":  # "1 or 2 million tons": which one is the figure?
            return {}
        if amount.kind == measure.kind and (not unit or own == unit):
            found.append((amount.value, own, amount.qualifier))
    one = _one(found)
    if one is None:
        return {}
    value, own, qualifier = one
    proposed = {name: {"value": _plain(value)}, measure.qualifier: {"value": qualifier}}
    if not unit:
        proposed[measure.unit] = {"value": own}
    return proposed


def _date(quote: str) -> str | None:
    years = [a for a in amounts_in(quote) if a.kind == "year"]
    year = _one([int(a.value) for a in years])
    if year is None:
        return None
    month = re.search(rf"\b({'|'.join(_MONTHS)})\s+{year}\b", quote, re.IGNORECASE)
    return f"{year}-{_MONTHS.index(month.group(1).lower()) + 1:02d}" if month else str(year)


def _choice(f, table: dict, quote: str) -> str | None:
    allowed = {value for value, _label in f.choices}
    return _one([v for v, words in table.items() if v in allowed and re.search(words, quote, re.I)])


def _status(f, quote: str) -> str | None:
    words = {v: _words_regex(w).pattern for v, w in STATUS_WORDS.items()}
    return _choice(f, words, quote)


def _field_proposal(model, name: str, values: dict, quote: str, user, taken: set) -> dict:
    f = model._meta.get_field(name)
    if name in getattr(model, "measures", {}):
        return _measure(model, name, values, quote)
    if f.is_relation:
        role = getattr(model, "quote_roles", {}).get(name)
        if not role and name not in getattr(model, "quote_names", ()):
            return {}
        found = _record(f, user, quote, role, taken)
        return {name: found} if found else {}
    if name in getattr(model, "fuzzy_dates", ()):
        if not _empty(values, f"{name}_note"):
            return {}
        value = _date(quote)
    elif name == "status" and f.choices:
        value = _status(f, quote)
    elif name == "kind" and f.choices:
        value = _choice(f, _KIND_WORDS, quote)
    elif name == "quote":
        passage = _QUOTED.search(quote)
        value = passage.group(1).strip().rstrip(",;:").strip() if passage else None
    elif name == "mode" and f.choices:
        value = (
            "direct" if _QUOTED.search(quote) else ("reported" if _SPEECH.search(quote) else None)
        )
    else:
        value = None
    return {name: {"value": value}} if value else {}


def proposed_values(model, values: dict, quote: str, user=None) -> dict[str, dict]:
    """``{field: {"value": form value, "label": shown text (relations)}}``: what ``quote``
    states for the fields of ``model`` (its ``quote_fills``) that ``values`` (the form's, by
    field name) leaves empty."""
    proposed: dict[str, dict] = {}
    taken = {str(v) for v in values.values() if isinstance(v, str) and v}
    for name in getattr(model, "quote_fills", ()):
        if not _empty(values, name):
            continue
        for field, item in _field_proposal(model, name, values, quote, user, taken).items():
            if _empty(values, field) or field.endswith("_qualifier"):
                proposed[field] = {**item, "value": str(item["value"])}
                taken.add(str(item["value"]))
    return proposed


def contradictions(model, values: dict, quote: str) -> dict[str, str]:
    """``{field: the figure the quote gives}`` for each measure the form holds a value of,
    when the quote gives one other figure of that measure in the same unit or currency (and
    not the form's): "1.2 million tonnes" against a quantity of 1000000 t."""
    found = {}
    for name, measure in getattr(model, "measures", {}).items():
        if _empty(values, name) or _empty(values, measure.unit):
            continue
        try:
            held = Decimal(str(values[name]).replace(",", ""))
        except ArithmeticError:
            continue
        unit = str(values[measure.unit])
        amounts = amounts_in(quote)
        figures = [
            a.value
            for a in amounts
            if a.kind == measure.kind
            and (a.unit if measure.kind == "quantity" else a.currency) == unit
        ]
        other = None if any(a.kind == "plain" for a in amounts) else _one(figures)
        if other is not None and other != held:
            found[name] = _plain(other)
    return found
