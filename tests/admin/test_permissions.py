"""Curators (staff in the ``curators`` group) may do everything; other staff may change nothing."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from core.models import PublicModel, ReviewState
from diplomacy.models import Official
from tests import factories as f

from .forms import action, admin_url, form_data

pytestmark = pytest.mark.django_db


def test_the_curators_group_holds_every_permission_on_records_and_their_history():
    records = [
        model
        for label in ("core", "diplomacy", "trade")
        for model in apps.get_app_config(label).get_models()
        if issubclass(model, PublicModel)
    ]
    expected = {
        f"{action}_{name}"
        for model in records
        for name in (model._meta.model_name, model.history.model._meta.model_name)
        for action in ("add", "change", "delete", "view")
    }
    granted = set(Group.objects.get(name="curators").permissions.values_list("codename", flat=True))
    assert len(records) >= 15  # every record model (tests/core/test_curator_grants.py: exactly)
    assert expected <= granted
    assert "change_historicalofficial" in granted  # revert keeps working if enforced
    # The change feed is append-only: curators read all of it and write none of it.
    feed = {f"{action}_change" for action in ("add", "change", "delete", "view")}
    assert granted & feed == {"view_change"}


def test_a_curator_can_delete_a_draft(curator_client):
    official = f.official(name="Mistake")

    response = curator_client.post(admin_url(official, "delete"), {"post": "yes"})

    assert response.status_code == 302
    assert not Official.objects.filter(pk=official.pk).exists()


def test_a_curator_cannot_delete_a_published_record(curator_client):
    official = f.official(name="Public")
    f.published(official)

    single = curator_client.post(admin_url(official, "delete"), {"post": "yes"})
    asked = action(curator_client, Official, "delete_selected", [official])
    confirmed = action(curator_client, Official, "delete_selected", [official], post="yes")

    assert single.status_code == 403
    assert asked.context["perms_lacking"] == {"official"}
    assert confirmed.status_code == 403
    assert Official.objects.filter(pk=official.pk).exists()


def snapshot():
    return sorted(
        Official.objects.values_list("slug", "name", "review_state", "retraction_reason", "version")
    )


@pytest.fixture
def cited_official():
    official = f.official(name="Ada Quill", slug="ada-quill")
    f.cite(official)
    return official


def test_staff_outside_the_group_can_neither_see_nor_change(
    outsider_client, curator_client, cited_official
):
    official = cited_official
    change_data = {**form_data(curator_client.get(admin_url(official, "change"))), "name": "X"}
    add_data = {**form_data(curator_client.get(admin_url(Official, "add"))), "name": "New"}
    first = official.history.earliest()
    revert = admin_url(official, "simple_history", official.pk, first.history_id)
    before = snapshot()

    gets = [
        admin_url(Official, "changelist"),
        admin_url(Official, "add"),
        admin_url(official, "change"),
        admin_url(official, "history"),
        admin_url(official, "delete"),
        revert,
    ]
    for url in gets:
        assert outsider_client.get(url).status_code == 403, url
    posts = [
        (admin_url(Official, "add"), add_data),
        (admin_url(official, "change"), change_data),
        (admin_url(official, "delete"), {"post": "yes"}),
        (revert, change_data),
    ]
    for url, data in posts:
        assert outsider_client.post(url, data).status_code == 403, url
    for name, extra in [
        ("publish_selected", {}),
        ("retract_selected", {"apply": "1", "reason": "x"}),
    ]:
        assert action(outsider_client, Official, name, [official], **extra).status_code == 403

    assert snapshot() == before
    assert official.history.count() == 1
    assert Official.objects.get(pk=official.pk).review_state == ReviewState.DRAFT
