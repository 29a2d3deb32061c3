"""``/api/v1/releases/``: versions, files with checksums and download URLs, changelogs."""

import gzip
import hashlib

import pytest

from core.releases import ReleaseError, publish_release
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_releases(db, release_storage):
    """Two releases of a small dataset (the seed's are checked elsewhere)."""
    f.published(f.country(iso2="AF", iso3="AFG", numeric="004", name="Afghanistan"))
    first = publish_release("1.0.0")
    f.published(f.country(iso2="RU", iso3="RUS", numeric="643", name="Russia"))
    return first, publish_release("1.1.0")


def test_list_detail_and_latest(client, two_releases):
    first, _ = two_releases
    response = client.get("/api/v1/releases/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60"
    body = response.json()
    assert [release["version"] for release in body] == ["1.1.0", "1.0.0"]
    detail = client.get("/api/v1/releases/1.0.0/").json()
    assert detail == body[1]
    assert list(detail) == [
        "version",
        "url",
        "created",
        "checksum",
        "previous",
        "counts",
        "files",
        "changelog",
    ]
    assert detail["url"] == "http://testserver/api/v1/releases/1.0.0/"
    assert (detail["checksum"], detail["counts"]["countries"]) == (first.checksum, 1)
    csv_file = next(entry for entry in detail["files"] if entry["name"] == "countries.csv")
    assert csv_file["url"] == "http://testserver/api/v1/releases/1.0.0/files/countries.csv/"
    assert set(csv_file) == {
        "name",
        "format",
        "resource",
        "media_type",
        "bytes",
        "sha256",
        "rows",
        "url",
    }
    assert client.get("/api/v1/releases/1.1.0/").json()["changelog"] == {
        "previous": "1.0.0",
        "added": {"countries": ["RU"]},
        "changed": {},
        "retracted": {},
        "removed": {},
    }

    latest = client.get("/api/v1/releases/latest/")
    assert (latest.status_code, latest["Location"]) == (302, "/api/v1/releases/1.1.0/")


def test_a_file_is_served_as_stored_with_its_checksum_as_etag(client, two_releases):
    first, _ = two_releases
    entry = first.file("countries.csv")
    url = "/api/v1/releases/1.0.0/files/countries.csv/"
    response = client.get(url)
    data = b"".join(response.streaming_content)
    assert (response.status_code, response["Content-Type"]) == (200, "text/csv")
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert len(data) == entry["bytes"]
    assert response["ETag"] == f'"{entry["sha256"]}"'
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert 'filename="countries.csv"' in response["Content-Disposition"]

    zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(zipped.streaming_content)) == data
    for etag in (zipped["ETag"], response["ETag"]):
        again = client.get(url, HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT_ENCODING="gzip")
        assert (again.status_code, again.content) == (304, b"")


def test_unknown_release_file_or_parameter_is_a_problem(client, two_releases):
    for url, status in (
        ("/api/v1/releases/9.9.9/", 404),
        ("/api/v1/releases/1.0.0/files/nothing.csv/", 404),
        ("/api/v1/releases/1.0.0/files/..%2Fsecret/", 404),
        ("/api/v1/releases/?colour=red", 400),
    ):
        response = client.get(url)
        assert (response.status_code, response["Content-Type"]) == (
            status,
            "application/problem+json",
        ), url


def test_a_failed_precondition_on_a_file_is_an_uncached_problem(client, two_releases):
    """A stale If-Match or If-Unmodified-Since is a 412 problem, never a bare response
    marked to be kept a year by every cache."""
    url = "/api/v1/releases/1.0.0/files/countries.csv/"
    for headers in (
        {"HTTP_IF_MATCH": '"not-the-checksum"'},
        {"HTTP_IF_UNMODIFIED_SINCE": "Sat, 01 Jan 2000 00:00:00 GMT"},
    ):
        response = client.get(url, **headers)
        assert (response.status_code, response["Content-Type"]) == (
            412,
            "application/problem+json",
        ), headers
        assert response.json()["status"] == 412
        assert "Cache-Control" not in response


def test_release_parameters_are_refused_on_every_view(client, two_releases):
    for url in ("/api/v1/releases/1.0.0/?format=csv", "/api/v1/releases/latest/?x=1"):
        response = client.get(url)
        assert (response.status_code, response["Content-Type"]) == (
            400,
            "application/problem+json",
        ), url


def test_latest_without_any_release_is_a_404(client, db):
    response = client.get("/api/v1/releases/latest/")
    assert response.status_code == 404
    assert response.json()["detail"] == "No release has been published yet."
    assert client.get("/api/v1/releases/").json() == []


def test_a_remote_storage_serves_its_own_files(client, db, settings):
    """Storages without local paths (S3 through django-storages) get a redirect to their URL;
    InMemoryStorage stands in for a bucket here."""
    settings.STORAGES = {
        **settings.STORAGES,
        "releases": {
            "BACKEND": "django.core.files.storage.InMemoryStorage",
            "OPTIONS": {"base_url": "https://bucket.example/releases/"},
        },
    }
    f.published(f.country(iso2="AF", iso3="AFG", numeric="004", name="Afghanistan"))
    publish_release("1.0.0")
    response = client.get("/api/v1/releases/1.0.0/files/countries.csv/")
    assert (response.status_code, response["Location"]) == (
        302,
        "https://bucket.example/releases/1.0.0/countries.csv",
    )
    with pytest.raises(ReleaseError, match="already exists"):
        publish_release("1.0.0")
