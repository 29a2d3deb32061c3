"""Evidence in the exports: NDJSON lines hold the citations as JSON does, CSV rows count
them and link their list, many-to-many fields are columns, and exports take (or refuse)
``limit`` and ``cursor`` and carry an ETag."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.api.case import CuratorAPI

pytestmark = pytest.mark.django_db

SHIPMENTS = "/api/v1/trade/shipments/"
DECISIONS = "/api/v1/diplomacy/policy-decisions/"


def body(response) -> str:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content).decode()


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body(response), newline="")))


def ndjson(response) -> list[dict]:
    return [json.loads(line) for line in body(response).splitlines()]


def shipment(citations: int = 1, **kw):
    record = f.shipment(**kw)
    for i in range(citations):
        quote = ("Gamma exported wheat", "wheat to Delta", "Delta")[i]
        f.published(f.cite(record, quote=quote))
    return f.published(record)


def test_ndjson_lines_hold_the_citations_of_the_json(client, curator):
    cited_twice, once = shipment(2), shipment(1)
    draft_citation = f.cite(once, quote="wheat to Delta")  # for curators only
    for reader in (client, CuratorAPI(client, curator)):
        pages = reader.get(f"{SHIPMENTS}?limit=1000").json()["results"]
        lines = ndjson(reader.get(f"{SHIPMENTS}?format=ndjson"))
        assert {r["id"]: r["citations"] for r in lines} == {r["id"]: r["citations"] for r in pages}
    public = {r["id"]: r for r in ndjson(client.get(SHIPMENTS, {"format": "ndjson"}))}
    assert len(public[str(cited_twice.pk)]["citations"]) == 2
    assert [c["id"] for c in public[str(once.pk)]["citations"]] != [str(draft_citation.pk)]
    assert str(draft_citation.pk) not in json.dumps(public)
    source = public[str(once.pk)]["citations"][0]["source"]
    assert set(source) == {"id", "name", "url"}


def test_csv_rows_count_the_citations_and_link_their_list(client, curator):
    twice, once = shipment(2), shipment(1)
    f.cite(once, quote="wheat to Delta")  # a draft: counted for curators only
    rows = {r["id"]: r for r in csv_rows(client.get(SHIPMENTS, {"format": "csv"}))}
    assert (rows[str(twice.pk)]["citations"], rows[str(once.pk)]["citations"]) == ("2", "1")
    link = rows[str(once.pk)]["citations_url"]
    assert link == (f"http://testserver/api/v1/citations/?resource=trade.shipment&record={once.pk}")
    listed = client.get(link).json()
    assert listed["count"] == 1
    assert {c["record"]["id"] for c in listed["results"]} == {str(once.pk)}
    curators = CuratorAPI(client, curator).get(f"{SHIPMENTS}?format=csv")
    as_curator = {r["id"]: r for r in csv_rows(curators)}
    assert as_curator[str(once.pk)]["citations"] == "2"


def test_a_country_link_uses_its_public_id(client):
    country = f.published(f.country(iso2="QX", name="Linkland"))
    f.published(f.cite(country))
    rows = {
        r["id"]: r for r in csv_rows(client.get("/api/v1/diplomacy/countries/", {"format": "csv"}))
    }
    link = rows["QX"]["citations_url"]
    assert link.endswith("?resource=diplomacy.country&record=QX")
    assert client.get(link).json()["count"] == 1


def test_many_to_many_fields_are_joined_in_csv_and_lists_in_ndjson(client):
    first, second = f.published(f.country(iso2="QA")), f.published(f.country(iso2="QB"))
    hidden = f.country(iso2="QC")  # a draft: never named to the public
    decision = f.decision()
    decision.countries.set([second, first, hidden])
    f.published(f.cite(decision))
    f.published(decision)
    row = next(
        r for r in csv_rows(client.get(DECISIONS, {"format": "csv"})) if r["id"] == str(decision.pk)
    )
    assert row["countries"] == "QA;QB"
    line = next(
        r
        for r in ndjson(client.get(DECISIONS, {"format": "ndjson"}))
        if r["id"] == str(decision.pk)
    )
    assert line["countries"] == ["QA", "QB"]
    # fields= selects them as any column.
    narrow = csv_rows(client.get(DECISIONS, {"format": "csv", "fields": "id,countries,citations"}))
    assert list(narrow[0]) == ["id", "countries", "citations"]


def test_exports_take_limit_and_cursor_as_json_does(client):
    for _ in range(5):
        shipment()
    everything = [r["id"] for r in client.get(SHIPMENTS, {"limit": 1000}).json()["results"]]
    page = client.get(SHIPMENTS, {"limit": 2}).json()
    cursor = page["next"].split("cursor=")[1].split("&")[0]
    for fmt in ("csv", "ndjson"):
        limited = client.get(SHIPMENTS, {"format": fmt, "limit": 2})
        rows = csv_rows(limited) if fmt == "csv" else ndjson(limited)
        assert [r["id"] for r in rows] == everything[:2]
        after = client.get(SHIPMENTS, {"format": fmt, "cursor": cursor})
        rows = csv_rows(after) if fmt == "csv" else ndjson(after)
        assert [r["id"] for r in rows] == everything[2:]


@pytest.mark.parametrize("fmt", ["csv", "ndjson"])
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("limit", "0"),
        ("limit", "-1"),
        ("limit", "abc"),
        ("limit", "1001"),
        ("limit", "99999999999999999999"),
        ("cursor", "garbage"),
        ("cursor", "eyJ2IjpbIngiXSwiYiI6MH0"),  # a cursor of another list
    ],
)
def test_bad_limit_and_cursor_on_an_export_are_400_problems(client, fmt, name, value):
    shipment()
    response = client.get(SHIPMENTS, {"format": fmt, name: value})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == [name]


def test_a_previous_page_cursor_is_refused_on_an_export(client):
    for _ in range(3):
        shipment()
    page = client.get(SHIPMENTS, {"limit": 1}).json()
    second = client.get(page["next"]).json()
    back = second["previous"].split("cursor=")[1].split("&")[0]
    response = client.get(SHIPMENTS, {"format": "csv", "cursor": back})
    assert response.status_code == 400
    assert "forward" in response.json()["errors"]["cursor"][0]


def test_exports_carry_an_etag_and_answer_304(client):
    def etag(**params) -> str:
        response = client.get(SHIPMENTS, params)
        body(response)  # read to the end, as a client does (PostgreSQL's COPY holds on)
        return response["ETag"]

    shipment()
    tag = etag(format="csv")
    assert tag
    again = client.get(SHIPMENTS, {"format": "csv"}, HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304
    ndjson_tag = etag(format="ndjson")
    assert ndjson_tag and ndjson_tag != tag  # another representation, another tag
    assert etag(format="csv", limit=1) != tag
    shipment()  # the data moved on: so does the tag
    assert etag(format="csv") != tag


@pytest.mark.parametrize("fmt", ["csv", "ndjson"])
def test_an_export_runs_the_same_queries_for_n_and_2n_rows(client, fmt):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            body(client.get(DECISIONS, {"format": fmt}))
        return len(queries)

    def decision():
        record = f.decision()
        record.countries.set([f.published(f.country())])
        f.published(f.cite(record))
        f.published(record)

    for _ in range(3):
        decision()
    small = count()
    for _ in range(3):
        decision()
    assert count() == small
