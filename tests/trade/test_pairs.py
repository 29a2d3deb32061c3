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
    # The seed's article gives no date, nor do its records: every item is honestly undated.
    assert {(i["date"], i["date_basis"], i["date_label"]) for i in body["items"]} == {
        (None, "undated", "undated")
    }
    assert all(i["summary"] for i in body["items"])
    quote = body["items"][0]["evidence"][0]
    assert quote["quote"] and quote["context_before"] and quote["source"]["evidence_url"]
    assert body["evidence_url"] == "http://testserver/evidence/pairs/RU-AF/"


def test_pair_page_shows_the_same_records(client, seed):
    html = client.get("/evidence/pairs/ru-af/").content.decode()

    assert html.count('class="item item-shipment"') == 4
    assert html.count("<details>") == html.count('<li class="item ')  # evidence folded
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
            c = f.published(f.commitment(supplier=a, recipient=b, start="2025"))
            f.published(f.cite(c, src=src))
        with CaptureQueriesContext(connection) as queries:
            body = client.get("/api/v1/pairs/QA-QB/").json()
            client.get("/evidence/pairs/QA-QB/")  # the page and its chart too
        assert len(body["items"]) == 4 * Shipment.objects.count()
        return len(queries)

    assert count(2) == count(2)  # 2 of each, then 4


# --- dates, order and windows -------------------------------------------------------------------


def cited(record, src):
    f.published(f.cite(record, src=src))
    return f.published(record)


@pytest.fixture
def dated(db):
    """A pair whose records are dated to the day, the month, the year, by their source's
    date, and not at all."""
    a, b = f.published(f.country("QA")), f.published(f.country("QB"))
    src = f.published(f.source())
    wire = f.published(f.source(published="2024-11-20"))
    records = {
        "day": cited(f.shipment(exporter=a, importer=b, period="2025-06-15"), src),
        "month": cited(f.commitment(supplier=a, recipient=b, start="2025-03", end="2026"), src),
        "year": cited(f.statement(speaker_country=a, date="2024"), src),
        "reported": cited(f.shipment(exporter=b, importer=a), wire),
        "undated": cited(f.shipment(exporter=a, importer=b, period_note="Some time."), src),
    }
    records["year"].about_countries.set([b])
    return records


def timeline(client, **params):
    response = client.get("/api/v1/pairs/QA-QB/", params)
    assert response.status_code == 200, response.content
    return response.json()["items"]


def keys(items) -> list:
    return [(i["date"], i["precision"], i["date_basis"]) for i in items]


def test_items_are_placed_by_their_dates_and_undated_ones_come_last(client, dated):
    items = timeline(client)
    assert keys(items) == [
        ("2024-01-01", "year", "record"),
        ("2024-11-20", "day", "reported"),
        ("2025-03-01", "month", "record"),
        ("2025-06-15", "day", "record"),
        (None, "unknown", "undated"),
    ]
    assert [i["record"]["id"] for i in items] == [
        str(dated[name].pk) for name in ("year", "reported", "month", "day", "undated")
    ]
    assert items[1]["date_label"] == "reported 2024-11-20"
    assert (items[-1]["date_label"], items[-1]["date_note"]) == ("undated", "Some time.")
    assert items[2]["latest"] == "2025-03-31"


def test_from_and_to_keep_what_may_fall_between_them(client, dated):
    # The year 2024 may reach into 2024-11: it stays. Undated records cannot be placed.
    items = timeline(client, **{"from": "2024-11", "to": "2025-03"})
    assert keys(items) == [
        ("2024-01-01", "year", "record"),
        ("2024-11-20", "day", "reported"),
        ("2025-03-01", "month", "record"),
    ]
    assert [i["uncertain"] for i in items] == [True, False, False]
    assert keys(timeline(client, **{"from": "2025-04-01"})) == [("2025-06-15", "day", "record")]


def test_as_of_keeps_what_had_begun(client, dated):
    items = timeline(client, as_of="2024-12-31")
    assert keys(items) == [
        ("2024-01-01", "year", "record"),
        ("2024-11-20", "day", "reported"),
        (None, "unknown", "undated"),
    ]
    # 2024-06-30 lies inside "2024": the statement may have come before or after it.
    items = timeline(client, as_of="2024-06-30")
    assert [(i["date"], i["uncertain"]) for i in items] == [("2024-01-01", True), (None, True)]
    assert len(timeline(client, as_of="2025-03")) == 4  # a month stands for its last day


def test_as_of_reads_a_decision_at_its_stage_then(client):
    a, b = f.published(f.country("QA")), f.published(f.country("QB"))
    decision = cited(f.decision(title="Delisting"), f.published(f.source()))
    decision.countries.set([a, b])
    f.published(f.stage(decision=decision, status="under_consideration", date="2024-02"))
    f.published(f.stage(decision=decision, status="decided", date="2025-05-02"))
    [now] = timeline(client)
    [then] = timeline(client, as_of="2024-12")
    assert now["date"] == then["date"] == "2024-02-01"
    assert (now["summary"], then["summary"]) == ("Decided", "Under consideration")


def test_statements_join_through_their_speakers_positions_and_decisions(client):
    a, b = f.published(f.country("QA")), f.published(f.country("QB"))
    src = f.published(f.source())
    envoy = f.published(f.official())
    post = f.published(f.position(country=a, posted_to=b))
    f.published(f.tenure(position=post, official=envoy))
    by_envoy = cited(f.statement(speaker=envoy, summary="The envoy spoke."), src)
    decision = cited(f.decision(), src)
    decision.countries.set([a, b])
    on_decision = cited(f.statement(speaker=f.published(f.official())), src)
    on_decision.about_decisions.set([decision])
    # A draft tenure links nothing for the public.
    hidden = f.published(f.official())
    f.tenure(position=post, official=hidden)
    unlinked = cited(f.statement(speaker=hidden), src)
    ids = {i["record"]["id"] for i in timeline(client) if i["kind"] == "statement"}
    assert ids == {str(by_envoy.pk), str(on_decision.pk)}
    assert str(unlinked.pk) not in ids


@pytest.mark.parametrize(
    "params, errors",
    [
        ({"as_of": "yesterday"}, {"as_of"}),
        ({"from": "2025-13"}, {"from"}),
        ({"to": "2025-02-30"}, {"to"}),
        ({"from": "2025", "to": "2024"}, {"to"}),
        ({"as_of": ""}, {"as_of"}),
        ({"colour": "red"}, {"colour"}),
    ],
)
def test_bad_dates_are_a_400_problem(client, dated, params, errors):
    for url in ("/api/v1/pairs/QA-QB/", "/evidence/pairs/QA-QB/"):
        if url.startswith("/evidence") and "colour" in params:
            continue  # the page ignores what it does not read, as pages do
        response = client.get(url, params)
        assert response.status_code == 400, (url, params)
        assert response["Content-Type"] == "application/problem+json"
        assert set(response.json()["errors"]) == errors


def test_the_page_reads_one_line_per_item_and_charts_the_flows(client, dated):
    html = client.get("/evidence/pairs/QA-QB/", {"to": "2025-12"}).content.decode()
    assert html.count("<summary>") == 4
    assert (
        '<time datetime="2025-03-01">2025-03</time> <span class="precision">(month)</span>' in html
    )
    assert html.count('class="bar-commitment"') == 1 and html.count('class="bar-shipment"') == 2
    svg = html.split("<svg", 1)[1].split("</svg>")[0]
    assert "<script" not in html and "http" not in svg and "src=" not in svg  # nothing fetched
    assert 'href="/api/v1/pairs/QA-QB/?to=2025-12"' in html
    assert "Only records dated on or before 2025-12; undated records are left out." in html


def test_a_designations_dated_changes_are_items_of_the_pair(client):
    a, b = f.published(f.country("QA")), f.published(f.country("QB"))
    src = f.published(f.source())
    banned = cited(f.designation(jurisdiction=a, organization=f.organization(country=b)), src)
    f.published(banned.organization)
    cited(f.designation_change(designation=banned, status="in_force", date="2024"), src)
    cited(f.designation_change(designation=banned, status="suspended", date="2025-03-14"), src)
    cited(f.designation_change(designation=banned, status="removed", date="2026-01"), src)

    items = [i for i in timeline(client) if i["kind"] == "designation_change"]
    assert [(i["date"], i["precision"], i["summary"]) for i in items] == [
        ("2024-01-01", "year", "In force"),
        ("2025-03-14", "day", "Suspended"),
        ("2026-01-01", "month", "Removed"),
    ]
    assert [
        i["summary"] for i in timeline(client, as_of="2025-06") if i["kind"] == "designation_change"
    ] == [
        "In force",
        "Suspended",
    ]
    assert "item-designation_change" in client.get("/evidence/pairs/QA-QB/").content.decode()
