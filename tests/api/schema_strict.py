"""Strict validation of real API responses against the committed OpenAPI schema.

A consumer's validator reads the schema literally, so this one does too:

* the operation is found from the request's path and method, and the status code must be
  one it declares (an error may fall to ``default`` only if ``default`` names it);
* the response's media type must be declared for that status, and a JSON body must match
  the declared schema under JSON Schema 2020-12, with formats checked (uuid, uri, date,
  date-time);
* strictly: an object schema that declares properties allows no others
  (``additionalProperties: false`` is added, after ``allOf`` is merged), ``null`` only where
  the schema says so (OpenAPI 3.0's ``nullable`` counts only beside a ``type``, as 3.0.3
  says), types exact, required properties present;
* a record read without ``fields=`` or ``brief=`` is the full record, not its sparse shape.

``tests/api/conftest.py`` gives the generic API test case (``tests/api/case.py``) a
``SchemaCheckingClient``: every response it gets goes through ``StrictSchema.problems``.
"""

import copy
import datetime
import functools
import json
import os
import re
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from django.conf import settings
from django.test import Client
from jsonschema import Draft202012Validator, FormatChecker

# The errors the shared ``default`` response describes (config.api.schema_hooks): any other
# undeclared status is a schema that does not say what the API answers.
DEFAULT_ERRORS = {406, 413, 415, 429, 500}
SPARSE_PARAMETERS = ("fields", "brief")

formats = FormatChecker(formats=())


@formats.checks("uuid", raises=ValueError)
def _uuid(value) -> bool:
    return not isinstance(value, str) or str(uuid.UUID(value)) == value.lower()


@formats.checks("uri")
def _uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and (parts.netloc or parts.path)) and " " not in value


@formats.checks("date", raises=ValueError)
def _date(value) -> bool:
    if not isinstance(value, str):
        return True
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None and bool(
        datetime.date.fromisoformat(value)
    )


@formats.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    # RFC 3339: a full date, "T", a time and an offset (Z or ±hh:mm).
    pattern = r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})"
    return re.fullmatch(pattern, value) is not None and bool(
        datetime.datetime.fromisoformat(value.replace("z", "Z"))
    )


class StrictSchema:
    """The committed schema, read to judge responses one by one."""

    def __init__(self, document: dict):
        self.document = document
        self.version = str(document.get("openapi", "3.0.3"))
        self.components = document.get("components", {})
        # Literal paths first (/releases/latest/ before /releases/{version}/).
        self.routes = sorted(
            (
                (path.count("{"), re.compile("^" + _template_regex(path) + "$"), path)
                for path in document.get("paths", {})
            ),
            key=lambda route: (route[0], route[2]),
        )
        self._validators: dict = {}

    @classmethod
    def load(cls, path: Path) -> "StrictSchema":
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")))

    def operation(self, method: str, path: str):
        for _, regex, template in self.routes:
            if regex.match(path):
                operation = self.document["paths"][template].get(method.lower())
                if operation is not None:
                    return template, operation
        return None, None

    def problems(
        self, method: str, path: str, query: str, status: int, content_type: str, body: bytes | None
    ) -> list[str]:
        """What the response breaks of the schema (empty when it conforms)."""
        template, operation = self.operation(method, path)
        if operation is None:
            if status == 405:  # a method the schema does not offer here, refused as it should be
                return []
            return [f"no operation {method} {path} in the schema"]
        responses = operation.get("responses", {})
        declared = responses.get(str(status))
        if declared is None and status >= 400 and status in DEFAULT_ERRORS:
            declared = responses.get("default")
        if declared is None:
            return [f"status {status} is not declared for {method} {template}"]
        declared = self._resolve(declared)
        content = declared.get("content", {})
        media_type = content_type.split(";")[0].strip()
        if not content:
            if body:
                return [f"{status} declares no body, got {media_type} ({len(body)} bytes)"]
            return []
        if media_type not in content:
            return [f"{status} {media_type} is not among the declared {sorted(content)}"]
        if body is None or not (media_type.endswith("json") and "ndjson" not in media_type):
            return []  # a stream (CSV, NDJSON) or a file: its media type is what is declared
        schema = content[media_type].get("schema", {})
        sparse = any(name in parse_qs(query) for name in SPARSE_PARAMETERS)
        validator = self._validator(json.dumps(schema, sort_keys=True), sparse)
        try:
            instance = json.loads(body)
        except ValueError as error:
            return [f"{status} {media_type} body is not JSON: {error}"]
        return [
            f"{status} at /{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
        ]

    # --- the schema made strict -----------------------------------------------------------

    def _resolve(self, item: dict) -> dict:
        while "$ref" in item:
            _, _, section, name = item["$ref"].split("/")
            item = self.components[section][name]
        return item

    def _validator(self, key: str, sparse: bool) -> Draft202012Validator:
        if (key, sparse) not in self._validators:
            schema = self._strict(json.loads(key), sparse=sparse, seen=())
            self._validators[key, sparse] = Draft202012Validator(schema, format_checker=formats)
        return self._validators[key, sparse]

    @functools.cached_property
    def _is_30(self) -> bool:
        return self.version.startswith("3.0")

    def _strict(self, schema, *, sparse: bool, seen: tuple):
        if isinstance(schema, list):
            return [self._strict(item, sparse=sparse, seen=seen) for item in schema]
        if not isinstance(schema, dict):
            return schema
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            assert name not in seen, f"recursive schema {name}"
            target = copy.deepcopy(self._resolve(schema))
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            return self._strict({**target, **rest}, sparse=sparse, seen=(*seen, name))
        schema = {
            key: (
                {name: self._strict(s, sparse=sparse, seen=seen) for name, s in value.items()}
                if key in ("properties", "patternProperties")
                else self._strict(value, sparse=sparse, seen=seen)
                if key in ("items", "additionalProperties", "allOf", "anyOf", "oneOf", "not")
                else value
            )
            for key, value in schema.items()
        }
        if self._is_30:
            schema = _nullable_30(schema)
        if "allOf" in schema and all(_is_object(part) for part in schema["allOf"]):
            schema = _merge_all_of(schema)
        if not sparse and "anyOf" in schema:
            schema = _full_only(schema)
        if "properties" in schema:
            properties = {
                name: spec
                for name, spec in schema["properties"].items()
                if not spec.get("writeOnly")  # never in a response
            }
            schema["properties"] = properties
            schema.setdefault("additionalProperties", False)
        for key in ("example", "examples", "discriminator", "xml", "externalDocs"):
            schema.pop(key, None)
        return schema


@functools.cache
def committed() -> StrictSchema:
    return StrictSchema.load(Path(settings.BASE_DIR) / "openapi.yaml")


#: Responses checked and those that broke the schema, over the session (reported at the end).
TALLY = {"validated": 0, "failed": 0}


class SchemaCheckingClient(Client):
    """Django's test client, which holds every response it gets to the committed schema.

    A response that breaks it fails the test there, naming the request and the breaks;
    with ``SCHEMA_STRICT=report`` in the environment they are only counted and printed (to
    measure a schema's state).
    """

    def __init__(self, *args, tally: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tally = TALLY if tally is None else tally

    def request(self, **request):
        response = super().request(**request)
        environ = response.request
        problems = committed().problems(
            environ["REQUEST_METHOD"],
            environ["PATH_INFO"],
            environ.get("QUERY_STRING", ""),
            response.status_code,
            response.get("Content-Type", ""),
            None if response.streaming else response.content,
        )
        self.tally["validated"] += 1
        if problems:
            self.tally["failed"] += 1
            where = f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}"
            if environ.get("QUERY_STRING"):
                where += f"?{environ['QUERY_STRING']}"
            if os.environ.get("SCHEMA_STRICT") != "report":
                pytest.fail(f"{where} breaks the schema:\n" + "\n".join(problems[:20]))
            print(f"\nSCHEMA: {where}\n  " + "\n  ".join(problems[:5]))
        return response


def _template_regex(path: str) -> str:
    return "".join(
        "[^/]+" if part.startswith("{") else re.escape(part)
        for part in re.split(r"(\{[^}]+\})", path)
        if part
    )


def _nullable_30(schema: dict) -> dict:
    """OpenAPI 3.0's ``nullable: true`` adds null to ``type``, and only where ``type`` is
    stated (3.0.3): ``nullable`` beside a bare ``allOf`` allows no null."""
    nullable = schema.pop("nullable", False)
    if nullable and "type" in schema:
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    return schema


def _is_object(schema: dict) -> bool:
    return schema.get("type") == "object" or "properties" in schema or "required" in schema


def _merge_all_of(schema: dict) -> dict:
    """``allOf`` of objects as one object, so ``additionalProperties`` sees every part."""
    merged = {k: v for k, v in schema.items() if k != "allOf"}
    properties = dict(merged.pop("properties", {}))
    required = list(merged.pop("required", []))
    for part in schema["allOf"]:
        part = dict(part)
        extra = part.pop("additionalProperties", False)
        if isinstance(extra, dict):  # a map's values (Corroboration): kept
            merged.setdefault("additionalProperties", extra)
        properties.update(part.pop("properties", {}))
        required += [name for name in part.pop("required", []) if name not in required]
        for key, value in part.items():
            if key not in ("description", "title"):
                merged.setdefault(key, value)
    merged["type"] = "object"
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = required
    return merged


def _full_only(schema: dict) -> dict:
    """A read without ``fields=``/``brief=``: the full record, never its sparse shape.

    The sparse shape (``<Name>Fields``) is the branch that requires nothing.
    """
    branches = schema["anyOf"]
    full = [b for b in branches if not (_is_object(b) and not b.get("required"))]
    if len(full) == len(branches) or not full:
        return schema
    rest = {k: v for k, v in schema.items() if k != "anyOf"}
    if len(full) == 1:
        return {**full[0], **rest}
    return {**rest, "anyOf": full}
