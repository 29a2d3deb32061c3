"""The README's example of ``/api/v1/pairs/RU-AF/flows/`` is what the endpoint returns.

The example is abridged (fields and list items left out), so each of its objects must be found
in the real response with the same values: the scenario is the README's, on synthetic files.
"""

import json
import re
from pathlib import Path

import pytest

from tests.trade.test_trade_statistics import BULK, _agreed_and_reported, run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets")]

README = Path(__file__).resolve().parents[2] / "README.md"


def example() -> dict:
    section = README.read_text().split("**Agreed, reported and recorded.**", 1)[1]
    return json.loads(re.search(r"```json\n(.*?)```", section, re.S).group(1))


def within(part, whole) -> bool:
    """``part`` is ``whole`` with keys and list items left out."""
    if isinstance(part, dict):
        return isinstance(whole, dict) and all(
            key in whole and within(value, whole[key]) for key, value in part.items()
        )
    if isinstance(part, list):
        return isinstance(whole, list) and all(any(within(p, w) for w in whole) for p in part)
    return part == whole


def test_the_readme_example_is_what_the_endpoint_returns(client):
    _agreed_and_reported()
    run(BULK, "--publish")

    body = client.get("/api/v1/pairs/RU-AF/flows/?year=2023").json()

    assert within(example(), body), json.dumps(body, indent=1, ensure_ascii=False)[:4000]
