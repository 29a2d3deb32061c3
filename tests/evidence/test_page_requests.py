"""The evidence pages answer what they are asked, and only that: a misspelt parameter is a
400 problem as in the API, and a write is a 405 (the pages write nothing), never a CSRF page.
"""

import pytest
from django.test import Client

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages():
    source = f.published(f.source())
    shipment = f.published(
        f.shipment(exporter=f.published(f.country()), importer=f.published(f.country()))
    )
    f.published(f.cite(shipment, src=source))
    pair = f"/evidence/pairs/{shipment.exporter.iso2}-{shipment.importer.iso2}/"
    return {
        "index": "/evidence/",
        "source": f"/evidence/sources/{source.pk}/",
        "record": f"/evidence/trade/shipments/{shipment.pk}/",
        "pair": pair,
    }


@pytest.mark.parametrize("name", ["index", "source", "record", "pair"])
def test_an_unknown_parameter_is_a_problem(pages, client, name):
    response = client.get(pages[name], {"asof": "2024"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["asof"]


@pytest.mark.parametrize("name", ["index", "source", "record", "pair"])
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_a_write_is_a_405(pages, name, method):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(pages[name])
    assert response.status_code == 405
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}


def test_the_parameters_a_page_reads_are_allowed(pages, client):
    assert client.get(pages["record"], {"as_of": "2024"}).status_code in (200, 404)
    assert client.get(pages["pair"], {"from": "2024", "to": "2025"}).status_code == 200
