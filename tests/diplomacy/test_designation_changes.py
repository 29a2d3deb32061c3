"""A designation's dated status changes, each with its evidence: the status follows the latest
published change (by date), is read-only once changes exist, and reads as it stood on a day.

The story (our own text): banned in 2024 (the year only), suspended by a court on 14 March
2025. Read at four days, through the API's detail, list filters, facets, CSV and the evidence
page.
"""

import csv
import io
import json
import re

import pytest
from django.core.exceptions import ValidationError

from config.api.as_of import parse_as_of
from core import services
from core.loading import DatasetError, load_dataset
from diplomacy.models import DesignationChange
from tests import factories as f
from tests.admin.forms import admin_url, form_data
from tests.core.test_rules import (  # noqa: F401 (api: a fixture)
    api,
    citation_fixture,
    snapshot,
    write_fixture,
)

pytestmark = pytest.mark.django_db

TEXT = (
    "The movement was banned in 2024. On 14 March 2025 a court suspended the ban pending an appeal."
)
URL = "/api/v1/diplomacy/designations/"
CHANGES = "/api/v1/diplomacy/designation-changes/"


def cite_and_publish(record, source, quote, supports, curator):
    services.record_save(
        record,
        user=curator,
        cite=[services.CitationInput(source=source, quote=quote, supports=supports)],
    )
    return services.record_publish(record, user=curator)


@pytest.fixture
def story(curator):
    article = f.published(f.source(text=TEXT))
    designation = f.designation(start="2024")
    f.published(designation.organization)
    f.published(designation.jurisdiction)
    f.published(f.cite(designation, quote="banned in 2024", src=article, supports=["status"]))
    f.published(designation)
    banned = DesignationChange(designation=designation, status="in_force", date="2024")
    cite_and_publish(banned, article, "banned in 2024", ["status", "date"], curator)
    suspended = DesignationChange(designation=designation, status="suspended", date="2025-03-14")
    cite_and_publish(
        suspended,
        article,
        "On 14 March 2025 a court suspended the ban",
        ["status", "date"],
        curator,
    )
    designation.refresh_from_db()
    return {"designation": designation, "banned": banned, "suspended": suspended}


def detail(client, designation, **params):
    return client.get(f"{URL}{designation.pk}/", params)


class TestStatusFollowsChanges:
    def test_the_latest_change_by_date_sets_status_and_status_since(self, story, client):
        body = detail(client, story["designation"]).json()
        assert body["status"] == "suspended"
        assert body["status_since"]["value"] == "2025-03-14"
        assert "as_of_uncertain" not in body  # only when as_of is asked for

    def test_retracting_the_latest_change_restores_the_earlier_status(self, story, curator):
        services.record_retract(story["suspended"], reason="Misdated.", user=curator)
        story["designation"].refresh_from_db()
        assert story["designation"].status == "in_force"
        assert story["designation"].status_since == "2024"

    def test_changes_are_a_resource_of_their_own(self, story, client):
        body = client.get(CHANGES, {"designation": str(story["designation"].pk)}).json()
        assert [c["status"] for c in body["results"]] == ["in_force", "suspended"] or [
            c["status"] for c in body["results"]
        ] == ["suspended", "in_force"]
        assert all(c["citations"] for c in body["results"])

    def test_a_change_needs_its_date(self, story, curator):
        change = DesignationChange(designation=story["designation"], status="removed")
        with pytest.raises(ValidationError, match="needs its date"):
            services.record_save(change, user=curator)


@pytest.mark.parametrize(
    ("day", "status", "uncertain"),
    [
        ("2024-06-01", "in_force", True),  # inside "2024": banned by then? not known
        ("2025-01-15", "in_force", False),
        ("2025-03", "suspended", False),  # the month's last day
        ("2025-06-01", "suspended", False),
    ],
)
class TestReadAtADay:
    def test_detail(self, story, client, day, status, uncertain):
        body = detail(client, story["designation"], as_of=day).json()
        assert (body["status"], body["as_of_uncertain"]) == (status, uncertain)

    def test_list_filter_and_facet(self, story, client, day, status, uncertain):
        other = "suspended" if status == "in_force" else "in_force"
        found = client.get(URL, {"as_of": day, "status": status, "facet": "status"}).json()
        assert [r["id"] for r in found["results"]] == [str(story["designation"].pk)]
        assert [(b["value"], b["count"]) for b in found["facets"]["status"]] == [(status, 1)]
        assert client.get(URL, {"as_of": day, "status": other}).json()["count"] == 0

    def test_csv_and_ndjson(self, story, client, day, status, uncertain):
        response = client.get(URL, {"as_of": day, "format": "csv"})
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert [row["status"] for row in rows] == [status]
        response = client.get(URL, {"as_of": day, "format": "ndjson"})
        lines = b"".join(response.streaming_content).decode().splitlines()
        assert [json.loads(line)["status"] for line in lines] == [status]


class TestBeforeItBegan:
    def test_absent_before_its_first_change(self, story, client):
        assert client.get(URL, {"as_of": "2023-12-31"}).json()["count"] == 0
        assert detail(client, story["designation"], as_of="2023").status_code == 404
        assert client.get(CHANGES, {"as_of": "2024-12-31"}).json()["count"] == 1


class TestEvidencePage:
    def test_shows_the_dated_changes(self, story, client):
        page = client.get(f"/evidence/diplomacy/designations/{story['designation'].pk}/")
        text = re.sub(r"<[^>]+>", "", page.content.decode())
        assert "Dated changes" in text
        assert text.index("2024: in force") < text.index("2025-03-14: suspended")


class TestTheLoaderRecordsAChange:
    def test_a_loaded_change_sets_the_status_once_published(self, story, tmp_path):
        designation = story["designation"]
        later = "In September 2025 the ban was lifted on appeal."
        source = f.published(f.source(text=later))
        change = {
            "model": "diplomacy.designationchange",
            "pk": "0f0f0f0f-0000-4000-8000-00000000c4a1",
            "fields": {
                "designation": str(designation.pk),
                "status": "removed",
                "date": "2025-09",
                "description": "Lifted on appeal.",
                "review_state": "draft",
            },
        }
        load_dataset(write_fixture(tmp_path, [change]))
        designation.refresh_from_db()
        assert designation.status == "suspended"  # a draft change sets nothing
        change["fields"]["review_state"] = "published"
        citation = citation_fixture(
            DesignationChange(pk=change["pk"]),
            source,
            quote=later,
            start=0,
            supports=["status", "date"],
        )
        load_dataset(write_fixture(tmp_path, [change, citation]))
        designation.refresh_from_db()
        assert (designation.status, designation.status_since) == ("removed", "2025-09")


class TestStatusIsReadOnlyOnceChangesExist:
    def test_service(self, story, curator):
        designation = story["designation"]
        designation.status = "removed"
        before = snapshot()
        with pytest.raises(ValidationError, match="set by the designation's dated changes"):
            services.record_save(designation, user=curator)
        assert snapshot() == before

    def test_api(self, story, api):  # noqa: F811
        url = f"{URL}{story['designation'].pk}/"
        before = snapshot()
        response = api.patch(url, {"status": "removed"})
        assert response.status_code == 400
        assert "Record a new change" in str(response.json())
        assert snapshot() == before

    def test_admin(self, story, curator_client):
        designation = story["designation"]
        page = curator_client.get(admin_url(designation, "change"))
        assert "status" not in page.context["adminform"].form.fields  # shown, not editable
        data = form_data(page)
        data["status"] = "removed"  # sent anyway: ignored, as the form has no such field
        curator_client.post(admin_url(designation, "change"), data)
        designation.refresh_from_db()
        assert designation.status == "suspended"

    def test_admin_form_validation_refuses_it(self, story):
        # What the admin's model form runs (full_clean) refuses it too.
        designation = story["designation"]
        designation.status = "removed"
        with pytest.raises(ValidationError, match="set by the designation's dated changes"):
            designation.full_clean()

    def test_loader(self, story, tmp_path):
        designation = story["designation"]
        fields = {
            "organization": [designation.organization.slug],
            "jurisdiction": [designation.jurisdiction.iso2],
            "kind": designation.kind,
            "status": "removed",
            "start": "2024",
            "review_state": "published",
        }
        path = write_fixture(
            tmp_path,
            [{"model": "diplomacy.designation", "pk": str(designation.pk), "fields": fields}],
        )
        before = snapshot()
        with pytest.raises(DatasetError, match="set by the designation's dated changes"):
            load_dataset(path)
        assert snapshot() == before

    def test_without_changes_the_status_stays_editable(self, curator):
        designation = f.designation()
        designation.status = "removed"
        services.record_save(designation, user=curator)
        designation.refresh_from_db()
        assert designation.status == "removed"


@pytest.mark.parametrize(
    ("day", "status", "uncertain"),
    [
        ("2024-06-01", "in_force", True),
        ("2025-01-15", "in_force", False),
        ("2025-03", "suspended", False),
        ("2025-06-01", "suspended", False),
    ],
)
class TestReadAtADayBeyondJson:
    """The same four days through what is not the JSON detail: the exports' uncertainty
    column and the evidence page."""

    def test_exports_say_whether_the_day_is_uncertain(self, story, client, day, status, uncertain):
        response = client.get(URL, {"as_of": day, "format": "csv"})
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert [(r["status"], r["as_of_uncertain"]) for r in rows] == [
            (status, "true" if uncertain else "false")
        ]
        response = client.get(URL, {"as_of": day, "format": "ndjson"})
        lines = b"".join(response.streaming_content).decode().splitlines()
        assert [json.loads(line)["as_of_uncertain"] for line in lines] == [uncertain]

    def test_evidence_page(self, story, client, day, status, uncertain):
        page = client.get(
            f"/evidence/diplomacy/designations/{story['designation'].pk}/", {"as_of": day}
        )
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page.content.decode()))
        assert f"As it stood on {parse_as_of(day)}" in text
        assert ("Uncertain on that day" in text) is uncertain
        shown = {"in_force": "in force", "suspended": "suspended"}[status]
        assert re.search(rf"Status {shown}\b", text, re.IGNORECASE), text[:2000]
        # The dated changes up to that day, and not the later one.
        assert ("2025-03-14: suspended" in text) is (status == "suspended")


class TestEvidencePageAsOfRefusals:
    def test_a_bad_day_is_a_problem(self, story, client):
        page = f"/evidence/diplomacy/designations/{story['designation'].pk}/"
        response = client.get(page, {"as_of": "2025-13"})
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        assert "as_of" in response.json()["errors"]

    def test_before_it_began_there_is_no_page(self, story, client):
        page = f"/evidence/diplomacy/designations/{story['designation'].pk}/"
        assert client.get(page, {"as_of": "2023"}).status_code == 404

    def test_without_as_of_no_banner(self, story, client):
        page = client.get(f"/evidence/diplomacy/designations/{story['designation'].pk}/")
        assert "As it stood on" not in page.content.decode()
