"""Every resource through the generic API test case, with records that fill every relation."""

import csv
import datetime
import io

import pytest

from core.models import Source
from diplomacy.models import (
    Country,
    DecisionStage,
    Designation,
    DesignationChange,
    Official,
    Organization,
    PolicyDecision,
    Position,
    Statement,
    Tenure,
)
from tests import factories as f
from tests.api.case import APIResourceTest
from trade.models import Commitment, Commodity, Shipment

COMMON_TAIL = (
    "citations",
    "corroboration",
    "review_state",
    "retraction_reason",
    "version",
    "created",
    "updated",
    "evidence_url",
)


def cited_published(record):
    f.published(f.cite(record))
    return f.published(record)


class TestCountryAPI(APIResourceTest):
    model = Country
    url = "/api/v1/diplomacy/countries/"
    fields = ("id", "url", "iso3", "numeric", "name", "official_name", "aliases", *COMMON_TAIL)

    def make(self):
        return f.country(
            numeric="999", official_name="Republic of Somewhere", aliases=["Somewhere"]
        )


class TestOrganizationAPI(APIResourceTest):
    model = Organization
    url = "/api/v1/diplomacy/organizations/"
    fields = (
        "id",
        "url",
        "name",
        "kind",
        "country",
        "parent",
        "name_original",
        "aliases",
        "identifiers",
        *COMMON_TAIL,
    )

    def make(self):
        return f.organization(
            country=cited_published(f.country()),
            parent=cited_published(f.organization()),
            name_original="Министерство",
            aliases=["The Ministry"],
        )


class TestOfficialAPI(APIResourceTest):
    model = Official
    url = "/api/v1/diplomacy/officials/"
    covers = (Tenure,)
    fields = (
        "id",
        "url",
        "name",
        "name_original",
        "aliases",
        "identifiers",
        "tenures",
        *COMMON_TAIL,
    )

    def make(self):
        official = f.official(name_original="Дмитрий", aliases=["D. Z."])
        cited_published(f.tenure(official=official, position=cited_published(f.position())))
        return official


class TestPositionAPI(APIResourceTest):
    model = Position
    url = "/api/v1/diplomacy/positions/"
    covers = (Tenure,)
    fields = ("id", "url", "name", "organization", "country", "posted_to", "tenures", *COMMON_TAIL)

    def make(self):
        position = f.position(
            organization=cited_published(f.organization()),
            country=cited_published(f.country()),
            posted_to=cited_published(f.country()),
        )
        cited_published(f.tenure(position=position, official=cited_published(f.official())))
        cited_published(f.tenure(position=position, start="2020", end="2021-06"))
        return position


class TestTenureAPI(APIResourceTest):
    model = Tenure
    url = "/api/v1/diplomacy/tenures/"
    fields = ("id", "url", "position", "official", "start", "end", "as_of", *COMMON_TAIL)

    def make(self):
        return f.tenure(
            position=cited_published(f.position()),
            official=cited_published(f.official()),
            start="2020-01-15",
            start_note="Appointed in mid-January 2020.",
            end="2024",
            as_of="2023",
        )


class TestDecisionStageAPI(APIResourceTest):
    model = DecisionStage
    url = "/api/v1/diplomacy/decision-stages/"
    fields = (
        "id",
        "url",
        "decision",
        "sequence",
        "status",
        "date",
        "description",
        *COMMON_TAIL,
    )

    def make(self):
        return f.stage(
            decision=cited_published(f.decision()),
            status="under_consideration",
            date="2025-02",
            description="Under consideration, as reported.",
        )


class TestDesignationAPI(APIResourceTest):
    model = Designation
    url = "/api/v1/diplomacy/designations/"
    fields = (
        "id",
        "url",
        "organization",
        "jurisdiction",
        "authority",
        "kind",
        "list_name",
        "status",
        "status_since",
        "start",
        "end",
        "as_of",
        *COMMON_TAIL,
    )

    def make(self):
        return f.designation(
            organization=cited_published(f.organization()),
            jurisdiction=cited_published(f.country()),
            authority=cited_published(f.organization()),
            list_name="List of banned organizations",
            start="2003-02",
            end="2025",
            as_of="2025-06-01",
        )


class TestDesignationChangeAPI(APIResourceTest):
    model = DesignationChange
    url = "/api/v1/diplomacy/designation-changes/"
    fields = ("id", "url", "designation", "status", "date", "description", *COMMON_TAIL)

    def make(self):
        designation = f.designation(
            organization=cited_published(f.organization()),
            jurisdiction=cited_published(f.country()),
        )
        return DesignationChange.objects.create(
            designation=cited_published(designation),
            status="suspended",
            date="2025-02",
            description="Suspended by a court, as reported.",
        )


class TestPolicyDecisionAPI(APIResourceTest):
    model = PolicyDecision
    url = "/api/v1/diplomacy/policy-decisions/"
    covers = (DecisionStage,)
    fields = (
        "id",
        "url",
        "title",
        "decision_type",
        "status",
        "description",
        "decision_maker",
        "decision_maker_organization",
        "countries",
        "subject_organization",
        "proposed_by",
        "briefed_by",
        "stages",
        "statements",
        *COMMON_TAIL,
    )

    def make(self):
        decision = f.decision(
            description="A possible delisting.",
            decision_maker=cited_published(f.official()),
            decision_maker_organization=cited_published(f.organization()),
            subject_organization=cited_published(f.organization()),
        )
        decision.countries.set([cited_published(f.country())])
        decision.proposed_by.set([cited_published(f.organization())])
        decision.briefed_by.set([cited_published(f.organization())])
        cited_published(f.stage(decision=decision, sequence=1, status="proposed", date="2024"))
        cited_published(f.stage(decision=decision, sequence=2, status="briefed", date="2025-03"))
        statement = cited_published(f.statement())
        statement.about_decisions.set([decision])
        decision.refresh_from_db()
        return decision


class TestStatementAPI(APIResourceTest):
    model = Statement
    url = "/api/v1/diplomacy/statements/"
    fields = (
        "id",
        "url",
        "speaker",
        "speaker_organization",
        "speaker_country",
        "date",
        "mode",
        "summary",
        "quote",
        "about_countries",
        "about_organizations",
        "about_decisions",
        *COMMON_TAIL,
    )

    def make(self):
        statement = f.statement(
            speaker=cited_published(f.official()),
            speaker_organization=cited_published(f.organization()),
            speaker_country=cited_published(f.country()),
            date="2025-04-02",
            quote="We will act in our interests.",
            summary="Russia will act in its interests.",
        )
        statement.about_countries.set([cited_published(f.country())])
        statement.about_organizations.set([cited_published(f.organization())])
        statement.about_decisions.set([cited_published(f.decision())])
        return statement


class TestSourceAPI(APIResourceTest):
    model = Source
    url = "/api/v1/diplomacy/sources/"
    fields = (
        "id",
        "url",
        "kind",
        "title",
        "publisher",
        "document_url",
        "published",
        "language",
        "retrieved",
        "licence",
        "attribution",
        "supersedes",
        "origin",
        "relays",
        "content_hash",
        "text",
        "review_state",
        "retraction_reason",
        "version",
        "created",
        "updated",
        "evidence_url",
    )

    def make(self):
        return f.source(
            title="Trade rises",
            publisher="Example News",
            published="2025-05",
            language="en",
            retrieved=datetime.date(2025, 6, 1),
            licence="CC-BY-4.0",
        )


class TestCommodityAPI(APIResourceTest):
    model = Commodity
    url = "/api/v1/trade/commodities/"
    fields = (
        "id",
        "url",
        "name",
        "aliases",
        "hs_code",
        "hs_note",
        "parent",
        "sector",
        "statements",
        "policy_decisions",
        *COMMON_TAIL,
    )

    def make(self):
        commodity = f.commodity(
            hs_code="1001",
            hs_note="Wheat and meslin.",
            aliases=["meslin"],
            parent=cited_published(f.commodity()),
        )
        commodity.statements.set([cited_published(f.statement())])
        commodity.policy_decisions.set([cited_published(f.decision())])
        return commodity


class TestCommitmentAPI(APIResourceTest):
    model = Commitment
    url = "/api/v1/trade/commitments/"
    fields = (
        "id",
        "url",
        "title",
        "decision",
        "supplier",
        "recipient",
        "commodity",
        "quantity",
        "unit",
        "quantity_qualifier",
        "per",
        "start",
        "end",
        "price_terms",
        "currency",
        "transport_modes",
        "note",
        *COMMON_TAIL,
    )

    def make(self):
        return f.commitment(
            decision=cited_published(f.decision()),
            supplier=cited_published(f.country()),
            recipient=cited_published(f.country()),
            commodity=cited_published(f.commodity()),
            quantity=1250,
            unit="t",
            per="year",
            start="2025-03",
            end="2026",
            price_terms="A discount to world prices.",
            currency="USD",
            transport_modes=["rail", "road"],
            note="Agreed for a trial year.",
        )


class TestShipmentAPI(APIResourceTest):
    model = Shipment
    url = "/api/v1/trade/shipments/"
    fields = (
        "id",
        "url",
        "exporter",
        "importer",
        "commodity",
        "kind",
        "period",
        "quantity",
        "unit",
        "quantity_qualifier",
        "value",
        "currency",
        "value_qualifier",
        "transport_mode",
        "status",
        "is_quantity_estimated",
        "is_value_estimated",
        "note",
        "commitment",
        "reporter",
        "flow",
        "value_basis",
        *COMMON_TAIL,
    )

    def make(self):
        supplier, recipient = cited_published(f.country()), cited_published(f.country())
        commodity = cited_published(f.commodity())
        agreed = f.commitment(supplier=supplier, recipient=recipient, commodity=commodity)
        return f.shipment(
            exporter=supplier,
            importer=recipient,
            commodity=commodity,
            commitment=cited_published(agreed),
            period="2025-03",
            quantity=1250,
            unit="t",
            value=350000,
            currency="USD",
            transport_mode="rail",
            is_quantity_estimated=True,
            note="Reported by the ministry.",
        )

    def test_csv_cells_are_formatted_like_the_json(self, client):
        shipment = self.make_published()
        response = client.get(self.url, {"format": "csv", "id": str(shipment.pk)})
        text = b"".join(response.streaming_content).decode()
        header, row = (dict(enumerate(line.split(","))) for line in text.splitlines())
        cells = {header[i]: value for i, value in row.items()}
        detail = client.get(self.detail_url(shipment)).json()
        assert cells["id"] == detail["id"]
        assert (cells["exporter"], cells["commodity"]) == (
            detail["exporter"]["id"],
            detail["commodity"]["id"],
        )
        assert (cells["quantity"], cells["value"]) == (detail["quantity"], detail["value"])
        assert (cells["is_quantity_estimated"], cells["is_value_estimated"]) == ("true", "false")
        assert (cells["period"], cells["period_earliest"]) == ("2025-03", "2025-03-01")
        assert cells["currency"] == "USD" and cells["transport_mode"] == "rail"
        assert cells["created"].startswith(detail["created"][:19])
        assert cells["created"].endswith("Z")  # as in JSON

    @pytest.mark.parametrize(
        "note", ['Rail, then road: "as agreed"\nsecond line', "first\rsecond", "a\r\nb"]
    )
    def test_csv_quotes_commas_quotes_and_line_breaks(self, client, note):
        # A CR alone must be quoted too: csv readers end a row at it.
        shipment = self.make()
        shipment.note = note
        shipment.save()
        f.published(f.cite(shipment))
        f.published(shipment)
        response = client.get(self.url, {"format": "csv", "fields": "id,note,currency"})
        text = b"".join(response.streaming_content).decode()
        # Columns in the model's order, whatever the order of fields=.
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert rows == [["id", "currency", "note"], [str(shipment.pk), "USD", note]]
