"""The pair page writes figures as people read them: grouped digits, never an exponent."""

import re

import pytest

from tests.trade.importing import run_import as run
from tests.trade.test_trade_statistics import BULK, _agreed_and_reported

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets")]


def test_the_pair_page_groups_digits_and_never_writes_an_exponent(client):
    _agreed_and_reported()  # a deal of 1,000,000 t and a report of 250,000 t (synthetic)
    run(BULK, "--publish")  # Afghanistan's import from Russia: 612,345,678.9 USD

    html = client.get("/evidence/pairs/RU-AF/?year=2023").content.decode()
    table = "".join(re.findall(r'<tr class="flow-[a-z]+">.*?</tr>', html))

    assert "1,000,000 t" in table  # Decimal.normalize() wrote 1E+6
    assert "250,000 t" in table
    assert "USD 612,345,678.90" in table
    assert "E+" not in html
