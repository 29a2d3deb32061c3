"""The OpenAPI schema is part of the product: valid, warning-free, and committed as it is."""

from pathlib import Path

import yaml
from django.conf import settings
from django.core.management import call_command
from django.urls import resolve as resolve_url

from config.api.schema_hooks import example_id

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


def load() -> dict:
    return yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))


def resolve(schema: dict, item: dict) -> dict:
    ref = item.get("$ref")
    if not ref:
        return item
    _, _, section, name = ref.split("/")
    return schema["components"][section][name]


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_documents_exactly_its_errors():
    schema = load()
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        detail = "{" in path
        # /releases/latest/ names one record too: a 404 before the first release.
        expected = {"400", "default"} | ({"404"} if detail or "latest" in path else set())
        if method != "get":
            expected |= {"401", "403", "409"}
            if detail:
                # Review actions (POST on a record) take If-Match but do not require it.
                expected |= {"404", "412"} | (set() if method == "post" else {"428"})
        errors = {status for status in responses if status == "default" or int(status) >= 400}
        assert errors == expected, (method, path)
        for status in expected:
            problem = resolve(schema, responses[status])["content"]["application/problem+json"]
            assert problem["schema"] == {"$ref": "#/components/schemas/Problem"}, (method, path)
            if status != "default":
                assert problem["example"]["status"] == int(status)
    throttled = schema["components"]["responses"]["Throttled"]
    assert "Retry-After" in throttled["headers"]


def test_the_committed_schema_is_small():
    # The schema grows with its resources (about 31.5 kB each, paths and components), never
    # with repetition: 346 kB for 11 record resources, 378 kB for 12 with commitments.
    from diplomacy.api.urls import routes as diplomacy_routes
    from trade.api.urls import routes as trade_routes

    resources = len(diplomacy_routes) + len(trade_routes)
    assert COMMITTED.stat().st_size < 32_000 * resources


def test_reads_are_public_and_writes_need_a_token():
    schema = load()
    assert schema["components"]["securitySchemes"]["Token"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schema["components"]["securitySchemes"]["Token"]["description"],
    }
    for path, method, operation in operations(schema):
        if method == "get":
            assert operation["security"] == [], path
        else:
            assert operation["security"] == [{"Token": []}], (method, path)
            if method in ("put", "patch", "delete"):
                names = {resolve(schema, p)["name"] for p in operation["parameters"]}
                assert "If-Match" in names, (method, path)


def test_swagger_sends_nothing_it_was_not_asked_to():
    schema = load()
    for _, _, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            parameter = resolve(schema, parameter)
            if parameter["in"] == "query":
                assert "example" not in parameter and "examples" not in parameter


def test_info_names_the_licences_contact_and_servers():
    info = load()["info"]
    assert "CC-BY-4.0" in info["license"]["name"] and "MIT" in info["license"]["name"]
    assert info["x-dataset-license"]["id"] == "CC-BY-4.0"
    assert info["contact"]["url"]
    assert load()["servers"]


def test_detail_examples_are_real_records(client, seed):
    schema = load()
    checked = 0
    for path, method, operation in operations(schema):
        if method != "get" or "{public_id}" not in path:
            continue
        parameter = next(
            resolve(schema, p)
            for p in operation["parameters"]
            if resolve(schema, p)["name"] == "public_id"
        )
        if path == "/api/v1/changes/{public_id}/":
            # The first change of a fresh load; PostgreSQL's sequences go on across tests.
            assert parameter["example"] == "1"
            continue
        if "example" not in parameter:
            # A resource the seed has no record of (no commitment, no dated change): no
            # example, never an invented one.
            view = resolve_url(path.replace("{public_id}", "x")).func.cls
            assert example_id(view.queryset.model) is None, path
            continue
        url = path.replace("{public_id}", str(parameter["example"]))
        assert client.get(url).status_code == 200, url
        checked += 1
    assert checked >= 12  # every resource but the change feed


def test_list_operations_document_filters_pagination_and_formats():
    schema = load()
    shipments = schema["paths"]["/api/v1/trade/shipments/"]["get"]
    names = {resolve(schema, p)["name"] for p in shipments["parameters"]}
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
