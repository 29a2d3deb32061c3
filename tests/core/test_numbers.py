"""Numbers as sources write them: which quotes support which measures (``core.numbers``,
``core.measures``). Every phrase here is written for this test."""

from decimal import Decimal

import pytest

from core.measures import format_measure, measure_problems
from core.models import Citation, Source, SourceKind
from core.numbers import amounts_in
from core.spans import span_problem
from trade.models import Shipment

NBSP, THIN = "\u00a0", "\u202f"

# (text the source gives, the quote cut from it or None for all of it, the claim, supported?)
# A claim is "VALUE UNIT [QUALIFIER]" for a quantity, or "CUR VALUE [QUALIFIER]" for money.
TABLE = [
    # digits and separators
    ("Trucks carried 12,500 tonnes of wheat.", None, "12500 t", True),
    ("Trucks carried 12500 tonnes of wheat.", None, "12500 t", True),
    ("Trucks carried 500 000 tons of flour.", None, "500000 t", True),
    (f"Trucks carried 500{NBSP}000 tons of flour.", None, "500000 t", True),
    (f"Trucks carried 500{THIN}000 tons of flour.", None, "500000 t", True),
    ("Traders moved 3.5 tonnes by air.", None, "3.5 t", True),
    ("Pipelines moved 1,200,000 litres of diesel.", None, "1200000 l", True),
    ("Tankers moved 40,000 barrels of crude.", None, "40000 bbl", True),
    ("The mill sent 250 kg of flour.", None, "250 kg", True),
    ("Depots held 7,000 cubic metres of gas.", None, "7000 m3", True),
    # scales after digits
    ("Russia sent 1.2 million tons of wheat.", None, "1200000 t", True),
    ("Russia sent 30 thousand tons of wheat.", None, "30000 t", True),
    ("Russia sent 1.5 mln tonnes of fuel.", None, "1500000 t", True),
    ("Russia sent 2.5bn litres of fuel.", None, "2500000000 l", True),
    # number words and scales
    ("Russia will send one million tons of wheat.", None, "1000000 t", True),
    ("Russia will send a million tonnes of wheat.", None, "1000000 t", True),
    ("Russia will send half a million tons of flour.", None, "500000 t", True),
    ("Russia will send two million tons of fuel.", None, "2000000 t", True),
    ("Russia will send one and a half million tons.", None, "1500000 t", True),
    ("Russia will send a quarter of a million tons.", None, "250000 t", True),
    ("Russia will send twelve thousand five hundred tonnes.", None, "12500 t", True),
    ("Russia will send forty-two items of equipment.", None, "42 item", True),
    # units: the metric tonne, whatever it is called
    ("Kabul received 700 MT of lubricants.", None, "700 t", True),
    ("Kabul received 700 metric tons of lubricants.", None, "700 t", True),
    ("Kabul received 700t of lubricants.", None, "700 t", True),
    ("Kabul received 7 tonnes of seed.", None, "7 kg", False),
    ("Kabul received 12,500 tonnes of seed.", None, "12500 kg", False),
    ("Kabul received 500 short tons of seed.", None, "500 t", False),
    ("Kabul received 500 long tons of seed.", None, "500 t", False),
    # qualifiers
    ("Moscow offered up to two million tons of fuel.", None, "2000000 t at_most", True),
    ("Moscow offered up to two million tons of fuel.", None, "2000000 t", False),
    ("Moscow offered approximately one million tons.", None, "1000000 t approximate", True),
    ("Moscow offered approximately one million tons.", None, "1000000 t", False),
    ("Moscow offered about 600,000 tonnes.", None, "600000 t approximate", True),
    ("Moscow offered some 600,000 tonnes.", None, "600000 t approximate", True),
    ("Moscow offered at least 300,000 tonnes.", None, "300000 t at_least", True),
    ("Moscow offered more than 300,000 tonnes.", None, "300000 t at_least", True),
    ("Moscow offered no more than 300,000 tonnes.", None, "300000 t at_most", True),
    ("Moscow offered 300,000 tonnes or more.", None, "300000 t at_least", True),
    ("Moscow offered 300,000 tonnes or more.", None, "300000 t", False),
    ("Moscow offered 300,000 tonnes or more.", "300,000 tonnes", "300000 t", False),
    ("Moscow offered up to two million tons.", "two million tons", "2000000 t", False),
    ("Moscow offered up to two million tons.", "two million tons", "2000000 t at_most", False),
    # ranges: each end is a bound
    ("Russia sends 1–2 million tons a year.", None, "1000000 t at_least", True),
    ("Russia sends 1–2 million tons a year.", None, "2000000 t at_most", True),
    ("Russia sends 1–2 million tons a year.", None, "2000000 t", False),
    # money
    ("The deal is worth $3.2 million.", None, "USD 3200000", True),
    ("The deal is worth 3.2 million US dollars.", None, "USD 3200000", True),
    ("The deal is worth USD 3,200,000.", None, "USD 3200000", True),
    ("The deal is worth 40 million euros.", None, "EUR 40000000", True),
    ("The deal is worth 900 million roubles.", None, "RUB 900000000", True),
    ("The deal is worth 9 billion afghanis.", None, "AFN 9000000000", True),
    ("The deal is worth $3.2 million.", None, "EUR 3200000", False),
    ("The deal is worth $3.2 million.", None, "3200000 t", False),
    # years, days, percentages and bare numbers never support a quantity
    ("In 2025 the first trains arrived.", None, "2025 t", False),
    ("The first trains arrived on 12 March.", None, "12 t", False),
    ("The first trains arrived on March 12.", None, "12 t", False),
    ("Exports rose 15% last year.", None, "15 t", False),
    ("Officials counted 7 of the wagons.", None, "7 t", False),
    # a quote cut inside a number states nothing
    ("Trucks carried 12,500 tonnes of wheat.", "500 tonnes", "500 t", False),
    ("Trucks carried 12,500 tonnes of wheat.", "1", "1 t", False),
    ("Trucks carried 12,500 tonnes of wheat.", "12,500", "12500 t", False),
]


def claim_record(claim: str) -> Shipment:
    parts = claim.split()
    qualifier = parts[2] if len(parts) > 2 else "exact"
    if parts[0].isalpha():
        return Shipment(value=Decimal(parts[1]), currency=parts[0], value_qualifier=qualifier)
    return Shipment(quantity=Decimal(parts[0]), unit=parts[1], quantity_qualifier=qualifier)


def citation(text: str, quote: str | None, supports: list[str]) -> Citation:
    quote = quote or text
    source = Source(kind=SourceKind.NEWS_ARTICLE, text=text)
    start = text.index(quote)
    return Citation(
        source=source, quote=quote, start=start, end=start + len(quote), supports=supports
    )


@pytest.mark.parametrize(("text", "quote", "claim", "supported"), TABLE)
def test_a_quote_supports_the_value_it_gives(text, quote, claim, supported):
    record = claim_record(claim)
    name = "value" if record.value is not None else "quantity"
    problems = measure_problems(record, [citation(text, quote, [name])])
    assert (problems == []) is supported, problems


def test_the_table_is_large_enough():
    assert len(TABLE) >= 40


@pytest.mark.parametrize(
    ("text", "start", "end", "message"),
    [
        ("Trucks carried 12,500 tonnes.", 18, 28, "starts inside “12,500” (at [15, 21))"),
        ("Trucks carried 12,500 tonnes.", 15, 16, "ends inside “12,500” (at [15, 21))"),
        ("Trucks carried 12,500 tonnes.", 15, 17, "ends inside “12,500” (at [15, 21))"),
        ("It rose 3.2 percent.", 8, 9, "ends inside “3.2” (at [8, 11)): a quote holds whole"),
        ("Trucks carried wheat.", 17, 20, "starts inside “wheat” (at [15, 20))"),
        ("Trucks carried wheat.", 0, 9, "ends inside “carried”"),
    ],
)
def test_a_span_cut_inside_a_word_or_number_is_named(text, start, end, message):
    assert message in span_problem(text, start, end)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Trucks carried 12,500 tonnes.", 15, 28),
        ("Trucks carried 12,500 tonnes.", 15, 29),
        ("Trucks carried 12,500, then more.", 15, 21),
        ("Trucks carried wheat.", 0, 6),
    ],
)
def test_a_span_between_words_is_fine(text, start, end):
    assert span_problem(text, start, end) == ""


def test_an_amount_knows_its_span_kind_and_qualifier():
    text = "Moscow offered up to two million tons, worth about $3.2 million, in 2025."
    found = [
        (text[a.start : a.end], a.value, a.kind, a.qualifier, a.unit or a.currency)
        for a in amounts_in(text)
    ]
    assert found == [
        ("two million tons", 2000000, "quantity", "at_most", "t"),
        ("$3.2 million", Decimal("3200000"), "money", "approximate", "USD"),
        ("2025", 2025, "year", "exact", ""),
    ]


@pytest.mark.parametrize(
    ("args", "kwargs", "shown"),
    [
        ((Decimal("2000000.000"), "t"), {"qualifier": "at_most"}, "up to 2,000,000 t"),
        ((Decimal("1000000.000"), "t"), {"qualifier": "approximate"}, "approximately 1,000,000 t"),
        ((Decimal("12500.500"), "t"), {"qualifier": "at_least"}, "at least 12,500.5 t"),
        ((Decimal("3200000.00"),), {"currency": "USD"}, "USD 3,200,000"),
        ((Decimal("7.000"), "kg"), {}, "7 kg"),
    ],
)
def test_numbers_are_shown_as_people_read_them(args, kwargs, shown):
    assert format_measure(*args, **kwargs) == shown


def test_the_refusal_says_what_the_quote_gives():
    record = claim_record("7 kg")
    (problem,) = measure_problems(record, [citation("It sent 7 tonnes.", None, ["quantity"])])
    assert problem.startswith(
        "quantity is 7 kg, but no quote that supports it says so: the quote gives 7 t."
    )


def test_the_refusal_names_a_year():
    record = claim_record("2025 t")
    (problem,) = measure_problems(record, [citation("In 2025 it began.", None, ["quantity"])])
    assert "the quote gives the year 2025" in problem


def test_the_refusal_names_a_qualifier_left_out_of_the_quote():
    record = claim_record("2000000 t")
    text = "Moscow offered up to two million tons."
    (problem,) = measure_problems(record, [citation(text, "two million tons", ["quantity"])])
    assert "The qualifier before the number is outside the quote" in problem
