"""``/api/v1/citations/``: the generic resource checks, and what is special about evidence
read on its own (visibility through its record and source, its filters, one representation)."""

import pytest

from core.models import Citation, ReviewState
from tests import factories as f
from tests.api.case import APIResourceTest, CuratorAPI

URL = "/api/v1/citations/"


def ids(response) -> list[str]:
    return [row["id"] for row in response.json()["results"]]


class TestCitationAPI(APIResourceTest):
    model = Citation
    url = URL
    fields = (
        "id",
        "url",
        "record",
        "source",
        "quote",
        "start",
        "end",
        "locator",
        "supports",
        "contradicts",
        "stated",
        "inferred",
        "note",
        "supported_values",
        "withdrawn",
        "review_state",
        "retraction_reason",
        "version",
        "created",
        "updated",
    )

    def make(self):
        """A draft citation of a published country, from a published source."""
        country = f.published(f.country(name="Republic of Wheatland"))
        return f.cite(country, supports=["name"])

    def make_published(self):
        return f.published(self.make())

    def filter_value(self, obj, name: str):
        special = {
            "source": str(obj.source_id),
            "resource": "diplomacy.country",
            "record": obj.record.public_id,
            "supports": "name",
            "stance": "supports",
        }
        return special[name] if name in special else super().filter_value(obj, name)

    def extra_columns(self, fmt: str) -> list[str]:
        return ["resource", "record"]

    def test_curator_writes_through_the_one_representation(self, client, curator):
        """Read-only: citations are written with their record (its ``citations``)."""
        api = CuratorAPI(client, curator)
        citation = self.make()
        assert api.get(self.detail_url(citation)).status_code == 200  # a curator sees drafts
        before = Citation.objects.get(pk=citation.pk).version
        assert api.post(URL, {"quote": "x"}).status_code == 405
        assert api.patch(self.detail_url(citation), {"note": "x"}).status_code == 405
        assert api.delete(self.detail_url(citation)).status_code == 405
        assert Citation.objects.get(pk=citation.pk).version == before


@pytest.mark.django_db
class TestCitationsOnTheirOwn:
    def test_one_representation_with_the_record_nested(self, client):
        shipment = f.published(f.shipment(quantity=1250, unit="t"))
        citation = f.published(f.cite(shipment, supports=["quantity"]))
        record = client.get(f"/api/v1/trade/shipments/{shipment.pk}/").json()
        entry = client.get(f"{URL}{citation.pk}/").json()
        own = ("url", "record", "version", "created", "updated")
        assert {k: v for k, v in entry.items() if k not in own} == record["citations"][0]
        assert entry["url"] == f"http://testserver{URL}{citation.pk}/"
        assert entry["record"] == {
            "resource": "trade.shipment",
            "id": str(shipment.pk),
            "url": f"http://testserver/api/v1/trade/shipments/{shipment.pk}/",
        }
        assert entry["supported_values"] == {"quantity": "1250"}

    def test_a_draft_records_citations_are_for_curators_only(self, client, curator):
        draft = f.country(name="Draftland")  # a draft record ...
        hidden = f.published(f.cite(draft))  # ... with a published citation
        shown = f.published(f.cite(f.published(f.country())))
        assert ids(client.get(URL)) == [str(shown.pk)]
        assert client.get(f"{URL}{hidden.pk}/").status_code == 404
        assert client.get(URL, {"record": draft.iso2}).json()["count"] == 0
        exported = b"".join(client.get(URL, {"format": "csv"}).streaming_content).decode()
        assert str(hidden.pk) not in exported and str(shown.pk) in exported
        api = CuratorAPI(client, curator)
        assert sorted(ids(api.get(URL))) == sorted([str(hidden.pk), str(shown.pk)])
        assert api.get(f"{URL}{hidden.pk}/").json()["record"]["id"] == draft.iso2

    def test_a_draft_citation_or_source_is_for_curators_only(self, client, curator):
        country = f.published(f.country())
        draft_citation = f.cite(country)
        with_draft_source = f.published(f.cite(country, src=f.source()))  # its source a draft
        assert ids(client.get(URL)) == []
        api = CuratorAPI(client, curator)
        expected = sorted([str(draft_citation.pk), str(with_draft_source.pk)])
        assert sorted(ids(api.get(URL))) == expected

    def test_filters(self, client):
        country = f.published(f.country(name="Filterland"))
        shipment = f.published(f.shipment(quantity=5, unit="t"))
        source = f.published(f.source())
        by_name = f.published(f.cite(country, supports=["name"], src=source))
        by_quantity = f.published(f.cite(shipment, supports=["quantity"]))
        disputes = f.published(
            f.cite(
                shipment, quote="wheat to Delta", contradicts=["quantity"], stated={"quantity": "7"}
            )
        )

        def listed(**params):
            response = client.get(URL, params)
            assert response.status_code == 200, response.json()
            return sorted(ids(response))

        assert listed(resource="trade.shipment") == sorted([str(by_quantity.pk), str(disputes.pk)])
        assert listed(resource="diplomacy.country") == [str(by_name.pk)]
        assert listed(record=country.iso2) == [str(by_name.pk)]
        assert listed(record=str(shipment.pk), resource="diplomacy.country") == []
        assert listed(source=str(source.pk)) == [str(by_name.pk)]
        assert listed(supports="quantity") == [str(by_quantity.pk)]
        assert listed(stance="contradicts") == [str(disputes.pk)]
        assert listed(stance="supports") == sorted([str(by_name.pk), str(by_quantity.pk)])
        both = client.get(f"{URL}?supports=name&supports=quantity").json()
        assert sorted(r["id"] for r in both["results"]) == sorted(
            [str(by_name.pk), str(by_quantity.pk)]
        )
        assert listed(record="no-such-record") == []

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("resource", "trade.nothing"),
            ("supports", "colour"),
            ("stance", "neutral"),
            ("source", "not-a-uuid"),
            ("record", "x" * 101),
            ("inferred", "maybe"),
        ],
    )
    def test_bad_filter_values_are_400_problems(self, client, name, value):
        response = client.get(URL, {name: value})
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        assert list(response.json()["errors"]) == [name]

    def test_retracted_records_citations_on_request(self, client):
        country = f.published(f.country())
        citation = f.published(f.cite(country))
        country.review_state = ReviewState.RETRACTED
        country.retraction_reason = "Not a country."
        country.save()
        assert ids(client.get(URL)) == []
        assert ids(client.get(URL, {"include_retracted": "true"})) == [str(citation.pk)]
