"""Settings for the test suite: fast hashing, isolated cache, same database choice as base."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": alias}
    for alias in ("default", "responses")
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "releases": RELEASES_STORAGE,  # noqa: F405  (tests point it at a temporary folder)
    # Imported statistics files: never into the checkout (tests may point it elsewhere).
    "datasets": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": Path(tempfile.gettempdir()) / "tradediplomacy-test-datasets"},
    },
}
# No collectstatic before tests: serve static files from the apps, as in development.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# The router's tests (tests/deploy) read through a replica alias: the primary's test database
# under another name (TEST MIRROR), as Django's docs advise for replicas. The rest of the suite
# runs without replicas: its tests run inside a transaction that another connection cannot see.
DATABASES["replica1"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
# A second one, to show that one request reads from one replica only.
DATABASES["replica2"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
DATABASE_REPLICAS = []
