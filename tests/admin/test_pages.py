"""Every model of both apps has an admin whose pages render and whose search finds records."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import models as core
from core.models import PublicModel
from diplomacy import models as d
from tests import factories as f
from trade import models as t

from .forms import admin_url

pytestmark = pytest.mark.django_db

# Each sample builder returns (record, a search term a curator would type to find it).
SAMPLES = {
    d.Country: lambda: (f.country("QZ", name="Qazland"), "qazland"),
    d.Organization: lambda: (f.organization(name="Ministry of Wells"), "wells"),
    d.Official: lambda: (f.official(name="Ada Quill", name_original="Ада Квилл"), "Квилл"),
    d.Position: lambda: (f.position(name="Envoy to Qazland"), "envoy"),
    d.Tenure: lambda: (f.tenure(official=f.official(name="Bo Tenured")), "tenured"),
    d.Designation: lambda: (f.designation(list_name="Banned list 7"), "list 7"),
    d.DesignationChange: lambda: (
        f.designation_change(description="Lifted by a court"),
        "lifted by",
    ),
    d.PolicyDecision: lambda: (f.decision(title="Delisting of the Wells"), "delisting"),
    d.DecisionStage: lambda: (f.stage(decision=f.decision(title="Staged thing")), "staged"),
    d.Statement: lambda: (f.statement(summary="Ties are strong."), "ties are"),
    core.Source: lambda: (f.source(title="Daily Wire 12"), "wire 12"),
    core.Citation: lambda: (f.cite(f.official(), quote="Gamma exported wheat"), "exported wheat"),
    t.Commodity: lambda: (f.commodity(name="Barley malt", hs_code="1107"), "barley"),
    t.Shipment: lambda: (f.shipment(commodity=f.commodity(name="Rye grain")), "rye"),
    t.Commitment: lambda: (f.commitment(title="Oats for a trial year"), "oats"),
}
# Records of the same models that the search terms above must not find.
OTHERS = {
    d.Country: lambda: f.country("QY"),
    d.Organization: f.organization,
    d.Official: f.official,
    d.Position: f.position,
    d.Tenure: f.tenure,
    d.Designation: f.designation,
    d.DesignationChange: f.designation_change,
    d.PolicyDecision: f.decision,
    d.DecisionStage: f.stage,
    d.Statement: f.statement,
    core.Source: f.source,
    core.Citation: lambda: f.cite(f.official(), quote="Alpha said beta", start=0),
    t.Commodity: f.commodity,
    t.Shipment: f.shipment,
    t.Commitment: f.commitment,
}
OUR_MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label in {"core", "diplomacy", "trade"} and issubclass(model, PublicModel)
]


def test_every_record_model_of_both_apps_has_an_admin():
    ours = {
        model
        for label in ("core", "diplomacy", "trade")
        for model in apps.get_app_config(label).get_models()
        if issubclass(model, PublicModel)
    }
    assert set(OUR_MODELS) == ours == set(SAMPLES) == set(OTHERS)


@pytest.fixture(params=OUR_MODELS, ids=lambda model: model._meta.label)
def sample(request):
    model = request.param
    record, term = SAMPLES[model]()
    return model, record, term


def test_changelist_and_search(curator_client, sample):
    model, record, term = sample
    other = OTHERS[model]()

    listed = curator_client.get(admin_url(model, "changelist"))
    assert listed.status_code == 200
    assert {record.pk, other.pk} <= {row.pk for row in listed.context["cl"].result_list}

    found = curator_client.get(admin_url(model, "changelist"), {"q": term})
    assert found.status_code == 200
    assert [row.pk for row in found.context["cl"].result_list] == [record.pk]


def test_add_change_and_history_pages_render(curator_client, sample):
    model, record, _ = sample
    add = curator_client.get(admin_url(model, "add"))
    # A citation is added on its record's form, never by content type and UUID.
    assert add.status_code == (403 if model is core.Citation else 200)
    for url in (
        admin_url(record, "change"),
        admin_url(record, "history"),
    ):
        response = curator_client.get(url)
        assert response.status_code == 200, url
    change = curator_client.get(admin_url(record, "change"))
    form = change.context["adminform"].form
    assert form["expected_version"].value() == record.version
    assert "review_state" not in form.fields


def test_autocomplete_of_every_relation(curator_client):
    """Every related admin answers the autocomplete widgets (it has search_fields)."""
    for model in OUR_MODELS:
        model_admin = admin.site._registry[model]
        for field_name in model_admin.autocomplete_fields:
            response = curator_client.get(
                "/admin/autocomplete/",
                {
                    "app_label": model._meta.app_label,
                    "model_name": model._meta.model_name,
                    "field_name": field_name,
                    "term": "x",
                },
            )
            assert response.status_code == 200, (model, field_name)


def test_changelist_queries_do_not_grow_with_rows(curator_client, sample):
    """Related names and API links are fetched with the rows, not once per row."""
    model, _, _ = sample
    build = f.country if model is d.Country else OTHERS[model]
    url = admin_url(model, "changelist")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert curator_client.get(url).status_code == 200
        return len(captured)

    build()
    few = queries()
    for _ in range(3):
        build()
    assert queries() == few


def test_the_change_feed_has_a_read_only_admin(curator_client, admin_client):
    """Not a record model: its rows come from the history signal, so no one edits them here."""
    official = f.official(name="Fed Record", slug="fed-record")
    f.official(slug="another-one")
    (change,) = core.Change.objects.filter(object_id=official.pk)

    listed = curator_client.get(admin_url(core.Change, "changelist"))
    assert listed.status_code == 200
    rows = [row.pk for row in listed.context["cl"].result_list]
    assert change.pk in rows
    assert rows == sorted(rows, reverse=True)  # newest first
    found = curator_client.get(admin_url(core.Change, "changelist"), {"q": "fed-record"})
    assert [row.pk for row in found.context["cl"].result_list] == [change.pk]
    filtered = curator_client.get(
        admin_url(core.Change, "changelist"), {"action": "created", "channel": change.channel}
    )
    assert filtered.status_code == 200
    assert curator_client.get(admin_url(change, "change")).status_code == 200

    for client in (curator_client, admin_client):  # a superuser neither
        assert client.get(admin_url(core.Change, "add")).status_code == 403
        assert client.post(admin_url(change, "change"), {"user": "x"}).status_code == 403
        assert client.post(admin_url(change, "delete"), {"post": "yes"}).status_code == 403
    change.refresh_from_db()
    assert change.user != "x"
    assert core.Change.objects.filter(pk=change.pk).exists()
