"""How well PyPI's number parsers read amounts as sources write them (issue 17).

Run each library in a throwaway virtualenv (they are not dependencies of the project)::

    python3.11 -m venv /tmp/numeval
    /tmp/numeval/bin/pip install quantulum3 text2num number-parser word2number
    for lib in quantulum3 text2num number-parser word2number; do
        /tmp/numeval/bin/python -m bench.number_parsers $lib; done
    .venv/bin/python -m bench.number_parsers ours

It prints the phrases read right out of 25, the import time and the time a phrase takes
(the first phrase included: quantulum3 loads its unit table then). The figures are in
``core/numbers.py``'s docstring.
"""

import re
import sys
import time
from decimal import Decimal

CASES = [
    ("12,500 tonnes", 12500),
    ("500 000 tons", 500000),
    ("500\u00a0000 tons", 500000),
    ("500\u202f000 tons", 500000),
    ("1.2 million tons", 1200000),
    ("one million tons", 1000000),
    ("a million tonnes", 1000000),
    ("half a million tons", 500000),
    ("two million tons", 2000000),
    ("30 thousand tons", 30000),
    ("one and a half million tons", 1500000),
    ("a quarter of a million tons", 250000),
    ("1.5 mln tonnes", 1500000),
    ("3.2 billion dollars", 3200000000),
    ("twelve thousand five hundred tonnes", 12500),
    ("seven tonnes", 7),
    ("$2.5bn", 2500000000),
    ("forty-two trucks", 42),
    ("up to two million tons", 2000000),
    ("approximately one million tons", 1000000),
    ("1,200,000 litres", 1200000),
    ("3.5 tonnes", Decimal("3.5")),
    ("two hundred thousand barrels", 200000),
    ("nearly 700 thousand tonnes", 700000),
    ("1.25 million", 1250000),
]
DIGITS = re.compile(r"\d[\d,.]*")
SCALED = re.compile(r"\d\s*(million|thousand|billion|mln|bn)")


def first_digits(text):
    m = DIGITS.search(text.replace("\u00a0", "").replace("\u202f", ""))
    return Decimal(m.group().replace(",", "").rstrip(".")) if m else None


def reader(lib):
    """The library's reading of a phrase as one number (a scale left in words is a miss)."""
    if lib == "quantulum3":
        from quantulum3 import parser

        return lambda t: (parser.parse(t) or [None])[0] and parser.parse(t)[0].value
    if lib in ("text2num", "number-parser"):
        if lib == "text2num":
            from text_to_num import alpha2digit

            rewrite = lambda t: alpha2digit(t, "en")  # noqa: E731
        else:
            from number_parser import parse as rewrite
        return lambda t: None if SCALED.search(rewrite(t)) else first_digits(rewrite(t))
    if lib == "word2number":
        from word2number import w2n

        return w2n.word_to_num
    from core.numbers import amounts_in

    return lambda t: amounts_in.__wrapped__(t)[-1].value


def main(lib):
    started = time.perf_counter()
    read = reader(lib)
    imported = time.perf_counter() - started
    right, started = 0, time.perf_counter()
    for text, want in CASES:
        try:
            got = read(text)
        except Exception as exc:  # a library's refusal is a miss
            got = type(exc).__name__
        if isinstance(got, int | float | Decimal) and Decimal(str(got)) == Decimal(want):
            right += 1
        else:
            print(f"  miss: {text!r} → {got!r}")
    each = (time.perf_counter() - started) / len(CASES) * 1000
    print(f"{lib}: {right}/{len(CASES)}, import {imported * 1000:.0f} ms, {each:.2f} ms a phrase")


if __name__ == "__main__":
    main(sys.argv[1])
