"""The generic API test case: each resource subclasses it with a few attributes.

A subclass sets ``model``, ``url`` (the list address) and ``make()``, which builds one
published, cited record with every relation filled in. It inherits the checks every
resource must pass: list, detail, 404, visibility, every declared filter, unknown and bad
parameters, ordering, ``fields``/``brief``, CSV and NDJSON, 304, pagination, and a query
count that does not grow with the number of rows.
"""

import csv
import datetime
import decimal
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from config.api.exports import export_columns
from config.api.filters import public_id_field
from core.models import CitableModel, PublicModel, ReviewState
from tests import factories as f

EXPECT_INCLUDED = {"", "ie", "ic", "isw", "iew", "gte", "lte"}
EXPECT_EXCLUDED = {"n", "nic", "gt", "lt"}


def public_id(obj) -> str:
    return str(getattr(obj, public_id_field(type(obj))))


def ids(response) -> list[str]:
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.django_db
class APIResourceTest:
    model = None
    url = ""
    #: Fields present in a detail response, in order (the exact key set is asserted).
    fields: tuple[str, ...] = ()
    #: Models whose records appear nested in this resource and have no endpoint of their own.
    covers: tuple = ()

    def make(self):
        raise NotImplementedError

    def make_published(self):
        record = self.make()
        if issubclass(self.model, CitableModel):
            if not record.citations.exists():
                f.cite(record)
            for citation in record.citations.all():
                f.published(citation.source)
                f.published(citation)
        return f.published(record)

    @property
    def viewset(self):
        return resolve(self.url).func.cls

    def detail_url(self, obj) -> str:
        return f"{self.url}{public_id(obj)}/"

    def get(self, client, url, **params):
        return client.get(url, params, HTTP_HOST="testserver")

    # --- list, detail, visibility -------------------------------------------------

    def test_list_and_detail(self, client):
        record = self.make_published()
        listing = self.get(client, self.url)
        assert listing.status_code == 200
        assert public_id(record) in ids(listing)
        detail = self.get(client, self.detail_url(record))
        assert detail.status_code == 200
        body = detail.json()
        assert body["id"] == public_id(record)
        assert body["url"] == f"http://testserver{self.detail_url(record)}"
        if self.fields:
            assert tuple(body) == self.fields
        if issubclass(self.model, CitableModel):
            quotes = [c["quote"] for c in body["citations"]]
            assert quotes == [c.quote for c in record.citations.all()]

    def test_unknown_record_is_a_404_problem(self, client):
        response = self.get(client, f"{self.url}no-such-record/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 404

    def test_drafts_are_hidden_and_retractions_shown_on_request(self, client):
        published = self.make_published()
        draft = self.make()
        retracted = self.make_published()
        retracted.review_state = ReviewState.RETRACTED
        retracted.retraction_reason = "The source was misread."
        retracted.save()
        listed = ids(self.get(client, self.url, limit=1000))
        assert public_id(published) in listed
        assert public_id(draft) not in listed
        assert public_id(retracted) not in listed
        assert self.get(client, self.detail_url(draft)).status_code == 404
        with_retracted = self.get(client, self.url, limit=1000, include_retracted="true")
        rows = {row["id"]: row for row in with_retracted.json()["results"]}
        assert rows[public_id(retracted)]["review_state"] == "retracted"
        assert rows[public_id(retracted)]["retraction_reason"] == "The source was misread."
        assert public_id(draft) not in rows

    # --- filters ------------------------------------------------------------------

    def filter_value(self, obj, name: str):
        """A value of ``name`` that ``obj`` has, as a client would send it."""
        if name == "id":
            return public_id(obj)
        if name == "source":
            citation = obj.citations.first()
            return str(citation.source_id) if citation else None
        if name == "name_or_alias":
            return (obj.aliases or [obj.name])[-1]
        field = self.model._meta.get_field(name)
        if field.many_to_many:
            related = getattr(obj, name).first()
            return public_id(related) if related else None
        if field.is_relation:
            related = getattr(obj, name)
            return public_id(related) if related else None
        value = getattr(obj, name)
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, datetime.datetime):
            return value.isoformat()
        if isinstance(value, datetime.date | decimal.Decimal):
            return str(value)
        return str(value)

    def test_every_declared_filter(self, client):
        record = self.make_published()
        filterset = self.viewset.filterset_class
        checked = 0
        for param in filterset.base_filters:
            base, _, suffix = param.partition("__")
            value = self.filter_value(record, base)
            if value is None:
                response = self.get(client, self.url, limit=1000)
                assert response.status_code == 200, param
                continue
            if suffix in ("ic", "nic"):
                value = value[1:-1] or value
            elif suffix == "isw":
                value = value[:3]
            elif suffix == "iew":
                value = value[-3:]
            elif suffix == "ie" and (value.isascii() or connection.vendor != "sqlite"):
                # SQLite folds case for ASCII letters only; PostgreSQL for every script.
                value = value.swapcase()
            response = self.get(client, self.url, **{param: value, "limit": 1000})
            assert response.status_code == 200, (param, value, response.content)
            found = public_id(record) in ids(response)
            if suffix in EXPECT_EXCLUDED:
                assert not found, f"?{param}={value} should exclude the record"
            else:
                assert found, f"?{param}={value} should include the record"
            checked += 1
        assert checked >= 3, "the resource's filters were hardly exercised"

    def test_repeated_parameter_means_or(self, client):
        first, second, third = (self.make_published() for _ in range(3))
        query = "&".join(
            f"review_state=published&created={r.created.isoformat()}" for r in (first, second)
        )
        response = client.get(f"{self.url}?{query.replace('+', '%2B')}&limit=1000")
        assert response.status_code == 200
        assert set(ids(response)) == {public_id(first), public_id(second)}
        assert public_id(third) not in ids(response)

    # --- as_of: valid time (core.validtime) ------------------------------------------

    def began(self, record):
        """The (earliest, latest) of the date ``record`` began on, if its model declares one
        and it is known."""
        valid_time = getattr(self.model, "valid_time", None)
        if valid_time is None or not valid_time.begins:
            return None
        bounds = (
            getattr(record, f"{valid_time.begins}_earliest"),
            getattr(record, f"{valid_time.begins}_latest"),
        )
        return bounds if bounds[0] is not None else None

    def test_as_of_reads_every_record_as_it_stood(self, client):
        record = self.make_published()
        record.refresh_from_db()
        valid_time = getattr(self.model, "valid_time", None)
        ended = valid_time is not None and valid_time.ends and getattr(record, valid_time.ends)
        day = (getattr(record, f"{valid_time.ends}_earliest") if ended else None) or "9999-12-31"
        listing = self.get(client, self.url, as_of=str(day), limit=1000)
        assert listing.status_code == 200, listing.content
        rows = {row["id"]: row for row in listing.json()["results"]}
        assert rows[public_id(record)]["as_of_uncertain"] in (True, False)
        detail = self.get(client, self.detail_url(record), as_of=str(day))
        assert detail.status_code == 200
        assert "as_of_uncertain" in detail.json()
        if ended:  # held until its end, and no longer after it
            after = getattr(record, f"{valid_time.ends}_latest") + datetime.timedelta(days=1)
            assert public_id(record) not in ids(self.get(client, self.url, as_of=str(after)))
        # Long before: records that began later are not there; the others are as they are.
        early = self.get(client, self.url, as_of="1000-01-01", limit=1000)
        assert early.status_code == 200
        listed = public_id(record) in ids(early)
        assert listed == (self.began(record) is None and not self.has_dated_history(record))
        if listed:
            detail = self.get(client, self.detail_url(record), as_of="1000-01-01").json()
            plain = self.get(client, self.detail_url(record)).json()
            # Unchanged, but for what it holds that began later (a position's tenures).
            assert detail.pop("as_of_uncertain") is False
            assert {k: v for k, v in detail.items() if not isinstance(v, list)} == {
                k: v for k, v in plain.items() if not isinstance(v, list)
            }
        exported = self.get(client, self.url, as_of="1000-01-01", format="csv")
        assert exported.status_code == 200
        text = b"".join(exported.streaming_content).decode()
        assert (public_id(record) in text) == listed

    def has_dated_history(self, record) -> bool:
        valid_time = getattr(self.model, "valid_time", None)
        if valid_time is None or not valid_time.history:
            return False
        changes = getattr(record, valid_time.history).published()
        return changes.filter(date_earliest__isnull=False).exists()

    def test_as_of_inside_a_fuzzy_date_is_uncertain(self, client):
        record = self.make_published()
        valid_time = getattr(self.model, "valid_time", None)
        if valid_time is None or not valid_time.begins:
            pytest.skip("records of this resource are not dated: nothing is uncertain")
        if self.began(record) is None or self.began(record)[0] == self.began(record)[1]:
            # Known to the year only, as sources often date things, and not ended.
            setattr(record, valid_time.begins, "2024")
            names = [valid_time.begins]
            if valid_time.ends:
                setattr(record, valid_time.ends, "")
                names.append(valid_time.ends)
            dated = {}
            for name in names:
                record.compute_fuzzy_date(name)
                for column in (name, *(f"{name}_{p}" for p in ("earliest", "latest", "precision"))):
                    dated[column] = getattr(record, column)
            self.model._default_manager.filter(pk=record.pk).update(**dated)
        record.refresh_from_db()
        bounds = self.began(record)
        inside = bounds[0].isoformat()  # earliest ≤ as_of < latest
        body = self.get(client, self.detail_url(record), as_of=inside).json()
        assert body["as_of_uncertain"] is True
        after = self.get(client, self.detail_url(record), as_of=bounds[1].isoformat()).json()
        assert after["as_of_uncertain"] is False or self.has_dated_history(record)
        before = bounds[0] - datetime.timedelta(days=1)
        assert (
            self.get(client, self.detail_url(record), as_of=before.isoformat()).status_code == 404
        )

    @pytest.mark.parametrize("value", ["2025-13", "2025-02-30", "25", "yesterday", "2025-1-5"])
    def test_bad_as_of_is_a_400_problem(self, client, value):
        record = self.make_published()
        for url in (self.url, self.detail_url(record)):
            response = self.get(client, url, as_of=value)
            assert response.status_code == 400
            assert response["Content-Type"] == "application/problem+json"
            assert list(response.json()["errors"]) == ["as_of"]

    def test_as_of_has_its_own_etag(self, client):
        record = self.make_published()
        plain = self.get(client, self.detail_url(record))
        dated = self.get(client, self.detail_url(record), as_of="9999-12-31")
        assert plain["ETag"] != dated["ETag"]

    def test_unknown_parameter_is_refused_and_names_the_allowed_ones(self, client):
        response = self.get(client, self.url, colour="red")
        assert response.status_code == 400
        body = response.json()
        assert body["errors"] == {"colour": ["Unknown parameter."]}
        assert set(self.viewset.filterset_class.base_filters) <= set(body["allowed"])
        assert {"q", "ordering", "fields", "format", "limit", "cursor"} <= set(body["allowed"])
        assert "as_of" in body["allowed"]

    def test_bad_filter_value_is_refused(self, client):
        response = self.get(client, self.url, created__gte="yesterday")
        assert response.status_code == 400
        assert response.json()["errors"] == {"created__gte": ["Enter a valid date/time."]}

    def test_search(self, client):
        record = self.make_published()
        record.refresh_from_db()
        word = next((w for w in record.search_document.split() if len(w) > 3), None)
        assert word, "make() should give the record some searchable text"
        response = self.get(client, self.url, q=word, limit=1000)
        assert response.status_code == 200
        assert public_id(record) in ids(response)

    # --- ordering, fields, formats ------------------------------------------------

    def test_ordering(self, client):
        for _ in range(3):
            self.make_published()
        default = ids(self.get(client, self.url, limit=1000))
        for name in self.viewset.ordering_fields:
            forward = self.get(client, self.url, ordering=name, limit=1000)
            backward = self.get(client, self.url, ordering=f"-{name}", limit=1000)
            assert forward.status_code == backward.status_code == 200
            assert sorted(ids(forward)) == sorted(default)
            if name == "id":
                assert ids(forward) == sorted(ids(forward))
                assert ids(backward) == list(reversed(ids(forward)))
        response = self.get(client, self.url, ordering="search_document")
        assert response.status_code == 400
        assert "ordering" in response.json()["errors"]

    def test_fields_and_brief(self, client):
        record = self.make_published()
        response = self.get(client, self.detail_url(record), fields="id,url")
        assert list(response.json()) == ["id", "url"]
        brief = self.get(client, self.detail_url(record), brief="true")
        expected = list(self.viewset.serializer_class.Meta.brief_fields)
        assert list(brief.json()) == expected
        listing = self.get(client, self.url, fields="id")
        assert all(list(row) == ["id"] for row in listing.json()["results"])

    def test_csv_and_ndjson_stream_every_row(self, client):
        for _ in range(3):
            self.make_published()
        expected = sorted(ids(self.get(client, self.url, limit=1000)))
        columns = [name for name, _ in export_columns(self.model, many_to_many=True)]
        cited = issubclass(self.model, CitableModel)
        response = client.get(self.url, {"format": "csv"})
        assert response.status_code == 200
        assert response.streaming
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        # A cited record's CSV row ends in its citations' count and the address of their list.
        assert rows[0] == columns + self.extra_columns("csv")
        assert sorted(row[0] for row in rows[1:]) == expected
        response = client.get(self.url, {"format": "ndjson"})
        assert response["Content-Type"] == "application/x-ndjson"
        lines = b"".join(response.streaming_content).decode().splitlines()
        records = [json.loads(line) for line in lines]
        assert sorted(r["id"] for r in records) == expected
        # ... and its NDJSON line holds its citations as its JSON does.
        assert all(list(r) == columns + self.extra_columns("ndjson") for r in records)
        if cited:
            pages = self.get(client, self.url, limit=1000).json()["results"]
            in_json = {row["id"]: row["citations"] for row in pages}
            assert {r["id"]: r["citations"] for r in records} == in_json
        # Both formats write the same values (CSV as text): keys with dashes, decimals fixed.
        by_id = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
        for record in records:
            for name, value in record.items():
                if isinstance(value, list | dict):
                    continue
                text = (
                    ""
                    if value is None
                    else str(value).lower()
                    if isinstance(value, bool)
                    else str(value)
                )
                assert by_id[record["id"]][name] == text, (name, value)

    def extra_columns(self, fmt: str) -> list[str]:
        """The columns the resource's exports add after the model's."""
        if not issubclass(self.model, CitableModel):
            return []
        return ["citations", "citations_url"] if fmt == "csv" else ["citations"]

    def test_not_modified_on_if_none_match(self, client):
        record = self.make_published()
        for url in (self.url, self.detail_url(record)):
            first = client.get(url)
            assert first["ETag"] and first["Last-Modified"]
            assert first["Cache-Control"] == "public, max-age=60, s-maxage=60"
            again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
            assert again.status_code == 304
            assert again.content == b""

    def test_pages_follow_next_and_previous(self, client):
        for _ in range(5):
            self.make_published()
        everything = ids(self.get(client, self.url, limit=1000))
        seen, url, pages = [], f"{self.url}?limit=2", []
        while url:
            response = client.get(url)
            assert response.status_code == 200
            body = response.json()
            assert body["count"] == len(everything)
            seen += [row["id"] for row in body["results"]]
            pages.append(body)
            if body["next"]:
                assert f'<{body["next"]}>; rel="next"' in response["Link"]
            url = body["next"]
        assert seen == everything
        back = client.get(pages[-1]["previous"]).json()
        assert [row["id"] for row in back["results"]] == [r["id"] for r in pages[-2]["results"]]

    # --- writes (curators) ----------------------------------------------------------

    def test_curator_writes_through_the_one_representation(self, client, curator):
        """Delete a draft, create it again from its own JSON, PATCH with If-Match, then
        publish (with evidence for each fact), retract and reopen."""
        api = CuratorAPI(client, curator)
        record = self.make()
        url = self.detail_url(record)
        body = api.get(url).json()
        assert api.delete(url).status_code == 428
        assert api.delete(url, HTTP_IF_MATCH='W/"stale-0"').status_code == 412
        deleted = api.delete(url, HTTP_IF_MATCH=api.etag(url))
        if deleted.status_code == 409:  # drafts that refer to it go first, and are named
            assert "is referred to by" in deleted.json()["detail"]
            for rel in self.model._meta.related_objects:
                if rel.one_to_many and issubclass(rel.related_model, PublicModel):
                    rel.related_model.objects.filter(**{rel.field.name: record}).delete()
            deleted = api.delete(url, HTTP_IF_MATCH=api.etag(url))
        assert deleted.status_code == 204, deleted.json()
        assert not self.model.objects.filter(pk=record.pk).exists()

        created = api.post(self.url, writable(body, self.viewset.serializer_class))
        assert created.status_code == 201, created.json()
        url = created["Location"].removeprefix("http://testserver")
        record = self.model.objects.get(pk=self.model.objects.order_by("-created").first().pk)
        assert created.json() == api.get(url).json()
        assert api.etag(url).startswith(f'W/"{public_id(record)}-{record.version}.')

        version = record.version
        patched = api.patch(url, {}, HTTP_IF_MATCH=api.etag(url))
        assert patched.status_code == 200, patched.json()
        assert patched["ETag"].startswith(f'W/"{public_id(record)}-{version + 1}.')

        if issubclass(self.model, CitableModel):
            evidence_for(record, api, url)
        published = api.post(f"{url}publish/", HTTP_IF_MATCH=api.etag(url))
        assert published.status_code == 200, published.json()
        assert published.json()["review_state"] == "published"
        retracted = api.post(f"{url}retract/", {"reason": "Test retraction."})
        assert retracted.json()["review_state"] == "retracted", retracted.json()
        reopened = api.post(f"{url}reopen/")
        assert reopened.json()["review_state"] == "draft", reopened.json()

    def test_query_count_does_not_grow_with_rows(self, client):
        def count_queries() -> int:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(self.url, {"limit": 1000})
            assert response.status_code == 200
            return len(queries)

        for _ in range(3):
            self.make_published()
        small = count_queries()
        for _ in range(3):
            self.make_published()
        large = count_queries()
        assert len(ids(self.get(client, self.url, limit=1000))) >= 6
        assert small == large, f"{small} queries for N rows, {large} for 2N"


READ_ONLY = {"url", "review_state", "retraction_reason", "version", "created", "updated"}
NUMBERS_TEXT = "The figures: 1,250 tonnes worth USD 350,000, reported in a quote for every fact."


def writable(body: dict, serializer_class=None) -> dict:
    """A GET body as a write: read-only keys dropped (a new record takes none: a 400);
    ``id`` kept where it is writable."""
    fields = serializer_class().fields if serializer_class is not None else {}
    read_only = READ_ONLY | {name for name, field in fields.items() if field.read_only}
    data = {key: value for key, value in body.items() if key not in read_only}
    if "citations" in data:  # a source has none: the field would be refused as unknown
        data["citations"] = []
    if "-" in str(data.get("id", "")) and len(str(data["id"])) == 36:
        data.pop("id")  # a UUID is the server's to give
    return data


def evidence_for(record, api, url):
    """Cite, through the API, a quote supporting each filled-in fact (the records it refers
    to are published beforehand, as a curator would have done)."""
    from core import services

    for target in services.references(record):
        if target.review_state != ReviewState.PUBLISHED:
            f.published(target)
    supports = [name for name in type(record).factual_fields if services.is_filled(record, name)]
    source = f.published(f.source(text=NUMBERS_TEXT))
    citation = {"source": str(source.pk), "quote": "1,250 tonnes worth USD 350,000"}
    cited = api.patch(
        url, {"citations": [{**citation, "supports": supports}]}, HTTP_IF_MATCH=api.etag(url)
    )
    assert cited.status_code == 200, cited.json()
    assert [c["supports"] for c in cited.json()["citations"]] == [supports]


class CuratorAPI:
    """A client that sends a curator's token."""

    def __init__(self, client, user):
        from knox.models import AuthToken

        self.client = client
        self.auth = {"HTTP_AUTHORIZATION": f"Token {AuthToken.objects.create(user)[1]}"}

    def get(self, url, **kw):
        return self.client.get(url, **self.auth, **kw)

    def etag(self, url) -> str:
        return self.get(url)["ETag"]

    def post(self, url, data=None, **kw):
        return self.client.post(url, data or {}, content_type="application/json", **self.auth, **kw)

    def patch(self, url, data, **kw):
        return self.client.patch(url, data, content_type="application/json", **self.auth, **kw)

    def delete(self, url, **kw):
        return self.client.delete(url, **self.auth, **kw)
