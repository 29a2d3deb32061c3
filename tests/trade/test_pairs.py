"""The country pair: ``/evidence/pairs/RU-AF/`` and ``/api/v1/pairs/RU-AF/``."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from trade.models import Shipment

pytestmark = pytest.mark.django_db


def test_pair_json_holds_the_seed_timeline(client, seed):
    body = client.get("/api/v1/pairs/RU-AF/").json()

    kinds = [item["kind"] for item in body["items"]]
    names = {item["record"]["name"] for item in body["items"]}
    assert [c["id"] for c in body["countries"]] == ["RU", "AF"]
    assert kinds.count("shipment") == 4
    assert {"Flour RU→AF", "Wheat RU→AF", "Fuel RU→AF", "Lubricants RU→AF"} <= names
    assert "Possible removal of the Taliban from Russia’s list of banned organizations" in names
    assert kinds.count("designation") == 1
    assert all(item["evidence"] for item in body["items"])
    quote = body["items"][0]["evidence"][0]
    assert quote["quote"] and quote["context_before"] and quote["source"]["evidence_url"]
    assert body["evidence_url"] == "http://testserver/evidence/pairs/RU-AF/"


def test_pair_page_shows_the_same_records(client, seed):
    html = client.get("/evidence/pairs/ru-af/").content.decode()

    assert html.count('class="item item-shipment"') == 4
    assert "Possible removal of the Taliban" in html
    assert "Taliban banned in" in html


def test_pair_is_the_same_in_either_order(client, seed):
    forward = client.get("/api/v1/pairs/RU-AF/").json()["items"]
    backward = client.get("/api/v1/pairs/AF-RU/").json()["items"]

    assert [i["record"]["id"] for i in forward] == [i["record"]["id"] for i in backward]


def test_unknown_or_equal_countries_are_not_found(client, seed):
    assert client.get("/api/v1/pairs/RU-XX/").status_code == 404
    assert client.get("/api/v1/pairs/RU-RU/").status_code == 404
    assert client.get("/evidence/pairs/RU-XX/").status_code == 404


def test_drafts_stay_out_of_the_public_pair(client):
    a, b = f.published(f.country("QA")), f.published(f.country("QB"))
    f.shipment(exporter=a, importer=b)

    assert client.get("/api/v1/pairs/QA-QB/").json()["items"] == []


def test_pair_reads_a_fixed_number_of_queries(client):
    a, b = f.published(f.country("QA")), f.published(f.country("QB"))
    src = f.published(f.source())

    def count(n):
        for _ in range(n):
            s = f.published(f.shipment(exporter=a, importer=b))
            f.published(f.cite(s, src=src, supports=["exporter"]))
            st = f.published(f.statement(speaker_country=a))
            st.about_countries.set([b])
            f.published(f.cite(st, src=src))
            d = f.published(f.decision())
            d.countries.set([a, b])
            f.published(f.cite(d, src=src))
        with CaptureQueriesContext(connection) as queries:
            body = client.get("/api/v1/pairs/QA-QB/").json()
        assert len(body["items"]) == 3 * Shipment.objects.count()
        return len(queries)

    assert count(2) == count(2)  # 2 of each, then 4
