"""The one representation of each record, for reading and writing.

* ``id`` is the public id (ISO code, slug or UUID) and ``url`` the record's address.
* A related record reads as a brief object ``{id, name, url}``; a write accepts that
  object or the bare public id (``config.api.serializers.BriefRelatedField``).
* A date with precision reads as ``{value, precision, earliest, latest, note}``; a write
  sends ``value`` and ``note``, the rest is derived.
* ``citations`` lists the evidence inline: source, quote and span (or locator), and the
  fields each supports. A write lists the citations to keep or add; an existing one sent
  with a ``retraction_reason`` is retracted, and one sent with a field added to
  ``withdrawn`` withdraws its support for that field (see ``core.services``).
* Validation runs the model's own ``full_clean()``; writes go through ``core.services``.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.extensions import (
    OpenApiSerializerExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api.serializers import (
    STRICT_FIELD_MAPPING,
    BriefRelatedField,
    KnownFieldsOnly,
    LabelledAddressField,
    PrefetchedListSerializer,
    ReaderField,
    SparseFields,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictSlugField,
    api_errors,
    is_to_many,
)
from config.api.urls_cache import absolute, detail_path
from core import services
from core.corroboration import CorroborationStatus
from core.evidence import evidence_path
from core.models import (
    Change,
    ChangeAction,
    CitableModel,
    Citation,
    DatePrecision,
    ReviewState,
    Source,
)
from core.models.changes import shown_user, shown_user_column
from core.validtime import UNCERTAIN


class FuzzyDateSchema(serializers.Serializer):
    """A date as precise as the source: unknown dates are empty, never invented."""

    complete_in_responses = True  # read from a record's columns: every key, always

    value = serializers.CharField(
        allow_blank=True,
        help_text="YYYY, YYYY-MM or YYYY-MM-DD; empty when the source gives no date.",
    )
    precision = serializers.ChoiceField(choices=DatePrecision.choices, read_only=True)
    earliest = serializers.DateField(read_only=True, allow_null=True, help_text="Lower bound.")
    latest = serializers.DateField(read_only=True, allow_null=True, help_text="Upper bound.")
    note = serializers.CharField(
        allow_blank=True, required=False, help_text="What the source says, in words."
    )


@extend_schema_field(FuzzyDateSchema)
class FuzzyDateField(serializers.Field):
    """The five model fields of a ``fuzzy_date`` as one object."""

    def __init__(self, name: str, **kwargs):
        self.date_name = name
        kwargs.setdefault("source", "*")
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    @property
    def lean_columns(self) -> tuple[str, ...]:
        """The model columns it reads (for config.api.compiled)."""
        n = self.date_name
        return (n, f"{n}_precision", f"{n}_earliest", f"{n}_latest", f"{n}_note")

    def to_representation(self, obj):
        return self.lean_representation(*(getattr(obj, name) for name in self.lean_columns))

    def lean_representation(self, value, precision, earliest, latest, note):
        """The object, from the columns of ``lean_columns`` (also for config.api.compiled)."""
        return {
            "value": value,
            "precision": precision,
            "earliest": earliest.isoformat() if earliest else None,
            "latest": latest.isoformat() if latest else None,
            "note": note,
        }

    def to_internal_value(self, data):
        if not isinstance(data, dict) or "value" not in data:
            raise serializers.ValidationError('Send an object: {"value": "2025-03", "note": ""}.')
        # What it reads as may be sent back (the bounds are derived, and ignored); no more.
        unknown = sorted(set(data) - {"value", "precision", "earliest", "latest", "note"})
        if unknown:
            raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        result = {}
        for key, name in (("value", self.date_name), ("note", f"{self.date_name}_note")):
            if key in data:
                value = data[key]
                if not isinstance(value, str):  # as the schema says: a string, never null
                    raise serializers.ValidationError({key: ["A string."]})
                result[name] = value or ""
        return result


class SourceField(BriefRelatedField):
    """The cited source, by UUID or brief object."""

    def get_queryset(self):
        return Source.objects.all()


class CitationListSerializer(PrefetchedListSerializer):
    """The citations of a write: the sources they name are read in one query, not one each."""

    def to_internal_value(self, data):
        if isinstance(data, list) and 0 < len(data) <= services.MAX_CITATIONS_PER_SAVE:
            self.child.fields["source"].preload(
                item.get("source") for item in data if isinstance(item, dict)
            )
        return super().to_internal_value(data)


class CitationSerializer(KnownFieldsOnly, serializers.Serializer):
    """Evidence: the source, the quote and its span ``[start, end)`` (or a dataset locator),
    and the record's fields it supports.

    Support is per value: ``supported_values`` holds each supported field's value when it
    was cited, and a citation supports a field only while the record holds that value.
    To retract a citation, send it back (by ``id``) with a ``retraction_reason``; to withdraw
    its support for one field, send it back with that field added to ``withdrawn``, with
    the reason: ``{"id": "…", "source": "…", "withdrawn": {"date": "The quote gives no
    day."}}``. A withdrawal is never taken back.
    """

    complete_in_responses = True  # read from Citation rows: every key, always

    id = serializers.UUIDField(required=False, help_text="Set on existing citations.")
    source = SourceField()
    quote = StrictCharField(allow_blank=True, required=False)
    start = StrictIntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=2**31 - 1,
        help_text="Computed from the quote if left out.",
    )
    end = serializers.IntegerField(read_only=True, allow_null=True)
    locator = StrictCharField(
        allow_blank=True,
        required=False,
        max_length=300,
        help_text="For a dataset or reference source: row key, code, table or URL fragment.",
    )
    supports = serializers.ListField(
        child=StrictCharField(),
        required=False,
        help_text="The record's factual fields this evidence supports.",
    )
    contradicts = serializers.ListField(
        child=StrictCharField(),
        required=False,
        help_text="The record's factual fields whose value this source states otherwise.",
    )
    stated = serializers.DictField(
        required=False,
        help_text="Per contradicted field, the value this source gives instead "
        '(e.g. {"quantity": "500000"}).',
    )
    inferred = StrictBooleanField(
        required=False,
        help_text="The supported values are chosen from the evidence, not stated in it "
        "(the note says why).",
    )
    note = StrictCharField(allow_blank=True, required=False, max_length=500)
    supported_values = serializers.DictField(
        read_only=True,
        help_text="Each supported field with its value when cited (a related record's id, a "
        "list of ids, a number as a string, a date as {value, precision}): the citation "
        "supports that value only.",
    )
    withdrawn = serializers.DictField(
        child=StrictCharField(error_messages={"blank": "A withdrawal needs its reason."}),
        required=False,
        help_text="Fields whose support this citation withdrew, each with the reason. Send an "
        "existing citation with a field added here to withdraw its support for it.",
    )
    review_state = serializers.ChoiceField(choices=ReviewState.choices, read_only=True)
    retraction_reason = StrictCharField(
        required=False,
        allow_blank=True,
        help_text="Send with an existing citation's id to retract it, with this reason.",
    )

    def validate(self, attrs):
        # A PATCH is partial for the record, not for each citation it sends.
        if "source" not in attrs:
            raise serializers.ValidationError({"source": ["This field is required."]})
        return super().validate(attrs)

    class Meta:
        list_serializer_class = CitationListSerializer


class FieldCorroborationSerializer(serializers.Serializer):
    """How many published sources, and independent origins among them, support a field,
    and how many sources contradict it (outlets relaying one agency are one origin)."""

    sources = serializers.IntegerField()
    origins = serializers.IntegerField()
    contradicted_by = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=CorroborationStatus.choices,
        help_text="contested if a source contradicts it; else inferred if every supporting "
        "citation is; else corroborated with 2 origins or more; else single_source.",
    )


class CorroborationSerializer(serializers.Serializer):
    """Per factual field that public evidence supports or contradicts, its corroboration
    (derived)."""


class CorroborationSchema(OpenApiSerializerExtension):
    """``Corroboration`` in the schema: a map of field names to ``FieldCorroboration``."""

    target_class = CorroborationSerializer

    def get_name(self, auto_schema, direction):
        return "Corroboration"

    def map_serializer(self, auto_schema, direction):
        entry = auto_schema.resolve_serializer(FieldCorroborationSerializer, direction)
        return {
            "type": "object",
            "additionalProperties": entry.ref,
            "description": CorroborationSerializer.__doc__.replace("\n    ", " ").strip(),
        }


class CorroborationField(serializers.JSONField):
    """A record's ``corroboration`` (read-only; see ``core.corroboration``)."""


class CorroborationFieldSchema(OpenApiSerializerFieldExtension):
    """Read as ``Corroboration``; never written, so no request component is made."""

    target_class = CorroborationField

    def map_serializer_field(self, auto_schema, direction):
        if direction != "response":
            return {"type": "object"}
        return auto_schema.resolve_serializer(CorroborationSerializer, direction).ref


AS_OF_UNCERTAIN = {
    "type": "boolean",
    "description": "With as_of= only: true when a date known only to the month or year (or "
    "not at all) leaves the record's state on that day open.",
}

#: Fields that only records citing sources have.
CITABLE_ONLY = ("citations", "corroboration")


class PublicSerializer(SparseFields, KnownFieldsOnly, serializers.ModelSerializer):
    """Base of every resource's serializer. Subclasses list ``Meta.fields``.

    ``Meta.brief_fields`` are kept by ``?brief=true``. The model's fuzzy dates (its
    ``fuzzy_dates``) become date objects; relations become brief objects.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Derived from the model, not restated (config.api.serializers.api_errors reads it).
        model = getattr(getattr(cls, "Meta", None), "model", None)
        if model is not None:
            cls.Meta.fuzzy_dates = tuple(getattr(model, "fuzzy_dates", ()))

    serializer_field_mapping = STRICT_FIELD_MAPPING

    serializer_related_field = BriefRelatedField
    serializer_choice_field = serializers.ChoiceField

    id = serializers.CharField(source="public_id", read_only=True, help_text="Public id.")
    url = serializers.SerializerMethodField(help_text="This record's address in the API.")
    review_state = serializers.ChoiceField(choices=ReviewState.choices, read_only=True)
    retraction_reason = serializers.CharField(read_only=True)
    evidence_url = serializers.SerializerMethodField(
        help_text="This record's evidence page: its fields beside the quotes that support them."
    )
    # Refused before each item is read (a source lookup each): the services' limit.
    citations = CitationSerializer(
        many=True, required=False, max_length=services.MAX_CITATIONS_PER_SAVE
    )
    corroboration = CorroborationField(read_only=True)

    #: Read on an ``as_of`` day only (see ``to_representation``): optional in the schema.
    conditional_fields = {"as_of_uncertain": ("AsOfUncertain", AS_OF_UNCERTAIN)}
    common_fields = ("id", "url")
    #: Method fields that are addresses built from the public id (for config.api.compiled).
    address_fields = {"evidence_url": evidence_path}
    trailing_fields = (
        "citations",
        "corroboration",
        "review_state",
        "retraction_reason",
        "version",
        "created",
        "updated",
        "evidence_url",
    )

    class Meta:
        fields = ()
        brief_fields = ("id", "url")
        read_only_fields = ("version", "created", "updated")
        list_serializer_class = PrefetchedListSerializer

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # Read on an as_of day (``core.validtime``): say whether its dates leave it open.
        uncertain = getattr(instance, UNCERTAIN, None)
        if uncertain is not None:
            data["as_of_uncertain"] = bool(uncertain)
        return data

    def get_field_names(self, declared_fields, info):
        trailing = [
            name
            for name in self.trailing_fields
            if name not in CITABLE_ONLY or issubclass(self.Meta.model, CitableModel)
        ]
        return [*self.common_fields, *self.Meta.fields, *trailing]

    def build_field(self, field_name, info, model_class, nested_depth):
        if field_name in getattr(self.Meta, "fuzzy_dates", ()):
            return FuzzyDateField, {"name": field_name}
        return super().build_field(field_name, info, model_class, nested_depth)

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if model_field.choices and model_field.blank and kwargs.get("read_only"):
            kwargs["allow_blank"] = True  # a derived choice may be empty: say so in the schema
        return field_class, kwargs

    def include_extra_kwargs(self, kwargs, extra_kwargs):
        blank_choice = kwargs.get("allow_blank") and "choices" in kwargs
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if blank_choice and kwargs.get("read_only"):
            kwargs["allow_blank"] = True  # DRF drops it from read-only fields
        return kwargs

    def build_relational_field(self, field_name, relation_info):
        _field_class, kwargs = super().build_relational_field(field_name, relation_info)
        kwargs.pop("view_name", None)
        return BriefRelatedField, kwargs

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return absolute(self.context.get("request"), detail_path(type(obj), obj.public_id))

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_evidence_url(self, obj) -> str | None:
        return absolute(self.context.get("request"), evidence_path(type(obj), obj.public_id))

    # --- writing -------------------------------------------------------------------
    # The model's own validation, the sent citations turned into changes and every rule of
    # the write are the services' (``core.services.record_save``): run once, there.

    def _plain(self, attrs) -> dict:
        model = self.Meta.model
        return {k: v for k, v in attrs.items() if not is_to_many(model, k) and k != "citations"}

    def save_through_service(
        self, instance, validated_data, *, user, publish_sources=False, stored=None
    ):
        """Create or update through ``core.services.record_save``: all or nothing.

        ``stored``: the record as the view read and locked it, before these changes.
        """
        model = self.Meta.model
        m2m = {k: v for k, v in validated_data.items() if is_to_many(model, k) and k != "citations"}
        record = instance or model()
        for key, value in self._plain(validated_data).items():
            setattr(record, key, value)
        try:
            return services.record_save(
                record,
                user=user,
                m2m=m2m,
                sent=validated_data.get("citations"),
                publish_sources=publish_sources,
                stored=stored,
            )
        except services.EvidenceConflict:
            raise
        except services.SentCitationsInvalid as exc:
            raise serializers.ValidationError({"citations": exc.errors}) from exc
        except services.CitationsInvalid as exc:
            raise serializers.ValidationError({"citations": exc.items}) from exc
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise serializers.ValidationError(api_errors(exc, self)) from exc
            raise serializers.ValidationError({"non_field_errors": exc.messages}) from exc


class NamedSerializer(PublicSerializer):
    """For named records: ``id`` is the slug, chosen by the curator who creates the record."""

    public_id_source = "slug"
    id = StrictSlugField(source="slug", max_length=100, help_text="Public id (slug).")

    class Meta(PublicSerializer.Meta):
        brief_fields = ("id", "url", "name")


class SourceSerializer(PublicSerializer):
    """A document cited as evidence. Missing metadata stays empty; the hash identifies it.

    Once cited, the text is frozen: a corrected text is a new source that ``supersedes`` it.
    """

    id = serializers.UUIDField(read_only=True)

    class Meta(PublicSerializer.Meta):
        model = Source
        fields = (
            "kind",
            "title",
            "publisher",
            "document_url",
            "published",
            "language",
            "retrieved",
            "licence",
            "attribution",
            "supersedes",
            "origin",
            "relays",
            "content_hash",
            "text",
        )
        read_only_fields = (*PublicSerializer.Meta.read_only_fields, "content_hash")
        # Stored as sent (line ends and NFC aside), as the admin and the loader store it.
        extra_kwargs = {"text": {"trim_whitespace": False}}
        brief_fields = ("id", "url", "title", "content_hash")


def citation_record_url(request, citation: Citation) -> str | None:
    model = citation.content_type.model_class()
    record = citation.record
    if model is None or record is None:
        return None
    return absolute(request, detail_path(model, record.public_id))


class ChangeSerializer(SparseFields, serializers.ModelSerializer):
    """One change of one record: what changed, when, by whom and through which channel.

    A citation's change also names the record the citation supports (``cited_*``).
    """

    url = serializers.SerializerMethodField()
    record_url = LabelledAddressField(
        "model",
        "record_id",
        null_when={"action": ChangeAction.DELETED},
        help_text="The changed record's address (null when deleted or without one).",
    )
    cited_url = LabelledAddressField(
        "cited_model",
        "cited_id",
        help_text="For a citation: the address of the record it supports.",
    )
    user = ReaderField(
        shown_user,
        shown_user_column,
        help_text="Who made it: the username, for curators; for everyone else the role "
        "(curator), or empty for changes made by commands and imports.",
    )

    class Meta:
        model = Change
        fields = (
            "id",
            "url",
            "timestamp",
            "model",
            "record_id",
            "object_id",
            "record_url",
            "cited_model",
            "cited_id",
            "cited_url",
            "action",
            "review_state",
            "channel",
            "user",
            "reason",
            "changed_fields",
        )
        brief_fields = ("id", "url", "timestamp", "model", "record_id", "action")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return absolute(self.context.get("request"), detail_path(Change, obj.pk))
