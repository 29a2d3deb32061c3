"""What a resource no longer declares, because its model and serializer say it: the default
ordering (the public id), the fuzzy dates' filters and their date objects."""

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db

API = "/api/v1"


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return [row["id"] for row in response.json()["results"]]


def test_a_list_without_a_declared_ordering_is_in_public_id_order(client):
    # Made in an order unlike the slugs', so the UUIDs' order is not the answer.
    for slug in ("org-c", "org-a", "org-b"):
        f.published(f.organization(slug=slug))
    for iso2 in ("ZQ", "AQ", "MQ"):
        f.published(f.country(iso2, iso3=f"{iso2}X"))

    assert ids(client.get(f"{API}/diplomacy/organizations/")) == ["org-a", "org-b", "org-c"]
    assert ids(client.get(f"{API}/diplomacy/countries/")) == ["AQ", "MQ", "ZQ"]
    assert ids(client.get(f"{API}/diplomacy/countries/", {"ordering": "-id"})) == [
        "ZQ",
        "MQ",
        "AQ",
    ]


def test_every_fuzzy_date_of_the_model_has_its_bounds_filters(client):
    """``status_since`` was missing from the designations' hand-written list."""
    old = f.published(f.designation(status_since="2019-05"))
    new = f.published(f.designation(status_since="2024"))

    since_2020 = client.get(
        f"{API}/diplomacy/designations/", {"status_since_earliest__gte": "2020-01-01"}
    )
    before_2020 = client.get(
        f"{API}/diplomacy/designations/", {"status_since_latest__lt": "2020-01-01"}
    )

    assert ids(since_2020) == [str(new.pk)]
    assert ids(before_2020) == [str(old.pk)]


def test_a_fuzzy_date_of_the_model_reads_as_a_date_object(client):
    decision = f.published(f.decision())
    stage = f.stage(decision=decision, date="2025-02")
    f.cite(stage)
    for citation in stage.citations.all():
        f.published(citation.source)
        f.published(citation)
    f.published(stage)

    body = client.get(f"{API}/diplomacy/decision-stages/{stage.pk}/").json()

    assert body["date"]["value"] == "2025-02"
    assert body["date"]["precision"] == "month"
