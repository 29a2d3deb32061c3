"""Each evidence rule, tried through every channel: the service, the API, the admin, the loader.

Every attempt must be refused with a message that says why, and leave the database exactly as
it was (``snapshot()`` compares every row of every dataset table, citations included).
"""

import json

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from knox.models import AuthToken

from core import services
from core.loading import DatasetError, load_dataset
from core.models import Citation, PublicModel, ReviewState, Source, SourceKind
from tests import factories as f
from tests.admin.forms import action, admin_url, errors_of, form_data, inline_prefix, messages_of
from trade.models import Shipment

pytestmark = pytest.mark.django_db

TEXT = "Officials said 12,500 tonnes of wheat went from Russia to Afghanistan in March."
QUOTE = "12,500 tonnes of wheat went from Russia to Afghanistan"
SHIPMENTS = "/api/v1/trade/shipments/"


def snapshot():
    """Every row of every dataset table, as values."""
    rows = {}
    for model in apps.get_models():
        if issubclass(model, PublicModel):
            rows[model._meta.label] = sorted(
                map(repr, model._default_manager.order_by("pk").values_list())
            )
    return rows


@pytest.fixture
def world(curator):
    """A published shipment of 12,500 t, cited field by field to a published article."""
    article = f.published(f.source(text=TEXT))
    ru, af = f.published(f.country("RU")), f.published(f.country("AF"))
    for country in (ru, af):
        f.published(f.cite(country, quote="", src=reference(), locator=country.iso2))
    wheat = f.published(f.commodity(slug="wheat", name="Wheat"))
    f.published(f.cite(wheat, quote="wheat", src=article, start=TEXT.index("wheat")))
    shipment = f.shipment(exporter=ru, importer=af, commodity=wheat, quantity=12500, unit="t")
    services.record_save(
        shipment,
        user=curator,
        cite=[
            services.CitationInput(
                source=article,
                quote=QUOTE,
                supports=["exporter", "importer", "commodity", "quantity", "unit"],
            )
        ],
    )
    services.record_publish(shipment, user=curator)
    shipment.refresh_from_db()
    return {"article": article, "shipment": shipment, "wheat": wheat, "ru": ru, "af": af}


_reference = {}


def reference():
    if "source" not in _reference or not Source.objects.filter(pk=_reference["source"].pk):
        _reference["source"] = f.published(f.source(kind=SourceKind.REFERENCE, text=""))
    return _reference["source"]


@pytest.fixture
def api(client, curator):
    token = AuthToken.objects.create(curator)[1]
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}

    class Client:
        def get(self, url, **kw):
            return client.get(url, **headers, **kw)

        def post(self, url, data=None, **kw):
            return client.post(url, data or {}, content_type="application/json", **headers, **kw)

        def patch(self, url, data, etag_params=None, **kw):
            etag = client.get(url, etag_params or {}, **headers)["ETag"]
            return client.patch(
                url, data, content_type="application/json", HTTP_IF_MATCH=etag, **headers, **kw
            )

    return Client()


def write_fixture(tmp_path, objects) -> "Path":  # noqa: F821
    path = tmp_path / "data.json"
    path.write_text(json.dumps(objects), encoding="utf-8")
    return path


def shipment_url(world) -> str:
    return f"{SHIPMENTS}{world['shipment'].pk}/"


def with_existing(world, *added) -> dict:
    """A PATCH body that keeps the shipment's citation and adds ``added``."""
    (existing,) = world["shipment"].citations.all()
    return {"citations": [{"id": str(existing.pk), "source": str(existing.source_id)}, *added]}


def citation_fixture(record, source, **fields):
    content_type = ContentType.objects.get_for_model(record)
    return {
        "model": "core.citation",
        "pk": "0f0f0f0f-0000-4000-8000-000000000001",
        "fields": {
            "review_state": "published",
            "source": str(source.pk),
            "content_type": [content_type.app_label, content_type.model],
            "object_id": str(record.pk),
            "quote": "",
            "start": None,
            "end": None,
            "locator": "",
            "supports": [],
            "inferred": False,
            "note": "",
            **fields,
        },
    }


# --- 1. Published evidence is never deleted -------------------------------------------------


class TestPublishedEvidenceIsNeverDeleted:
    def test_service(self, world, curator):
        shipment = world["shipment"]
        before = snapshot()
        with pytest.raises(services.EvidenceConflict, match="Published evidence is never deleted"):
            services.record_save(shipment, user=curator, remove=list(shipment.citations.all()))
        assert snapshot() == before

    def test_api_empty_citations_is_a_409_naming_them(self, world, api):
        before = snapshot()
        response = api.patch(shipment_url(world), {"citations": []})
        assert response.status_code == 409
        (citation,) = world["shipment"].citations.all()
        assert str(citation.pk) in response.json()["detail"]
        assert snapshot() == before

    def test_api_replacing_a_citation_retracts_only_with_a_reason(self, world, api):
        (old,) = world["shipment"].citations.all()
        new = {
            "source": str(world["article"].pk),
            "quote": "went from Russia to Afghanistan in March",
            "supports": ["exporter", "importer"],
        }
        before = snapshot()
        replaced = api.patch(shipment_url(world), {"citations": [new]})
        assert replaced.status_code == 409
        assert snapshot() == before
        # Retracting the old one leaves commodity, quantity and unit without support: refused.
        retract = {"id": str(old.pk), "source": str(world["article"].pk), "quote": old.quote}
        retract["retraction_reason"] = "Misread."
        response = api.patch(shipment_url(world), {"citations": [retract, new]})
        assert response.status_code == 409
        assert "No citation supports commodity, quantity, unit" in response.json()["detail"]
        assert snapshot() == before

    def test_api_editing_a_published_citation_is_a_409(self, world, api):
        (citation,) = world["shipment"].citations.all()
        edited = {"id": str(citation.pk), "source": str(citation.source_id), "supports": []}
        before = snapshot()
        response = api.patch(shipment_url(world), {"citations": [edited]})
        assert response.status_code == 409
        assert "does not change" in response.json()["detail"]
        assert snapshot() == before

    def test_service_and_loader_cannot_rewrite_a_published_citation(self, world, curator, tmp_path):
        (citation,) = world["shipment"].citations.all()
        other = f.shipment(exporter=world["ru"], importer=world["af"], commodity=world["wheat"])
        before = snapshot()
        citation.supports = []
        with pytest.raises(ValidationError, match="does not change"):
            services.record_save(citation, user=curator)
        moved = citation_fixture(other, world["article"], quote=QUOTE, start=15)
        moved["pk"] = str(citation.pk)
        with pytest.raises(DatasetError, match="does not change"):
            load_dataset(write_fixture(tmp_path, [moved]))
        assert snapshot() == before

    def test_a_citation_is_published_only_with_its_record(self, world, curator):
        draft = f.official(name="Draft person")
        citation = f.cite(draft, quote=QUOTE, src=world["article"])
        before = snapshot()
        with pytest.raises(ValidationError, match="published with the record it supports"):
            services.record_publish(citation, user=curator)
        assert snapshot() == before

    def test_only_published_citations_support_a_published_record(self, world, curator):
        (citation,) = world["shipment"].citations.all()
        f.cite(
            world["shipment"],
            quote="went from Russia",
            src=world["article"],
            supports=["exporter", "importer", "commodity", "quantity", "unit"],
        )
        before = snapshot()
        with pytest.raises(services.EvidenceConflict, match="Add the replacement evidence"):
            services.record_retract(citation, reason="Misread.", user=curator)
        assert snapshot() == before

    def test_admin_inline_deletion(self, world, curator_client):
        shipment = world["shipment"]
        page = curator_client.get(admin_url(shipment, "change"))
        data = form_data(page)
        data[f"{inline_prefix(page, Citation)}-0-DELETE"] = "on"
        before = snapshot()
        response = curator_client.post(admin_url(shipment, "change"), data)
        assert response.status_code == 200
        assert "only drafts can be deleted" in errors_of(response)
        assert snapshot() == before

    def test_admin_cannot_delete_a_published_citation(self, world, curator_client):
        (citation,) = world["shipment"].citations.all()
        before = snapshot()
        response = curator_client.post(admin_url(citation, "delete"), {"post": "yes"})
        assert response.status_code == 403
        assert snapshot() == before


# --- 2. Cited text is frozen ---------------------------------------------------------------------


class TestRetractedRecordsStayAsWithdrawn:
    def test_api(self, world, api, curator):
        services.record_retract(world["shipment"], reason="Misread.", user=curator)
        before = snapshot()
        response = api.patch(
            shipment_url(world), {"quantity": "123456"}, etag_params={"include_retracted": "true"}
        )
        assert response.status_code == 409
        assert "Reopen it as a draft" in response.json()["detail"]
        assert snapshot() == before


class TestCitedTextIsFrozen:
    def test_the_kind_of_a_cited_source_is_frozen(self, world, api):
        url = f"/api/v1/diplomacy/sources/{world['article'].pk}/"
        before = snapshot()
        response = api.patch(url, {"kind": "dataset"})
        assert response.status_code == 400
        assert "its kind is frozen" in response.json()["errors"]["kind"][0]
        assert snapshot() == before

    def test_model_and_service(self, world, curator):
        article = world["article"]
        article.text = "EDITED. " + article.text
        before = snapshot()
        with pytest.raises(ValidationError, match="its text is frozen"):
            services.record_save(article, user=curator)
        assert snapshot() == before

    def test_api(self, world, api):
        url = f"/api/v1/diplomacy/sources/{world['article'].pk}/"
        before = snapshot()
        response = api.patch(url, {"text": "EDITED. " + TEXT})
        assert response.status_code == 400
        assert "frozen" in response.json()["errors"]["text"][0]
        assert snapshot() == before

    def test_admin(self, world, curator_client):
        article = world["article"]
        data = form_data(curator_client.get(admin_url(article, "change")))
        data["text"] = "EDITED. " + TEXT
        before = snapshot()
        response = curator_client.post(admin_url(article, "change"), data)
        assert response.status_code == 200
        assert "its text is frozen" in errors_of(response)
        assert snapshot() == before

    def test_loader(self, world, tmp_path):
        article = world["article"]
        fields = {"kind": "news_article", "text": "EDITED. " + TEXT, "review_state": "published"}
        path = write_fixture(
            tmp_path, [{"model": "core.source", "pk": str(article.pk), "fields": fields}]
        )
        before = snapshot()
        with pytest.raises(DatasetError, match="its text is frozen"):
            load_dataset(path)
        assert snapshot() == before


# --- 3. Every citation is checked -----------------------------------------------------------


class TestEveryCitationIsChecked:
    def test_a_text_source_without_text_cannot_be_cited(self, world, curator):
        empty = f.published(f.source(text=""))
        shipment = world["shipment"]
        before = snapshot()
        with pytest.raises(services.CitationsInvalid) as refused:
            services.record_save(
                shipment, user=curator, cite=[services.CitationInput(source=empty)]
            )
        assert "has no stored text" in str(refused.value.items)
        assert snapshot() == before

    def test_a_dataset_is_cited_by_locator_not_by_quote(self, world, api):
        dataset = f.published(f.source(kind=SourceKind.DATASET, text="", title="Customs table"))
        citation = {"source": str(dataset.pk), "quote": "Any words at all, never checked"}
        before = snapshot()
        response = api.patch(shipment_url(world), with_existing(world, citation))
        assert response.status_code == 400
        assert "cite it by locator" in json.dumps(response.json()["errors"], ensure_ascii=False)
        assert snapshot() == before

    def test_a_near_miss_gets_a_hint(self, world, api):
        citation = {"source": str(world["article"].pk), "quote": "12,500 tonnes of Wheat"}
        response = api.patch(shipment_url(world), with_existing(world, citation))
        assert response.status_code == 400
        assert "other capitals at 15" in response.json()["errors"]["citations[1].quote"][0]

    def test_admin_refuses_a_quote_for_a_dataset(self, world, curator_client):
        dataset = f.published(f.source(kind=SourceKind.DATASET, text="", title="Customs table"))
        shipment = world["shipment"]
        page = curator_client.get(admin_url(shipment, "change"))
        data = form_data(page)
        prefix = inline_prefix(page, Citation)
        data.update({f"{prefix}-1-source": str(dataset.pk), f"{prefix}-1-quote": "Any words"})
        before = snapshot()
        response = curator_client.post(admin_url(shipment, "change"), data)
        assert response.status_code == 200
        assert "cite it by locator" in errors_of(response)
        assert snapshot() == before

    def test_loader_refuses_a_dangling_citation(self, world, tmp_path):
        ghost = f.shipment()
        fixture = citation_fixture(ghost, world["article"], review_state="draft", quote=QUOTE)
        ghost_pk = ghost.pk
        ghost.delete()
        path = write_fixture(tmp_path, [fixture])
        before = snapshot()
        with pytest.raises(DatasetError, match=f"shipment {ghost_pk} does not exist"):
            load_dataset(path)
        assert snapshot() == before


# --- 4 and 5. Published stands on published ----------------------------------------------------


class TestPublishedStandsOnPublished:
    def test_service_citing_a_draft_source(self, world, curator):
        draft = f.source(text=TEXT + " Again.")
        before = snapshot()
        with pytest.raises(services.CitationsInvalid):
            services.record_save(
                world["shipment"],
                user=curator,
                cite=[services.CitationInput(source=draft, quote=QUOTE)],
            )
        assert snapshot() == before

    def test_api_citing_a_draft_source(self, world, api):
        draft = f.source(text=TEXT + " Again.")
        before = snapshot()
        added = {"source": str(draft.pk), "quote": QUOTE}
        response = api.patch(shipment_url(world), with_existing(world, added))
        assert response.status_code == 400
        assert "is not published" in response.json()["errors"]["citations[1].source"][0]
        assert snapshot() == before

    def test_api_pointing_at_a_draft(self, world, api):
        draft = f.commodity(slug="barley", name="Barley")
        before = snapshot()
        response = api.patch(shipment_url(world), {"commodity": "barley"})
        assert response.status_code == 400
        assert "commodity “Barley” (draft)" in response.json()["errors"]["non_field_errors"][0]
        assert snapshot() == before
        assert draft.review_state == ReviewState.DRAFT

    def test_admin_pointing_at_a_draft(self, world, curator_client):
        f.commodity(slug="barley", name="Barley")
        shipment = world["shipment"]
        data = form_data(curator_client.get(admin_url(shipment, "change")))
        data["commodity"] = str(f.commodity(slug="rye", name="Rye").pk)
        before = snapshot()
        response = curator_client.post(admin_url(shipment, "change"), data)
        assert response.status_code == 200
        assert "commodity “Rye” (draft)" in errors_of(response)
        assert snapshot() == before

    def test_loader_pointing_at_a_draft(self, world, tmp_path):
        draft = f.commodity(slug="barley", name="Barley")
        shipment = world["shipment"]
        fixture = {
            "model": "trade.shipment",
            "pk": str(shipment.pk),
            "fields": {
                "review_state": "published",
                "exporter": ["RU"],
                "importer": ["AF"],
                "commodity": [draft.slug],
                "kind": "aggregate",
                "status": "reported",
                "quantity": "12500",
                "unit": "t",
            },
        }
        path = write_fixture(tmp_path, [fixture])
        before = snapshot()
        with pytest.raises(DatasetError, match="commodity “Barley” \\(draft\\)"):
            load_dataset(path)
        assert snapshot() == before

    def test_publish_with_references_publishes_the_drafts_through_the_same_checks(
        self, world, curator, api
    ):
        barley = f.commodity(slug="barley", name="Barley")
        shipment = f.shipment(exporter=world["ru"], importer=world["af"], commodity=barley)
        f.cite(
            shipment,
            quote=QUOTE,
            src=world["article"],
            supports=["exporter", "importer", "commodity"],
        )
        url = f"{SHIPMENTS}{shipment.pk}/publish/"
        refused = api.post(url)
        assert refused.status_code == 400
        assert "commodity “Barley” (draft)" in json.dumps(refused.json(), ensure_ascii=False)
        # Barley itself has no evidence: publishing it along is refused too, and nothing moves.
        before = snapshot()
        assert api.post(url, {"with_references": True}).status_code == 400
        assert snapshot() == before
        f.cite(barley, quote="wheat", src=world["article"], start=TEXT.index("wheat"))
        done = api.post(url, {"with_references": True})
        assert done.status_code == 200, done.json()
        barley.refresh_from_db()
        assert barley.review_state == ReviewState.PUBLISHED

    def test_a_record_published_records_stand_on_cannot_be_retracted(self, world, curator):
        before = snapshot()
        with pytest.raises(services.EvidenceConflict, match="published records stand on it"):
            services.record_retract(world["wheat"], reason="Wrong.", user=curator)
        assert snapshot() == before


# --- 6. The loader loads the dataset and nothing else ---------------------------------------------


class TestLoaderLoadsTheDatasetOnly:
    @pytest.mark.parametrize(
        "obj",
        [
            {
                "model": "auth.user",
                "pk": 999,
                "fields": {
                    "username": "mallory",
                    "password": "x",
                    "is_superuser": True,
                    "is_staff": True,
                },
            },
            {"model": "knox.authtoken", "pk": "d" * 64, "fields": {"user": 999}},
            {
                "model": "sessions.session",
                "pk": "s" * 32,
                "fields": {"session_data": "x", "expire_date": "2030-01-01T00:00:00Z"},
            },
            {"model": "core.change", "pk": 1, "fields": {}},
        ],
        ids=["user", "token", "session", "change-feed"],
    )
    def test_other_models_are_refused(self, world, tmp_path, obj):
        path = write_fixture(tmp_path, [obj])
        before = snapshot()
        with pytest.raises(DatasetError, match="not a dataset model"):
            load_dataset(path)
        assert snapshot() == before

    def test_the_same_id_twice(self, world, tmp_path):
        fields = {"kind": "news_article", "text": "One text.", "review_state": "draft"}
        same = {
            "model": "core.source",
            "pk": "0f0f0f0f-0000-4000-8000-0000000000aa",
            "fields": fields,
        }
        path = write_fixture(tmp_path, [same, same])
        before = snapshot()
        with pytest.raises(DatasetError, match="appears twice in the file"):
            load_dataset(path)
        assert snapshot() == before

    def test_a_published_record_without_evidence(self, world, tmp_path):
        fields = {"slug": "nobody", "name": "Nobody", "review_state": "published"}
        path = write_fixture(
            tmp_path,
            [
                {
                    "model": "diplomacy.official",
                    "pk": "0f0f0f0f-0000-4000-8000-0000000000bb",
                    "fields": fields,
                }
            ],
        )
        before = snapshot()
        with pytest.raises(DatasetError, match="has no citation of a source"):
            load_dataset(path)
        assert snapshot() == before


# --- 7. Numbers have evidence of their own --------------------------------------------------


class TestNumbersHaveEvidence:
    def make_claim(self, world, **numbers):
        return f.shipment(
            exporter=world["ru"], importer=world["af"], commodity=world["wheat"], **numbers
        )

    def cite_claim(self, world, shipment, supports):
        f.cite(shipment, quote=QUOTE, src=world["article"], supports=supports)

    def test_service_refuses_a_number_the_quote_does_not_give(self, world, curator):
        claim = self.make_claim(world, quantity=99999, unit="t", value=1000000, currency="USD")
        self.cite_claim(world, claim, ["exporter", "importer", "commodity", "quantity", "unit"])
        before = snapshot()
        with pytest.raises(ValidationError) as refused:
            services.record_publish(claim, user=curator)
        messages = " ".join(refused.value.messages)
        assert "No citation supports value, currency" in messages
        assert "quantity is 99,999 t, but no quote that supports it says so" in messages
        assert snapshot() == before

    def test_api_publish(self, world, api):
        claim = self.make_claim(world, quantity=99999, unit="t")
        self.cite_claim(world, claim, ["exporter", "importer", "commodity", "quantity", "unit"])
        before = snapshot()
        response = api.post(f"{SHIPMENTS}{claim.pk}/publish/")
        assert response.status_code == 400
        assert "no quote that supports it says so" in json.dumps(response.json())
        assert snapshot() == before

    def test_api_patching_a_published_number(self, world, api):
        before = snapshot()
        response = api.patch(shipment_url(world), {"quantity": "99999"})
        assert response.status_code == 400
        assert snapshot() == before

    def test_admin_publish_action(self, world, curator_client):
        claim = self.make_claim(world, quantity=99999, unit="t")
        self.cite_claim(world, claim, ["exporter", "importer", "commodity", "quantity", "unit"])
        before = snapshot()
        response = action(curator_client, Shipment, "publish_selected", [claim])
        assert "no quote that supports it says so" in " ".join(messages_of(response))
        assert snapshot() == before

    def test_a_number_the_quote_gives_publishes(self, world, curator):
        claim = self.make_claim(world, quantity=12500, unit="t")
        self.cite_claim(world, claim, ["exporter", "importer", "commodity", "quantity", "unit"])
        services.record_publish(claim, user=curator)
        assert claim.review_state == ReviewState.PUBLISHED
