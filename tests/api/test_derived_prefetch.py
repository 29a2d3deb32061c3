"""The prefetches no resource declares: each list of brief objects (a many-to-many relation,
forward or reverse) and each nested list of records (a position's tenures) that the
serializer reads is prefetched, limited to what the reader may see (``Visible``), with the
nested records' own joins and citations (``core.api.views.DerivedPrefetch``)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from config.api.serializers import BriefRelatedField
from config.urls import router
from core.api.serializers import PublicSerializer
from core.api.views import RecordReadOnlyViewSet, Visible
from diplomacy.api.serializers import CountrySerializer
from diplomacy.filtersets import CountryFilterSet
from diplomacy.models import (
    Country,
    DecisionStage,
    Official,
    Organization,
    PolicyDecision,
    Position,
    Statement,
    Tenure,
)
from tests import factories as f
from trade.models import Commodity


def list_fields(viewset) -> dict[str, tuple[str, type]]:
    """The serializer's fields that read a list of related records: {field: (source, model)},
    found here independently of the code under test."""
    model = viewset.queryset.model
    found = {}
    for name, field in viewset.serializer_class().fields.items():
        nested = isinstance(field, serializers.ListSerializer) and isinstance(
            field.child, serializers.ModelSerializer
        )
        if not (nested or isinstance(field, serializers.ManyRelatedField)):
            continue
        found[name] = (field.source, model._meta.get_field(field.source).related_model)
    return found


def record_viewsets():
    return [
        viewset for _, viewset, _ in router.registry if issubclass(viewset, RecordReadOnlyViewSet)
    ]


def test_every_list_field_of_every_resource_gets_a_visibility_limited_prefetch():
    lists = {
        viewset.__name__: list_fields(viewset)
        for viewset in record_viewsets()
        if list_fields(viewset)
    }
    prefetched = {
        name: {
            field: (lookup.lookup, lookup.model)
            for field, (lookup,) in viewset.prefetch.items()
            if isinstance(lookup, Visible)
        }
        for viewset in record_viewsets()
        if (name := viewset.__name__) in lists
    }

    assert prefetched == lists
    # Pinned: the resources that have lists today (a check that found none would pass).
    assert sorted(lists) == [
        "CommodityViewSet",
        "OfficialViewSet",
        "PolicyDecisionViewSet",
        "PositionViewSet",
        "StatementViewSet",
    ]


def test_no_resource_declares_a_prefetch_that_the_serializer_gives():
    restated = {
        viewset.__name__: sorted(
            set(vars(viewset)["prefetch"].declared) & set(list_fields(viewset))
        )
        for viewset in record_viewsets()
    }

    assert {name: fields for name, fields in restated.items() if fields} == {}


def viewset_of(model):
    return next(v for v in record_viewsets() if v.queryset.model is model)


def test_the_derived_prefetches_are_those_the_resources_wrote_by_hand():
    # As they were declared before they were derived: the same queries, the same rows.
    assert viewset_of(Official).prefetch == {
        "tenures": (Visible("tenures", Tenure, select=("position",)),)
    }
    assert viewset_of(Position).prefetch == {
        "tenures": (Visible("tenures", Tenure, select=("official",)),)
    }
    assert viewset_of(PolicyDecision).prefetch == {
        "countries": (Visible("countries", Country, cited=False),),
        "proposed_by": (Visible("proposed_by", Organization, cited=False),),
        "briefed_by": (Visible("briefed_by", Organization, cited=False),),
        "stages": (Visible("stages", DecisionStage),),
        "statements": (Visible("statements", Statement, cited=False),),
    }
    assert viewset_of(Statement).prefetch == {
        "about_countries": (Visible("about_countries", Country, cited=False),),
        "about_organizations": (Visible("about_organizations", Organization, cited=False),),
        "about_decisions": (Visible("about_decisions", PolicyDecision, cited=False),),
    }
    assert viewset_of(Commodity).prefetch == {
        "statements": (Visible("statements", Statement, cited=False),),
        "policy_decisions": (Visible("policy_decisions", PolicyDecision, cited=False),),
    }


# A serializer with two lists no resource has, and its viewset, declaring no prefetch: the
# reverse side of PolicyDecision.countries and the positions serving each country.


class PositionInCountrySerializer(PublicSerializer):
    """A post serving the country (test only)."""

    id = serializers.CharField(source="public_id", read_only=True)
    common_fields = ("id",)
    trailing_fields = ("citations", "review_state")

    class Meta(PublicSerializer.Meta):
        model = Position
        fields = ("name", "organization")


class CountryWithListsSerializer(CountrySerializer):
    """A country with its decisions and posts (test only)."""

    policy_decisions = BriefRelatedField(many=True, read_only=True)
    positions = PositionInCountrySerializer(many=True, read_only=True)

    class Meta(CountrySerializer.Meta):
        fields = ("name", "policy_decisions", "positions")


class CountryWithListsViewSet(RecordReadOnlyViewSet):
    """Countries with their decisions and posts (test only, not routed)."""

    queryset = Country.objects.all()
    serializer_class = CountryWithListsSerializer
    filterset_class = CountryFilterSet
    compiled = False  # the serializer's path, which reads the prefetches


class DeclaringViewSet(CountryWithListsViewSet):
    prefetch = {"positions": ("positions",)}


def test_a_new_list_field_is_prefetched_without_a_declaration():
    assert CountryWithListsViewSet.prefetch == {
        "policy_decisions": (Visible("policy_decisions", PolicyDecision, cited=False),),
        "positions": (Visible("positions", Position, select=("organization",), cited=True),),
    }


def test_a_declared_prefetch_wins_for_its_field_only():
    assert DeclaringViewSet.prefetch == {
        "policy_decisions": (Visible("policy_decisions", PolicyDecision, cited=False),),
        "positions": ("positions",),
    }


def make_country() -> Country:
    country = f.published(f.country())
    f.published(f.decision()).countries.add(country)
    f.decision().countries.add(country)  # a draft
    ministry = f.published(f.organization())
    post = f.published(f.position(country=country, organization=ministry))
    f.position(country=country, organization=ministry)  # a draft
    for record in (country, post):
        f.published(f.cite(record))
    return country


def get_list():
    view = CountryWithListsViewSet.as_view({"get": "list"})
    response = view(APIRequestFactory().get("/countries-with-lists/"))
    if hasattr(response, "render"):
        response.render()
    assert response.status_code == 200, response.content[:300]
    return json.loads(response.content)["results"]


@pytest.mark.django_db
def test_a_new_list_field_hides_drafts_and_reads_in_the_same_queries_for_2n_rows():
    countries = [make_country() for _ in range(2)]

    with CaptureQueriesContext(connection) as small:
        rows = get_list()
    countries += [make_country() for _ in range(2)]
    with CaptureQueriesContext(connection) as large:
        assert len(get_list()) == 4

    published = PolicyDecision.objects.filter(review_state="published")
    # By country, not by position in the list: the list is in iso2 order, and the factory's
    # codes are not made in that order once other tests have used some.
    rows_by_country = {row["id"]: row for row in rows}
    assert set(rows_by_country) == {c.iso2 for c in countries[:2]}
    # A draft read through the unfiltered relation would be a null brief object.
    assert {
        iso2: [d and d["id"] for d in row["policy_decisions"]]
        for iso2, row in rows_by_country.items()
    } == {c.iso2: [str(d.pk) for d in published.filter(countries=c)] for c in countries[:2]}
    assert {
        iso2: [p and p["id"] for p in row["positions"]] for iso2, row in rows_by_country.items()
    } == {
        c.iso2: [p.slug for p in Position.objects.filter(country=c, review_state="published")]
        for c in countries[:2]
    }
    assert [len(p["citations"]) for row in rows for p in row["positions"]] == [1, 1]
    assert len(small) == len(large), f"{len(small)} queries for N rows, {len(large)} for 2N"
