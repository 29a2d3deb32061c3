"""A file that is not a fixture is refused with a message that says what it is instead,
through the command (``load_dataset``), and nothing is loaded."""

import pytest
from django.core.management import CommandError, call_command

from tests.releases.conftest import db_state

pytestmark = pytest.mark.django_db

CASES = {
    "not JSON": ("the text of an article", r"not JSON: Expecting value: line 1 column 1"),
    "empty": ("", r"not JSON: Expecting value"),
    "an object": (
        '{"model": "trade.shipment"}',
        r"a fixture is a JSON list of records, not an object",
    ),
    "a list of numbers": ("[1, 2]", r"entry 1 is not a record"),
    "a record with no model": ('[{"fields": {}}]', r"entry 1 is not a record"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_file_that_is_not_a_fixture(tmp_path, case):
    text, message = CASES[case]
    path = tmp_path / "data.json"
    path.write_text(text, encoding="utf-8")
    before = db_state()
    with pytest.raises(CommandError, match=rf"Nothing was loaded\. .*data\.json: {message}"):
        call_command("load_dataset", str(path))
    assert db_state() == before
