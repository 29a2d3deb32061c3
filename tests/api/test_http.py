"""HTTP behaviour shared by every endpoint: errors, throttling, CORS, docs."""

import pytest
from django.test import RequestFactory, override_settings
from rest_framework.views import APIView

from config.api import errors
from tests.caches import clear_caches

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def assert_problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status
    return body


def test_unknown_address_is_a_problem(client):
    body = assert_problem(client.get("/api/v1/trade/nothing-here/"), 404)
    assert body["instance"] == "/api/v1/trade/nothing-here/"


def test_method_not_allowed_is_a_problem(client, admin_user):
    from knox.models import AuthToken

    _, token = AuthToken.objects.create(admin_user)
    response = client.delete("/api/v1/trade/shipments/", HTTP_AUTHORIZATION=f"Token {token}")
    assert_problem(response, 405)


def test_not_acceptable_is_a_problem(client):
    assert_problem(client.get("/api/v1/trade/shipments/", HTTP_ACCEPT="application/xml"), 406)


def test_bad_format_is_a_400_not_a_404(client):
    body = assert_problem(client.get("/api/v1/trade/shipments/", {"format": "xml"}), 400)
    assert body["errors"] == {"format": ["One of json, csv, ndjson."]}


def test_export_formats_are_for_lists_only(client, seed):
    body = assert_problem(client.get("/api/v1/diplomacy/countries/RU/", {"format": "csv"}), 400)
    assert body["errors"] == {"format": ["csv is for lists; a record is served as json."]}


def test_page_size_is_capped(client):
    body = assert_problem(client.get("/api/v1/trade/shipments/", {"limit": 1001}), 400)
    assert body["errors"] == {"limit": ["A whole number from 1 to 1000; got '1001'."]}


def test_server_error_is_a_problem():
    request = RequestFactory().get("/api/v1/trade/shipments/")
    response = errors.exception_handler(RuntimeError("boom"), {"request": request})
    assert response.status_code == 500
    assert response.data["detail"] == "The server failed to answer; the error was logged."
    django_level = errors.server_error(request)
    assert django_level.status_code == 500
    assert django_level["Content-Type"] == "application/problem+json"


def test_anonymous_clients_are_throttled(client):
    clear_caches()
    with override_settings(API_ANON_RATE="3/minute"):
        statuses = [client.get("/api/v1/trade/commodities/").status_code for _ in range(4)]
        response = client.get("/api/v1/trade/commodities/")
    clear_caches()
    assert statuses == [200, 200, 200, 429]
    assert_problem(response, 429)
    assert int(response["Retry-After"]) > 0


def test_cors_is_open_for_reads_without_credentials(client):
    response = client.get("/api/v1/trade/commodities/", HTTP_ORIGIN="https://news.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "Link" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/api/v1/trade/commodities/",
        HTTP_ORIGIN="https://news.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="DELETE",
    )
    assert "DELETE" not in preflight.get("Access-Control-Allow-Methods", "")


def test_docs_are_served_without_a_cdn(client):
    for url in ("/api/v1/docs/", "/api/v1/redoc/"):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200


def test_api_root_lists_every_resource(client):
    body = client.get("/api/v1/").json()
    assert body.pop("licence")["id"] == "CC-BY-4.0"
    assert set(body) == {
        "diplomacy/countries",
        "diplomacy/organizations",
        "diplomacy/officials",
        "diplomacy/positions",
        "diplomacy/tenures",
        "diplomacy/decision-stages",
        "diplomacy/designations",
        "diplomacy/designation-changes",
        "diplomacy/policy-decisions",
        "diplomacy/statements",
        "diplomacy/sources",
        "trade/commodities",
        "trade/shipments",
        "trade/commitments",
        "changes",
        "citations",
        "releases",
        "evidence",
        "pairs",
    }


def test_unhandled_view_errors_roll_back_and_answer_500():
    class Broken(APIView):
        permission_classes = []

        def get(self, request):
            raise ValueError("bug")

    response = Broken.as_view()(RequestFactory().get("/api/v1/broken/"))
    assert response.status_code == 500
    assert response.data["status"] == 500


def test_format_wins_over_accept(client, seed):
    # Generated clients send Accept: application/json on every call, ?format=csv included.
    response = client.get(
        "/api/v1/trade/shipments/", {"format": "csv"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert b"".join(response.streaming_content).startswith(b"id,")
    response = client.get("/api/v1/trade/shipments/", {"format": "json"}, HTTP_ACCEPT="text/csv")
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/pairs/RU-AF/"])
def test_every_public_read_may_be_cached_a_minute(client, seed, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60, s-maxage=60"
    assert "Accept" in response["Vary"]
    assert client.get(path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
