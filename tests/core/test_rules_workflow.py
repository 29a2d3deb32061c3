# ruff: noqa: F811  (pytest fixtures imported from test_rules are parameters here)
"""Workflow rules (issue 17, part 6 and 7b), through every channel.

* A date known only as a note is evidence of the note: it needs no tick when a quote contains
  the note's words, and a refusal says exactly what to do.
* A published record may cite a draft source that is published in the same step.
* The admin's auto-tick proposes a field only when the quote states its value.
* A record that any public record (published or retracted) stands on is neither retracted nor
  reopened; the evidence pages name related records as the API shows them.
"""

import json

import pytest
from django.core import serializers
from django.core.exceptions import ValidationError
from django.urls import reverse
from knox.models import AuthToken

from core import autotick, services
from core.loading import DatasetError, load_dataset
from core.models import Citation, ReviewState
from diplomacy.models import DecisionStage
from tests import factories as f
from tests.admin.forms import action, admin_url, errors_of, form_data, inline_prefix, messages_of
from tests.core.test_rules import (  # noqa: F401  (fixtures)
    QUOTE,
    SHIPMENTS,
    TEXT,
    api,
    shipment_url,
    snapshot,
    with_existing,
    world,
    write_fixture,
)
from trade.models import Commodity, Shipment

pytestmark = pytest.mark.django_db

STAGE_TEXT = "Earlier this year the two sides agreed to expand deliveries of fuel."
STAGES = "/api/v1/diplomacy/decision-stages/"


# --- 1. A date known only as a note ----------------------------------------------------------


@pytest.fixture
def stage_world(curator):
    """A published decision, and a draft stage of it whose date is known only in words."""
    article = f.published(f.source(text=STAGE_TEXT))
    decision = f.decision(title="Fuel deliveries")
    f.cite(decision, quote="agreed to expand deliveries of fuel", src=article)
    services.record_publish(decision, user=curator)
    stage = f.stage(decision=decision, status="agreed", date="", date_note="earlier this year")
    return {"article": article, "decision": decision, "stage": stage}


def cite_stage(world, quote, supports=("status",)):
    return f.cite(world["stage"], quote=quote, src=world["article"], supports=list(supports))


class TestNoteOnlyDates:
    def test_a_quote_with_the_notes_words_needs_no_tick(self, stage_world, curator):
        cite_stage(stage_world, "Earlier this year the two sides agreed")
        services.record_publish(stage_world["stage"], user=curator)
        assert stage_world["stage"].review_state == ReviewState.PUBLISHED

    def test_service_refusal_says_what_to_do(self, stage_world, curator):
        cite_stage(stage_world, "the two sides agreed to expand")
        before = snapshot()
        with pytest.raises(ValidationError) as refused:
            services.record_publish(stage_world["stage"], user=curator)
        (message,) = refused.value.messages
        assert message == (
            "date is known only as the note “earlier this year”, and no quote contains those "
            "words: quote the sentence that says “earlier this year” (the note's words as the "
            "source writes them), or tick date under “Supports” on the citation that says it, "
            "or empty date_note."
        )
        assert "leave the fields empty" not in message
        assert snapshot() == before

    def test_a_ticked_date_still_counts(self, stage_world, curator):
        cite_stage(stage_world, "the two sides agreed to expand", supports=("status", "date"))
        services.record_publish(stage_world["stage"], user=curator)
        assert stage_world["stage"].review_state == ReviewState.PUBLISHED

    def test_api_publish(self, stage_world, api):
        cite_stage(stage_world, "the two sides agreed to expand")
        url = f"{STAGES}{stage_world['stage'].pk}/publish/"
        before = snapshot()
        refused = api.post(url)
        assert refused.status_code == 400
        assert "known only as the note “earlier this year”" in json.dumps(
            refused.json(), ensure_ascii=False
        )
        assert snapshot() == before
        cite_stage(stage_world, "Earlier this year")
        assert api.post(url).status_code == 200

    def test_admin_publish_action(self, stage_world, curator_client):
        cite_stage(stage_world, "the two sides agreed to expand")
        before = snapshot()
        response = action(curator_client, DecisionStage, "publish_selected", [stage_world["stage"]])
        assert "tick date under “Supports”" in " ".join(messages_of(response))
        assert snapshot() == before

    def test_the_evidence_page_shows_the_quote_under_the_date(self, stage_world, curator, client):
        citation = cite_stage(stage_world, "Earlier this year the two sides agreed")
        services.record_publish(stage_world["stage"], user=curator)
        page = client.get(f"/evidence/diplomacy/decision-stages/{stage_world['stage'].pk}/")
        rows = {row.name: row for row in page.context["page"].rows}
        assert [q.citation.pk for q in rows["date"].quotes] == [citation.pk]
        assert not rows["date"].unsupported

    def test_a_filled_field_refusal_names_the_tick(self, world, curator):
        claim = f.shipment(
            exporter=world["ru"],
            importer=world["af"],
            commodity=world["wheat"],
            quantity=12500,
            unit="t",
        )
        f.cite(claim, quote=QUOTE, src=world["article"], supports=["exporter", "importer"])
        with pytest.raises(ValidationError) as refused:
            services.record_publish(claim, user=curator)
        assert refused.value.messages[0] == (
            "No citation supports commodity, quantity, unit: on the citation whose quote states "
            'them, tick commodity, quantity, unit under “Supports” (API: "supports": '
            '["commodity", "quantity", "unit"]); or empty those fields if no source states them.'
        )


# --- 2. Citing a draft source from a published record ----------------------------------------


@pytest.fixture
def patch(client, curator):
    """PATCH ``url`` (query parameters included) with the ETag read from the record's address."""
    headers = {"HTTP_AUTHORIZATION": f"Token {AuthToken.objects.create(curator)[1]}"}

    def send(url, data):
        etag = client.get(url.split("?")[0], **headers)["ETag"]
        return client.patch(
            url, data, content_type="application/json", HTTP_IF_MATCH=etag, **headers
        )

    return send


def unpublishable_source():
    """A draft that cannot be published alone: it supersedes another draft."""
    return f.source(text=TEXT + " Later.", supersedes=f.source(text=TEXT + " Earlier."))


def draft_source():
    return f.source(text=TEXT + " Again.", title="Second report", publisher="Wire")


class TestCitingADraftSourcePublishesIt:
    def test_service(self, world, curator):
        draft = draft_source()
        services.record_save(
            world["shipment"],
            user=curator,
            cite=[services.CitationInput(source=draft, quote=QUOTE, supports=["quantity"])],
            publish_sources=True,
        )
        draft.refresh_from_db()
        assert draft.review_state == ReviewState.PUBLISHED
        added = world["shipment"].citations.get(source=draft)
        assert added.review_state == ReviewState.PUBLISHED

    def test_service_without_the_option_says_how(self, world, curator):
        draft = draft_source()
        before = snapshot()
        with pytest.raises(services.CitationsInvalid) as refused:
            services.record_save(
                world["shipment"],
                user=curator,
                cite=[services.CitationInput(source=draft, quote=QUOTE)],
            )
        assert "with_references=true" in str(refused.value.items)
        assert snapshot() == before

    def test_service_the_sources_own_checks_refuse(self, world, curator):
        empty = unpublishable_source()
        before = snapshot()
        with pytest.raises(services.CitationsInvalid) as refused:
            services.record_save(
                world["shipment"],
                user=curator,
                cite=[services.CitationInput(source=empty, quote=QUOTE)],
                publish_sources=True,
            )
        assert "cannot be published with this change" in str(refused.value.items)
        assert snapshot() == before

    def test_service_a_later_refusal_unpublishes_nothing(self, world, curator):
        draft = draft_source()
        before = snapshot()
        with pytest.raises(services.CitationsInvalid):
            services.record_save(
                world["shipment"],
                user=curator,
                cite=[
                    services.CitationInput(source=draft, quote=QUOTE),
                    services.CitationInput(source=draft, quote="not in the text"),
                ],
                publish_sources=True,
            )
        assert snapshot() == before

    def test_api(self, world, api, patch):
        draft = draft_source()
        added = {"source": str(draft.pk), "quote": QUOTE, "supports": ["quantity"]}
        before = snapshot()
        refused = api.patch(shipment_url(world), with_existing(world, added))
        assert refused.status_code == 400
        assert "with_references=true" in refused.json()["errors"]["citations[1].source"][0]
        assert snapshot() == before
        url = shipment_url(world) + "?with_references=true"
        response = patch(url, with_existing(world, added))
        assert response.status_code == 200, response.json()
        assert {c["source"]["id"] for c in response.json()["citations"]} >= {str(draft.pk)}
        draft.refresh_from_db()
        assert draft.review_state == ReviewState.PUBLISHED

    def test_api_bad_value(self, world, patch):
        before = snapshot()
        url = shipment_url(world) + "?with_references=yes"
        response = patch(url, {"quantity": "12500"})
        assert response.status_code == 400
        assert response.json()["errors"]["with_references"] == ["true or false."]
        assert snapshot() == before

    def test_admin(self, world, curator_client):
        draft = draft_source()
        shipment = world["shipment"]
        page = curator_client.get(admin_url(shipment, "change"))
        data = form_data(page)
        prefix = inline_prefix(page, Citation)
        data.update(
            {
                f"{prefix}-1-source": str(draft.pk),
                f"{prefix}-1-quote": QUOTE,
                f"{prefix}-1-supports": ["quantity"],
            }
        )
        response = curator_client.post(admin_url(shipment, "change"), data, follow=True)
        assert response.status_code == 200
        assert f"The source “{draft}” was a draft: it is now published" in " ".join(
            messages_of(response)
        )
        draft.refresh_from_db()
        assert draft.review_state == ReviewState.PUBLISHED
        assert shipment.citations.filter(source=draft, review_state="published").exists()

    def test_admin_refuses_a_source_that_cannot_be_published(self, world, curator_client):
        empty = unpublishable_source()
        shipment = world["shipment"]
        page = curator_client.get(admin_url(shipment, "change"))
        data = form_data(page)
        prefix = inline_prefix(page, Citation)
        data.update({f"{prefix}-1-source": str(empty.pk), f"{prefix}-1-quote": QUOTE})
        before = snapshot()
        response = curator_client.post(admin_url(shipment, "change"), data)
        assert response.status_code == 200
        assert "published with this change only if it may be" in errors_of(response)
        assert snapshot() == before


# --- 4. What public records stand on stays public ----------------------------------------------


def mark_retracted(record):
    """Retracted as an older release may hold it, before this rule."""
    type(record).objects.filter(pk=record.pk).update(
        review_state="retracted", retraction_reason="Old."
    )


def retract_shipment(world, curator):
    services.record_retract(world["shipment"], reason="Misread.", user=curator)


class TestRetractedRecordsKeepWhatTheyStandOn:
    def test_service_retract(self, world, curator):
        retract_shipment(world, curator)
        before = snapshot()
        with pytest.raises(services.EvidenceConflict) as refused:
            services.record_retract(world["wheat"], reason="Wrong.", user=curator)
        message = refused.value.messages[0]
        assert "public records stand on it: shipment “Wheat RU→AF” (retracted)" in message
        assert "reopen it as a draft first" in message
        assert snapshot() == before

    def test_service_reopen(self, world, curator):
        mark_retracted(world["wheat"])
        retract_shipment(world, curator)
        before = snapshot()
        with pytest.raises(services.EvidenceConflict, match="cannot be reopened"):
            services.record_reopen(world["wheat"], user=curator)
        assert snapshot() == before

    def test_reopening_the_dependent_first_frees_it(self, world, curator):
        retract_shipment(world, curator)
        services.record_reopen(world["shipment"], user=curator)
        services.record_retract(world["wheat"], reason="Wrong.", user=curator)
        assert world["wheat"].review_state == ReviewState.RETRACTED

    def test_api_review_actions(self, world, api, curator):
        retract_shipment(world, curator)
        url = f"/api/v1/trade/commodities/{world['wheat'].slug}/"
        before = snapshot()
        response = api.post(url + "retract/", {"reason": "Wrong."})
        assert response.status_code == 409
        assert "shipment “Wheat RU→AF” (retracted)" in response.json()["detail"]
        mark_retracted(world["wheat"])
        before = snapshot()
        response = api.post(url + "reopen/")
        assert response.status_code == 409
        assert "cannot be reopened" in response.json()["detail"]
        assert snapshot() == before

    def test_admin_actions(self, world, curator, curator_client):
        retract_shipment(world, curator)
        before = snapshot()
        response = action(
            curator_client,
            Commodity,
            "retract_selected",
            [world["wheat"]],
            apply="yes",
            reason="Wrong.",
        )
        assert "public records stand on it" in " ".join(messages_of(response))
        assert snapshot() == before
        mark_retracted(world["wheat"])
        before = snapshot()
        response = action(curator_client, Commodity, "reopen_selected", [world["wheat"]])
        assert "cannot be reopened" in " ".join(messages_of(response))
        assert snapshot() == before

    def test_evidence_pages_name_related_records_as_the_api_does(self, world, client, curator):
        """A draft that a public record names (left by an older release) is not shown."""
        retract_shipment(world, curator)
        Commodity.objects.filter(pk=world["wheat"].pk).update(review_state="draft", name="Secret")
        shipment = world["shipment"]
        api_view = client.get(f"{SHIPMENTS}{shipment.pk}/?include_retracted=true").json()
        assert api_view["commodity"] is None
        page = client.get(f"/evidence/trade/shipments/{shipment.pk}/")
        assert page.status_code == 200
        assert "Secret" not in page.content.decode()
        assert page.context["page"].title == f"Shipment {shipment.pk}"
        source = client.get(f"/evidence/sources/{world['article'].pk}/").content.decode()
        assert "Secret" not in source

    def test_loader(self, world, curator, tmp_path):
        retract_shipment(world, curator)
        (row,) = json.loads(serializers.serialize("json", [world["wheat"]]))
        row["fields"].update(review_state="retracted", retraction_reason="Wrong.")
        path = write_fixture(tmp_path, [row])
        before = snapshot()
        with pytest.raises(DatasetError, match="public records stand on it"):
            load_dataset(path)
        assert snapshot() == before


# --- 3. The auto-tick proposes a field only when the quote states its value ------------------


@pytest.fixture
def tick_world(world):
    """The world's shipment as a form would send it: 12,500 t of wheat, Russia → Afghanistan."""
    world["values"] = {
        "exporter": str(world["ru"].pk),
        "importer": str(world["af"].pk),
        "commodity": str(world["wheat"].pk),
        "quantity": "12500",
        "unit": "t",
        "period": "2025-03",
    }
    Country = type(world["ru"])
    Country.objects.filter(pk=world["ru"].pk).update(name="Russia")
    Country.objects.filter(pk=world["af"].pk).update(name="Afghanistan")
    return world


TICKS = [
    # (quote, values changed from the world's, fields ticked)
    (QUOTE, {}, ["exporter", "importer", "commodity", "quantity", "unit"]),
    ("Russia exported 12,500 tonnes of wheat", {}, ["exporter", "commodity", "quantity", "unit"]),
    ("Russian exports of wheat rose", {}, ["exporter", "commodity"]),
    ("Russia has supplied wheat", {}, ["exporter", "commodity"]),
    ("Russia sent 12 500 t to Afghanistan", {}, ["exporter", "importer", "quantity", "unit"]),
    ("Afghanistan received wheat", {}, ["importer", "commodity"]),
    ("Afghanistan imported wheat in March 2025", {}, ["importer", "commodity", "period"]),
    ("wheat shipped in 2025", {"period": "2025"}, ["commodity", "period"]),
    ("wheat shipped in 2024", {"period": "2025"}, ["commodity"]),
    ("one million tons of wheat", {"quantity": "1000000"}, ["commodity", "quantity", "unit"]),
    ("a million tonnes", {"quantity": "1000000"}, ["quantity", "unit"]),
    ("half a million MT", {"quantity": "500000"}, ["quantity", "unit"]),
    ("up to 2 million metric tons", {"quantity": "2000000"}, ["quantity", "unit"]),
    ("1.2 million barrels", {"quantity": "1200000", "unit": "bbl"}, ["quantity", "unit"]),
    ("300 kg of wheat", {"quantity": "300", "unit": "kg"}, ["commodity", "quantity", "unit"]),
    ("5,000 litres", {"quantity": "5000", "unit": "l"}, ["quantity", "unit"]),
    # Must not tick: a mere mention, another number, another unit.
    ("Russia said the talks went well", {}, []),
    ("Afghanistan and Russia discussed trade", {}, []),
    ("a spokesman in Russia spoke to reporters", {}, []),
    ("12,500 kg of flour", {}, []),
    ("125 tonnes", {}, ["unit"]),
    ("a ton of paperwork", {"quantity": "1"}, ["unit"]),
    ("talks in 2025", {}, []),
]


@pytest.mark.parametrize(("quote", "changed", "ticked"), TICKS, ids=[t[0] for t in TICKS])
def test_autotick_rules(tick_world, curator, quote, changed, ticked):
    values = {**tick_world["values"], **changed}
    assert autotick.stated_fields(Shipment, values, quote, curator) == ticked


@pytest.mark.parametrize(
    ("status", "quote", "ticked"),
    [
        ("decided", "the two sides agreed to expand deliveries", True),
        ("decided", "have begun working together", True),
        ("implemented", "have begun working together", False),
        ("under_consideration", "the possibility of removing", True),
        ("briefed", "had briefed the President", True),
        ("rejected", "the two sides agreed", False),
    ],
)
def test_autotick_status_verbs(stage_world, curator, status, quote, ticked):
    values = {"status": status, "date": "", "date_note": ""}
    stated = autotick.stated_fields(DecisionStage, values, quote, curator)
    assert ("status" in stated) is ticked


def test_autotick_a_note_only_date_by_the_notes_words(stage_world, curator):
    values = {"status": "proposed", "date": "", "date_note": "earlier this year"}
    assert autotick.stated_fields(DecisionStage, values, STAGE_TEXT, curator) == ["date"]
    assert autotick.stated_fields(DecisionStage, values, "the two sides agreed", curator) == []


def test_autotick_reads_aliases(tick_world, curator):
    type(tick_world["ru"]).objects.filter(pk=tick_world["ru"].pk).update(
        aliases=["Russian Federation"]
    )
    values = tick_world["values"]
    quote = "shipments from the Russian Federation"
    assert autotick.stated_fields(Shipment, values, quote, curator) == ["exporter"]


class TestAutotickEndpoint:
    def url(self):
        return reverse("admin:trade_shipment_autotick")

    def test_curator(self, tick_world, curator_client):
        body = {"values": tick_world["values"], "quote": "Russia exported 12,500 tonnes"}
        response = curator_client.post(self.url(), body, content_type="application/json")
        assert response.status_code == 200
        # Every field is filled in already: nothing to propose (core.proposals), no figure
        # against the form's.
        assert response.json() == {
            "fields": ["exporter", "quantity", "unit"],
            "values": {},
            "contradicts": {},
        }

    def test_the_form_names_it(self, tick_world, curator_client):
        page = curator_client.get(admin_url(tick_world["shipment"], "change"))
        assert f'data-cite-tick-url="{self.url()}"' in page.content.decode()

    def test_bad_input_is_a_400(self, curator_client):
        response = curator_client.post(self.url(), "[1]", content_type="application/json")
        assert response.status_code == 400
        assert curator_client.get(self.url()).status_code == 405

    def test_not_for_outsiders(self, tick_world, outsider_client, client):
        body = {"values": tick_world["values"], "quote": QUOTE}
        refused = outsider_client.post(self.url(), body, content_type="application/json")
        assert refused.status_code == 403
        anonymous = client.post(self.url(), body, content_type="application/json")
        assert anonymous.status_code == 302  # to the login page
