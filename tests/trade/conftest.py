"""What the tests of the statistics importer share: a datasets storage of their own."""

import pytest


@pytest.fixture
def datasets(settings, tmp_path):
    """The ``datasets`` storage in a folder of this test's own."""
    location = tmp_path / "datasets"
    settings.STORAGES = {
        **settings.STORAGES,
        "datasets": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location},
        },
    }
    return location
