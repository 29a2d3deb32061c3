"""The gold set is exact, and ``manage.py evaluate_ingest`` reports the targets met."""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ingest.evaluation import ARTICLES, load_articles
from ingest.extract import extract
from ingest.gazetteer import Gazetteer
from ingest.proposals import KINDS
from ingest.seedgold import seed_gold

pytestmark = pytest.mark.django_db
RECALL, PRECISION = 0.85, 0.8


def test_every_gold_span_is_exact():
    files = sorted(ARTICLES.glob("*.gold.json"))
    assert len(files) >= 6
    for gold_file in files:
        text = Path(str(gold_file).replace(".gold.json", ".txt")).read_text(encoding="utf-8")
        assert 120 <= len(text.split()) <= 260, gold_file.name
        items = json.loads(gold_file.read_text(encoding="utf-8"))["items"]
        assert items
        for item in items:
            assert item["kind"] in KINDS
            assert text[item["start"] : item["end"]] == item["quote"], item


def test_the_seed_gold_is_its_published_records_at_their_citations():
    gold = seed_gold()
    kinds = {item.kind for item in gold.items}
    assert kinds == {"country", "official", "position", "organization", "commodity", "date",
                     "statement", "decision", "designation"}  # fmt: skip
    statements = [i for i in gold.items if i.kind == "statement"]
    assert len(statements) == 6  # one per published statement
    official = next(i for i in gold.items if i.value == {"name": "Dmitry Zhirnov"})
    assert (193, 240) in official.spans
    assert gold.text[193:240] == "the Russian ambassador to Kabul, Dmitry Zhirnov"
    decisions = sorted(i.value["stage"] for i in gold.items if i.kind == "decision")
    assert decisions == ["briefed", "decided", "under_consideration"]


def _overall(output: str) -> list[tuple[float, float]]:
    return [
        (float(p), float(r))
        for p, r in re.findall(r"^overall\s+\d+\s+\d+\s+\d+\s+([\d.]+)\s+([\d.]+)$", output, re.M)
    ]


def test_the_command_prints_per_kind_tables_that_meet_the_targets():
    out = StringIO()
    call_command("evaluate_ingest", stdout=out)
    output = out.getvalue()
    assert output.count("kind            gold  proposed  matched  precision  recall") == 2
    assert "seed article (seed" in output and "written articles (" in output
    for kind in ("country", "official", "commodity", "quantity", "date", "statement"):
        assert re.search(rf"^{kind}\s+\d+", output, re.M), kind
    scores = _overall(output)
    assert len(scores) == 2
    for precision, recall in scores:
        assert precision >= PRECISION and recall >= RECALL, output
    spans = re.findall(r"^spans exact: (\d+)/(\d+)$", output, re.M)
    assert spans and all(a == b for a, b in spans)


def test_fail_under_fails_when_a_target_is_missed():
    with pytest.raises(CommandError, match=r"Below 1\.01"):
        call_command("evaluate_ingest", "--fail-under", "1.01", stdout=StringIO())


def test_the_same_text_twice_gives_the_same_proposals():
    gazetteer = Gazetteer.offline()
    for gold in load_articles():
        first = extract(gold.text, gold.published, "en", gazetteer)
        second = extract(gold.text, gold.published, "en", Gazetteer.offline())
        assert [p.as_dict() for p in first.proposals] == [p.as_dict() for p in second.proposals]
