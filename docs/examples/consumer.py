"""A consumer's script: a journalist's walk through the API with a client generated from it.

Generate the client from the published schema, then run this against a server:

    openapi-python-client generate --path openapi.yaml --meta none --output-path client/tdclient
    PYTHONPATH=client python docs/examples/consumer.py http://127.0.0.1:8000

It lists the countries, finds who exports what (facets), filters shipments by exporter and
commodity, follows every cursor to the end, reads a record with its citations, reads the
change feed to the end, and reads a 400 problem. It prints a summary that depends only on
the published data (counts, public ids, sums; no timestamp, host or database), so two
servers of the same release print the same lines: ``make consumer`` compares SQLite and
PostgreSQL this way (tools/consumer_check.py).
"""

import hashlib
import sys
from collections import Counter
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from tdclient import Client
from tdclient.api.changes import changes_list
from tdclient.api.diplomacy import diplomacy_countries_list
from tdclient.api.trade import trade_shipments_list, trade_shipments_retrieve
from tdclient.models import Problem, Shipment
from tdclient.models.trade_shipments_list_facet_item import TradeShipmentsListFacetItem
from tdclient.types import UNSET


def digest(values) -> str:
    """A short fingerprint of a list: equal lists, equal fingerprints."""
    return hashlib.sha256("\n".join(map(str, values)).encode()).hexdigest()[:16]


def every_page(endpoint, client, **filters):
    """Each page of a list, following its ``next`` cursor to the end."""
    cursor, pages = UNSET, 0
    while True:
        page = endpoint.sync(client=client, cursor=cursor, **filters)
        if isinstance(page, Problem):
            raise SystemExit(f"{page.status} {page.title}: {page.detail}")
        pages += 1
        yield pages, page
        if page.next_ is None:
            return
        cursor = parse_qs(urlsplit(page.next_).query)["cursor"][0]


def walk(endpoint, client, **filters) -> tuple[int, int, list]:
    """(count the API gave, pages read, every row) of a list."""
    rows, count, read = [], None, 0
    for read, page in every_page(endpoint, client, **filters):  # noqa: B007  (read after)
        count = page.count if count is None else count
        rows += page.results
    return count, read, rows


def countries(client) -> None:
    count, pages, rows = walk(diplomacy_countries_list, client, limit=50)
    ids = [row.id for row in rows]
    assert count == len(ids) == len(set(ids)), (count, len(ids))
    print(f"countries: {count} in {pages} pages, {ids[0]}..{ids[-1]}, ids {digest(ids)}")


def shipments(client) -> Shipment:
    """Who exports what, then one exporter's shipments of one commodity; returns the first."""
    facets = ("exporter", "commodity")
    first = trade_shipments_list.sync(
        client=client, limit=1, facet=[TradeShipmentsListFacetItem(name) for name in facets]
    )
    for name in facets:
        buckets = sorted((-b.count, b.value or "", b.label) for b in first.facets[name])
        print(f"shipments by {name}: " + ", ".join(f"{v}={-n}" for n, v, _ in buckets))
    top_exporter = sorted((-b.count, b.value) for b in first.facets["exporter"])[0][1]
    count, pages, rows = walk(trade_shipments_list, client, exporter=[top_exporter], limit=2)
    citations = [citation for row in rows for citation in row.citations]
    quoted = sum(c.end - c.start for c in citations if c.start is not None)
    print(
        f"shipments from {top_exporter}: {count} in {pages} pages, "
        f"{len(citations)} citations quoting {quoted} characters"
    )
    commodities = sorted({row.commodity.id for row in rows if row.commodity})
    for commodity in commodities:
        count, pages, picked = walk(
            trade_shipments_list,
            client,
            exporter=[top_exporter],
            commodity=[commodity],
            limit=2,
        )
        values = Counter()
        for row in picked:
            if row.value is not None:
                values[row.currency] += Decimal(row.value)
        ids = sorted(str(row.id) for row in picked)
        sums = ", ".join(f"{c} {v}" for c, v in sorted(values.items())) or "no values"
        print(f"  {commodity}: {count} in {pages} pages, ids {digest(ids)}, {sums}")
    return min(rows, key=lambda row: str(row.id))


def detail(client, shipment: Shipment) -> None:
    record = trade_shipments_retrieve.sync(client=client, public_id=shipment.id)
    assert isinstance(record, Shipment) and record.id == shipment.id
    parties = f"{record.exporter.id} -> {record.importer.id}, {record.commodity.id}"
    print(f"shipment {record.id}: {parties}, {record.kind}, v{record.version}")
    for citation in sorted(record.citations, key=lambda c: str(c.id)):
        print(
            f"  cites {citation.source.id} [{citation.start}:{citation.end}] "
            f"quote {digest([citation.quote])} supports {','.join(sorted(citation.supports))}"
        )


def change_feed(client) -> None:
    count, pages, rows = walk(changes_list, client, limit=200)
    assert count == len(rows), (count, len(rows))
    kinds = Counter((row.model, str(row.action)) for row in rows)
    print(f"changes: {count} in {pages} pages, entries {digest(tuple(kinds.items()))}")
    for (model, action), n in sorted(kinds.items()):
        print(f"  {model} {action}: {n}")
    records = sorted((row.model, row.record_id, str(row.action)) for row in rows)
    print(f"  records {digest(records)}")


def problem(client) -> None:
    answer = trade_shipments_list.sync(client=client, exporter=["ZZ"])
    assert isinstance(answer, Problem), answer
    fields = ",".join(sorted(answer.errors.additional_properties))
    print(f"problem: {answer.status} {answer.title} ({answer.type_}) on {fields}")
    print(f"  at {answer.instance}")


def main(base_url: str) -> None:
    with Client(base_url=base_url, raise_on_unexpected_status=True) as client:
        countries(client)
        detail(client, shipments(client))
        change_feed(client)
        problem(client)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
