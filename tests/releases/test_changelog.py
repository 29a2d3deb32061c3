"""A release's changelog lists exactly what changed since the previous one."""

import json
from collections import Counter

import pytest

from core.models import ReviewState
from core.releases import publish_release
from core.releases.snapshot import fixture_digests
from core.services import record_retract, record_save
from diplomacy.models import Statement
from trade.models import Shipment

pytestmark = pytest.mark.django_db

NOTHING = {"added": {}, "changed": {}, "retracted": {}, "removed": {}}


def test_each_release_lists_exactly_the_edit_since_the_last(seed, release_storage, admin_user):
    first = publish_release("1.0.0")
    assert first.changelog["previous"] is None
    assert len(first.changelog["added"]["shipments"]) == 4

    wheat = Shipment.objects.get(commodity__slug="wheat")
    wheat.note = "Flows reported by the ambassador."
    record_save(wheat, user=admin_user, reason="a note")
    second = publish_release("1.0.1")
    assert second.changelog == {
        **NOTHING,
        "previous": "1.0.0",
        "changed": {"shipments": [str(wheat.pk)]},
    }

    statement = Statement.objects.filter(review_state=ReviewState.PUBLISHED).first()
    record_retract(statement, reason="Misattributed.", user=admin_user)
    third = publish_release("1.0.2")
    assert third.changelog == {
        **NOTHING,
        "previous": "1.0.1",
        "retracted": {"statements": [str(statement.pk)]},
    }
    folder = release_storage / "1.0.2"
    assert json.loads((folder / "changelog.json").read_text()) == third.changelog
    assert (folder / "CHANGELOG.md").read_text().startswith("# Changes since 1.0.1\n")
    assert f"- statements (1): {statement.pk}" in (folder / "CHANGELOG.md").read_text()


def test_the_previous_release_can_be_named(release_storage, seed_release):
    _, folder = seed_release
    release = publish_release("2.0.0", previous=folder)  # from an empty database
    assert (release.changelog["previous"], release.changelog["added"]) == ("1.0.0", {})
    removed = {name: len(ids) for name, ids in release.changelog["removed"].items()}
    digests = fixture_digests((folder / "fixture.json").read_text())
    assert removed == Counter(name for name, _, _, _ in digests.values())
