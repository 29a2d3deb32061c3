"""Real responses pass the committed schema, read strictly (tests/api/schema_strict.py).

The generic API test case (tests/api/case.py) checks every response it gets, through the
``client`` of tests/api/conftest.py. Here: the seed dataset read through every list and
detail; the validator's own strictness (it must be able to fail); and what the schema
declares about ids, cursors, If-Match, release files and required properties.
"""

import json
from urllib.parse import urlsplit

import pytest

from tests.api import test_resources
from tests.api.schema_strict import TALLY, SchemaCheckingClient, committed

SHIPMENTS = "/api/v1/trade/shipments/"


def _schema() -> dict:
    return committed().document


def _resolve(item: dict) -> dict:
    return committed()._resolve(item)


def _operations():
    for path, methods in _schema()["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def _parameters(operation) -> dict:
    return {(p := _resolve(ref))["name"]: p for ref in operation.get("parameters", [])}


# --- real responses ------------------------------------------------------------------------


def test_every_seed_record_reads_as_the_schema_says(seed, settings):
    """Every list of the seed (whole, sparse, brief, dated, CSV), and every record in it."""
    settings.API_ANON_RATE = "100000/minute"  # about 2,000 requests in a row
    client = SchemaCheckingClient()  # fails the test at the first response that breaks it
    before = TALLY["validated"]
    lists = [
        path
        for path, methods in _schema()["paths"].items()
        if "{" not in path and "get" in methods and "fields" in _parameters(methods["get"])
    ]
    assert len(lists) >= 13
    records = 0
    for path in lists:
        page = client.get(path, {"limit": 1000})
        assert page.status_code == 200, path
        for query in ({"fields": "id,url"}, {"brief": "true"}, {"format": "csv"}):
            response = client.get(path, query)
            assert response.status_code == 200, (path, query)
            if response.streaming:  # read to the end: on PostgreSQL a COPY holds the connection
                assert b"".join(response.streaming_content)
        if "as_of" in _parameters(_schema()["paths"][path]["get"]):
            assert client.get(path, {"as_of": "2024-06-30", "limit": 1000}).status_code == 200
        for number, row in enumerate(page.json()["results"]):
            url = urlsplit(row["url"]).path
            detail = client.get(url)
            assert detail.status_code == 200, url
            if number == 0:
                assert client.get(url, HTTP_IF_NONE_MATCH=detail["ETag"]).status_code == 304
            records += 1
    assert records >= 100  # the seed's published records, each read and checked
    assert TALLY["validated"] - before >= records + 4 * len(lists)


@pytest.mark.django_db
def test_the_validator_refuses_what_the_schema_does_not_say(client):
    """Strict means: no undeclared key, status or media type; null, types and required as
    declared; the sparse shape only for a read trimmed by fields= or brief=."""
    record = test_resources.TestShipmentAPI().make_published()
    url = f"{SHIPMENTS}{record.pk}/"
    body = client.get(url).json()
    strict = committed()

    def problems(changed, query="", status=200, content_type="application/json"):
        raw = json.dumps(changed).encode() if changed is not None else b""
        return strict.problems("GET", url, query, status, content_type, raw)

    assert problems(body) == []
    assert problems({**body, "exporter": None}) == []  # a relation the reader may not see
    assert problems({**body, "colour": "red"})  # an undeclared property
    assert problems({**body, "version": "3"})  # a type
    assert problems({**body, "id": None})  # null where none is declared
    assert problems({**body, "id": "not-a-uuid"})  # a format
    assert problems({**body, "period": {**body["period"], "earliest": 2024}})  # nested
    trimmed = {key: body[key] for key in ("id", "url")}
    assert problems(trimmed)  # required properties missing from a whole read…
    assert problems(trimmed, query="fields=id,url") == []  # …but not from a trimmed one
    assert problems({**trimmed, "colour": "red"}, query="fields=id,url")
    assert problems(None, status=304) == []
    assert problems(body, status=418)  # a status the operation does not declare
    assert problems(body, status=201)
    assert problems(body, content_type="text/html")
    assert strict.problems("GET", "/api/v1/nowhere/", "", 200, "application/json", b"{}")


@pytest.mark.django_db
def test_the_generic_case_client_fails_a_test_on_a_break():
    tally = {"validated": 0, "failed": 0}  # not the session's: this break is on purpose
    client = SchemaCheckingClient(tally=tally)
    assert client.get(SHIPMENTS, {"colour": "red"}).status_code == 400  # declared: passes
    with pytest.raises(pytest.fail.Exception, match="no operation GET /api/v1/trade/nope/"):
        client.get("/api/v1/trade/nope/")
    assert tally == {"validated": 2, "failed": 1}


# --- what the schema declares ----------------------------------------------------------------


def test_the_schema_is_openapi_31_with_null_as_a_type():
    schema = _schema()
    assert schema["openapi"].startswith("3.1")
    assert '"nullable"' not in json.dumps(schema)
    exporter = schema["components"]["schemas"]["Shipment"]["properties"]["exporter"]
    assert exporter == {"oneOf": [{"$ref": "#/components/schemas/Brief"}, {"type": "null"}]}
    document_url = schema["components"]["schemas"]["Source"]["properties"]["document_url"]
    # "" matches one branch only, even where formats are not asserted (the default).
    assert [branch.get("minLength", 0) for branch in document_url["oneOf"]] == [1, 0]


def test_if_match_is_required_where_its_absence_is_a_428():
    checked = 0
    for path, method, operation in _operations():
        if method == "get":
            continue
        parameters = _parameters(operation)
        if method in ("put", "patch", "delete"):
            assert parameters["If-Match"].get("required") is True, (method, path)
            assert "428" in operation["responses"], (method, path)
            checked += 1
        elif "{public_id}" in path:  # review actions check it when sent
            assert not parameters["If-Match"].get("required"), (method, path)
    assert checked >= 14 * 3  # every record resource


@pytest.mark.parametrize(
    ("parameter", "expected"),
    [
        ("exporter", {"type": "string", "pattern": "^[A-Z]{2}$"}),
        ("commodity", {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "maxLength": 100}),
        ("commitment", {"type": "string", "format": "uuid"}),
        ("id", {"type": "string", "format": "uuid"}),
    ],
)
def test_ids_in_filters_say_what_they_are(parameter, expected):
    shipments = _parameters(_schema()["paths"][SHIPMENTS]["get"])
    assert shipments[parameter]["schema"]["items"] == expected
    if parameter != "id":
        assert "400 if unknown" in shipments[parameter]["description"]


def test_no_relation_filter_cursor_or_path_id_is_a_free_string():
    loose = []
    for path, method, operation in _operations():
        for name, parameter in _parameters(operation).items():
            schema = parameter["schema"]
            schema = schema.get("items", schema)
            is_id = "public id" in parameter.get("description", "") or name in (
                "public_id",
                "cursor",
            )
            free = schema.get("type") == "string" and not {"pattern", "format"} & set(schema)
            if is_id and free:
                loose.append((method, path, name))
    assert loose == []
    cursor = _parameters(_schema()["paths"][SHIPMENTS]["get"])["cursor"]
    assert cursor["schema"]["pattern"] == "^[A-Za-z0-9_-]*$"
    country = _parameters(_schema()["paths"]["/api/v1/diplomacy/countries/{public_id}/"]["get"])
    assert country["public_id"]["schema"] == {"type": "string", "pattern": "^[A-Z]{2}$"}


def test_release_files_are_declared_with_their_real_media_types():
    download = _schema()["paths"]["/api/v1/releases/{version}/files/{name}/"]["get"]
    content = download["responses"]["200"]["content"]
    assert content["application/json"]["schema"]["type"] == ["object", "array"]
    for media_type in ("text/csv", "application/x-ndjson", "text/markdown"):
        assert content[media_type]["schema"]["type"] == "string"
        assert "format" not in content[media_type]["schema"]
    assert content["application/octet-stream"]["schema"]["format"] == "binary"


def test_reads_require_what_they_always_hold_and_trimmed_reads_nothing():
    schemas = _schema()["components"]["schemas"]
    records = [name for name in schemas if f"{name}Fields" in schemas]
    assert len(records) >= 13
    for name in records:
        full, sparse = schemas[name], schemas[f"{name}Fields"]
        assert set(full["required"]) == set(full["properties"]) - {"as_of_uncertain"}, name
        assert set(sparse["properties"]) == set(full["properties"]), name
        assert "required" not in sparse, name
    for nested in ("Brief", "Citation", "FuzzyDateSchema", "FieldCorroboration"):
        assert set(schemas[nested]["required"]) == set(schemas[nested]["properties"]), nested


def test_reads_with_an_etag_declare_their_304():
    for path, method, operation in _operations():
        ok = operation["responses"].get("200", {})
        if method == "get" and "ETag" in ok.get("headers", {}):
            assert "304" in operation["responses"], path
