"""A typed client generated from the committed schema works: the schema is usable as is.

``openapi-python-client`` generates the client once per session, and fails the test on any
warning. The client's own httpx then talks over TCP to a live server (pytest-django's
``live_server``: a real socket, Django's threaded WSGI server): a filtered list, the next
page through the cursor, a detail with its citations, and a 400 read as a Problem.

``live_server`` rather than gunicorn: it runs in this process, so it shares the in-memory
SQLite test database, and on PostgreSQL it reads the test database over its own
connection. Either way it sees only committed rows, hence a transactional test.
"""

import importlib
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings

from trade import models as trade_models

# live_server needs committed data; serialized_rollback restores what migrations created
# (the curators group) for the transactional tests that run after this one.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BIN = Path(sys.executable).parent
SCHEMA = Path(settings.BASE_DIR) / "openapi.yaml"
GENERATE = [BIN / "openapi-python-client", "generate", "--path", SCHEMA, "--meta", "none"]


@pytest.fixture(scope="session")
def tdclient(tmp_path_factory):
    out = tmp_path_factory.mktemp("generated") / "tdclient"
    result = subprocess.run(
        [*GENERATE, "--output-path", out, "--fail-on-warning"],
        # The generator formats its output with ruff, from the virtualenv.
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # --fail-on-warning covers the parser's warnings; endpoints it skips are reported apart.
    assert "Warning" not in output and "Skipping" not in output, output
    sys.path.insert(0, str(out.parent))
    try:
        yield importlib.import_module("tdclient")
    finally:
        sys.path.remove(str(out.parent))


@pytest.fixture
def client(tdclient, live_server, seed):
    # The client builds its own httpx.Client, with the default transport: TCP to the port.
    with tdclient.Client(base_url=live_server.url, raise_on_unexpected_status=True) as client:
        yield client


def test_generated_client_reads_lists_pages_details_and_problems(client, live_server):
    from tdclient.api.trade import trade_shipments_list, trade_shipments_retrieve
    from tdclient.models import PaginatedShipmentList, Problem, Shipment, ShipmentFields
    from tdclient.types import Unset

    from_russia = set(
        trade_models.Shipment.objects.public()
        .filter(exporter__iso2="RU")
        .values_list("pk", flat=True)
    )

    first = trade_shipments_list.sync(client=client, exporter=["RU"], limit=2)
    assert isinstance(first, PaginatedShipmentList)
    assert first.count == len(from_russia) == 4 and len(first.results) == 2
    assert first.next_.startswith(live_server.url)
    cursor = parse_qs(urlsplit(first.next_).query)["cursor"][0]
    second = trade_shipments_list.sync(client=client, exporter=["RU"], limit=2, cursor=cursor)
    assert isinstance(second, PaginatedShipmentList)
    assert second.next_ is None and len(second.results) == 2
    assert {row.id for row in first.results + second.results} == from_russia
    assert {row.exporter.id for row in first.results + second.results} == {"RU"}
    assert all(isinstance(row, Shipment) for row in first.results + second.results)

    detail = trade_shipments_retrieve.sync(client=client, public_id=str(first.results[0].id))
    assert isinstance(detail, Shipment)  # the full model: every field typed as present
    assert detail.id == first.results[0].id
    assert detail.citations and all(citation.quote for citation in detail.citations)

    # fields= trims the record: the all-optional model, the rest left Unset.
    sparse = trade_shipments_retrieve.sync(client=client, public_id=str(detail.id), fields="id,url")
    assert isinstance(sparse, ShipmentFields) and not isinstance(sparse, Shipment)
    assert (sparse.id, sparse.url) == (detail.id, detail.url)
    assert isinstance(sparse.exporter, Unset)

    problem = trade_shipments_list.sync(client=client, exporter=["ZZ"])
    assert isinstance(problem, Problem)
    assert problem.status == 400 and list(problem.errors.additional_properties) == ["exporter"]
    assert problem.instance == "/api/v1/trade/shipments/?exporter=ZZ"


def test_generated_models_require_what_every_read_holds(tdclient):
    """A full record's attributes are typed as always there; its sparse twin's may be Unset."""
    from tdclient.models import Brief, Citation, Shipment, ShipmentFields

    # Annotations are strings (the generated modules use `from __future__ import annotations`).
    full = dict(Shipment.__annotations__)
    assert full.pop("as_of_uncertain") == "bool | Unset"  # said with as_of= only
    assert {name: "Unset" in hint for name, hint in full.items()} == dict.fromkeys(full, False)
    assert (full["id"], full["url"], full["exporter"]) == ("UUID", "str", "Brief | None")
    sparse = ShipmentFields.__annotations__
    assert set(sparse) == set(Shipment.__annotations__)
    assert all("Unset" in hint for name, hint in sparse.items() if name != "additional_properties")
    for nested in (Brief, Citation):
        hints = {k: v for k, v in nested.__annotations__.items() if k != "additional_properties"}
        assert not any("Unset" in hint for hint in hints.values()), (nested, hints)
