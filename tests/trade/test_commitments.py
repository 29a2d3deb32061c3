"""Supply commitments: an agreement's terms, with the number rule on every channel, in the pair
timeline and in a release.

"up to two million tons" written in words supports 2,000,000 t ``at_most`` a year, and only
that: the same quantity recorded as exact is refused by the service, the API, the admin and
the loader alike, and the refusal leaves the database as it was.
"""

import json

import pandas as pd
import pytest
from django.core.exceptions import ValidationError

from core import autotick, services
from core.evidence import evidence_path
from core.loading import DatasetError, load_dataset
from core.models import ReviewState
from core.releases import publish_release
from tests import factories as f
from tests.admin.forms import action, admin_url, errors_of, form_data, messages_of
from tests.core import test_rules as rules
from tests.core.test_rules import citation_fixture, snapshot, write_fixture
from tests.releases.conftest import release_storage  # noqa: F401 - a fixture
from trade.models import Commitment

pytestmark = pytest.mark.django_db

world = rules.world
api = rules.api

COMMITMENTS = "/api/v1/trade/commitments/"
TERMS = (
    "Under the arrangement, Russia will supply up to two million tons of wheat a year to "
    "Afghanistan for a trial period from March 2025, at a discount to world prices, paid in "
    "US dollars and carried by rail."
)
VOLUME = "Russia will supply up to two million tons of wheat a year to Afghanistan"
CONDITIONS = (
    "for a trial period from March 2025, at a discount to world prices, paid in US dollars "
    "and carried by rail"
)
ROUTE = ["supplier", "recipient", "commodity", "quantity", "unit", "per"]
CONDITION_FIELDS = ["start", "price_terms", "currency", "transport_modes"]
TERMS_FIELDS = {
    "start": "2025-03",
    "price_terms": "A discount to world prices.",
    "currency": "USD",
    "transport_modes": ["rail"],
}
BOUND = {"quantity": 2000000, "unit": "t", "per": "year", "quantity_qualifier": "at_most"}
EXACT = {**BOUND, "quantity_qualifier": "exact"}
REFUSAL = (
    "quantity is 2,000,000 t, but no quote that supports it says so: the quote gives "
    "up to 2,000,000 t"
)


@pytest.fixture
def terms(world):
    return f.published(f.source(text=TERMS))


def draft(world, terms, numbers) -> Commitment:
    """A draft commitment of ``numbers`` and the terms, cited to the source's two quotes."""
    commitment = f.commitment(
        title="Wheat, trial period",
        supplier=world["ru"],
        recipient=world["af"],
        commodity=world["wheat"],
        **TERMS_FIELDS,
        **numbers,
    )
    f.cite(commitment, quote=VOLUME, src=terms, supports=ROUTE)
    f.cite(commitment, quote=CONDITIONS, src=terms, supports=CONDITION_FIELDS)
    return commitment


def state(commitment) -> str:
    return Commitment.objects.get(pk=commitment.pk).review_state


# --- the number rule, through every channel ----------------------------------------------------


def test_service_publishes_the_bound_and_refuses_it_as_exact(world, terms, curator):
    services.record_publish(draft(world, terms, BOUND), user=curator)
    exact = draft(world, terms, EXACT)
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        services.record_publish(exact, user=curator)
    assert REFUSAL in " ".join(refused.value.messages)
    assert snapshot() == before


def test_api_publishes_the_bound_and_refuses_it_as_exact(world, terms, api):
    published = api.post(f"{COMMITMENTS}{draft(world, terms, BOUND).pk}/publish/")
    assert published.status_code == 200, published.json()
    body = published.json()
    assert (body["quantity"], body["quantity_qualifier"], body["per"]) == (
        "2000000.000",
        "at_most",
        "year",
    )
    assert body["transport_modes"] == ["rail"] and body["start"]["earliest"] == "2025-03-01"
    exact = draft(world, terms, EXACT)
    before = snapshot()
    response = api.post(f"{COMMITMENTS}{exact.pk}/publish/")
    assert response.status_code == 400
    assert REFUSAL in json.dumps(response.json(), ensure_ascii=False)
    assert snapshot() == before


def test_api_filters_on_the_terms(world, terms, api, curator):
    bound = draft(world, terms, BOUND)
    services.record_publish(bound, user=curator)
    for params, found in (
        ({"supplier": "RU", "recipient": "AF", "per": "year"}, True),
        ({"quantity_qualifier": "at_most", "start_earliest__gte": "2025-01-01"}, True),
        ({"quantity_qualifier": "exact"}, False),
        ({"supplier": "AF"}, False),
    ):
        rows = api.get(COMMITMENTS, data=params).json()["results"]
        assert (str(bound.pk) in [r["id"] for r in rows]) is found, params


def test_api_refuses_an_unknown_transport_mode(world, terms, api):
    commitment = draft(world, terms, BOUND)
    before = snapshot()
    response = api.patch(f"{COMMITMENTS}{commitment.pk}/", {"transport_modes": ["camel"]})
    assert response.status_code == 400
    assert "transport_modes" in json.dumps(response.json())
    assert snapshot() == before


def test_admin_publish_action(world, terms, curator_client):
    bound, exact = draft(world, terms, BOUND), draft(world, terms, EXACT)
    action(curator_client, Commitment, "publish_selected", [bound])
    assert state(bound) == ReviewState.PUBLISHED
    before = snapshot()
    response = action(curator_client, Commitment, "publish_selected", [exact])
    assert REFUSAL in " ".join(messages_of(response))
    assert snapshot() == before


def test_admin_form_ticks_transport_modes_and_refuses_an_exact_edit(
    world, terms, curator, curator_client
):
    bound = draft(world, terms, BOUND)
    services.record_publish(bound, user=curator)
    page = curator_client.get(admin_url(bound, "change"))
    assert 'type="checkbox" name="transport_modes" value="rail"' in page.content.decode()
    data = form_data(page)
    assert data["transport_modes"] == ["rail"]
    data["quantity_qualifier"] = "exact"
    before = snapshot()
    response = curator_client.post(admin_url(bound, "change"), data)
    assert response.status_code == 200
    assert REFUSAL in errors_of(response)
    assert snapshot() == before


def loader_fixture(world, terms, numbers) -> list:
    pk = "0f0f0f0f-0000-4000-8000-0000000000d1"
    fields = {
        "review_state": "published",
        "title": "Wheat, trial period",
        "supplier": ["RU"],
        "recipient": ["AF"],
        "commodity": ["wheat"],
        **TERMS_FIELDS,
        **{k: str(v) for k, v in numbers.items()},
    }
    record = Commitment(pk=pk)
    volume = citation_fixture(record, terms, quote=VOLUME, supports=ROUTE)
    conditions = citation_fixture(record, terms, quote=CONDITIONS, supports=CONDITION_FIELDS)
    conditions["pk"] = "0f0f0f0f-0000-4000-8000-0000000000d2"
    return [{"model": "trade.commitment", "pk": pk, "fields": fields}, volume, conditions]


def test_loader_refuses_the_bound_as_exact_and_loads_it_as_a_bound(world, terms, tmp_path):
    before = snapshot()
    with pytest.raises(DatasetError) as refused:
        load_dataset(write_fixture(tmp_path, loader_fixture(world, terms, EXACT)))
    assert REFUSAL in str(refused.value)
    assert snapshot() == before
    load_dataset(write_fixture(tmp_path, loader_fixture(world, terms, BOUND)))
    loaded = Commitment.objects.get()
    assert (loaded.quantity_qualifier, loaded.review_state) == ("at_most", "published")


# --- what readers see -------------------------------------------------------------------------


def test_the_evidence_page_reads_the_bound_and_the_terms(world, terms, client, curator):
    bound = draft(world, terms, BOUND)
    services.record_publish(bound, user=curator)
    page = client.get(evidence_path(Commitment, bound.pk)).content.decode()
    assert "up to 2,000,000 t" in page
    assert "A discount to world prices." in page


def test_a_shipment_names_the_commitment_it_delivers(world, terms, api, curator):
    bound = draft(world, terms, BOUND)
    services.record_publish(bound, user=curator)
    shipment = world["shipment"]
    response = api.patch(f"/api/v1/trade/shipments/{shipment.pk}/", {"commitment": str(bound.pk)})
    # A published shipment's new link is a fact: it needs a quote that supports it.
    assert response.status_code == 400
    assert "commitment" in json.dumps(response.json())
    draft_shipment = f.shipment(
        exporter=world["ru"], importer=world["af"], commodity=world["wheat"], commitment=bound
    )
    body = api.get(f"/api/v1/trade/shipments/{draft_shipment.pk}/").json()
    assert body["commitment"]["name"] == "Wheat, trial period"
    rows = api.get("/api/v1/trade/shipments/", data={"commitment": str(bound.pk)}).json()
    assert [r["id"] for r in rows["results"]] == [str(draft_shipment.pk)]


def test_the_pair_timeline_shows_the_commitment_in_words(world, terms, client, curator):
    bound = draft(world, terms, BOUND)
    services.record_publish(bound, user=curator)
    items = client.get("/api/v1/pairs/RU-AF/").json()["items"]
    [item] = [i for i in items if i["kind"] == "commitment"]
    assert (item["date"], item["precision"], item["date_basis"]) == (
        "2025-03-01",
        "month",
        "record",
    )
    assert item["summary"] == (
        "RU to supply Wheat to AF: up to 2,000,000 t a year; term 2025-03; "
        "A discount to world prices; paid in USD; by rail"
    )
    assert [q["quote"] for q in item["evidence"]] == [VOLUME, CONDITIONS]
    page = client.get("/evidence/pairs/RU-AF/").content.decode()
    assert "up to 2,000,000 t a year" in page
    assert 'class="bar-commitment"' in page  # drawn in the chart over its term


def test_the_release_holds_the_commitment_and_its_bound(world, terms, curator, release_storage):  # noqa: F811
    bound = draft(world, terms, BOUND)
    services.record_publish(bound, user=curator)
    publish_release("1.0.0")
    folder = release_storage / "1.0.0"
    rows = pd.read_csv(folder / "commitments.csv", dtype="string").set_index("id")
    row = rows.loc[str(bound.pk)]
    assert (row["quantity"], row["quantity_qualifier"], row["per"]) == (
        "2000000.000",
        "at_most",
        "year",
    )
    assert row["supplier"] == "RU" and row["start"] == "2025-03"
    shipments = pd.read_csv(folder / "shipments.csv", dtype="string")
    assert "commitment" in shipments.columns


def test_the_readme_body_creates_and_publishes_through_the_api(world, terms, api):
    # The README's tour, as written there: ids, a fuzzy date as {value}, quotes in words.
    body = {
        "title": "Wheat, trial period",
        "supplier": "RU",
        "recipient": "AF",
        "commodity": "wheat",
        "quantity": "2000000",
        "unit": "t",
        "quantity_qualifier": "at_most",
        "per": "year",
        "start": {"value": "2025-03"},
        "price_terms": "A discount to world prices.",
        "currency": "USD",
        "transport_modes": ["rail"],
        "citations": [
            {"source": str(terms.pk), "quote": VOLUME, "supports": ROUTE},
            {"source": str(terms.pk), "quote": CONDITIONS, "supports": CONDITION_FIELDS},
        ],
    }
    created = api.post(COMMITMENTS, body)
    assert created.status_code == 201, created.json()
    url = created["Location"].removeprefix("http://testserver")
    published = api.post(f"{url}publish/")
    assert published.status_code == 200, published.json()
    assert published.json()["quantity_qualifier"] == "at_most"


def test_the_auto_tick_proposes_the_terms_the_quote_states(world, curator):
    # The form's values, as cite.js sends them: related records by primary key.
    values = {
        "supplier": str(world["ru"].pk),
        "recipient": str(world["af"].pk),
        "commodity": str(world["wheat"].pk),
        "quantity": "2000000",
        "unit": "t",
        "quantity_qualifier": "at_most",
        "per": "year",
        "start": "",
        "start_note": "",
        "currency": "USD",
        "transport_modes": ["rail", "road"],
    }
    # The rule matrix's countries are named "Country RU" and "Country AF": not in the quote.
    assert autotick.stated_fields(Commitment, values, VOLUME, curator) == [
        "commodity",
        "quantity",
        "unit",
        "per",
    ]
    stated = autotick.stated_fields(Commitment, values, CONDITIONS, curator)
    assert stated == ["currency"]  # by rail, but not by road: the modes are not all stated
    values["transport_modes"] = ["rail"]
    stated = autotick.stated_fields(Commitment, values, CONDITIONS, curator)
    assert stated == ["currency", "transport_modes"]
