"""schemathesis.toml accepts no status that the schema does not declare for the operation.

Schemathesis's positive_data_acceptance and missing_required_header judge a response by a
list of statuses from schemathesis.toml, not by the schema. A status in a list that the
operation does not declare would let the fuzzer pass an answer the schema never promised.
Schemathesis's own config resolution says which list applies to which operation of the
committed openapi.yaml; each status in it must be declared there: by its own key, or named
by the operation's ``default`` response (its description lists what it covers: 429, …).
"""

import re
from functools import cache
from pathlib import Path

import pytest
import schemathesis
import yaml
from django.conf import settings
from schemathesis.config import SchemathesisConfig

ROOT = Path(settings.BASE_DIR)
CHECKS = ("positive_data_acceptance", "missing_required_header")


@cache
def schema():
    config = SchemathesisConfig.from_path(str(ROOT / "schemathesis.toml"))
    return schemathesis.openapi.from_path(str(ROOT / "openapi.yaml"), config=config)


@cache
def default_statuses() -> frozenset[str]:
    """What the shared ``default`` response names, less 5xx (never an acceptable answer)."""
    raw = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    description = raw["components"]["responses"]["Error"]["description"]
    return frozenset(s for s in re.findall(r"\b[1-5]\d\d\b", description) if s[0] != "5")


def declared(operation) -> set[str]:
    responses = operation.definition.raw["responses"]
    codes = {code for code in responses if code != "default"}
    if "default" in responses:
        assert responses["default"] == {"$ref": "#/components/responses/Error"}, operation.label
        codes |= default_statuses()
    return codes


def applies(check: str, operation) -> bool:
    if check == "missing_required_header":  # only where a header is required
        return any(header.is_required for header in operation.headers)
    return True


def operations():
    return [result.ok() for result in schema().get_all_operations()]


@pytest.mark.parametrize("check", CHECKS)
def test_every_accepted_status_is_declared(check):
    undeclared = {}
    for operation in operations():
        if not applies(check, operation):
            continue
        statuses = getattr(schema().config.checks_config_for(operation=operation), check)
        extra = set(statuses.expected_statuses) - declared(operation)
        if extra:
            undeclared[operation.label] = sorted(extra)
    assert undeclared == {}


def test_the_lists_are_really_read():
    """The test above cannot pass vacuously: the file's lists reach the operations."""
    by_label = {operation.label: operation for operation in operations()}
    config = schema().config
    lists = config.checks_config_for(operation=by_label["GET /api/v1/trade/shipments/"])
    assert lists.positive_data_acceptance.expected_statuses == ["200", "304", "400", "429"]
    delete = config.checks_config_for(
        operation=by_label["DELETE /api/v1/trade/shipments/{public_id}/"]
    )
    assert "428" in delete.missing_required_header.expected_statuses
    assert default_statuses() == {"406", "413", "415", "429"}
    # A list that accepted what the schema does not declare is caught.
    create = by_label["POST /api/v1/trade/shipments/"]
    assert "428" not in declared(create) and "404" not in declared(create)
    assert "201" in declared(create) and "200" not in declared(create)
