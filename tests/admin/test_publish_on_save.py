""" "Save and publish" in one submission, all or nothing, and consecutive records from one source
(``core/admin/publishing.py``)."""

import pytest

from core.models import Citation, ReviewState, Source
from diplomacy.models import Official
from tests import factories as f
from tests.core.test_rules import snapshot
from trade.models import Shipment

from .forms import admin_url, errors_of, form_data, inline_prefix, messages_of

pytestmark = pytest.mark.django_db

TEXT = "Kazakhstan will supply approximately one million tons of wheat to Afghanistan in 2025."
QUOTE = "Kazakhstan will supply approximately one million tons of wheat to Afghanistan in 2025"


@pytest.fixture
def deal():
    kz = f.published(f.country("KZ", name="Kazakhstan"))
    af = f.published(f.country("AF", name="Afghanistan"))
    wheat = f.published(f.commodity(slug="wheat", name="Wheat"))
    article = f.source(text=TEXT, title="Steppe Wire")  # a draft: published along
    return {"kz": kz, "af": af, "wheat": wheat, "article": article}


def shipment_data(client, deal, *, supports, button="_publish", query=""):
    page = client.get(admin_url(Shipment, "add") + query)
    data = form_data(page)
    prefix = inline_prefix(page, Citation)
    data.update(
        {
            "exporter": str(deal["kz"].pk),
            "importer": str(deal["af"].pk),
            "commodity": str(deal["wheat"].pk),
            "kind": "aggregate",
            "status": "planned",
            "period": "2025",
            "quantity": "1000000",
            "unit": "t",
            "quantity_qualifier": "approximate",
            f"{prefix}-0-source": str(deal["article"].pk),
            f"{prefix}-0-quote": QUOTE,
            f"{prefix}-0-supports": supports,
            button: "Save and publish",
        }
    )
    return data


ALL = ["exporter", "importer", "commodity", "period", "quantity", "unit"]


def test_save_and_publish_publishes_the_record_its_citation_and_its_draft_source(
    curator_client, deal
):
    data = shipment_data(curator_client, deal, supports=ALL)
    response = curator_client.post(admin_url(Shipment, "add"), data, follow=True)

    shipment = Shipment.objects.get()
    assert shipment.review_state == ReviewState.PUBLISHED
    assert [c.review_state for c in shipment.citations.all()] == [ReviewState.PUBLISHED]
    deal["article"].refresh_from_db()
    assert deal["article"].review_state == ReviewState.PUBLISHED
    assert response.redirect_chain[-1][0] == admin_url(shipment, "change")
    assert messages_of(response)[-1].startswith("“Wheat KZ→AF” was saved and published.")


def test_a_refused_publication_saves_nothing_and_says_why_on_the_form(curator_client, deal):
    data = shipment_data(curator_client, deal, supports=["exporter", "importer"])
    before = snapshot()

    response = curator_client.post(admin_url(Shipment, "add"), data)

    assert response.status_code == 200
    assert snapshot() == before
    errors = errors_of(response)
    assert errors.startswith("Nothing was saved: publishing was refused.")
    assert "quantity" in errors and "commodity" in errors
    # The form comes back as posted: the curator ticks what is missing and tries again.
    again = form_data(response)
    assert again["quantity"] == "1000000" and again["exporter"] == str(deal["kz"].pk)
    prefix = inline_prefix(response, Citation)
    again[f"{prefix}-0-supports"] = ALL
    again["_publish"] = "Save and publish"
    assert curator_client.post(admin_url(Shipment, "add"), again).status_code == 302
    assert Shipment.objects.get().review_state == ReviewState.PUBLISHED


def test_plain_save_keeps_a_draft(curator_client, deal):
    data = shipment_data(curator_client, deal, supports=ALL, button="_save")
    assert curator_client.post(admin_url(Shipment, "add"), data).status_code == 302
    assert Shipment.objects.get().review_state == ReviewState.DRAFT


def test_add_another_from_this_source_opens_the_next_form_on_that_source(curator_client, deal):
    data = shipment_data(curator_client, deal, supports=ALL, button="_publish_another")
    response = curator_client.post(admin_url(Shipment, "add"), data)

    source = deal["article"]
    assert response.status_code == 302
    assert response["Location"] == f"{admin_url(Shipment, 'add')}?source={source.pk}"
    page = curator_client.get(response["Location"])
    prefix = inline_prefix(page, Citation)
    assert form_data(page)[f"{prefix}-0-source"] == source.pk
    assert f'<option value="{source.pk}" selected>' in page.content.decode()


def test_a_source_links_to_records_citing_it(curator_client, deal):
    page = curator_client.get(admin_url(deal["article"], "change"))
    html = page.content.decode()
    source = deal["article"].pk
    assert f'href="{admin_url(Shipment, "add")}?source={source}"' in html
    assert f'href="{admin_url(Official, "add")}?source={source}"' in html
    assert 'name="_publish"' in html and 'name="_publish_another"' not in html


def test_a_source_is_saved_and_published_in_one_submission(curator_client):
    page = curator_client.get(admin_url(Source, "add"))
    data = form_data(page)
    data.update(kind="news_article", title="Kabul Daily", text="", _publish="Save and publish")
    before = snapshot()
    refused = curator_client.post(admin_url(Source, "add"), data)
    assert refused.status_code == 200 and snapshot() == before
    assert "published with its text" in errors_of(refused)
    data["text"] = TEXT
    assert curator_client.post(admin_url(Source, "add"), data).status_code == 302
    assert Source.objects.get(title="Kabul Daily").review_state == ReviewState.PUBLISHED


def test_published_records_have_no_publish_buttons(curator_client, deal):
    official = f.published(f.official(name="Aidar Serikbayev"))
    html = curator_client.get(admin_url(official, "change")).content.decode()
    assert 'name="_publish"' not in html


def test_publishing_needs_the_change_permission(client, curator_client, deal, django_user_model):
    from django.contrib.auth.models import Permission

    data = shipment_data(curator_client, deal, supports=ALL)
    clerk = django_user_model.objects.create_user("clerk", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_shipment", "view_shipment", "view_source"])
    )
    client.force_login(clerk)
    before = snapshot()
    assert client.post(admin_url(Shipment, "add"), data).status_code == 403
    assert snapshot() == before
    # A draft they may save.
    del data["_publish"]
    assert client.post(admin_url(Shipment, "add"), {**data, "_save": "Save"}).status_code == 302
    assert Shipment.objects.get().review_state == ReviewState.DRAFT
