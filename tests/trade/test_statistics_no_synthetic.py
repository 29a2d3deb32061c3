"""No synthetic row reaches ``fixtures/`` or its release (issue 22, "Done when").

The statistics test files are synthetic and say so in their names and titles
(``…-synthetic.csv``); the import names its source after the file, so a synthetic row that
reached the seed or the committed release would carry the word there.
"""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
FILES = sorted(p for p in FIXTURES.rglob("*") if p.is_file())


def test_there_are_fixture_files_to_read():
    names = {p.name for p in FILES}
    assert "seed.json" in names and any(p.parent.name == "release" for p in FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_no_fixture_file_holds_a_synthetic_row(path):
    text = path.read_bytes().decode("utf-8", errors="replace").lower()
    assert "synthetic" not in text
    assert "statisticsfile" not in text  # the kept files are never part of a release
