"""``fixtures/release``: the seed's current release, which `make db` loads and serves."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.dateparse import parse_datetime

from core.releases import publish_release, verify_release
from core.releases.register import register_release
from tests.conftest import SEED

RELEASE = Path(settings.BASE_DIR) / "fixtures" / "release"


def test_the_committed_release_is_intact_and_holds_the_seed():
    package = verify_release(RELEASE)
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    released = {
        (entry["model"], entry["pk"]): entry["fields"]
        for entry in json.loads((RELEASE / "fixture.json").read_text())
    }
    for entry in json.loads(SEED.read_text()):
        fields = released[entry["model"], entry["pk"]]
        # The search document is derived on load; everything the curators wrote is kept.
        for name, value in entry["fields"].items():
            if name in ("created", "updated"):  # the same instant, to the microsecond
                assert parse_datetime(fields[name]) == parse_datetime(value)
            elif name != "search_document":
                assert fields[name] == value, (entry["model"], entry["pk"], name)


@pytest.mark.django_db
def test_setup_loads_the_release_and_serves_it(release_storage, client):
    out = io.StringIO()
    call_command("load_dataset", stdout=out)  # what `make db` runs
    fixture = json.loads((RELEASE / "fixture.json").read_text())
    assert out.getvalue().startswith(f"{RELEASE}: {len(fixture)} created, 0 updated")
    call_command("register_release", str(RELEASE), stdout=out)
    call_command("register_release", str(RELEASE), stdout=out)
    assert "Release 1.0.0 already registered" in out.getvalue()
    [release] = client.get("/api/v1/releases/").json()
    assert release["version"] == json.loads((RELEASE / "datapackage.json").read_text())["version"]
    response = client.get("/api/v1/releases/latest/", follow=True)
    assert response.json() == release
    downloaded = client.get(f"/api/v1/releases/{release['version']}/files/fixture.json/")
    assert b"".join(downloaded.streaming_content) == (RELEASE / "fixture.json").read_bytes()

    # Published again from what the setup loaded, the data is the same, byte for byte.
    publish_release("1.0.1")
    for path in RELEASE.iterdir():
        if path.suffix in (".csv", ".ndjson") or path.name == "fixture.json":
            assert (release_storage / "1.0.1" / path.name).read_bytes() == path.read_bytes()


@pytest.mark.django_db
def test_a_registered_release_lists_what_its_publisher_listed(seed_release, release_storage):
    published, folder = seed_release
    release, new = register_release(folder)
    assert (new, release.checksum, release.files) == (
        True,
        published["checksum"],
        published["files"],
    )
