"""Fixtures shared by browser tests (``ingest_fixtures``: the extraction assistant's two)."""

from tests.browser.ingest_fixtures import ingest_curator, ingest_session  # noqa: F401
