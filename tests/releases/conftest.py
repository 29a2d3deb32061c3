"""A release of the seed, published into a temporary ``releases`` storage."""

import hashlib
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import transaction
from django.test import override_settings

from core.loading import load_dataset
from core.models import Release
from core.releases import publish_release
from tests.caches import clear_caches
from tests.conftest import SEED

DATASET_APPS = ("core", "diplomacy", "trade")


def storages_at(settings, location: Path) -> dict:
    return {
        **settings.STORAGES,
        "releases": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location},
        },
    }


@pytest.fixture
def release_storage(settings, tmp_path) -> Path:
    """The ``releases`` storage, in a folder of this test's own."""
    location = tmp_path / "releases"
    settings.STORAGES = storages_at(settings, location)
    return location


class _RollBack(Exception):
    pass


@pytest.fixture(scope="session")
def seed_release(django_db_setup, django_db_blocker, tmp_path_factory) -> tuple[dict, Path]:
    """The seed published once as release 1.0.0, for the checks that only read its files:
    its Release row's fields and its folder. The database is left as it was."""
    location = tmp_path_factory.mktemp("seed-release")
    with (
        django_db_blocker.unblock(),
        override_settings(STORAGES=storages_at(django_settings, location)),
    ):
        try:
            with transaction.atomic():
                load_dataset(SEED)
                row = publish_release("1.0.0")
                raise _RollBack
        except _RollBack:
            pass
        clear_caches()
    return {"files": row.files, "checksum": row.checksum}, location / "1.0.0"


@pytest.fixture
def release(seed, release_storage) -> tuple[Release, Path]:
    """The seed published as release 1.0.0: its row and its folder."""
    return publish_release("1.0.0"), release_storage / "1.0.0"


def read_package(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def rewrite(folder: Path, name: str, change) -> None:
    """Change a file of a release and update its size and checksum in the package, as a
    forger would: only the loader's own checks can then catch the change."""
    path = folder / name
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    package = read_package(folder)
    data = path.read_bytes()
    for resource in package["resources"]:
        if resource["path"] == name:
            resource["bytes"] = len(data)
            resource["hash"] = f"sha256:{hashlib.sha256(data).hexdigest()}"
    (folder / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    sums = folder / "SHA256SUMS"
    lines = [
        f"{hashlib.sha256(data).hexdigest()}  {name}" if line.endswith(f"  {name}") else line
        for line in sums.read_text(encoding="ascii").splitlines()
    ]
    sums.write_text("".join(f"{line}\n" for line in lines), encoding="ascii")


def dataset_tables():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in DATASET_APPS and model is not Release
    ]


def db_state() -> dict:
    """Every row of every dataset table (records, links, history, changes)."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in dataset_tables()
    }


def wipe_dataset() -> None:
    """An empty database for the dataset (foreign keys are checked at commit, never here:
    the test's transaction is rolled back)."""
    for model in dataset_tables():
        model._base_manager.all()._raw_delete(model._base_manager.db)
    clear_caches()
