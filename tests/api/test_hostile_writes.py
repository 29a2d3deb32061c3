"""Odd write bodies and races that once slipped through (issue 20, finding 7): each is a
clear 4xx, and the database is as it was."""

import time

import pytest
from django.urls import resolve

from core.models import Citation
from core.models.records import ALIASES_MAX
from core.services import MAX_CITATIONS_PER_SAVE
from tests import factories as f
from tests.core.test_rules import api, snapshot  # noqa: F401 (api: a fixture)

pytestmark = pytest.mark.django_db

COMMODITIES = "/api/v1/trade/commodities/"
SHIPMENTS = "/api/v1/trade/shipments/"


def errors_of(response) -> str:
    assert response["Content-Type"] == "application/problem+json"
    return str(response.json().get("errors"))


class TestAliases:
    @pytest.mark.parametrize(
        "aliases",
        ["abc", [None], [["x"]], [1], [" "], ["a", "A"], [f"name {n}" for n in range(5000)]],
    )
    def test_refused(self, api, aliases):  # noqa: F811
        before = snapshot()
        response = api.post(
            COMMODITIES, {"name": "Probe", "id": "probe", "sector": "food", "aliases": aliases}
        )
        assert response.status_code == 400
        errors_of(response)
        assert list(response.json()["errors"]) == ["aliases"]
        assert snapshot() == before

    def test_the_limit_is_said(self, api):  # noqa: F811
        many = [f"name {n}" for n in range(ALIASES_MAX + 1)]
        response = api.post(
            COMMODITIES, {"name": "Probe", "id": "probe", "sector": "food", "aliases": many}
        )
        assert f"At most {ALIASES_MAX} aliases" in errors_of(response)
        fine = many[:ALIASES_MAX]
        response = api.post(
            COMMODITIES, {"name": "Probe", "id": "probe", "sector": "food", "aliases": fine}
        )
        assert response.status_code == 201


@pytest.fixture
def draft():
    source = f.published(f.source(text="Gamma exported wheat to Delta in 2024."))
    shipment = f.shipment()
    return shipment, source


class TestCitationsInOneBody:
    def test_the_same_citation_twice_is_refused(self, api, draft):  # noqa: F811
        shipment, source = draft
        same = {"source": str(source.pk), "quote": "Gamma exported wheat", "supports": []}
        before = Citation.objects.count()
        response = api.patch(f"{SHIPMENTS}{shipment.pk}/", {"citations": [same, same]})
        assert response.status_code == 400
        assert "sent twice" in errors_of(response)
        assert Citation.objects.count() == before

    def test_thousands_are_refused_at_once(self, api, draft):  # noqa: F811
        shipment, source = draft
        item = {"source": str(source.pk), "quote": "Gamma exported wheat"}
        started = time.monotonic()
        response = api.patch(f"{SHIPMENTS}{shipment.pk}/", {"citations": [item] * 3000})
        assert response.status_code == 400
        assert time.monotonic() - started < 5  # it was 65 s
        assert f"no more than {MAX_CITATIONS_PER_SAVE}" in errors_of(response).lower()


class TestPublishRacingADelete:
    def test_a_record_deleted_before_the_lock_is_a_404(self, api, monkeypatch):  # noqa: F811
        """A DELETE committed before the publish took the row's lock (on PostgreSQL the
        locking read waits for the delete, then finds nothing): 404, not 500."""
        shipment = f.shipment()
        view = resolve(f"{SHIPMENTS}{shipment.pk}/publish/").func.cls
        original = view.get_queryset

        def lose_it_first(view):
            type(shipment).objects.filter(pk=shipment.pk).delete()
            return original(view)

        monkeypatch.setattr(view, "get_queryset", lose_it_first)
        response = api.post(f"{SHIPMENTS}{shipment.pk}/publish/")
        assert response.status_code == 404, response.content
        assert response["Content-Type"] == "application/problem+json"


class TestTheRuleIsTheServices:
    """The same limits hold for every channel (the admin and the loader write through the
    services too)."""

    def test_the_same_citation_twice(self, draft, curator):
        from core import services

        shipment, source = draft
        same = services.CitationInput(source=source, quote="Gamma exported wheat")
        with pytest.raises(services.CitationsInvalid) as caught:
            services.record_save(shipment, user=curator, cite=[same, same])
        assert caught.value.items[1] == {
            "quote": ["The same citation (source, quote, span) is sent twice."]
        }

    def test_too_many_citations(self, draft, curator):
        from django.core.exceptions import ValidationError

        from core import services

        shipment, source = draft
        items = [
            services.CitationInput(source=source, quote="Gamma exported wheat", note=str(n))
            for n in range(MAX_CITATIONS_PER_SAVE + 1)
        ]
        with pytest.raises(ValidationError, match="At most 100 new citations"):
            services.record_save(shipment, user=curator, cite=items)
