"""The compiled queryset kept for one reader is not served to another who may see other
related records: a user who may change commodities (not shipments) sees the shipments
anyone sees, but a draft commodity inside them; the public never does."""

import pytest
from django.contrib.auth.models import Permission

from tests import factories
from tests.api.case import CuratorAPI

pytestmark = pytest.mark.django_db

SHIPMENTS = "/api/v1/trade/shipments/"


@pytest.fixture
def commodity_curator(django_user_model):
    user = django_user_model.objects.create_user("commodities", password="unused", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_commodity"))
    return user


def nested_commodities(response) -> list:
    assert response.status_code == 200, response.content
    return [row["commodity"] for row in response.json()["results"]]


def test_a_draft_related_record_shown_to_its_curator_is_not_shown_to_the_public(
    client, commodity_curator
):
    draft = factories.commodity()  # a draft: only those who may change commodities see it
    factories.published(factories.shipment(commodity=draft))
    seen_by_curator = nested_commodities(CuratorAPI(client, commodity_curator).get(SHIPMENTS))
    client.logout()
    seen_by_public = nested_commodities(client.get(SHIPMENTS))
    assert seen_by_curator[0] is not None
    assert seen_by_public == [None]
