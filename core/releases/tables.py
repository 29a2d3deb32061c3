"""The Frictionless Table Schema of each file: types, primary and foreign keys.

Codes are strings (``"004"``, ``"2710.19"``), so their leading zeros and trailing digits
survive any reader that follows the schema. Empty cells are missing values (``""``).
"""

from config.api.exports import export_expressions
from config.api.filters import public_id_field
from core.models import Citation, Source

from .snapshot import Table, resource_name

TYPES = {
    "AutoField": "integer",
    "BigAutoField": "integer",
    "BigIntegerField": "integer",
    "IntegerField": "integer",
    "PositiveIntegerField": "integer",
    "PositiveSmallIntegerField": "integer",
    "SmallIntegerField": "integer",
    "BooleanField": "boolean",
    "DecimalField": "number",
    "FloatField": "number",
    "DateField": "date",
    "DateTimeField": "datetime",
}


def field_descriptor(name: str, field) -> dict:
    """A Table Schema field for a model field (the column ``name``)."""
    if field.is_relation:
        field = field.target_field
    internal = field.get_internal_type()
    descriptor = {"name": name, "type": TYPES.get(internal, "string")}
    if internal == "UUIDField":
        descriptor["format"] = "uuid"
    elif internal == "JSONField":
        descriptor["type"] = "array" if field.get_default() == [] else "object"
    elif internal == "DateTimeField":
        descriptor["format"] = "any"  # ISO 8601 with fractions of a second and an offset
    description = str(field.help_text or "")
    if description:
        descriptor["description"] = description
    if field.choices:
        descriptor["constraints"] = {"enum": [str(value) for value, _ in field.choices]}
    return descriptor


def _reference(fk_name: str, target, fmt: str, own: str) -> dict:
    name = resource_key(resource_name(target), fmt)
    return {
        "fields": fk_name,
        "reference": {"resource": "" if name == own else name, "fields": "id"},
    }


def resource_key(name: str, fmt: str) -> str:
    """A file's resource name in the package: CSV files take the plain name."""
    return name if fmt == "csv" else f"{name}-{fmt}"


def record_schema(model, fmt: str) -> dict:
    own = resource_key(resource_name(model), fmt)
    fields, foreign_keys = [], []
    for column in export_expressions(model):
        name, field = column.name, column.field
        descriptor = field_descriptor(name, field)
        if name == "id":
            descriptor["description"] = f"Public id ({public_id_field(model)})."
            descriptor["constraints"] = {"required": True, "unique": True}
        relation = model._meta.get_field(name) if name != "id" else None
        if relation is not None and relation.is_relation:
            descriptor.pop("constraints", None)
            descriptor["description"] = str(relation.help_text or "") or (
                f"Public id of the {relation.related_model._meta.verbose_name}."
            )
            foreign_keys.append(_reference(name, relation.related_model, fmt, own))
        fields.append(descriptor)
    schema = {"fields": fields, "primaryKey": ["id"], "missingValues": [""]}
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def citation_schema(fmt: str) -> dict:
    own = resource_key("citations", fmt)
    fields = []
    for name in ("id", "review_state", "retraction_reason", "version", "created", "updated"):
        fields.append(field_descriptor(name, Citation._meta.get_field(name)))
    fields[0]["constraints"] = {"required": True, "unique": True}
    fields.append({"name": "source", "type": "string", "format": "uuid"})
    fields.append(
        {
            "name": "record_model",
            "type": "string",
            "description": "The cited record's model, e.g. diplomacy.statement.",
        }
    )
    fields.append(
        {
            "name": "record_id",
            "type": "string",
            "description": "The cited record's public id (the id column of its resource).",
        }
    )
    evidence = ("quote", "start", "end", "locator", "supports", "contradicts", "stated")
    for name in (*evidence, "inferred", "note", "supported_values", "withdrawn"):
        fields.append(field_descriptor(name, Citation._meta.get_field(name)))
    return {
        "fields": fields,
        "primaryKey": ["id"],
        "missingValues": [""],
        "foreignKeys": [_reference("source", Source, fmt, own)],
    }


def link_schema(table: Table, model, related, fmt: str) -> dict:
    left, right = table.columns
    fields = [
        {"name": left, "type": "string", "description": f"Public id of the {left}."},
        {"name": right, "type": "string", "description": f"Public id of the {right}."},
    ]
    return {
        "fields": fields,
        "primaryKey": [left, right],
        "missingValues": [""],
        "foreignKeys": [
            _reference(left, model, fmt, ""),
            _reference(right, related, fmt, ""),
        ],
    }
