"""Two curators editing one record: the second save is refused, naming who changed it and when."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from diplomacy.models import Official, Position, Tenure
from tests import factories as f

from .forms import admin_url, errors_of, form_data, inline_prefix

pytestmark = pytest.mark.django_db


def snapshot(record):
    record.refresh_from_db()
    return record.name, record.version, record.history.count()


def test_a_stale_form_is_refused_and_the_other_change_kept(curator_client, other_curator_client):
    official = f.official(name="Ada Quill")
    mine = form_data(curator_client.get(admin_url(official, "change")))
    theirs = form_data(other_curator_client.get(admin_url(official, "change")))
    theirs["name"] = "Ada Quill-Smith"
    assert other_curator_client.post(admin_url(official, "change"), theirs).status_code == 302
    after_theirs = snapshot(official)

    mine["name"] = "Ada Q."
    response = curator_client.post(admin_url(official, "change"), mine)

    assert response.status_code == 200
    errors = errors_of(response)
    assert "This official was changed by other-curator on " in errors
    assert "(channel: Admin) after you opened it (it is now at version 2)" in errors
    assert "reload the record" in errors
    assert snapshot(official) == after_theirs == ("Ada Quill-Smith", 2, 2)


def test_a_change_through_another_channel_is_named_too(curator_client, other_curator):
    from core.history import Channel, history_channel

    official = f.official(name="Ada Quill")
    mine = form_data(curator_client.get(admin_url(official, "change")))
    with history_channel(Channel.API):
        official._history_user = other_curator
        official.name = "Changed by the API"
        official.save()

    response = curator_client.post(admin_url(official, "change"), {**mine, "name": "Mine"})

    assert "changed by other-curator on " in errors_of(response)
    assert "(channel: API)" in errors_of(response)
    assert snapshot(official)[0] == "Changed by the API"


def test_a_form_without_its_version_is_refused(curator_client):
    official = f.official(name="Ada Quill")
    data = form_data(curator_client.get(admin_url(official, "change")))
    before = snapshot(official)
    del data["expected_version"]

    response = curator_client.post(admin_url(official, "change"), {**data, "name": "Other"})

    assert "after you opened it" in errors_of(response)
    assert snapshot(official) == before


def test_the_version_is_read_under_a_lock(curator_client):
    official = f.official(name="Ada Quill")
    data = form_data(curator_client.get(admin_url(official, "change")))

    with CaptureQueriesContext(connection) as queries:
        response = curator_client.post(admin_url(official, "change"), {**data, "name": "Ada"})

    assert response.status_code == 302
    if connection.features.has_select_for_update:  # PostgreSQL: the row is locked till commit
        assert any(
            "FOR UPDATE" in q["sql"] and 'FROM "diplomacy_official"' in q["sql"]
            for q in queries.captured_queries
        )
    else:  # SQLite: the admin's transaction takes the write lock when it begins
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


class TestInlineRows:
    def open_position(self, client, tenure):
        page = client.get(admin_url(tenure.position, "change"))
        return page, form_data(page), inline_prefix(page, Tenure)

    def change_tenure_elsewhere(self, client, tenure):
        data = form_data(client.get(admin_url(tenure, "change")))
        data["as_of_note"] = "as of the article"
        assert client.post(admin_url(tenure, "change"), data).status_code == 302

    def test_an_edited_stale_row_is_refused(self, curator_client, other_curator_client):
        tenure = f.tenure(position=f.position(name="Envoy"))
        _, data, prefix = self.open_position(curator_client, tenure)
        self.change_tenure_elsewhere(other_curator_client, tenure)
        data[f"{prefix}-0-start"] = "2024"

        response = curator_client.post(admin_url(tenure.position, "change"), data)

        assert "This tenure was changed by other-curator" in errors_of(response)
        tenure.refresh_from_db()
        assert (tenure.start, tenure.as_of_note, tenure.version) == ("", "as of the article", 2)

    def test_an_untouched_stale_row_is_refused_too(self, curator_client, other_curator_client):
        """Saving the row as it was shown would undo the other change, so it is refused."""
        tenure = f.tenure(position=f.position(name="Envoy"))
        _, data, _ = self.open_position(curator_client, tenure)
        self.change_tenure_elsewhere(other_curator_client, tenure)

        response = curator_client.post(
            admin_url(tenure.position, "change"), {**data, "name": "Envoy to Kabul"}
        )

        assert "This tenure was changed by other-curator" in errors_of(response)
        tenure.refresh_from_db()
        assert Position.objects.get(pk=tenure.position_id).name == "Envoy"
        assert tenure.as_of_note == "as of the article"

    def test_rows_nobody_changed_do_not_block_the_save(self, curator_client):
        tenure = f.tenure(position=f.position(name="Envoy"))
        _, data, _ = self.open_position(curator_client, tenure)

        response = curator_client.post(
            admin_url(tenure.position, "change"), {**data, "name": "Envoy to Kabul"}
        )

        assert response.status_code == 302, errors_of(response)
        assert Position.objects.get(pk=tenure.position_id).name == "Envoy to Kabul"
        tenure.refresh_from_db()
        assert tenure.version == 1  # an unchanged row is not saved again


def test_saving_twice_from_one_form_is_refused_the_second_time(curator_client):
    official = f.official(name="Ada Quill")
    data = form_data(curator_client.get(admin_url(official, "change")))
    assert (
        curator_client.post(admin_url(official, "change"), {**data, "name": "A"}).status_code == 302
    )

    again = curator_client.post(admin_url(official, "change"), {**data, "name": "B"})

    assert "This official was changed by curator" in errors_of(again)
    assert Official.objects.get(pk=official.pk).name == "A"
