""" "View in API" links: to the record's endpoint, or its parent's; nothing while none exists."""

import pytest

from core.models import Citation
from core.services import record_publish
from diplomacy.models import DecisionStage, Official, Tenure
from tests import factories as f

from .forms import admin_url

pytestmark = pytest.mark.django_db


def link(path: str) -> str:
    return f'<a href="{path}">View in API</a>'


def tool(path: str) -> str:
    return f'<a href="{path}" class="viewsitelink">View in API</a>'


def test_list_and_change_form_link_to_the_record_in_the_api(curator_client, curator, client):
    official = f.official(slug="ada-quill")
    f.cite(official)
    record_publish(official, user=curator)
    url = "/api/v1/diplomacy/officials/ada-quill/"

    listed = curator_client.get(admin_url(Official, "changelist")).content.decode()
    changed = curator_client.get(admin_url(official, "change")).content.decode()

    assert link(url) in listed
    assert tool(url) in changed
    assert client.get(url).status_code == 200  # the link leads to the public record


def test_records_without_an_endpoint_link_to_their_parent(curator_client):
    tenure = f.tenure(position=f.position(slug="envoy"))
    stage = f.stage()
    citation = f.cite(f.official(slug="cited"))
    expected = {
        Tenure: (tenure, "/api/v1/diplomacy/positions/envoy/"),
        DecisionStage: (stage, f"/api/v1/diplomacy/policy-decisions/{stage.decision_id}/"),
        Citation: (citation, "/api/v1/diplomacy/officials/cited/"),
    }
    for model, (record, url) in expected.items():
        assert link(url) in curator_client.get(admin_url(model, "changelist")).content.decode()
        assert tool(url) in curator_client.get(admin_url(record, "change")).content.decode()


@pytest.mark.urls("tests.admin.urls_without_api")
def test_no_link_while_the_api_has_no_such_endpoint(curator_client):
    official = f.official(slug="ada-quill")

    listed = curator_client.get(admin_url(Official, "changelist"))
    changed = curator_client.get(admin_url(official, "change"))

    assert (listed.status_code, changed.status_code) == (200, 200)
    assert "View in API" not in listed.content.decode() + changed.content.decode()
