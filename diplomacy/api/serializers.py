"""Representations of the diplomacy records (one per model, for reading and writing)."""

from rest_framework import serializers

from config.api.serializers import BriefRelatedField, StrictIntegerField
from core.api.serializers import NamedSerializer, PublicSerializer
from diplomacy.models import (
    Country,
    DecisionStage,
    Designation,
    DesignationChange,
    Official,
    Organization,
    PolicyDecision,
    Position,
    Statement,
    Tenure,
)

TENURE_DATES = ("start", "end", "as_of")


class CountrySerializer(PublicSerializer):
    """A country of ISO 3166-1; ``id`` is its alpha-2 code."""

    public_id_source = "iso2"
    id = serializers.RegexField(
        r"^[A-Z]{2}$", source="iso2", help_text="ISO 3166-1 alpha-2 code (public id)."
    )

    class Meta(PublicSerializer.Meta):
        model = Country
        fields = ("iso3", "numeric", "name", "official_name", "aliases")
        brief_fields = ("id", "url", "name")


class OrganizationSerializer(NamedSerializer):
    """A ministry, embassy, movement, de facto authority or international body."""

    class Meta(NamedSerializer.Meta):
        model = Organization
        fields = ("name", "kind", "country", "parent", "name_original", "aliases", "identifiers")


class TenureOfOfficialSerializer(PublicSerializer):
    """A post the official held, with its dates and evidence."""

    id = serializers.UUIDField(read_only=True)
    common_fields = ("id",)
    trailing_fields = ("citations", "review_state")

    class Meta(PublicSerializer.Meta):
        model = Tenure
        fields = ("position", *TENURE_DATES)


class TenureOfPositionSerializer(TenureOfOfficialSerializer):
    """A holder of the post, with the dates and evidence."""

    class Meta(TenureOfOfficialSerializer.Meta):
        fields = ("official", *TENURE_DATES)


class OfficialSerializer(NamedSerializer):
    """A person who acts for a state or organization, with the posts they held."""

    tenures = TenureOfOfficialSerializer(many=True, read_only=True)

    class Meta(NamedSerializer.Meta):
        model = Official
        fields = ("name", "name_original", "aliases", "identifiers", "tenures")


class PositionSerializer(NamedSerializer):
    """A post, and its tenures: who held it, from when to when, on what evidence."""

    tenures = TenureOfPositionSerializer(many=True, read_only=True)

    class Meta(NamedSerializer.Meta):
        model = Position
        fields = ("name", "organization", "country", "posted_to", "tenures")


class TenureSerializer(PublicSerializer):
    """Who held which post, from when to when, on what evidence (Popolo's Membership)."""

    id = serializers.UUIDField(read_only=True)

    class Meta(PublicSerializer.Meta):
        model = Tenure
        fields = ("position", "official", *TENURE_DATES)
        brief_fields = ("id", "url", "position", "official")


class DesignationSerializer(PublicSerializer):
    """An organization listed, restricted or banned by an authority in a jurisdiction.

    Once the designation has published dated changes (``designation-changes``), ``status``
    is the latest one's (by date) and read-only, and ``status_since`` is that change's date.
    """

    id = serializers.UUIDField(read_only=True)

    class Meta(PublicSerializer.Meta):
        model = Designation
        fields = (
            "organization",
            "jurisdiction",
            "authority",
            "kind",
            "list_name",
            "status",
            "status_since",
            "start",
            "end",
            "as_of",
        )
        read_only_fields = (*PublicSerializer.Meta.read_only_fields, "status_since")
        brief_fields = ("id", "url", "organization", "jurisdiction", "status")


class DesignationChangeSerializer(PublicSerializer):
    """A dated change of a designation's status, with its own evidence."""

    id = serializers.UUIDField(read_only=True)

    class Meta(PublicSerializer.Meta):
        model = DesignationChange
        fields = ("designation", "status", "date", "description")
        brief_fields = ("id", "url", "designation", "status")


class DecisionStageSerializer(PublicSerializer):
    """One dated step of a decision's status history, with its own evidence."""

    id = serializers.UUIDField(read_only=True)
    # Explicit bounds: the model field's range depends on the database, the schema may not.
    sequence = StrictIntegerField(min_value=1, max_value=32767)
    common_fields = ("id",)
    trailing_fields = ("citations", "review_state")

    class Meta(PublicSerializer.Meta):
        model = DecisionStage
        fields = ("sequence", "status", "date", "description")


class DecisionStageWriteSerializer(DecisionStageSerializer):
    """A stage of a decision's status history, as its own resource (for curators' writes)."""

    common_fields = ("id", "url")
    trailing_fields = PublicSerializer.trailing_fields

    class Meta(DecisionStageSerializer.Meta):
        fields = ("decision", "sequence", "status", "date", "description")
        brief_fields = ("id", "url", "decision", "status")


class PolicyDecisionSerializer(PublicSerializer):
    """A decision or possible decision, with its actors and dated status history.

    ``status`` is the latest stage's; hedged language stays hedged ("under consideration").
    """

    id = serializers.UUIDField(read_only=True)
    stages = DecisionStageSerializer(many=True, read_only=True)
    statements = BriefRelatedField(many=True, read_only=True)

    class Meta(PublicSerializer.Meta):
        model = PolicyDecision
        fields = (
            "title",
            "decision_type",
            "status",
            "description",
            "decision_maker",
            "decision_maker_organization",
            "countries",
            "subject_organization",
            "proposed_by",
            "briefed_by",
            "stages",
            "statements",
        )
        read_only_fields = (*PublicSerializer.Meta.read_only_fields, "status")
        brief_fields = ("id", "url", "title", "status")


class StatementSerializer(PublicSerializer):
    """Something said, by an official, or an organization or country when no one is named."""

    id = serializers.UUIDField(read_only=True)

    class Meta(PublicSerializer.Meta):
        model = Statement
        fields = (
            "speaker",
            "speaker_organization",
            "speaker_country",
            "date",
            "mode",
            "summary",
            "quote",
            "about_countries",
            "about_organizations",
            "about_decisions",
        )
        brief_fields = ("id", "url", "summary")
