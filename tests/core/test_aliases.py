"""Names as sources write them: countries and commodities have aliases (synonyms), checked
as officials' are, and ``q``, the ``name_or_alias`` filter and the admin's lookups find
records (and shipments) by them, through every channel."""

import pytest
from django.core.exceptions import ValidationError

from core import services
from core.loading import DatasetError, load_dataset
from core.models import ReviewState
from core.models.records import validate_aliases
from diplomacy.models import Country, Official
from diplomacy.reference import reference_aliases
from tests import factories as f
from tests.admin.forms import admin_url, errors_of, form_data
from tests.core import test_rules
from tests.core.test_rules import snapshot, write_fixture
from trade.models import Commodity

pytestmark = pytest.mark.django_db
api, world = test_rules.api, test_rules.world  # the rule matrix's fixtures

COMMODITIES = "/api/v1/trade/commodities/"
COUNTRIES = "/api/v1/diplomacy/countries/"
SHIPMENTS = "/api/v1/trade/shipments/"


@pytest.fixture
def named(world):
    """The world's wheat shipment, and a published gasoline commodity known as petrol."""
    gasoline = f.published(f.commodity(slug="gasoline", name="Gasoline", aliases=["petrol"]))
    ru = world["ru"]
    ru.name, ru.aliases = "Russian Federation", ["Russia"]
    ru.save()
    world["wheat"].aliases = ["common wheat"]
    world["wheat"].save()
    return {**world, "gasoline": gasoline}


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


# --- The rule: a list of distinct, non-empty names -------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("petrol", "A list of names"),
        ([1, 2], "A list of names"),
        ({"name": "petrol"}, "A list of names"),
        (["petrol", ""], "cannot be empty"),
        ([" petrol"], "no leading or trailing spaces"),
        (["Petrol", "petrol"], "Each alias appears once"),
        (["x" * 301], "at most 300 characters"),
    ],
)
def test_validate_aliases_refuses(value, message):
    with pytest.raises(ValidationError, match=message):
        validate_aliases(value)


def test_validate_aliases_accepts_names_as_written():
    validate_aliases([])
    validate_aliases(["petrol", "motor spirit", "бензин"])


@pytest.mark.parametrize("model", [Commodity, Country, Official])
def test_service_refuses_bad_aliases(model, named, curator):
    record = {Commodity: named["wheat"], Country: named["af"], Official: f.official()}[model]
    record.aliases = "petrol"
    before = snapshot()
    with pytest.raises(ValidationError, match="A list of names"):
        services.record_save(record, user=curator)
    assert snapshot() == before


def test_api_refuses_bad_aliases(named, api):
    before = snapshot()
    response = api.post(
        COMMODITIES, {"id": "diesel", "name": "Diesel", "sector": "energy", "aliases": "DERV"}
    )
    assert response.status_code == 400
    assert "A list of names" in str(response.json()["errors"]["aliases"])
    assert snapshot() == before


def test_api_writes_and_shows_aliases(named, api):
    response = api.post(
        COMMODITIES,
        {"id": "lpg", "name": "LPG", "sector": "energy", "aliases": ["cooking gas"]},
    )
    assert response.status_code == 201, response.content
    assert response.json()["aliases"] == ["cooking gas"]
    country = api.get(f"{COUNTRIES}RU/").json()
    assert country["aliases"] == ["Russia"]


def test_admin_refuses_bad_aliases(named, curator_client):
    wheat = named["wheat"]
    data = form_data(curator_client.get(admin_url(wheat, "change")))
    data["aliases"] = '"petrol"'
    before = snapshot()
    response = curator_client.post(admin_url(wheat, "change"), data)
    assert response.status_code == 200
    assert "A list of names" in errors_of(response)
    assert snapshot() == before


def test_loader_refuses_bad_aliases(named, tmp_path):
    fields = {"name": "Diesel", "slug": "diesel", "sector": "energy", "aliases": ["DERV", ""]}
    fields["review_state"] = ReviewState.DRAFT
    pk = "0f0f0f0f-0000-4000-8000-0000000000d1"
    path = write_fixture(tmp_path, [{"model": "trade.commodity", "pk": pk, "fields": fields}])
    before = snapshot()
    with pytest.raises(DatasetError, match="aliases: An alias cannot be empty"):
        load_dataset(path)
    assert snapshot() == before


# --- q and the name_or_alias filter match aliases ----------------------------------------------


def test_q_finds_a_commodity_by_its_synonym(named, api):
    assert ids(api.get(COMMODITIES, data={"q": "petrol"})) == ["gasoline"]


def test_q_finds_a_country_by_its_other_names(named, api):
    assert ids(api.get(COUNTRIES, data={"q": "Russian Federation"})) == ["RU"]
    assert ids(api.get(COUNTRIES, data={"q": "Russia"})) == ["RU"]


def test_q_finds_shipments_by_their_commodity_and_countries_aliases(named, client):
    shipment = str(named["shipment"].pk)
    assert ids(client.get(SHIPMENTS, data={"q": "common wheat"})) == [shipment]
    assert ids(client.get(SHIPMENTS, data={"q": "Russia wheat"})) == [shipment]
    assert ids(client.get(SHIPMENTS, data={"q": "petrol"})) == []


def test_name_or_alias_filter(named, client):
    assert ids(client.get(COMMODITIES, data={"name_or_alias": "PETROL"})) == ["gasoline"]
    assert ids(client.get(COMMODITIES, data={"name_or_alias": "gasoline"})) == ["gasoline"]
    # Whole names only: a part of an alias is not an alias.
    assert ids(client.get(COMMODITIES, data={"name_or_alias": "petro"})) == []
    assert ids(client.get(COUNTRIES, data={"name_or_alias": "russia"})) == ["RU"]


def test_a_drafts_aliases_are_not_found_by_the_public(named, client):
    f.commodity(slug="lpg", name="LPG", aliases=["cooking gas"])
    assert ids(client.get(COMMODITIES, data={"q": "cooking gas"})) == []
    assert ids(client.get(COMMODITIES, data={"name_or_alias": "cooking gas"})) == []


# --- The admin's lookups ------------------------------------------------------------------


def autocomplete(client, model_name, field_name, term):
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "trade", "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return [item["text"] for item in response.json()["results"]]


def test_admin_autocomplete_finds_by_alias(named, curator_client):
    assert autocomplete(curator_client, "shipment", "commodity", "petrol") == ["Gasoline"]
    assert autocomplete(curator_client, "shipment", "exporter", "Russia") == ["Russian Federation"]


def test_admin_shipment_search_finds_by_alias(named, curator_client):
    response = curator_client.get(admin_url(named["shipment"], "changelist"), {"q": "common wheat"})
    assert list(response.context["cl"].result_list) == [named["shipment"]]


# --- Reference countries --------------------------------------------------------------------


def test_reference_aliases_are_the_certain_other_names():
    assert reference_aliases("RU") == ["Russia"]
    assert reference_aliases("IR") == ["Iran"]  # pycountry's common name
    assert reference_aliases("AF") == []  # its official name has its own field
