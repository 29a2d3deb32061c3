"""OpenAPI schema: the shared parameters, the export formats and the problem responses.

Everything here is derived from the viewsets' declarations, so a new resource is
documented by declaring it; the committed ``openapi.yaml`` is checked by a test.
"""

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, force_instance
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from config.api.as_of import AS_OF_HELP, AS_OF_SCHEMA
from config.api.exports import export_columns
from config.api.filters import public_id_schema
from config.api.keyset_fields import nullable
from config.api.schema_hooks import example_id
from config.api.views import MAX_Q_CHARS, MAX_Q_WORDS

EXPORT_MEDIA_TYPES = {
    "text/csv": "CSV with a header row, every matching row (or limit rows after cursor), "
    "streamed. Many-to-many fields are public ids joined by ;.",
    "application/x-ndjson": "One JSON object per line, every matching row (or limit rows "
    "after cursor), streamed. Many-to-many fields are arrays of public ids.",
}

BOOL_VALUES = {"type": "boolean"}


def list_pattern(names) -> str:
    """A regular expression for a comma-separated list of ``names``."""
    one = "|".join(sorted(names, key=len, reverse=True))
    return f"^({one})(,({one}))*$"


def ordering_pattern(names) -> str:
    """A regular expression for ``ordering``: names, each optionally after one -."""
    one = "-?(" + "|".join(sorted(names, key=len, reverse=True)) + ")"
    return f"^{one}(,{one})*$"


class AutoSchema(openapi.AutoSchema):
    """Adds the parameters every list and detail shares, and the CSV/NDJSON responses."""

    def _list_action(self) -> bool:
        return getattr(self.view, "action", None) == "list" and self.method == "GET"

    def _read_action(self) -> bool:
        return self.method == "GET" and getattr(self.view, "action", None) in ("list", "retrieve")

    def map_renderers(self, attribute):
        # CSV and NDJSON are streamed by list views and documented separately below.
        return ["application/json" if attribute == "media_type" else "json"]

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        if self.method in ("GET", "HEAD"):
            operation["security"] = []  # public reads need no credentials
        queryset = getattr(self.view, "queryset", None)
        example = example_id(queryset.model) if queryset is not None else None
        for parameter in operation.get("parameters", []):
            if (
                parameter["in"] == "path"
                and parameter["name"] == "public_id"
                and queryset is not None
            ):
                # What an id of this resource looks like (ISO code, slug, UUID).
                parameter["schema"] = public_id_schema(queryset.model)
                if example:
                    parameter["example"] = example  # a real record of this resource
        return operation

    def _map_basic_serializer(self, serializer, direction):
        """A response states what it always holds: every field of a record read from the
        database is present (``required``), so a generated client types it as given.

        A plain serializer over dicts keeps spectacular's rule (its ``required`` fields),
        unless it reads model rows too (``complete_in_responses``). Keys a record carries
        in some reads only (``conditional_fields``: ``as_of_uncertain``) stay optional.
        """
        schema = super()._map_basic_serializer(serializer, direction)
        if direction != "response":
            return schema
        serializer = force_instance(serializer)
        properties = schema.setdefault("properties", {})
        if isinstance(serializer, serializers.ModelSerializer) or getattr(
            serializer, "complete_in_responses", False
        ):
            schema["required"] = sorted(properties)
        for name, (component, spec) in getattr(serializer, "conditional_fields", {}).items():
            shared = ResolvedComponent(
                name=component, type=ResolvedComponent.SCHEMA, object=component, schema=spec
            )
            self.registry.register_on_missing(shared)
            properties[name] = shared.ref
        if not schema.get("required"):
            schema.pop("required", None)
        return schema

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        # A blank-or-formatted string (a URL field that may be empty) is "oneOf" a formatted
        # string and an empty one: "" must not match both, where formats are not asserted.
        branches = schema.get("oneOf", ())
        if len(branches) == 2 and branches[1] == {"type": "string", "maxLength": 0}:
            branches[0].setdefault("minLength", 1)

    def get_auth(self):
        if self.method in ("GET", "HEAD"):
            return []
        super().get_auth()  # registers the Token scheme (config.api.authentication)
        return [{"Token": []}]  # a write needs it; anonymous writes are 401

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
                # The pattern names every field: a list in the words too would double it.
                description="Comma-separated fields to return (those the pattern names); "
                "others are left out.",
                pattern=list_pattern(field_names),
            ),
            OpenApiParameter(
                "brief",
                OpenApiTypes.BOOL,
                description="Return the brief form: "
                f"{', '.join(serializer_class.Meta.brief_fields)}.",
            ),
            OpenApiParameter(
                "include_retracted",
                OpenApiTypes.BOOL,
                description="Also return retracted records, marked by review_state and "
                "retraction_reason. Default: published records only.",
            ),
        ]
        if view.knows_valid_time:
            params.append(OpenApiParameter("as_of", AS_OF_SCHEMA, description=AS_OF_HELP))
        if not self._list_action():
            params.append(
                OpenApiParameter("format", OpenApiTypes.STR, enum=["json"], description="json.")
            )
            return params
        orderings = [f"{sign}{name}" for name in view.ordering_fields for sign in ("", "-")]
        model = view.queryset.model
        empty_last = any(nullable(model, view.model_ordering(n)) for n in view.ordering_fields)
        if view.searchable:
            related = getattr(view.queryset.model, "search_related", ())
            across = (
                f" Each word may also match the {' or '.join(related)} (by what finds it in "
                "its own list: names, codes); the syntax then holds on every database."
                if related
                else ""
            )
            params.append(
                OpenApiParameter(
                    "q",
                    {"type": "string", "maxLength": MAX_Q_CHARS},
                    description="Full-text search: every word must match (PostgreSQL: "
                    'web-search syntax, "quoted phrases" and -excluded words).'
                    f"{across} At most "
                    f"{MAX_Q_WORDS} words and {MAX_Q_CHARS} characters (400 beyond).",
                )
            )
        params += [
            OpenApiParameter(
                "ordering",
                OpenApiTypes.STR,
                description="Sort by these fields, comma-separated; - for descending. "
                f"Allowed: {', '.join(orderings)}. The public id always breaks ties."
                + (" Empty values come last either way." if empty_last else ""),
                pattern=ordering_pattern(view.ordering_fields),
            ),
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["json", "csv", "ndjson", *view.extra_formats],
                description="json (default, paginated), or csv / ndjson: every matching row "
                "(or limit rows after cursor), streamed"
                + "".join(f"; {self._extra(fmt)[0]}" for fmt in view.extra_formats)
                + ".",
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
                )
            )
        return params

    def _get_response_for_code(
        self, serializer, status_code, media_types=None, direction="response"
    ):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        if self._list_action() and status_code == "200":
            view = self.view
            model = view.queryset.model
            columns = ", ".join(name for name, _ in export_columns(model, many_to_many=True))
            extra = {fmt: view.export_extra_names(fmt) for fmt in ("csv", "ndjson")}
            added = "".join(
                f"; {fmt} adds {', '.join(names)}" for fmt, names in extra.items() if names
            )
            response["description"] = (
                f"A page of JSON; or with format=csv|ndjson every row, columns: {columns}{added}."
            )
            for media_type, text in EXPORT_MEDIA_TYPES.items():
                response["content"][media_type] = {
                    "schema": {"type": "string", "description": text}
                }
            for fmt in view.extra_formats:
                text, media_type = self._extra(fmt)
                response["content"][media_type] = {
                    "schema": {"type": "string", "description": text}
                }
        return response

    def _extra(self, fmt: str) -> tuple[str, str]:
        """(description, media type) of a list's own format, from its renderer."""
        renderer = next(r for r in self.view.renderer_classes if r.format == fmt)
        text = " ".join((renderer.__doc__ or fmt).split())
        return text, renderer.media_type

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


REFERENCE_SCHEMA = {
    "description": "A related record, by public id or as an object with its id.",
    "oneOf": [
        {"type": "string", "description": "Public id."},
        {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
    ],
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
        # One component for every relation a write sets, instead of a copy in each.
        reference = ResolvedComponent(
            name="PublicIdReference",
            type=ResolvedComponent.SCHEMA,
            object="PublicIdReference",
            schema=REFERENCE_SCHEMA,
        )
        auto_schema.registry.register_on_missing(reference)
        return reference.ref
