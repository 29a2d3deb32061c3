import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections


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
