"""The one representation of each record, for reading and writing.

* ``id`` is the public id (ISO code, slug or UUID) and ``url`` the record's address.
* A related record reads as a brief object ``{id, name, url}``; a write accepts that
  object or the bare public id.
* A date with precision reads as ``{value, precision, earliest, latest, note}``; a write
  sends ``value`` and ``note``, the rest is derived.
* ``citations`` lists the evidence inline: source, quote and span.
* ``?fields=a,b`` keeps only those fields; ``?brief=true`` keeps the brief ones.
* Validation runs the model's own ``full_clean()`` (fields, constraints, citation spans),
  so an invalid write is a 400 naming the field, never a database error.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api.filters import public_id_field
from config.api.urls_cache import absolute, detail_path
from config.models import DatePrecision, ReviewState


def label(obj) -> str:
    return getattr(obj, "brief_name", None) or str(obj)


class BriefRelatedField(serializers.RelatedField):
    """Reads as a brief object; a write takes the public id or ``{"id": …}``."""

    default_error_messages = {
        "does_not_exist": "No {model} with public id {value!r}.",
        "invalid": "Give the public id as a string, or an object with an id.",
    }

    def to_representation(self, obj):
        request = self.context.get("request")
        if getattr(obj, "review_state", None) == ReviewState.DRAFT and not (
            request is not None and request.user.is_authenticated
        ):
            return None  # a draft is not public, even as the target of a published record
        return {
            "id": obj.public_id,
            "name": label(obj),
            "url": absolute(request, detail_path(type(obj), obj.public_id)),
        }

    def to_internal_value(self, data):
        if isinstance(data, dict):
            data = data.get("id")
        if not isinstance(data, str | int) or isinstance(data, bool) or data == "":
            self.fail("invalid")
        queryset = self.get_queryset()
        field = public_id_field(queryset.model)
        try:
            return queryset.get(**{field: data})
        except (queryset.model.DoesNotExist, DjangoValidationError, ValueError):
            self.fail("does_not_exist", model=queryset.model._meta.verbose_name, value=data)

    def get_choices(self, cutoff=None):
        # The browsable form would list every record; there is none, and lists can be huge.
        return {}

    @classmethod
    def many_init(cls, *args, **kwargs):
        field = super().many_init(*args, **kwargs)
        field.__class__ = PrefetchedManyRelatedField
        return field


class PrefetchedManyRelatedField(serializers.ManyRelatedField):
    """Reads the visibility-filtered list the view prefetched, when there is one."""

    def get_attribute(self, instance):
        from config.api.views import prefetched_name

        name = prefetched_name(self.source)
        if name in instance.__dict__:
            return instance.__dict__[name]
        return super().get_attribute(instance)


class FuzzyDateSchema(serializers.Serializer):
    """A date as precise as the source: unknown dates are empty, never invented."""

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

    def to_representation(self, obj):
        n = self.date_name
        earliest, latest = getattr(obj, f"{n}_earliest"), getattr(obj, f"{n}_latest")
        return {
            "value": getattr(obj, n),
            "precision": getattr(obj, f"{n}_precision"),
            "earliest": earliest.isoformat() if earliest else None,
            "latest": latest.isoformat() if latest else None,
            "note": getattr(obj, f"{n}_note"),
        }

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError('Send an object: {"value": "2025-03", "note": ""}.')
        result = {}
        if "value" in data:
            result[self.date_name] = data["value"] or ""
        if "note" in data:
            result[f"{self.date_name}_note"] = data["note"] or ""
        return result


class SourceField(BriefRelatedField):
    """The cited source, by UUID or brief object."""

    def get_queryset(self):
        from diplomacy.models import Source

        return Source.objects.all()


class PrefetchedListSerializer(serializers.ListSerializer):
    """Reads the visibility-filtered list the view prefetched, when there is one."""

    def get_attribute(self, instance):
        from config.api.views import prefetched_name

        name = prefetched_name(self.source)
        if name in instance.__dict__:
            return instance.__dict__[name]
        return super().get_attribute(instance)


class CitationSerializer(serializers.Serializer):
    """Evidence: the source, the verbatim quote and its span ``[start, end)`` in the text."""

    id = serializers.UUIDField(read_only=True)
    source = SourceField()
    quote = serializers.CharField(allow_blank=True, required=False, default="")
    start = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text="Computed from the quote if left out.",
    )
    end = serializers.IntegerField(read_only=True, allow_null=True)
    note = serializers.CharField(allow_blank=True, required=False, default="")

    class Meta:
        list_serializer_class = PrefetchedListSerializer


class PublicSerializer(serializers.ModelSerializer):
    """Base of every resource's serializer. Subclasses list ``Meta.fields``.

    ``Meta.brief_fields`` are kept by ``?brief=true``. Fields named in
    ``Meta.fuzzy_dates`` become date objects; relations become brief objects.
    """

    serializer_related_field = BriefRelatedField
    serializer_choice_field = serializers.ChoiceField

    id = serializers.CharField(source="public_id", read_only=True, help_text="Public id.")
    url = serializers.SerializerMethodField(help_text="This record's address in the API.")
    review_state = serializers.ChoiceField(choices=ReviewState.choices, read_only=True)
    retraction_reason = serializers.CharField(read_only=True)
    citations = CitationSerializer(many=True, required=False)

    common_fields = ("id", "url")
    trailing_fields = (
        "citations",
        "review_state",
        "retraction_reason",
        "version",
        "created",
        "updated",
    )

    class Meta:
        fields = ()
        brief_fields = ("id", "url")
        read_only_fields = ("version", "created", "updated")
        list_serializer_class = PrefetchedListSerializer

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None or self.parent is not None:
            return
        keep = requested_fields(type(self), request.query_params)
        if keep is not None:
            for name in list(self.fields):
                if name not in keep:
                    self.fields.pop(name)

    def get_field_names(self, declared_fields, info):
        trailing = [
            name
            for name in self.trailing_fields
            if name != "citations" or is_citable(self.Meta.model)
        ]
        return [*self.common_fields, *self.Meta.fields, *trailing]

    def build_field(self, field_name, info, model_class, nested_depth):
        fuzzy = getattr(self.Meta, "fuzzy_dates", ())
        if field_name in fuzzy:
            return FuzzyDateField, {"name": field_name}
        return super().build_field(field_name, info, model_class, nested_depth)

    def build_relational_field(self, field_name, relation_info):
        _field_class, kwargs = super().build_relational_field(field_name, relation_info)
        kwargs.pop("view_name", None)
        return BriefRelatedField, kwargs

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str | None:
        return absolute(self.context.get("request"), detail_path(type(obj), obj.public_id))

    # --- writing -------------------------------------------------------------------

    def validate(self, attrs):
        """Run the model's own validation on the record as it would be saved."""
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = self.instance or model()
        if self.instance is not None:
            # Validate a copy: a refused write must leave the instance untouched.
            instance = model._default_manager.get(pk=self.instance.pk)
        plain = {k: v for k, v in attrs.items() if not _is_to_many(model, k) and k != "citations"}
        for key, value in plain.items():
            setattr(instance, key, value)
        try:
            instance.full_clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(_api_errors(exc, self)) from exc
        return attrs

    @transaction.atomic
    def create(self, validated_data):
        citations = validated_data.pop("citations", None)
        instance = super().create(validated_data)
        if citations is not None:
            self._write_citations(instance, citations)
        return instance

    @transaction.atomic
    def update(self, instance, validated_data):
        citations = validated_data.pop("citations", None)
        instance = super().update(instance, validated_data)
        if citations is not None:
            self._write_citations(instance, citations)
        return instance

    def _write_citations(self, record, items):
        """Replace the record's citations by ``items``; unchanged ones keep their ids."""
        from django.contrib.contenttypes.models import ContentType

        from diplomacy.models import Citation

        content_type = ContentType.objects.get_for_model(record)
        existing = {
            (c.source_id, c.quote, c.start): c
            for c in Citation.objects.filter(content_type=content_type, object_id=record.pk)
        }
        keep = set()
        errors = []
        for item in items:
            key = (item["source"].pk, item.get("quote", ""), item.get("start"))
            match = existing.get(key) or next(
                (c for k, c in existing.items() if k[:2] == key[:2] and key[2] is None), None
            )
            if match:
                keep.add(match.pk)
                errors.append({})
                continue
            citation = Citation(
                source=item["source"],
                content_type=content_type,
                object_id=record.pk,
                quote=item.get("quote", ""),
                start=item.get("start"),
                note=item.get("note", ""),
                review_state=record.review_state
                if record.review_state != ReviewState.RETRACTED
                else ReviewState.DRAFT,
            )
            try:
                citation.full_clean()
            except DjangoValidationError as exc:
                errors.append(exc.message_dict)
                continue
            citation.save()
            keep.add(citation.pk)
            errors.append({})
        if any(errors):
            raise serializers.ValidationError({"citations": errors})
        for citation in existing.values():
            if citation.pk not in keep:
                citation.delete()


def is_citable(model) -> bool:
    from diplomacy.models import CitableModel

    return issubclass(model, CitableModel)


def _is_to_many(model, name) -> bool:
    try:
        field = model._meta.get_field(name)
    except Exception:
        return False
    return field.many_to_many or field.one_to_many


def _api_errors(exc: DjangoValidationError, serializer) -> dict:
    """Model field names → API field names (dates are objects, slugs are ``id``)."""
    fuzzy = getattr(serializer.Meta, "fuzzy_dates", ())
    result = {}
    for name, messages in exc.message_dict.items():
        api_name = name
        for date in fuzzy:
            if name == date or name.startswith(f"{date}_"):
                api_name = date
        if name == "__all__":
            api_name = "non_field_errors"
        if name == getattr(serializer, "public_id_source", None):
            api_name = "id"
        result.setdefault(api_name, []).extend(messages)
    return result


def requested_fields(serializer_class, params) -> set[str] | None:
    """The fields a request asks for (``fields=``, ``brief=``), or None for all."""
    fields = params.get("fields")
    if fields:
        return {name.strip() for name in fields.split(",") if name.strip()}
    if params.get("brief") in ("true", "1"):
        return set(serializer_class.Meta.brief_fields)
    return None


class NamedSerializer(PublicSerializer):
    """For named records: ``id`` is the slug, chosen by the curator who creates the record."""

    public_id_source = "slug"
    id = serializers.SlugField(source="slug", max_length=100, help_text="Public id (slug).")

    class Meta(PublicSerializer.Meta):
        brief_fields = ("id", "url", "name")
