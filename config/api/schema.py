"""OpenAPI schema: the shared parameters, the export formats and the problem responses.

Everything here is derived from the viewsets' declarations, so a new resource is
documented by declaring it; the committed ``openapi.yaml`` is checked by a test.
"""

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

from config.api.errors import PROBLEM_BASE, PROBLEM_CONTENT_TYPE, TITLES
from config.api.exports import export_columns

EXPORT_MEDIA_TYPES = {
    "text/csv": "CSV with a header row, every matching row, unpaginated and streamed.",
    "application/x-ndjson": "One JSON object per line, every matching row, streamed.",
}

BOOL_VALUES = {"type": "boolean"}


class AutoSchema(openapi.AutoSchema):
    """Adds the parameters every list and detail shares, and the CSV/NDJSON responses."""

    def _list_action(self) -> bool:
        return getattr(self.view, "action", None) == "list" and self.method == "GET"

    def _read_action(self) -> bool:
        return self.method == "GET" and getattr(self.view, "action", None) in ("list", "retrieve")

    def map_renderers(self, attribute):
        # CSV and NDJSON are streamed by list views and documented separately below.
        return ["application/json" if attribute == "media_type" else "json"]

    def get_override_parameters(self):
        if not self._read_action():
            return []
        view = self.view
        serializer_class = view.get_serializer_class()
        field_names = sorted(serializer_class().fields)
        params = [
            OpenApiParameter(
                "fields",
                OpenApiTypes.STR,
                description="Comma-separated fields to return; others are left out. "
                f"Fields: {', '.join(field_names)}.",
                examples=[OpenApiExample("id and name", value="id,url")],
            ),
            OpenApiParameter(
                "brief",
                OpenApiTypes.BOOL,
                description="Return the brief form: "
                f"{', '.join(serializer_class.Meta.brief_fields)}.",
                examples=[OpenApiExample("brief", value=True)],
            ),
            OpenApiParameter(
                "include_retracted",
                OpenApiTypes.BOOL,
                description="Also return retracted records, marked by review_state and "
                "retraction_reason. Default: published records only.",
                examples=[OpenApiExample("with retractions", value=True)],
            ),
        ]
        if not self._list_action():
            params.append(
                OpenApiParameter("format", OpenApiTypes.STR, enum=["json"], description="json.")
            )
            return params
        orderings = [f"{sign}{name}" for name in view.ordering_fields for sign in ("", "-")]
        params += [
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                description="Full-text search: every word must match (PostgreSQL: web-search "
                'syntax, "quoted phrases" and -excluded words).',
                examples=[OpenApiExample("a name", value="Zhirnov")],
            ),
            OpenApiParameter(
                "ordering",
                OpenApiTypes.STR,
                description="Sort by these fields, comma-separated; - for descending. "
                f"Allowed: {', '.join(orderings)}. The public id always breaks ties.",
                examples=[OpenApiExample("newest changes first", value="-updated")],
            ),
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["json", "csv", "ndjson"],
                description="json (default, paginated), or csv / ndjson: every matching row, "
                "unpaginated, streamed.",
                examples=[OpenApiExample("CSV", value="csv")],
            ),
        ]
        if view.facet_fields:
            params.append(
                OpenApiParameter(
                    "facet",
                    OpenApiTypes.STR,
                    many=True,
                    explode=True,
                    enum=list(view.facet_fields),
                    description="Count the matching rows by this field (repeatable); the "
                    "counts come in `facets`, at most 100 values each, largest first.",
                    examples=[OpenApiExample("one facet", value=[view.facet_fields[0]])],
                )
            )
        return params

    def _get_response_for_code(
        self, serializer, status_code, media_types=None, direction="response"
    ):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        if self._list_action() and status_code == "200":
            columns = ", ".join(name for name, _ in export_columns(self.view.queryset.model))
            for media_type, text in EXPORT_MEDIA_TYPES.items():
                response["content"][media_type] = {
                    "schema": {"type": "string", "description": f"{text} Columns: {columns}."}
                }
        return response

    def _get_response_headers_for_code(self, status_code, direction="response"):
        headers = super()._get_response_headers_for_code(status_code, direction)
        if self._read_action() and status_code == "200":
            headers.update(
                {
                    "ETag": {
                        "schema": {"type": "string"},
                        "description": "Send it back in "
                        "If-None-Match to get a 304 when nothing changed.",
                    },
                    "Last-Modified": {"schema": {"type": "string"}},
                    "Cache-Control": {"schema": {"type": "string"}},
                }
            )
            if self._list_action():
                headers["Link"] = {
                    "schema": {"type": "string"},
                    "description": 'RFC 8288 links to the next and previous pages (rel="next", '
                    'rel="prev").',
                }
        return headers


BRIEF_SCHEMA = {
    "type": "object",
    "description": "A related record in brief.",
    "required": ["id", "name", "url"],
    "properties": {
        "id": {"type": "string", "description": "Public id: ISO code, slug or UUID."},
        "name": {"type": "string"},
        "url": {"type": "string", "format": "uri", "nullable": True},
    },
}


class BriefRelatedFieldExtension(OpenApiSerializerFieldExtension):
    """Reads as a ``Brief`` object; a write takes the public id or ``{"id": …}``."""

    target_class = "config.api.serializers.BriefRelatedField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        component = ResolvedComponent(
            name="Brief", type=ResolvedComponent.SCHEMA, object="Brief", schema=BRIEF_SCHEMA
        )
        auto_schema.registry.register_on_missing(component)
        if direction == "response":
            return {**component.ref, "nullable": True}
        return {
            "oneOf": [
                {"type": "string", "description": "Public id."},
                {
                    "type": "object",
                    "required": ["id"],
                    "properties": {"id": {"type": "string"}},
                },
            ]
        }


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
    detail = "{" in path
    if method == "get":
        return [400, *([404] if detail else []), 405, 406, 429, 500]
    codes = [400, 401, 403, 405, 406, 415, 429, 500]
    if detail:
        codes += [404, 412, 428]
    return sorted(codes)


def add_problem_responses(result, generator, request, public):
    """Postprocessing hook: document the problem-details errors of every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for status in _codes(method, path):
                if status not in DETAILS:
                    continue
                responses.setdefault(
                    str(status),
                    {
                        "description": TITLES[status][1],
                        "content": {
                            PROBLEM_CONTENT_TYPE: {
                                "schema": {"$ref": "#/components/schemas/Problem"},
                                "example": _problem_example(status),
                            }
                        },
                    },
                )
            if "429" in responses:
                responses["429"].setdefault(
                    "headers",
                    {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds."}},
                )
    return result


# Example values for filter parameters, taken from the seed dataset so they work as given.
EXAMPLES_BY_NAME = {
    "country": "RU",
    "countries": "RU",
    "exporter": "RU",
    "importer": "AF",
    "jurisdiction": "RU",
    "posted_to": "AF",
    "speaker_country": "AF",
    "about_countries": "AF",
    "commodity": "wheat",
    "parent": "petroleum-products",
    "organization": "taliban",
    "subject_organization": "taliban",
    "about_organizations": "taliban",
    "authority": "russia-ministry-of-justice",
    "briefed_by": "russia-foreign-ministry",
    "proposed_by": "russia-foreign-ministry",
    "decision_maker_organization": "russia-foreign-ministry",
    "speaker_organization": "russia-foreign-ministry",
    "speaker": "dmitry-zhirnov",
    "decision_maker": "vladimir-putin",
    "source": "d1029b1c-a139-54e0-b414-5de70a7cb453",
    "iso2": "RU",
    "iso3": "RUS",
    "hs_code": "1001",
    "currency": "USD",
    "language": "en",
    "name": "Zhirnov",
}
EXAMPLES_BY_TYPE = {
    "date": "2025-01-01",
    "date-time": "2025-01-01T00:00:00Z",
    "uuid": "d1029b1c-a139-54e0-b414-5de70a7cb453",
    "decimal": "100",
    "integer": 1,
    "number": 100,
    "boolean": True,
}


def _example_for(parameter: dict):
    schema = parameter.get("schema", {})
    item = schema.get("items", schema) if schema.get("type") == "array" else schema
    base = parameter["name"].split("__")[0]
    if "enum" in item:
        value = item["enum"][0]
    elif base in EXAMPLES_BY_NAME and item.get("type") == "string" and "format" not in item:
        value = EXAMPLES_BY_NAME[base]
    else:
        value = EXAMPLES_BY_TYPE.get(item.get("format")) or EXAMPLES_BY_TYPE.get(item.get("type"))
        if value is None:
            value = EXAMPLES_BY_NAME.get(base, "wheat")
    return [value] if schema.get("type") == "array" else value


def add_parameter_examples(result, generator, request, public):
    """Postprocessing hook: every query parameter without an example gets a working one."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if "example" not in parameter and "examples" not in parameter:
                    parameter["example"] = _example_for(parameter)
    return result
