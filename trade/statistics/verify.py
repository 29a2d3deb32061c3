"""``verify_citations``' check of official statistics: each imported file is re-read from
the ``datasets`` storage, its checksum compared, and every live citation of a shipment in
its source compared with the row its locator names, value by value. The rows are read as a
stream and compared a chunk at a time: memory holds the file's bytes and row keys, not its
rows nor all its citations."""

from django.contrib.contenttypes.models import ContentType

from core import support
from core.models import Citation, ReviewState
from trade.models import Shipment
from trade.statistics import formats
from trade.statistics.facts import shipment_facts
from trade.statistics.files import StatisticsFile, checksum

#: Rows compared per query: the file is read row by row, never held as rows.
CHUNK = 1000


def check_statistics_files(problems: list) -> int:
    """Append a line per problem; return how many citations were compared with their rows."""
    checked = 0
    for kept in StatisticsFile.objects.select_related("source").order_by("imported", "id"):
        rows = _rows(kept, problems)
        if rows is None:
            continue
        checked += _check_citations(kept, rows, problems)
    return checked


def _rows(kept: StatisticsFile, problems: list):
    """The file's rows, as they are read (``None`` if it cannot be read)."""
    where = f"dataset file {kept.file_name} (source {kept.source_id})"
    try:
        data = kept.read()
    except (OSError, ValueError) as exc:
        problems.append(f"{where}: cannot be read from the datasets storage: {exc}.")
        return None
    if checksum(data) != kept.sha256:
        problems.append(
            f"{where}: its bytes no longer match its sha256 {kept.sha256[:12]}…: the file "
            "kept was changed."
        )
    try:
        _fmt, reading = formats.read(
            data, kept.format, name=kept.file_name, classification=kept.classification
        )
    except formats.StatisticsFileError as exc:
        problems.append(f"{where}: no longer reads: {exc}")
        return None
    return _guarded(reading.rows, where, problems)


def _guarded(rows, where: str, problems: list):
    try:
        yield from rows
    except formats.StatisticsFileError as exc:
        problems.append(f"{where}: no longer reads: {exc}")


def _check_citations(kept, rows, problems: list) -> int:
    """Compare each live citation of the file's source with its row, a chunk of rows at a
    time (two queries per chunk); then name the citations whose row the file lacks."""
    shipment_type = ContentType.objects.get_for_model(Shipment)
    citations = Citation.objects.filter(
        source_id=kept.source_id, content_type=shipment_type
    ).exclude(review_state=ReviewState.RETRACTED)
    shipments = Shipment.objects.select_related("exporter", "importer", "reporter", "commodity")
    seen, count, found = set(), 0, []
    chunk = []
    for row in rows:
        seen.add(row.locator)
        chunk.append(row)
        if len(chunk) == CHUNK:
            count += _check_chunk(kept, chunk, citations, shipments, found)
            chunk = []
    if chunk:
        count += _check_chunk(kept, chunk, citations, shipments, found)
    keys = citations.order_by("locator", "id").values_list("pk", "object_id", "locator")
    for pk, object_id, locator in keys.iterator():
        if locator not in seen:
            count += 1
            found.append(
                (locator, f"{_where(pk, object_id, locator)}: {kept.file_name} has no such row.")
            )
    problems.extend(problem for _locator, problem in sorted(found, key=lambda p: p[0]))
    return count


def _check_chunk(kept, chunk, citations, shipments, found: list) -> int:
    by_locator = {row.locator: row for row in chunk}
    cited = list(citations.filter(locator__in=list(by_locator)).order_by("locator", "id"))
    records = shipments.in_bulk({c.object_id for c in cited})
    for citation in cited:
        where = _where(citation.pk, citation.object_id, citation.locator)
        row, shipment = by_locator[citation.locator], records.get(citation.object_id)
        if shipment is None:
            continue
        stated, held = row.facts(), shipment_facts(shipment)
        for name in citation.supports:
            if name in (citation.withdrawn or {}) or name not in stated:
                continue
            if stated[name] != held[name]:
                found.append(
                    (
                        citation.locator,
                        f"{where}: {name} is {_shown(held[name])} but row {row.line} of "
                        f"{kept.file_name} gives {_shown(stated[name])}.",
                    )
                )
            elif not support.supports_value(citation, name, shipment):
                found.append(
                    (
                        citation.locator,
                        f"{where}: supported an earlier value of {name}, not the row's "
                        f"{_shown(stated[name])}.",
                    )
                )
    return len(cited)


def _where(pk, object_id, locator) -> str:
    return f"citation {pk} (trade.shipment {object_id}, {locator})"


def _shown(value) -> str:
    return "(empty)" if value in (None, "") else str(value)
