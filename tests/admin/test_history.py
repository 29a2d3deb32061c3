"""History in the admin: who, when, channel and what changed; revert to an earlier version."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from core.models import ReviewState
from core.services import record_publish
from diplomacy.models import Official
from tests import factories as f

from .forms import admin_url, errors_of, form_data

pytestmark = pytest.mark.django_db


def revert_url(record, historical):
    opts = record._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[record.pk, historical.history_id],
    )


def add_then_rename(client):
    page = client.get(admin_url(Official, "add"))
    data = {**form_data(page), "name": "Ada Quill", "slug": "ada-quill"}
    assert client.post(admin_url(Official, "add"), data).status_code == 302
    official = Official.objects.get(slug="ada-quill")
    data = form_data(client.get(admin_url(official, "change")))
    assert client.post(admin_url(official, "change"), {**data, "name": "Ada Q."}).status_code == 302
    return official


def test_every_admin_change_is_kept_with_user_channel_and_what_changed(curator_client, curator):
    official = add_then_rename(curator_client)

    page = curator_client.get(admin_url(official, "history"))

    assert page.status_code == 200
    rows = list(page.context["page_obj"])
    assert [(r.history_type, r.history_user, r.history_channel, r.version) for r in rows] == [
        ("~", curator, "admin", 2),
        ("+", curator, "admin", 1),
    ]
    changes = [(c["field"], c["old"], c["new"]) for c in rows[0].history_delta_changes]
    assert changes == [("Name", "Ada Quill", "Ada Q.")]
    html = page.content.decode()
    assert ">curator</a>" in html
    assert "<td>admin</td>" in html


def test_revert_restores_the_earlier_version(curator_client, curator):
    official = add_then_rename(curator_client)
    first = official.history.earliest()

    form = curator_client.get(revert_url(official, first))
    response = curator_client.post(revert_url(official, first), form_data(form))

    assert response.status_code == 302, errors_of(response)
    official.refresh_from_db()
    assert (official.name, official.version) == ("Ada Quill", 3)
    latest = official.history.first()
    assert (latest.history_user, latest.history_channel, latest.name) == (
        curator,
        "admin",
        "Ada Quill",
    )
    assert latest.history_change_reason.startswith("Reverted to version 1 of ")


def test_revert_keeps_the_review_state_and_moves_the_version_on(curator_client, curator):
    official = f.official(name="Ada Quill")
    f.cite(official)
    record_publish(official, user=curator)
    first = official.history.earliest()
    assert first.review_state == ReviewState.DRAFT

    form = curator_client.get(revert_url(official, first))
    assert form.context["adminform"].form["expected_version"].value() == 2
    response = curator_client.post(revert_url(official, first), form_data(form))

    assert response.status_code == 302, errors_of(response)
    official.refresh_from_db()
    assert (official.review_state, official.version) == (ReviewState.PUBLISHED, 3)


def test_revert_keeps_derived_fields_current(curator_client):
    decision = f.decision(title="Delisting")
    first = decision.history.earliest()
    f.stage(decision=decision, sequence=1, status="briefed")
    decision.refresh_from_db()
    assert decision.status == "briefed"

    form = curator_client.get(revert_url(decision, first))
    response = curator_client.post(revert_url(decision, first), form_data(form))

    assert response.status_code == 302, errors_of(response)
    decision.refresh_from_db()
    assert decision.status == "briefed"  # follows the stages, which a revert does not touch


def test_a_stale_revert_is_refused(curator_client, other_curator_client):
    official = add_then_rename(curator_client)
    first = official.history.earliest()
    form = curator_client.get(revert_url(official, first))
    data = form_data(other_curator_client.get(admin_url(official, "change")))
    other_curator_client.post(admin_url(official, "change"), {**data, "name": "Ada B."})

    response = curator_client.post(revert_url(official, first), form_data(form))

    assert "This official was changed by other-curator" in errors_of(response)
    official.refresh_from_db()
    assert (official.name, official.version) == ("Ada B.", 3)


def test_a_user_who_may_only_view_cannot_revert(client, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_official"))
    client.force_login(viewer)
    official = f.official(name="Ada Quill")
    official.name = "Ada Q."
    official.save()
    first = official.history.earliest()

    form = client.get(revert_url(official, first))
    assert form.status_code == 200
    assert form.context["revert_disabled"] is True
    response = client.post(revert_url(official, first), form_data(form))

    assert response.status_code == 403
    official.refresh_from_db()
    assert (official.name, official.version, official.history.count()) == ("Ada Q.", 2, 2)


def test_the_revert_page_says_what_a_revert_keeps(curator_client):
    official = add_then_rename(curator_client)

    page = curator_client.get(revert_url(official, official.history.earliest()))

    html = page.content.decode()
    assert "The review state stays as it is now" in html
    assert "<td>Name</td>" in html  # the field the revert changes, now and after
    assert "None" not in html
