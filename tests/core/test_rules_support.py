"""Support is per value: a citation supports a field's value as it was when cited.

Tried through every channel (service, API, admin, loader) as ``test_rules`` does: changing a
published value without new evidence is refused and changes nothing; with a new citation in
the same save it is accepted, and the old citation shows as support of the earlier value;
a citation's support for one field is withdrawn with a reason, never without one, and never
when it would leave the field unsupported.
"""

import io
import json
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils.module_loading import import_string

from config.api import response_cache
from core import services, support
from core.loading import DatasetError, load_dataset
from core.models import Citation, ReviewState
from tests import factories as f
from tests.admin.forms import admin_url, errors_of, form_data, inline_prefix
from tests.api.test_compiled import both_ways
from tests.core import test_rules as rules
from tests.core.test_rules import (
    QUOTE,
    SHIPMENTS,
    citation_fixture,
    shipment_url,
    snapshot,
    write_fixture,
)

pytestmark = pytest.mark.django_db
world, api = rules.world, rules.api  # the matrix's fixtures

UPDATE = "A later report put the wheat at 13,000 tonnes for the same month."
NEW_QUOTE = "13,000 tonnes"
REFUSAL = (
    "quantity changed from 12,500 to 13,000: no citation states 13,000; add the quote that "
    "gives it in the same save."
)


@pytest.fixture
def update(world):
    """A second published report, which gives the new figure."""
    return f.published(f.source(text=UPDATE))


def evidence_page(client, shipment) -> str:
    response = client.get(f"/evidence/trade/shipments/{shipment.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def field_html(page: str, label: str) -> str:
    """The part of an evidence page under one field (up to the next field)."""
    start = page.index(f"<dt>{label}</dt>")
    end = page.find("<dt>", start + 1)
    return page[start : end if end > 0 else None]


def add_exporter_support(world, curator):
    """A second citation that also supports the exporter, so the first may withdraw it."""
    services.record_save(
        world["shipment"],
        user=curator,
        cite=[
            services.CitationInput(
                source=world["article"], quote="went from Russia", supports=["exporter"]
            )
        ],
    )


# --- the canonical value -----------------------------------------------------------------------


class TestCanonicalValues:
    def test_each_kind_of_field(self, world):
        shipment = world["shipment"]
        shipment.period = "2025-03"
        shipment.save()
        values = support.captured_values(
            shipment, ["exporter", "quantity", "unit", "period", "transport_mode"]
        )
        assert values == {
            "exporter": str(world["ru"].pk),
            "quantity": "12500",
            "unit": "t",
            "period": {"value": "2025-03", "precision": "month"},
            "transport_mode": "",
        }
        decision = f.decision()
        decision.countries.set([world["ru"], world["af"]])
        assert support.field_value(decision, "countries") == sorted(
            [str(world["ru"].pk), str(world["af"].pk)]
        )

    def test_a_citation_captures_the_values_when_cited(self, world):
        (citation,) = world["shipment"].citations.all()
        assert citation.supported_values["quantity"] == "12500"
        assert support.supports_value(citation, "quantity", world["shipment"])
        world["shipment"].quantity = 13000
        assert not support.supports_value(citation, "quantity", world["shipment"])
        assert support.supports_value(citation, "exporter", world["shipment"])

    def test_the_migration_backfills_from_current_values(self, world):
        (citation,) = world["shipment"].citations.all()
        Citation.objects.filter(pk=citation.pk).update(supported_values={})
        backfill = import_string("core.migrations.0006_citation_supported_values.backfill")
        backfill(django_apps, SimpleNamespace(connection=SimpleNamespace(alias="default")))
        citation.refresh_from_db()
        assert citation.supported_values["quantity"] == "12500"
        assert citation.supported_values["exporter"] == str(world["ru"].pk)


# --- a published value changes only with its evidence ---------------------------------------


class TestNewValueNeedsNewEvidence:
    def test_service_refuses_a_new_value_alone(self, world, curator):
        shipment = world["shipment"]
        shipment.quantity = 13000
        before = snapshot()
        with pytest.raises(ValidationError) as refused:
            services.record_save(shipment, user=curator)
        assert REFUSAL in refused.value.messages
        assert snapshot() == before

    def test_service_accepts_it_with_the_quote_and_the_page_shows_the_earlier_value(
        self, world, update, curator, client
    ):
        shipment = world["shipment"]
        shipment.quantity = 13000
        services.record_save(
            shipment,
            user=curator,
            cite=[services.CitationInput(source=update, quote=NEW_QUOTE, supports=["quantity"])],
        )
        shipment.refresh_from_db()
        assert shipment.quantity == 13000
        quantity = field_html(evidence_page(client, shipment), "Quantity")
        assert "Supported the earlier value 12,500, not this one." in quantity
        assert f'<mark aria-label="quoted evidence">{NEW_QUOTE}</mark>' in quantity
        # The old quote still supports the exporter: it is not marked there.
        assert "earlier value" not in field_html(evidence_page(client, shipment), "Exporter")

    def test_a_decision_stage_date(self, curator):
        article = f.published(f.source(text="The ban was announced in March 2025 in Kabul."))
        decision = f.published(f.decision())
        stage = f.stage(decision=decision, status="proposed", date="2025-03")
        f.published(
            f.cite(stage, quote="announced in March 2025", src=article, supports=["status", "date"])
        )
        f.published(stage)
        stage.date = "2025-04"
        before = snapshot()
        with pytest.raises(ValidationError, match="date changed from 2025-03 to 2025-04"):
            services.record_save(stage, user=curator)
        assert snapshot() == before

    def test_api_refuses_a_new_value_alone(self, world, api):
        before = snapshot()
        response = api.patch(shipment_url(world), {"quantity": "13000"})
        assert response.status_code == 400
        assert REFUSAL in json.dumps(response.json(), ensure_ascii=False)
        assert snapshot() == before

    def test_api_accepts_it_with_the_citation_in_the_same_patch(self, world, update, api, client):
        (old,) = world["shipment"].citations.all()
        added = {"source": str(update.pk), "quote": NEW_QUOTE, "supports": ["quantity"]}
        body = {
            "quantity": "13000",
            "citations": [{"id": str(old.pk), "source": str(old.source_id)}, added],
        }
        response = api.patch(shipment_url(world), body)
        assert response.status_code == 200, response.json()
        by_quote = {c["quote"]: c for c in response.json()["citations"]}
        assert by_quote[QUOTE]["supported_values"]["quantity"] == "12500"
        assert by_quote[NEW_QUOTE]["supported_values"] == {"quantity": "13000"}
        assert by_quote[NEW_QUOTE]["withdrawn"] == {}
        quantity = field_html(evidence_page(client, world["shipment"]), "Quantity")
        assert "Supported the earlier value 12,500" in quantity

    def test_admin_refuses_a_new_value_alone(self, world, curator_client):
        shipment = world["shipment"]
        data = form_data(curator_client.get(admin_url(shipment, "change")))
        data["quantity"] = "13000"
        before = snapshot()
        response = curator_client.post(admin_url(shipment, "change"), data)
        assert response.status_code == 200
        assert REFUSAL in errors_of(response)
        assert snapshot() == before

    def test_admin_accepts_it_with_a_new_citation_row(self, world, update, curator_client, client):
        shipment = world["shipment"]
        page = curator_client.get(admin_url(shipment, "change"))
        data = form_data(page)
        prefix = inline_prefix(page, Citation)
        data["quantity"] = "13000"
        data.update(
            {
                f"{prefix}-1-source": str(update.pk),
                f"{prefix}-1-quote": NEW_QUOTE,
                f"{prefix}-1-supports": ["quantity"],
            }
        )
        response = curator_client.post(admin_url(shipment, "change"), data)
        assert response.status_code == 302, errors_of(response)
        shipment.refresh_from_db()
        assert shipment.quantity == 13000
        assert "Supported the earlier value 12,500" in evidence_page(client, shipment)

    def test_loader_refuses_a_new_value_alone(self, world, update, tmp_path):
        shipment = world["shipment"]
        fixture = {
            "model": "trade.shipment",
            "pk": str(shipment.pk),
            "fields": {
                "review_state": "published",
                "exporter": ["RU"],
                "importer": ["AF"],
                "commodity": ["wheat"],
                "kind": shipment.kind,
                "status": shipment.status,
                "quantity": "13000",
                "unit": "t",
            },
        }
        before = snapshot()
        with pytest.raises(DatasetError, match="quantity changed from 12,500 to 13,000"):
            load_dataset(write_fixture(tmp_path, [fixture]))
        assert snapshot() == before
        # With the new citation in the same file (an older release: no supported_values),
        # the citation is given the record's values on load.
        cited = citation_fixture(shipment, update, quote=NEW_QUOTE, supports=["quantity"])
        load_dataset(write_fixture(tmp_path, [fixture, cited]))
        new = Citation.objects.get(pk=cited["pk"])
        assert new.supported_values == {"quantity": "13000"}
        shipment.refresh_from_db()
        assert shipment.quantity == 13000

    def test_verify_citations_flags_stale_support(self, world):
        def problems() -> str:
            err = io.StringIO()
            # The world's countries are cited by factories with no supports: problems too.
            with pytest.raises(CommandError):
                call_command("verify_citations", stdout=io.StringIO(), stderr=err)
            return err.getvalue()

        shipment = world["shipment"]
        assert f"trade.Shipment {shipment.pk}" not in problems()
        # A value changed behind the services' back (a raw update): only earlier support.
        type(shipment).objects.filter(pk=shipment.pk).update(quantity=13000)
        assert f"trade.Shipment {shipment.pk}: {REFUSAL}" in problems()


# --- withdrawing support for one field, with a reason ------------------------------------------


class TestWithdrawSupport:
    def test_service(self, world, curator, client):
        add_exporter_support(world, curator)
        citation = world["shipment"].citations.get(quote=QUOTE)
        services.citation_withdraw_support(
            citation, field="exporter", reason="Names the route, not the seller.", user=curator
        )
        citation.refresh_from_db()
        assert citation.withdrawn == {"exporter": "Names the route, not the seller."}
        assert citation.review_state == ReviewState.PUBLISHED
        latest = citation.history.order_by("-history_id").first()
        assert latest.history_change_reason == (
            "Support for exporter withdrawn: Names the route, not the seller."
        )
        exporter = field_html(evidence_page(client, world["shipment"]), "Exporter")
        assert "Support withdrawn: Names the route, not the seller." in exporter

    def test_service_refuses_without_a_reason(self, world, curator):
        add_exporter_support(world, curator)
        citation = world["shipment"].citations.get(quote=QUOTE)
        before = snapshot()
        with pytest.raises(ValidationError, match="needs a reason"):
            services.citation_withdraw_support(citation, field="exporter", reason=" ", user=curator)
        assert snapshot() == before

    def test_service_refuses_to_leave_the_field_unsupported(self, world, curator):
        (citation,) = world["shipment"].citations.all()
        before = snapshot()
        with pytest.raises(services.EvidenceConflict, match="No citation supports quantity"):
            services.citation_withdraw_support(
                citation, field="quantity", reason="Misread.", user=curator
            )
        assert snapshot() == before

    def test_a_withdrawal_is_never_taken_back(self, world, curator):
        add_exporter_support(world, curator)
        citation = world["shipment"].citations.get(quote=QUOTE)
        services.citation_withdraw_support(
            citation, field="exporter", reason="Not stated.", user=curator
        )
        citation.refresh_from_db()
        before = snapshot()
        citation.withdrawn = {}
        with pytest.raises(ValidationError, match="never taken back"):
            services.record_save(citation, user=curator)
        assert snapshot() == before

    def test_api(self, world, api, curator):
        add_exporter_support(world, curator)
        citation = world["shipment"].citations.get(quote=QUOTE)
        other = world["shipment"].citations.exclude(pk=citation.pk).get()
        kept = {"id": str(other.pk), "source": str(other.source_id)}
        sent = {"id": str(citation.pk), "source": str(citation.source_id)}
        before = snapshot()
        blank = api.patch(
            shipment_url(world), {"citations": [{**sent, "withdrawn": {"exporter": ""}}, kept]}
        )
        assert blank.status_code == 400
        assert "A withdrawal needs its reason." in json.dumps(blank.json())
        unknown = api.patch(
            shipment_url(world), {"citations": [{**sent, "withdrawn": {"note": "x"}}, kept]}
        )
        assert unknown.status_code == 400
        assert "does not support note" in json.dumps(unknown.json())
        orphaning = api.patch(
            shipment_url(world), {"citations": [{**sent, "withdrawn": {"unit": "Misread."}}, kept]}
        )
        assert orphaning.status_code == 409
        assert "No citation supports unit" in orphaning.json()["detail"]
        assert snapshot() == before
        done = api.patch(
            shipment_url(world),
            {"citations": [{**sent, "withdrawn": {"exporter": "Not stated."}}, kept]},
        )
        assert done.status_code == 200, done.json()
        (shown,) = [c for c in done.json()["citations"] if c["id"] == str(citation.pk)]
        assert shown["withdrawn"] == {"exporter": "Not stated."}
        # Sending back what was read changes nothing; leaving the withdrawal out takes it back.
        again = api.patch(shipment_url(world), {"citations": [shown, kept]})
        assert again.status_code == 200, again.json()
        before = snapshot()
        back = api.patch(shipment_url(world), {"citations": [{**sent, "withdrawn": {}}, kept]})
        assert back.status_code == 409
        assert "never taken back" in back.json()["detail"]
        assert snapshot() == before

    def _withdraw_in_admin(self, world, curator_client, fields, reason):
        shipment = world["shipment"]
        page = curator_client.get(admin_url(shipment, "change"))
        data = form_data(page)
        prefix = inline_prefix(page, Citation)
        rows = [form.instance.quote for form in page.context["inline_admin_formsets"][0].formset]
        row = rows.index(QUOTE)
        data[f"{prefix}-{row}-withdraw"] = fields
        data[f"{prefix}-{row}-withdraw_reason"] = reason
        return curator_client.post(admin_url(shipment, "change"), data)

    def test_admin(self, world, curator, curator_client):
        add_exporter_support(world, curator)
        before = snapshot()
        blank = self._withdraw_in_admin(world, curator_client, ["exporter"], "")
        assert blank.status_code == 200
        assert "Withdrawing a support needs its reason." in errors_of(blank)
        orphaning = self._withdraw_in_admin(world, curator_client, ["unit"], "Misread.")
        assert orphaning.status_code == 200
        assert "No citation supports unit" in errors_of(orphaning)
        assert snapshot() == before
        done = self._withdraw_in_admin(world, curator_client, ["exporter"], "Not stated.")
        assert done.status_code == 302, errors_of(done)
        citation = world["shipment"].citations.get(quote=QUOTE)
        assert citation.withdrawn == {"exporter": "Not stated."}
        assert citation.review_state == ReviewState.PUBLISHED

    def test_loader(self, world, curator, tmp_path):
        (citation,) = world["shipment"].citations.all()
        fixture = citation_fixture(
            world["shipment"],
            world["article"],
            quote=QUOTE,
            start=citation.start,
            end=citation.end,
            supports=citation.supports,
            supported_values=citation.supported_values,
        )
        fixture["pk"] = str(citation.pk)
        before = snapshot()
        fixture["fields"]["withdrawn"] = {"quantity": ""}
        with pytest.raises(DatasetError, match="needs a reason"):
            load_dataset(write_fixture(tmp_path, [fixture]))
        fixture["fields"]["withdrawn"] = {"quantity": "Misread."}
        with pytest.raises(DatasetError, match="No citation supports quantity"):
            load_dataset(write_fixture(tmp_path, [fixture]))
        assert snapshot() == before


def test_a_records_values_are_computed_once_for_all_its_citations(world, django_assert_num_queries):
    decision = f.decision()
    decision.countries.set([world["ru"], world["af"]])
    citations = [
        f.cite(decision, quote="", src=rules.reference(), locator="RU", supports=["countries"])
        for _ in range(3)
    ]
    decision = type(decision).objects.get(pk=decision.pk)
    with django_assert_num_queries(1):  # the countries, read once
        assert all(
            support.supports_value(c, "countries", decision) for c in citations for _ in range(20)
        )
    decision.countries.remove(world["af"])
    support.forget(decision)
    assert not support.supports_value(citations[0], "countries", decision)


def test_both_read_paths_show_the_values_and_withdrawals_alike(world, curator, api, monkeypatch):
    services.record_save(
        world["shipment"],
        user=curator,
        cite=[
            services.CitationInput(
                source=world["article"], quote="from Russia to", supports=["exporter", "importer"]
            )
        ],
    )
    citation = world["shipment"].citations.get(quote=QUOTE)
    services.citation_withdraw_support(
        citation, field="importer", reason="Not stated.", user=curator
    )
    services.citation_withdraw_support(citation, field="exporter", reason="Implied.", user=curator)
    monkeypatch.setattr(response_cache, "lookup", lambda key: None)
    for url in (shipment_url(world), SHIPMENTS):
        compiled_answer, serializer_answer = both_ways(api.get, url, monkeypatch)
        assert compiled_answer.content == serializer_answer.content
    shown = json.loads(compiled_answer.content)["results"][0]["citations"]
    (withdrawing,) = [c for c in shown if c["id"] == str(citation.pk)]
    assert withdrawing["withdrawn"] == {"importer": "Not stated.", "exporter": "Implied."}
    assert withdrawing["supported_values"]["unit"] == "t"
