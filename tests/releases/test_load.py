"""Loading a release: checksums first, then the loader's checks, all or nothing.

Into an empty database a release reproduces the public API exactly: every list and detail
in JSON, and every CSV and NDJSON export, byte for byte (headers aside).
"""

import json
import shutil

import pytest

from config.urls import router
from core.api.views import RecordReadOnlyViewSet
from core.loading import DatasetError, load_dataset
from core.releases import publish_release
from tests.caches import clear_caches

from .conftest import db_state, rewrite, wipe_dataset

pytestmark = pytest.mark.django_db

RESOURCES = [
    f"/api/v1/{prefix}/"
    for prefix, viewset, _ in router.registry
    if issubclass(viewset, RecordReadOnlyViewSet)
]

DETAILS = 50


def body(response) -> bytes:
    assert response.status_code == 200, response.content[:300]
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def api_snapshot(client) -> dict:
    """Every list (all pages, with and without retractions), export and detail."""
    clear_caches()  # counts and pages are cached by dataset version: read afresh
    snapshot = {}
    for url in RESOURCES:
        for retracted in ("false", "true"):
            pages, page_url, params = [], url, {"include_retracted": retracted}
            while page_url:
                response = client.get(page_url, params)
                pages.append(body(response))
                page_url, params = response.json()["next"], {}
            snapshot[url, retracted] = pages
            for fmt in ("csv", "ndjson"):
                response = client.get(url, {"format": fmt, "include_retracted": retracted})
                snapshot[url, retracted, fmt] = body(response)
        # Lists above hold every record in full; details are read for the first 50 of each
        # resource (all of the seed's facts, 50 of the 249 countries) to keep this quick.
        listed = client.get(url, {"include_retracted": "true", "limit": DETAILS, "fields": "id"})
        for row in listed.json()["results"]:
            detail = client.get(f"{url}{row['id']}/", {"include_retracted": "true"})
            snapshot[url, row["id"]] = body(detail)
    return snapshot


def test_a_release_loaded_into_an_empty_database_reproduces_the_api(seed, release_storage, client):
    publish_release("1.0.0")
    before = api_snapshot(client)
    wipe_dataset()
    assert not any(rows for rows in db_state().values())
    report = load_dataset(release_storage / "1.0.0" / "datapackage.json")
    after = api_snapshot(client)
    assert sorted(after) == sorted(before)
    for key, value in before.items():
        assert after[key] == value, key
    fixture = json.loads((release_storage / "1.0.0" / "fixture.json").read_text())
    assert (report.created, report.updated, report.reference_added) == (len(fixture), 0, 0)


def _change_a_byte(text: str) -> str:
    return text.replace("Afghanistan", "Afghanistin", 1)


CORRUPTIONS = {
    "a changed byte": ("countries.csv", _change_a_byte, False, "countries.csv: sha256"),
    "a truncated file": ("fixture.json", lambda text: text[: len(text) // 2], False, "truncated"),
    "a wrong reference": (
        "fixture.json",
        lambda text: text.replace('"exporter": [\n   "RU"\n  ]', '"exporter": [\n   "XQ"\n  ]'),
        True,
        "exporter",
    ),
    "a broken quote": (
        "fixture.json",
        lambda text: text.replace(
            '"quote": "Dmitry Zhirnov, explained that the collaboration is already moving',
            '"quote": "Dmitry Zhirnov, explained that the collaboration is already running',
        ),
        True,
        "quote",
    ),
}


def test_a_corrupted_release_is_refused_and_nothing_changes(seed, seed_release, tmp_path):
    _, folder = seed_release
    state = db_state()
    for case, (name, change, forged, message) in CORRUPTIONS.items():
        copy = tmp_path / case.replace(" ", "-")
        shutil.copytree(folder, copy)
        if forged:  # checksums updated too: the loader's own checks must refuse it
            rewrite(copy, name, change)
        else:
            path = copy / name
            path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
        assert (copy / name).read_bytes() != (folder / name).read_bytes(), case
        with pytest.raises(DatasetError, match=message):
            load_dataset(copy)
        assert db_state() == state, case


def test_a_missing_file_is_named(seed_release, tmp_path, db):
    _, folder = seed_release
    copy = tmp_path / "release"
    shutil.copytree(folder, copy)
    (copy / "shipments.ndjson").unlink()
    with pytest.raises(DatasetError, match=r"shipments\.ndjson: missing"):
        load_dataset(copy)
    assert not any(rows for rows in db_state().values())


def _sums(folder, change):
    path = folder / "SHA256SUMS"
    lines = path.read_text(encoding="ascii").splitlines()
    path.write_text("".join(f"{line}\n" for line in change(lines)), encoding="ascii")


FOLDER_CHANGES = {
    # A file the package does not list, dropped into the folder.
    "extra file": (
        lambda folder: (folder / "notes.txt").write_text("mine", encoding="utf-8"),
        r"notes\.txt: not part of the release",
    ),
    # The same lines in another order: another manifest, so another release checksum.
    "reordered sums": (
        lambda folder: _sums(folder, lambda lines: list(reversed(lines))),
        r"SHA256SUMS: not in the order publishing writes it",
    ),
    # A line naming a file outside the folder.
    "path outside": (
        lambda folder: _sums(folder, lambda lines: [*lines, f"{'0' * 64}  ../../etc/passwd"]),
        r"SHA256SUMS: names files that are not in the release: \['\.\./\.\./etc/passwd'\]",
    ),
    "sums missing": (
        lambda folder: (folder / "SHA256SUMS").unlink(),
        r"SHA256SUMS: missing or unreadable",
    ),
}


@pytest.mark.parametrize("case", FOLDER_CHANGES)
def test_a_release_folder_holds_its_files_and_nothing_else(seed_release, tmp_path, db, case):
    _, folder = seed_release
    copy = tmp_path / "release"
    shutil.copytree(folder, copy)
    change, message = FOLDER_CHANGES[case]
    change(copy)
    with pytest.raises(DatasetError, match=message):
        load_dataset(copy)
    assert not any(rows for rows in db_state().values())
