"""Postprocessing hooks: the shapes a response really has, as a strict validator reads them.

* A record read whole is ``<Name>``, with every property it always holds ``required``
  (``config.api.schema.AutoSchema``). Trimmed by ``fields=`` or ``brief=``, it is
  ``<Name>Fields``: the same properties, none required. A read answers ``anyOf`` the two;
  a generated client tries the full model first. A list's page may carry ``facets``.
* A read that sends an ETag answers ``If-None-Match`` with a 304 and no body.
* The schema is OpenAPI 3.1 (JSON Schema 2020-12): ``null`` is a type. Schemas written by
  hand in 3.0's words (``nullable: true``) are restated, so a nullable relation allows
  ``null`` however it is declared (3.0's ``nullable`` beside a bare ``$ref`` allowed none).
"""

from config.api.schema_hooks import _operations

FACETS_SCHEMA = {
    "type": "object",
    "description": "With facet=: per field, the matching rows counted by value.",
    "additionalProperties": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["value", "label", "count"],
            "properties": {
                "value": {"type": "string", "nullable": True},
                "label": {"type": "string"},
                "count": {"type": "integer"},
            },
        },
    },
}

NOT_MODIFIED = {
    "description": "Not modified: the ETag sent in If-None-Match still matches. No body."
}

#: What a sparse copy of a property leaves to the full record: its words, and the bounds a
#: write is held to (a response is not checked against them by a client).
SPARSE_DROPS = (
    "description",
    "readOnly",
    "title",
    "maxLength",
    "minLength",
    "pattern",
    "minimum",
    "maximum",
)


def describe_partial_reads(result, generator, request, public):
    """Reads take ``fields=``/``brief=``: they answer the full record or ``<Name>Fields``."""
    schemas = result.get("components", {}).get("schemas", {})
    for _, method, operation in _operations(result):
        if method != "get" or not _takes(operation, "fields"):
            continue
        content = operation.get("responses", {}).get("200", {}).get("content", {})
        media = content.get("application/json")
        if not media:
            continue
        schema = media["schema"]
        ref = schema.get("$ref", "")
        target = schemas.get(ref.rsplit("/", 1)[-1]) if ref else None
        if target and "results" in target.get("properties", {}):
            target["properties"]["facets"] = FACETS_SCHEMA
            results = target["properties"]["results"]
            results["items"] = _either(schemas, results["items"])
        elif ref:
            media["schema"] = _either(schemas, schema)
    return result


def _takes(operation, wanted: str) -> bool:
    """Does the operation take the query parameter ``wanted``?"""
    for parameter in operation.get("parameters", []):
        name = parameter.get("name") or parameter.get("$ref", "").rsplit("/", 1)[-1]
        if name.split(".")[0] == wanted:
            return True
    return False


def _either(schemas, schema: dict) -> dict:
    ref = schema.get("$ref")
    if not ref:
        return schema
    name = ref.rsplit("/", 1)[-1]
    full = schemas.get(name, {})
    if "properties" not in full:
        return schema
    sparse = f"{name}Fields"
    if sparse not in schemas:
        schemas[sparse] = {
            "type": "object",
            "description": f"{name} trimmed by fields= or brief=: any of its properties.",
            "properties": {key: _bare(spec) for key, spec in full["properties"].items()},
        }
    return {"anyOf": [schema, {"$ref": f"#/components/schemas/{sparse}"}]}


def _bare(spec: dict) -> dict:
    """A property as ``<Name>Fields`` states it: its type only (described on ``<Name>``)."""
    spec = {key: value for key, value in spec.items() if key not in SPARSE_DROPS}
    if list(spec) == ["allOf"] and len(spec["allOf"]) == 1:
        return spec["allOf"][0]
    return spec


def declare_not_modified(result, generator, request, public):
    """A read with an ETag answers a matching ``If-None-Match`` with a bodiless 304."""
    used = False
    for _, method, operation in _operations(result):
        responses = operation.get("responses", {})
        if method != "get" or "ETag" not in responses.get("200", {}).get("headers", {}):
            continue
        used = True
        responses.setdefault("304", {"$ref": "#/components/responses/NotModified"})
        operation["responses"] = dict(sorted(responses.items(), key=_status_order))
    if used:
        result.setdefault("components", {}).setdefault("responses", {})
        result["components"]["responses"]["NotModified"] = NOT_MODIFIED
    return result


def _status_order(item) -> tuple:
    status = item[0]
    return (1, 0) if status == "default" else (0, int(status))


def nulls_as_types(result, generator, request, public):
    """Under OpenAPI 3.1, ``nullable: true`` (3.0) becomes ``null`` among the types."""
    if str(result.get("openapi", "")).startswith("3.1"):
        _restate(result)
    return result


def _restate(node) -> None:
    if isinstance(node, list):
        for item in node:
            _restate(item)
        return
    if not isinstance(node, dict):
        return
    for value in node.values():
        _restate(value)
    if node.pop("nullable", False) is not True:
        return
    if "type" in node:
        kinds = node["type"] if isinstance(node["type"], list) else [node["type"]]
        node["type"] = [*kinds, "null"] if "null" not in kinds else kinds
        if "enum" in node and None not in node["enum"]:
            node["enum"] = [*node["enum"], None]
    elif "$ref" in node:
        node["oneOf"] = [{"$ref": node.pop("$ref")}, {"type": "null"}]
    elif "allOf" in node:
        node["oneOf"] = [{"allOf": node.pop("allOf")}, {"type": "null"}]
    elif "oneOf" in node or "anyOf" in node:
        key = "oneOf" if "oneOf" in node else "anyOf"
        node[key] = [*node[key], {"type": "null"}]
