"""Postprocessing hooks of the OpenAPI schema: shared components, security, examples, shapes.

* Every error response is a ``$ref`` to one shared response per status (``components/
  responses``), and every parameter used by more than one operation is a ``$ref`` to
  ``components/parameters``: the schema states each thing once.
* Reads declare ``security: []`` (no credentials); writes the ``Token`` scheme.
* Query parameters carry no ``example`` (Swagger UI would send it); detail paths take a
  real public id of their resource from the dataset fixture ``API_EXAMPLE_FIXTURE``
  (``example_id``, used by ``config.api.schema.AutoSchema``).
* Reads trimmed by ``fields``/``brief``, 304s and OpenAPI 3.1's nulls: ``config.api.
  schema_shapes``.
"""

import functools
import hashlib
import json
from pathlib import Path

from django.conf import settings

from config.api.errors import PROBLEM_BASE, PROBLEM_CONTENT_TYPE, TITLES
from config.api.filters import public_id_field

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details: the shape of every error.",
    "required": ["type", "title", "status", "detail", "instance"],
    "properties": {
        "type": {"type": "string", "format": "uri", "description": "The kind of problem."},
        "title": {"type": "string"},
        "status": {"type": "integer", "description": "The HTTP status code."},
        "detail": {"type": "string", "description": "What went wrong, for a person."},
        "instance": {"type": "string", "description": "The request's path and query."},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Messages per field or query parameter.",
        },
        "allowed": {
            "type": "array",
            "items": {"type": "string"},
            "description": "The query parameters this endpoint accepts.",
        },
    },
}

DETAILS = {
    400: "Some query parameters are unknown or have bad values.",
    401: "Authentication credentials were not provided.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    405: 'Method "PATCH" not allowed.',
    406: "Could not satisfy the request Accept header.",
    409: "Commodity wheat cannot be deleted: published records stand on it: a shipment.",
    413: "The request body is too large (at most 2.5 MB).",
    415: 'Unsupported media type "text/plain" in request.',
    412: "The record has changed since you read it: fetch it again, then retry.",
    428: "Send If-Match with the ETag of the record you read, so no edit is lost.",
    429: "Request was throttled. Expected available in 12 seconds.",
    500: "The server failed to answer; the error was logged.",
}


def _problem_example(status: int) -> dict:
    slug, title = TITLES[status]
    example = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": DETAILS[status],
        "instance": "/api/v1/trade/shipments/?colour=red",
    }
    if status == 400:
        example["errors"] = {"colour": ["Unknown parameter."]}
        example["allowed"] = ["commodity", "exporter", "importer", "q"]
    return example


def _codes(method: str, path: str) -> list[int]:
    """The error statuses an operation can answer, declared one by one; ``default`` covers
    the rest (406, 413, 415, 429 with Retry-After, 500), all shared in ``components/responses``.

    Any unknown query parameter is a 400, so every operation declares it. A write may be
    refused as a 409 (it would delete or orphan published evidence). PUT, PATCH and DELETE
    require If-Match (428 without it); a review action (POST on a record) takes it if sent,
    so a stale one is a 412, but never asks for it.
    """
    detail = "{" in path
    if method == "get":
        return [400, *([404] if detail else [])]
    codes = [400, 401, 403, 409]
    if detail:
        codes += [404, 412] + ([] if method == "post" else [428])
    return sorted(codes)


def _operations(result):
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


def add_problem_responses(result, generator, request, public):
    """Document the problem-details errors of every operation, each status once."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    shared = components.setdefault("responses", {})
    for status in DETAILS:
        slug, title = TITLES[status]
        name = "".join(part.capitalize() for part in slug.split("-"))
        response = {
            "description": title,
            "content": {
                PROBLEM_CONTENT_TYPE: {
                    "schema": {"$ref": "#/components/schemas/Problem"},
                    "example": _problem_example(status),
                }
            },
        }
        if status == 429:
            response["headers"] = {
                "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds."}
            }
        shared[name] = response
    shared["Error"] = {
        "description": "Any other error, as problem details: 406 (Accept), 413 (body over "
        "2.5 MB), 415 (not JSON), 429 (throttled; Retry-After says when to retry), 500.",
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for path, method, operation in _operations(result):
        responses = operation.setdefault("responses", {})
        for status, response in responses.items():
            # An error a view declares by its description alone is still a problem document.
            if status.isdigit() and int(status) >= 400 and "content" not in response:
                example = {
                    **_problem_example(int(status)),
                    "detail": response["description"],
                    "instance": path,
                }
                response["content"] = {
                    PROBLEM_CONTENT_TYPE: {
                        "schema": {"$ref": "#/components/schemas/Problem"},
                        "example": example,
                    }
                }
        for status in _codes(method, path):
            name = "".join(part.capitalize() for part in TITLES[status][0].split("-"))
            responses.setdefault(str(status), {"$ref": f"#/components/responses/{name}"})
        responses.setdefault("default", {"$ref": "#/components/responses/Error"})
    return result


def share_parameters(result, generator, request, public):
    """Parameters used by several operations become components, referenced by ``$ref``."""
    uses: dict[str, list] = {}
    for _, _, operation in _operations(result):
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "query":
                parameter.pop("example", None)  # Swagger UI would send it
                parameter.pop("examples", None)
                # OpenAPI's defaults for query parameters: stating them 700 times costs 30 KB.
                if parameter.get("style") == "form":
                    del parameter["style"]
                if parameter.get("explode") is True:
                    del parameter["explode"]
                if "description" in parameter:  # spectacular leaves "\n\n" after enum filters
                    parameter["description"] = parameter["description"].strip()
                # A query string cannot send null: a filter on a nullable column is not.
                schema = parameter.get("schema", {})
                for part in (schema, schema.get("items", {})):
                    part.pop("nullable", None)
                    if isinstance(part.get("type"), list):  # OpenAPI 3.1: [type, "null"]
                        types = [name for name in part["type"] if name != "null"]
                        part["type"] = types[0] if len(types) == 1 else types
            key = json.dumps(parameter, sort_keys=True)
            uses.setdefault(key, []).append(parameter)
    names: dict[str, str] = {}
    shared = result.setdefault("components", {}).setdefault("parameters", {})
    for key, parameters in sorted(uses.items()):
        if len(parameters) < 2:
            continue
        parameter = parameters[0]
        name = parameter["name"].replace("-", "_")
        if name in shared:
            name = f"{name}.{hashlib.sha256(key.encode()).hexdigest()[:6]}"
        shared[name] = dict(parameter)
        names[key] = name
    for _, _, operation in _operations(result):
        operation["parameters"] = [
            {"$ref": f"#/components/parameters/{names[key]}"}
            if (key := json.dumps(parameter, sort_keys=True)) in names
            else parameter
            for parameter in operation.get("parameters", [])
        ]
        if not operation["parameters"]:
            del operation["parameters"]
    result["components"]["parameters"] = dict(sorted(shared.items()))
    _share_headers(result)
    return result


def _share_headers(result) -> None:
    """Response headers every read declares (ETag, Link…) become components, as parameters."""
    shared = result["components"].setdefault("headers", {})
    for _, _, operation in _operations(result):
        for response in operation.get("responses", {}).values():
            for name, header in response.get("headers", {}).items():
                if "$ref" in header:
                    continue
                if shared.setdefault(name, header) == header:
                    response["headers"][name] = {"$ref": f"#/components/headers/{name}"}
    result["components"]["headers"] = dict(sorted(shared.items()))


@functools.cache
def _fixture_ids() -> dict[str, str]:
    """The first published record's public id per model label, from the example fixture."""
    path = getattr(settings, "API_EXAMPLE_FIXTURE", None)
    if not path or not Path(path).exists():
        return {}
    ids: dict[str, str] = {}
    for row in json.loads(Path(path).read_text()):
        if row.get("fields", {}).get("review_state", "published") != "published":
            continue
        ids.setdefault(row["model"], row)
    return ids


def example_id(model) -> str | None:
    row = _fixture_ids().get(model._meta.label_lower)
    if row is None:
        # Rows numbered by the database (the change feed) start at 1 once data is loaded.
        auto = model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField")
        return "1" if auto else None
    field = public_id_field(model)
    return str(row["pk"] if field == "pk" else row["fields"].get(field))


def describe_resources_once(result, generator, request, public):
    """Postprocessing hook: a resource's description stands on its reads (list, detail).

    drf-spectacular copies a viewset's docstring onto every operation (create, update,
    publish…); the writes keep their operation ids and summaries instead, which keeps the
    schema readable and small (it is committed, and capped).
    """
    for _path, method, operation in _operations(result):
        if method != "get":
            operation.pop("description", None)
    return result


def describe_properties_once(result, generator, request, public):
    """Postprocessing hook: a property is described on its record's schema only.

    ``ShipmentRequest``, ``PatchedShipmentRequest`` and ``ShipmentFields`` repeat the
    properties of ``Shipment``; their copies drop the description that ``Shipment`` gives.
    """
    schemas = result.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        base = name.removeprefix("Patched").removesuffix("Request").removesuffix("Fields")
        if base == name or base not in schemas or name == f"{base}Fields":
            continue
        # A resource read in part states its properties in <Name>Fields (describe_partial_reads).
        described = schemas[base].get("properties") or schemas.get(f"{base}Fields", {}).get(
            "properties", {}
        )
        for prop, spec in schema.get("properties", {}).items():
            if "description" in spec and described.get(prop, {}).get("description"):
                spec.pop("description")
    return result


def refuse_unknown_properties(result, generator, request, public):
    """Postprocessing hook: a request body names only the fields of its representation.

    Writes refuse an unknown field with a 400 (``config.api.serializers.KnownFieldsOnly``);
    the request schemas say so, and so does a generated client.
    """
    for name, schema in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and schema.get("properties"):
            schema["additionalProperties"] = False
    return result


def share_request_properties(result, generator, request, public):
    """Postprocessing hook: a create's body states its properties once, in the PATCH body.

    ``<Name>Request`` (POST, PUT) and ``Patched<Name>Request`` (PATCH) have the same
    properties; the first becomes the second plus what it requires (``allOf``), as read
    responses share ``<Name>Fields``. Unknown properties stay refused: by the PATCH body's
    ``additionalProperties``, which ``allOf`` applies.
    """
    schemas = result.get("components", {}).get("schemas", {})
    for name, schema in list(schemas.items()):
        patched = schemas.get(f"Patched{name}")
        if not name.endswith("Request") or patched is None:
            continue
        if patched.get("properties") != schema.get("properties"):
            continue
        shared = {"type": "object", "allOf": [{"$ref": f"#/components/schemas/Patched{name}"}]}
        if "description" in schema:
            shared["description"] = schema["description"]
        if schema.get("required"):
            shared["required"] = schema["required"]
        schemas[name] = shared
    return result


def share_record_responses(result, generator, request, public):
    """Postprocessing hook: a response that several writes give (the record as saved, from
    PUT, PATCH, publish, retract, reopen) is stated once, in ``components/responses``."""
    uses: dict[str, list] = {}
    for _, _, operation in _operations(result):
        for status, response in operation.get("responses", {}).items():
            if "$ref" not in response and "headers" not in response:
                uses.setdefault(json.dumps(response, sort_keys=True, default=str), []).append(
                    (operation, status)
                )
    shared = result.setdefault("components", {}).setdefault("responses", {})
    for key, places in sorted(uses.items()):
        response = json.loads(key)
        ref = response.get("content", {}).get("application/json", {}).get("schema", {})
        if len(places) < 2 or "$ref" not in ref:
            continue
        name = f"{ref['$ref'].rsplit('/', 1)[-1]}Saved"
        shared[name] = response
        for operation, status in places:
            operation["responses"][status] = {"$ref": f"#/components/responses/{name}"}
    result["components"]["responses"] = dict(sorted(shared.items()))
    return result


def share_page_properties(result, generator, request, public):
    """Postprocessing hook: every list's page says ``count``, ``next``, ``previous`` and
    ``facets`` once, in ``Page``; ``Paginated<Name>List`` adds its ``results`` (``allOf``)."""
    schemas = result.get("components", {}).get("schemas", {})
    page = None
    for name, schema in list(schemas.items()):
        properties = schema.get("properties", {})
        if not name.startswith("Paginated") or "results" not in properties:
            continue
        if page is None:
            page = {
                "type": "object",
                "description": "A page of a list, with its links and, with facet=, its facets.",
                "required": [k for k in schema.get("required", []) if k != "results"],
                "properties": {k: v for k, v in properties.items() if k != "results"},
            }
        if page["properties"] != {k: v for k, v in properties.items() if k != "results"}:
            continue  # a page of another shape keeps its own properties
        schemas[name] = {
            "allOf": [
                {"$ref": "#/components/schemas/Page"},
                {
                    "type": "object",
                    "required": ["results"],
                    "properties": {"results": properties["results"]},
                },
            ],
        }
    if page is not None:
        schemas["Page"] = page
        facets = page["properties"].get("facets")
        if facets is not None:
            # Named, so that a generated client makes their models once, not once per page.
            schemas["FacetBucket"] = facets["additionalProperties"]["items"]
            schemas["Facets"] = {
                **facets,
                "additionalProperties": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/FacetBucket"},
                },
            }
            page["properties"]["facets"] = {"$ref": "#/components/schemas/Facets"}
    return result
