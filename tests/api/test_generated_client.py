"""A typed client generated from the committed schema works: the schema is usable as is.

``openapi-python-client`` generates the client with no warning; the client then talks to the
app over WSGI (httpx's WSGI transport, in the test's database transaction): a filtered list,
the next page through the cursor, a detail with its citations, and a 400 read as a Problem.
"""

import importlib
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.conf import settings

from config.wsgi import application

pytestmark = pytest.mark.django_db

BIN = Path(sys.executable).parent
SCHEMA = Path(settings.BASE_DIR) / "openapi.yaml"
GENERATE = [BIN / "openapi-python-client", "generate"]


@pytest.fixture(scope="module")
def tdclient(tmp_path_factory):
    out = tmp_path_factory.mktemp("generated") / "tdclient"
    result = subprocess.run(
        [*GENERATE, "--path", SCHEMA, "--meta", "none", "--output-path", out],
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Warning" not in output and "Skipping" not in output, output
    sys.path.insert(0, str(out.parent))
    try:
        yield importlib.import_module("tdclient")
    finally:
        sys.path.remove(str(out.parent))


def test_generated_client_reads_lists_pages_details_and_problems(
    tdclient, wsgi_in_test_transaction, seed
):
    from tdclient.api.trade import trade_shipments_list, trade_shipments_retrieve
    from tdclient.models import PaginatedShipmentList, Problem, ShipmentFields

    client = tdclient.Client(base_url="http://testserver")
    client.set_httpx_client(
        httpx.Client(base_url="http://testserver", transport=httpx.WSGITransport(app=application))
    )

    first = trade_shipments_list.sync(client=client, exporter=["RU"], limit=2)
    assert isinstance(first, PaginatedShipmentList)
    assert first.count == 4 and len(first.results) == 2
    cursor = parse_qs(urlsplit(first.next_).query)["cursor"][0]
    second = trade_shipments_list.sync(client=client, exporter=["RU"], limit=2, cursor=cursor)
    ids = {row.id for row in first.results} | {row.id for row in second.results}
    assert len(ids) == 4

    detail = trade_shipments_retrieve.sync(client=client, public_id=str(first.results[0].id))
    assert isinstance(detail, ShipmentFields)
    assert detail.citations and detail.citations[0].quote

    problem = trade_shipments_list.sync(client=client, exporter=["ZZ"])
    assert isinstance(problem, Problem)
    assert problem.status == 400 and "exporter" in problem.errors.additional_properties
