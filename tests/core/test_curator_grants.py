"""The curators' grants are derived from the models: every record model and its history,
after any ``migrate``, with no grant migration of its own (``core.grants``)."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command

from core.models import PublicModel

pytestmark = pytest.mark.django_db


def expected_grants() -> set[tuple[str, str]]:
    """What the grant migrations gave (121 on 15 record models), found by iterating the
    models: add, change, delete and view on each record model and its history, and view on
    the change feed."""
    records = [model for model in apps.get_models() if issubclass(model, PublicModel)]
    assert len(records) >= 15
    grants = {
        (meta.app_label, f"{action}_{meta.model_name}")
        for model in records
        for meta in (model._meta, model.history.model._meta)
        for action in ("add", "change", "delete", "view")
    }
    return grants | {("core", "view_change")}


def granted() -> set[tuple[str, str]]:
    group = Group.objects.get(name="curators")
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_a_fresh_database_grants_curators_exactly_every_record_model_and_its_history():
    assert granted() == expected_grants()


def test_migrate_grants_a_record_model_that_no_migration_granted():
    group = Group.objects.get(name="curators")
    # As a new model would stand after its migration: no grant of its own.
    group.permissions.remove(*group.permissions.filter(content_type__app_label="trade"))
    assert not {grant for grant in granted() if grant[0] == "trade"}

    call_command("migrate", verbosity=0)

    assert granted() == expected_grants()


def test_migrate_recreates_the_group_with_the_same_grants():
    Group.objects.filter(name="curators").delete()

    call_command("migrate", verbosity=0)

    assert granted() == expected_grants()
