"""The OpenAPI schema is part of the product: valid, warning-free, and committed as it is."""

from pathlib import Path

import yaml
from django.conf import settings
from django.core.management import call_command

COMMITTED = Path(settings.BASE_DIR) / "openapi.yaml"


def generate(tmp_path) -> str:
    out = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    return out.read_text(encoding="utf-8")


def test_committed_schema_matches_the_code(tmp_path):
    generated = generate(tmp_path)
    assert generated == COMMITTED.read_text(encoding="utf-8"), (
        "openapi.yaml is out of date: run `make schema` and commit it."
    )


def test_every_operation_documents_its_errors():
    schema = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for status in ("400", "406", "429", "500"):
                problem = responses[status]["content"]["application/problem+json"]
                assert problem["schema"] == {"$ref": "#/components/schemas/Problem"}, (
                    method,
                    path,
                )
                assert problem["example"]["status"] == int(status)


def test_list_operations_document_filters_pagination_and_formats():
    schema = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    shipments = schema["paths"]["/api/v1/trade/shipments/"]["get"]
    names = {p["name"] for p in shipments["parameters"]}
    assert {"exporter", "importer", "commodity", "commodity__n", "quantity__gte"} <= names
    assert {"q", "ordering", "fields", "brief", "format", "limit", "cursor", "facet"} <= names
    assert set(shipments["responses"]["200"]["content"]) == {
        "application/json",
        "text/csv",
        "application/x-ndjson",
    }
    assert "Link" in shipments["responses"]["200"]["headers"]
    enums = schema["components"]["schemas"]
    assert enums["ShipmentStatusEnum"]["enum"] == ["reported", "planned", "delivered"]
    assert enums["DecisionStatusEnum"]["enum"][:3] == [
        "proposed",
        "under_consideration",
        "briefed",
    ]
