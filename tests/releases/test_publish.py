"""Publishing a release of the seed: a valid, checksummed, reproducible Data Package."""

import hashlib
import io
import json

import frictionless
import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from core.models import Release, ReviewState
from core.releases import ReleaseError, publish_release
from tests import factories as f
from tests.conftest import SEED

from .conftest import read_package

DATA_SUFFIXES = (".csv", ".ndjson")


def test_the_package_is_valid_frictionless(seed_release):
    _, folder = seed_release
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "message"])


def test_checksums_match_the_files(seed_release):
    row, folder = seed_release
    package = read_package(folder)
    listed = {entry["name"]: entry for entry in row["files"]}
    for resource in package["resources"]:
        data = (folder / resource["path"]).read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        assert (resource["bytes"], resource["hash"]) == (len(data), f"sha256:{sha}")
        assert (listed[resource["path"]]["bytes"], listed[resource["path"]]["sha256"]) == (
            len(data),
            sha,
        )
    sums = (folder / "SHA256SUMS").read_text()
    for line in sums.splitlines():
        sha, name = line.split("  ")
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == sha
    assert hashlib.sha256(sums.encode()).hexdigest() == row["checksum"]
    assert package["checksum"] == f"sha256:{row['checksum']}"
    assert (package["version"], package["licenses"][0]["name"]) == ("1.0.0", "CC-BY-4.0")


def test_package_names_each_sources_licence_and_attribution(seed_release):
    _, folder = seed_release
    by_title = {source["title"]: source for source in read_package(folder)["sources"]}
    iso = by_title["ISO 3166-1: Codes for the representation of names of countries"]
    assert iso["licence"] == "LGPL-2.1-or-later"
    assert "pycountry" in iso["attribution"]
    [article] = [s for s in by_title.values() if s["kind"] == "news_article"]
    assert (article["publisher"], article["published"], "path" in article) == ("", "", False)


@pytest.mark.django_db
def test_the_same_data_gives_the_same_bytes(release, release_storage):
    _, first = release
    publish_release("1.0.1")
    second = release_storage / "1.0.1"
    data = sorted(p.name for p in first.iterdir() if p.suffix in DATA_SUFFIXES)
    assert data == sorted(p.name for p in second.iterdir() if p.suffix in DATA_SUFFIXES)
    for name in [*data, "fixture.json"]:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert b"1.0.0" not in (first / "fixture.json").read_bytes()


def test_codes_keep_their_leading_zeros(seed_release):
    _, folder = seed_release
    package = read_package(folder)
    [countries] = [r for r in package["resources"] if r["name"] == "countries"]
    numeric = next(fd for fd in countries["schema"]["fields"] if fd["name"] == "numeric")
    assert numeric["type"] == "string"
    rows = pd.read_csv(folder / "countries.csv", dtype={"numeric": "string"})
    assert rows.set_index("id").loc["AF", "numeric"] == "004"


PANDAS_TYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean"}


def test_pandas_reads_every_csv_with_the_declared_types(seed_release):
    row, folder = seed_release
    rows = {entry["name"]: entry["rows"] for entry in row["files"]}
    for resource in read_package(folder)["resources"]:
        if resource["format"] != "csv":
            continue
        fields = resource["schema"]["fields"]
        dtypes = {fd["name"]: PANDAS_TYPES.get(fd["type"], "string") for fd in fields}
        dates = [fd["name"] for fd in fields if fd["type"] in ("date", "datetime")]
        for name in dates:
            dtypes.pop(name)
        frame = pd.read_csv(
            folder / resource["path"],
            dtype=dtypes,
            parse_dates=dates,
            true_values=["true"],
            false_values=["false"],
            keep_default_na=False,
            na_values=[""],
        )
        assert list(frame.columns) == [fd["name"] for fd in fields], resource["path"]
        assert len(frame) == rows[resource["path"]], resource["path"]
        for fd in fields:
            # An empty table (the seed states no commitment, no dated change) has no value.
            if fd["type"] == "datetime" and len(frame):
                assert str(frame[fd["name"]].dtype).startswith("datetime64"), fd["name"]


def test_citations_and_links_are_released(seed_release):
    _, folder = seed_release
    citations = pd.read_csv(folder / "citations.csv", dtype="string", keep_default_na=False)
    seed = json.loads(SEED.read_text())
    seed_citations = sum(entry["model"] == "core.citation" for entry in seed)
    seed_countries = sum(entry["model"] == "diplomacy.country" for entry in seed)
    # The loader adds the other ISO countries, each citing the standard.
    assert len(citations) == seed_citations + 249 - seed_countries
    wheat = citations[citations["quote"].str.contains("flour, wheat, fuel")].iloc[0]
    assert (wheat["record_model"], wheat["source"]) == (
        "trade.shipment",
        "d1029b1c-a139-54e0-b414-5de70a7cb453",
    )
    assert json.loads(wheat["supports"])
    links = pd.read_csv(folder / "statements-about-countries.csv", dtype="string")
    expected = sum(
        len(entry["fields"]["about_countries"])
        for entry in seed
        if entry["model"] == "diplomacy.statement"
    )
    assert (list(links.columns), len(links)) == (["statement", "country"], expected)


@pytest.mark.django_db
def test_drafts_stay_out_and_retractions_are_marked(release_storage):
    f.country(iso2="ZZ", iso3="ZZZ", numeric="999", name="Zedland")  # a draft
    f.country(
        iso2="AF",
        iso3="AFG",
        review_state=ReviewState.RETRACTED,
        retraction_reason="A test retraction.",
    )
    draft = f.organization(slug="draft-ministry")
    f.organization(
        slug="old-ministry",
        parent=draft,
        review_state=ReviewState.RETRACTED,
        retraction_reason="Merged.",
    )
    publish_release("1.0.0")
    folder = release_storage / "1.0.0"
    # A released record's reference to a draft is left out, as the API leaves it out.
    organizations = pd.read_csv(folder / "organizations.csv", dtype="string")
    assert organizations[["id", "parent"]].fillna("").values.tolist() == [["old-ministry", ""]]
    [entry] = [
        e
        for e in json.loads((folder / "fixture.json").read_text())
        if e["model"] == "diplomacy.organization"
    ]
    assert entry["fields"]["parent"] is None
    countries = pd.read_csv(release_storage / "1.0.0" / "countries.csv", dtype="string")
    countries = countries.set_index("id")
    assert "ZZ" not in countries.index
    assert countries.loc["AF", ["review_state", "retraction_reason"]].tolist() == [
        "retracted",
        "A test retraction.",
    ]


@pytest.mark.django_db
def test_the_command_shows_progress_and_never_reuses_a_version(release_storage):
    f.published(f.country(iso2="AF", iso3="AFG", numeric="004", name="Afghanistan"))
    out = io.StringIO()
    call_command("publish_release", "2.0.0", stdout=out)
    text = out.getvalue()
    assert "countries: 1 rows" in text
    assert "Release 2.0.0: " in text and "checksum sha256:" in text
    stored = sorted(p.name for p in (release_storage / "2.0.0").iterdir())
    with pytest.raises(CommandError, match=r"Nothing was published\. Release 2\.0\.0 already"):
        call_command("publish_release", "2.0.0", stdout=out)
    for bad in ("latest", "../x", ""):
        with pytest.raises(ReleaseError, match="not a usable version"):
            publish_release(bad)
    assert list(Release.objects.values_list("version", flat=True)) == ["2.0.0"]
    assert sorted(p.name for p in release_storage.iterdir()) == ["2.0.0"]
    assert sorted(p.name for p in (release_storage / "2.0.0").iterdir()) == stored
