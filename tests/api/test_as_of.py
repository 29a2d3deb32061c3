"""``?as_of=``: records as they stood on a day (valid time), beyond what every resource's
generic test checks (tests/api/case.py): nested tenures held then, a decision's status from
its dated stages (filters and facets too), statements dated up to then, and the response
cache keyed on the day."""

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db

POSITIONS = "/api/v1/diplomacy/positions/"
DECISIONS = "/api/v1/diplomacy/policy-decisions/"
STATEMENTS = "/api/v1/diplomacy/statements/"


def cited_published(record):
    f.published(f.cite(record))
    return f.published(record)


@pytest.fixture
def post():
    """A post held by one official until June 2021 (the month only), then by another."""
    position = cited_published(f.position())
    first = cited_published(f.tenure(position=position, start="2019-02-01", end="2021-06"))
    second = cited_published(f.tenure(position=position, start="2021-07-01"))
    return position, first, second


def holders(client, position, day=None):
    params = {"as_of": day} if day else {}
    body = client.get(f"{POSITIONS}{position.slug}/", params).json()
    return [(t["id"], t.get("as_of_uncertain")) for t in body["tenures"]]


class TestTenuresHeldThen:
    def test_a_position_shows_who_held_it_on_the_day(self, post, client):
        position, first, second = post
        assert {t for t, _ in holders(client, position)} == {str(first.pk), str(second.pk)}
        assert holders(client, position, "2020-05-01") == [(str(first.pk), False)]
        # Inside "2021-06": the first may still hold it; the second has not begun.
        assert holders(client, position, "2021-06-15") == [(str(first.pk), True)]
        assert holders(client, position, "2021-08-01") == [(str(second.pk), False)]
        assert holders(client, position, "2018") == []


@pytest.fixture
def decision():
    record = cited_published(f.decision(title="Recognition of the authorities"))
    cited_published(f.stage(decision=record, sequence=1, status="proposed", date="2024-05-02"))
    cited_published(f.stage(decision=record, sequence=2, status="decided", date="2025-03"))
    return record


class TestDecisionStatusThen:
    @pytest.mark.parametrize(
        ("day", "status", "uncertain", "stages"),
        [
            ("2024-12-31", "proposed", False, 1),
            # Decided "in March 2025": perhaps by the 10th. The stage counts from the month's
            # first day, and the record says that it may not have happened yet.
            ("2025-03-10", "decided", True, 2),
            ("2025-04", "decided", False, 2),
        ],
    )
    def test_detail(self, decision, client, day, status, uncertain, stages):
        body = client.get(f"{DECISIONS}{decision.pk}/", {"as_of": day}).json()
        assert (body["status"], body["as_of_uncertain"]) == (status, uncertain)
        assert len(body["stages"]) == stages

    def test_filters_and_facets_read_the_status_then(self, decision, client):
        then = {"as_of": "2024-12-31", "facet": "status"}
        body = client.get(DECISIONS, {**then, "status": "proposed"}).json()
        assert body["count"] == 1
        assert [(b["value"], b["count"]) for b in body["facets"]["status"]] == [("proposed", 1)]
        assert client.get(DECISIONS, {**then, "status": "decided"}).json()["count"] == 0
        assert client.get(DECISIONS, {"status": "decided"}).json()["count"] == 1

    def test_absent_before_its_first_dated_stage(self, decision, client):
        assert client.get(DECISIONS, {"as_of": "2024-05-01"}).json()["count"] == 0


class TestStatementsDatedUpToThen:
    def test_later_statements_are_left_out(self, client):
        speaker = cited_published(f.official())
        early = cited_published(f.statement(speaker=speaker, date="2024-01-10"))
        late = cited_published(f.statement(speaker=speaker, date="2025-01-10"))
        undated = cited_published(f.statement(speaker=speaker))
        rows = client.get(STATEMENTS, {"as_of": "2024-06-30"}).json()["results"]
        found = {row["id"]: row["as_of_uncertain"] for row in rows}
        # An undated statement may have been made by then: kept, and said to be uncertain.
        assert found == {str(early.pk): False, str(undated.pk): True}
        assert str(late.pk) not in found


class TestResponseCache:
    def test_each_day_is_its_own_cached_answer(self, decision, client):
        url = f"{DECISIONS}{decision.pk}/"
        for _ in range(2):  # the second round is served from the response cache
            assert client.get(url, {"as_of": "2024-12-31"}).json()["status"] == "proposed"
            assert client.get(url, {"as_of": "2025-04-01"}).json()["status"] == "decided"
            assert "as_of_uncertain" not in client.get(url).json()
