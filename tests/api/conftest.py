import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from knox.models import AuthToken

from tests.api.case import APIResourceTest
from tests.api.schema_strict import TALLY, SchemaCheckingClient


@pytest.fixture(scope="module")
def wsgi_in_test_transaction():
    """Calls of the WSGI app share the test's connection and transaction.

    Django's test client does the same: the handler's signals would close the connection
    after each request (PostgreSQL), and the test's data with it.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def curator_auth(curator):
    """Headers that send an API token of the curator (``tests/conftest.py``: in the group
    the migrations and ``core.grants`` give its permissions)."""
    return {"HTTP_AUTHORIZATION": f"Token {AuthToken.objects.create(curator)[1]}"}


# --- strict schema validation of the generic API test case (tests/api/schema_strict.py) ---


@pytest.fixture
def client(request):
    """Every test of the generic API test case talks through the schema-checking client."""
    if request.cls is not None and issubclass(request.cls, APIResourceTest):
        return SchemaCheckingClient()
    return Client()


def pytest_terminal_summary(terminalreporter):
    if TALLY["validated"]:
        terminalreporter.write_line(
            f"strict schema: {TALLY['validated']} responses validated, {TALLY['failed']} failed"
        )
