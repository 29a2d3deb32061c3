"""The curators' workbench: dashboard, review buttons, citing helpers, readable names."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from core.admin.dashboard import record_models, review_queue
from core.evidence import evidence_path
from core.models import Citation, ReviewState, Source
from diplomacy.models import Country, Official
from tests import factories as f
from trade.models import Shipment

from .forms import admin_url, form_data, messages_of

pytestmark = pytest.mark.django_db


def review_url(record, action):
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_review", args=[record.pk, action])


def state(record):
    record.refresh_from_db()
    return record.review_state, record.retraction_reason, record.version


# --- the dashboard ---------------------------------------------------------------------------


def test_dashboard_lists_the_review_queue(curator_client, curator):
    uncited = f.official(name="Uncited Draft")
    cited = f.shipment()
    f.cite(cited, supports=["exporter", "importer", "commodity"])
    broken = f.published(f.cite(f.published(f.official()), src=f.published(f.source())))
    Citation.objects.filter(pk=broken.pk).update(quote="Gamma exported WHEAT")
    old = f.published(f.source())
    f.cite(f.official(), src=old)
    f.source(supersedes=old, text="A corrected text.")

    page = curator_client.get("/admin/")
    html = page.content.decode()
    queue = review_queue(curator)

    assert page.status_code == 200
    assert "curators’ workbench" in html
    assert queue.drafts_count == sum(
        m._default_manager.filter(review_state="draft").count() for m in record_models()
    )
    assert f'data-count="drafts">{queue.drafts_count}<' in html
    assert [e.record for e in queue.unsupported if e.record == uncited] == [uncited]
    assert cited not in [e.record for e in queue.unsupported]
    assert [e.record.pk for e in queue.failing] == [broken.pk]
    assert [e.record.pk for e in queue.superseded] == [old.pk]
    assert 'data-count="failing">1<' in html and 'data-count="superseded">1<' in html


# --- review buttons ----------------------------------------------------------------------------


def test_publish_button_publishes_a_cited_draft(curator_client):
    official = f.official(name="Ada Quill")
    f.cite(official)

    page = curator_client.get(admin_url(official, "change")).content.decode()
    response = curator_client.post(review_url(official, "publish"), follow=True)

    assert f'action="{review_url(official, "publish")}"' in page
    assert state(official)[0] == ReviewState.PUBLISHED
    assert messages_of(response) == ["“Ada Quill” was published."]


def test_publish_button_shows_the_refusal_and_changes_nothing(curator_client):
    official = f.official(name="Uncited")
    before = state(official)

    response = curator_client.post(review_url(official, "publish"), follow=True)

    assert state(official) == before
    (message,) = messages_of(response)
    assert message.startswith("“Uncited” was not published: ")
    assert "has no citation" in message


def test_retract_button_asks_the_reason_then_reopen(curator_client):
    official = f.published(f.official(name="Gone"))
    f.published(f.cite(official))

    asked = curator_client.get(review_url(official, "retract"))
    empty = curator_client.post(review_url(official, "retract"), {"reason": ""})
    assert asked.status_code == empty.status_code == 200
    assert state(official)[0] == ReviewState.PUBLISHED

    curator_client.post(review_url(official, "retract"), {"reason": "Misread the source"})
    assert state(official)[:2] == (ReviewState.RETRACTED, "Misread the source")

    curator_client.post(review_url(official, "reopen"))
    assert state(official)[0] == ReviewState.DRAFT


def test_review_buttons_need_the_change_permission(outsider_client):
    official = f.official()
    f.cite(official)

    response = outsider_client.post(review_url(official, "publish"))

    assert response.status_code == 403
    assert state(official)[0] == ReviewState.DRAFT


def test_publish_needs_a_post(curator_client):
    official = f.official()
    f.cite(official)

    assert curator_client.get(review_url(official, "publish")).status_code == 405
    assert state(official)[0] == ReviewState.DRAFT


# --- citing ------------------------------------------------------------------------------------


def test_source_text_for_citing_by_selection(curator_client, outsider_client):
    src = f.source(title="An article")
    url = reverse("admin:core_source_text", args=[src.pk])

    body = curator_client.get(url).json()

    assert body == {
        "id": str(src.pk),
        "label": "An article",
        "kind": "News article",
        "cited_by_locator": False,
        "text": src.text,
    }
    assert outsider_client.get(url).status_code in (403, 404)


def test_citation_inline_offers_the_source_text_and_cite_js(curator_client):
    html = curator_client.get(admin_url(Shipment, "add")).content.decode()

    assert "core/cite.js" in html
    assert 'data-cite-text-url="/admin/core/source/__pk__/text/"' in html
    assert "Quoted words (from the source)" in html


def test_source_autocomplete_searches_text_and_reads_well(curator_client):
    f.published(f.source(text="Kazakhstan shipped wheat to Afghanistan in May."))
    url = "/admin/autocomplete/"
    params = {
        "term": "shipped wheat",
        "app_label": "core",
        "model_name": "citation",
        "field_name": "source",
    }

    results = curator_client.get(url, params).json()["results"]

    assert [r["text"] for r in results] == [
        "News article: “Kazakhstan shipped wheat to Afghanistan in May.…”"
    ]


def test_citation_admin_has_no_raw_ids_and_filters_citable_models(curator_client, seed):
    page = curator_client.get(admin_url(Citation, "changelist"))
    html = page.content.decode()
    filters = {spec.title: spec for spec in page.context["cl"].filter_specs}

    names = {label for _value, label in filters["cited record type"].lookup_choices}
    assert "Shipment" in names and "Session" not in names and "Historical shipment" not in names
    assert all(c.quote for c in page.context["cl"].result_list)  # quotes first, not locators
    assert "object_id" not in html
    citation = Citation.objects.exclude(quote="").first()
    change = curator_client.get(admin_url(citation, "change"))
    assert "object_id" not in change.context["adminform"].form.fields
    assert "content_type" not in change.context["adminform"].form.fields


# --- names, links, warnings ----------------------------------------------------------------------


def test_readable_names(seed):
    wheat = Shipment.objects.get(commodity__slug="wheat")
    ct = ContentType.objects.get_for_model(Shipment)

    assert str(wheat) == "Wheat RU→AF"
    assert str(Country.objects.get(iso2="RU")) == "Russian Federation"
    assert ct  # records name themselves without UUIDs
    for model in (Shipment, Official, Country):
        for record in model.objects.all()[:20]:
            assert str(record.pk) not in str(record)


def test_view_on_site_is_the_evidence_page_even_for_drafts(curator_client):
    official = f.official(slug="ada-quill")

    html = curator_client.get(admin_url(official, "change")).content.decode()
    url = evidence_path(Official, "ada-quill")

    assert f'<a href="{url}" class="viewsitelink">View on site</a>' in html
    assert curator_client.get(url).status_code == 200


def test_view_in_api_shows_a_curator_their_draft(curator_client, client):
    f.official(slug="ada-quill")
    url = "/api/v1/diplomacy/officials/ada-quill/"

    assert curator_client.get(url).status_code == 200
    assert client.get(url).status_code == 404


def test_a_session_never_authenticates_an_api_write(curator_client):
    official = f.official(slug="ada-quill", name="Ada")

    response = curator_client.patch(
        "/api/v1/diplomacy/officials/ada-quill/", {"name": "Eve"}, content_type="application/json"
    )

    assert response.status_code in (401, 403)
    official.refresh_from_db()
    assert official.name == "Ada"


def test_near_duplicate_name_warns_on_add(curator_client):
    f.official(name="Zamir Kabulov", slug="zamir-kabulov")
    page = curator_client.get(admin_url(Official, "add"))
    data = form_data(page)
    data.update({"name": "Zamir Kabulov", "slug": "zamir-kabulov-2"})

    response = curator_client.post(admin_url(Official, "add"), data, follow=True)

    messages = messages_of(response)
    assert any(m.startswith("Possible duplicate: “Zamir Kabulov” is close to") for m in messages)


def test_no_warning_for_a_distinct_name(curator_client):
    f.official(name="Zamir Kabulov", slug="zamir-kabulov")
    data = form_data(curator_client.get(admin_url(Official, "add")))
    data.update({"name": "Dmitry Zhirnov", "slug": "dmitry-zhirnov"})

    response = curator_client.post(admin_url(Official, "add"), data, follow=True)

    assert not any("duplicate" in m for m in messages_of(response))


def test_history_shows_no_none(curator_client):
    official = f.official()
    official.name = "Renamed"
    official.save()

    html = curator_client.get(admin_url(official, "history")).content.decode()

    assert ">None<" not in html.replace(" ", "").replace("\n", "")
    assert "None" not in html.split('id="change-history"')[1]


def test_publish_with_the_drafts_it_stands_on(curator_client):
    commodity = f.commodity(name="Draft wheat")
    f.cite(commodity)
    shipment = f.shipment(commodity=commodity)
    f.cite(shipment, supports=["exporter", "importer", "commodity"])
    for country in (shipment.exporter, shipment.importer):
        f.published(country)
        f.published(f.cite(country))

    page = curator_client.get(admin_url(shipment, "change")).content.decode()
    refused = curator_client.post(review_url(shipment, "publish"), follow=True)
    assert state(shipment)[0] == ReviewState.DRAFT
    assert "Draft wheat" in messages_of(refused)[0]
    assert f'action="{review_url(shipment, "publish_all")}"' in page

    curator_client.post(review_url(shipment, "publish_all"))

    assert state(shipment)[0] == ReviewState.PUBLISHED
    assert state(commodity)[0] == ReviewState.PUBLISHED


def test_source_api_address_under_evidence_redirects_to_the_source_page(client):
    src = f.published(f.source())

    response = client.get(f"/evidence/diplomacy/sources/{src.pk}/")

    assert response.status_code == 301
    assert response["Location"] == evidence_path(Source, src.pk)
