"""PostgreSQL shutting down under a CSV export (COPY on the driver's own cursor): a 503 problem.

The fault load (``bench/load_faults.py``) found one 500 among 2,059 outage answers: the COPY
path read the driver's ``AdminShutdown`` raw, outside Django's error wrapper.
"""

from unittest import mock

import psycopg
import pytest
from django.db import connection

from tests.deploy.test_outage import assert_unavailable, client  # noqa: F401  (fixture)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's path"),
]

EXPORT = "/api/v1/trade/shipments/?format=csv"


def test_a_server_shutting_down_during_a_copy_is_a_503(client):  # noqa: F811
    shutdown = psycopg.errors.AdminShutdown("terminating connection due to administrator command")
    with mock.patch.object(psycopg.Cursor, "copy", side_effect=shutdown):
        response = client.get(EXPORT)

    assert_unavailable(response, EXPORT)
