"""Viewsets of the diplomacy resources: declarations over ``PublicViewSet``."""

from core.api.views import RecordViewSet
from core.collation import NAME_ORDERING_COLUMNS
from diplomacy import filtersets
from diplomacy.api import serializers
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

# ordering=name sorts by the folded name_sort_key, the same on every database (core.collation).
NAMED_ORDERING = ("id", "name", "updated")


class CountryViewSet(RecordViewSet):
    """Countries of ISO 3166-1, addressed by alpha-2 code (`/countries/RU/`)."""

    queryset = Country.objects.all()
    serializer_class = serializers.CountrySerializer
    filterset_class = filtersets.CountryFilterSet
    ordering_fields = NAMED_ORDERING
    ordering_columns = NAME_ORDERING_COLUMNS


class OrganizationViewSet(RecordViewSet):
    """Ministries, embassies, movements, de facto authorities and international bodies."""

    queryset = Organization.objects.all()
    serializer_class = serializers.OrganizationSerializer
    filterset_class = filtersets.OrganizationFilterSet
    ordering_fields = NAMED_ORDERING
    ordering_columns = NAME_ORDERING_COLUMNS
    facet_fields = ("kind", "country")


class OfficialViewSet(RecordViewSet):
    """People who act for states and organizations, with the posts they held."""

    queryset = Official.objects.all()
    serializer_class = serializers.OfficialSerializer
    filterset_class = filtersets.OfficialFilterSet
    ordering_fields = NAMED_ORDERING
    ordering_columns = NAME_ORDERING_COLUMNS


class PositionViewSet(RecordViewSet):
    """Posts and their tenures: who held which post, from when to when."""

    queryset = Position.objects.all()
    serializer_class = serializers.PositionSerializer
    filterset_class = filtersets.PositionFilterSet
    ordering_fields = NAMED_ORDERING
    ordering_columns = NAME_ORDERING_COLUMNS
    facet_fields = ("country", "posted_to", "organization")


class TenureViewSet(RecordViewSet):
    """Tenures on their own: who held which post when. Also shown inside positions/officials."""

    queryset = Tenure.objects.all()
    serializer_class = serializers.TenureSerializer
    filterset_class = filtersets.TenureFilterSet
    ordering_fields = ("id", "updated")
    facet_fields = ("position", "official")


class DecisionStageViewSet(RecordViewSet):
    """Stages of decisions' status histories. Also shown inside each policy decision."""

    queryset = DecisionStage.objects.all()
    serializer_class = serializers.DecisionStageWriteSerializer
    filterset_class = filtersets.DecisionStageFilterSet
    ordering_fields = ("id", "updated")
    facet_fields = ("status",)


class DesignationViewSet(RecordViewSet):
    """Organizations listed, restricted or banned by an authority in a jurisdiction."""

    queryset = Designation.objects.all()
    serializer_class = serializers.DesignationSerializer
    filterset_class = filtersets.DesignationFilterSet
    ordering_fields = ("id", "updated")
    facet_fields = ("kind", "status", "jurisdiction", "organization")


class DesignationChangeViewSet(RecordViewSet):
    """Dated changes of designations' statuses (in force, suspended, removed), each cited."""

    queryset = DesignationChange.objects.all()
    serializer_class = serializers.DesignationChangeSerializer
    filterset_class = filtersets.DesignationChangeFilterSet
    ordering_fields = ("id", "updated")
    facet_fields = ("status",)
    select = {"designation": ("designation__organization", "designation__jurisdiction")}


class PolicyDecisionViewSet(RecordViewSet):
    """Decisions and possible decisions, each with its dated status history."""

    queryset = PolicyDecision.objects.all()
    serializer_class = serializers.PolicyDecisionSerializer
    filterset_class = filtersets.PolicyDecisionFilterSet
    ordering_fields = ("id", "updated")
    facet_fields = ("decision_type", "status", "countries", "subject_organization")


class StatementViewSet(RecordViewSet):
    """What officials, organizations and countries said, with the verbatim evidence."""

    queryset = Statement.objects.all()
    serializer_class = serializers.StatementSerializer
    filterset_class = filtersets.StatementFilterSet
    ordering_fields = ("id", "updated")
    facet_fields = ("speaker", "speaker_country", "speaker_organization", "mode")
