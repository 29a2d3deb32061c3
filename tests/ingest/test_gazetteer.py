"""Names come from the published dataset: with the seed loaded, its records are matched."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from ingest.extract import propose

pytestmark = pytest.mark.django_db


def test_the_seed_records_are_matched_by_their_public_ids(seed, article):
    extraction = propose(article.text)
    assert extraction.text == article.text
    matched = {(p.kind, p.match) for p in extraction.proposals if p.match}
    assert {
        ("country", "RU"),
        ("country", "AF"),
        ("official", "dmitry-zhirnov"),
        ("official", "zamir-kabulov"),
        ("official", "vladimir-putin"),
        ("position", "russia-ambassador-to-afghanistan"),
        ("position", "russia-special-representative-for-afghanistan"),
        ("organization", "taliban"),
        ("organization", "russia-foreign-ministry"),
        ("commodity", "wheat"),
        ("commodity", "petroleum-products"),
    } <= matched
    wheat = next(p for p in extraction.proposals if p.kind == "commodity" and p.match == "wheat")
    assert (wheat.new, wheat.inferred, wheat.value["hs_code"]) == (False, False, "1001")
    for p in extraction.proposals:
        assert extraction.text[p.start : p.end] == p.quote


def test_a_spelling_variant_matches_the_published_official(seed):
    extraction = propose("Ambassador Dmitri Zhirnov said the talks went well.")
    official = next(p for p in extraction.proposals if p.kind == "official")
    assert (official.quote, official.match, official.new) == (
        "Dmitri Zhirnov",
        "dmitry-zhirnov",
        False,
    )


def test_the_database_gazetteer_meets_the_targets_too(seed):
    out = StringIO()
    call_command("evaluate_ingest", "--gazetteer", "database", stdout=out)
    scores = re.findall(r"^overall\s+\d+\s+\d+\s+\d+\s+([\d.]+)\s+([\d.]+)$", out.getvalue(), re.M)
    assert len(scores) == 2
    assert all(float(p) >= 0.8 and float(r) >= 0.85 for p, r in scores), out.getvalue()
