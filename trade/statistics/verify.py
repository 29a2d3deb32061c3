"""``verify_citations``' check of official statistics: each imported file is re-read from
the ``datasets`` storage, its checksum compared, and every live citation of a shipment in
its source compared with the row its locator names, value by value."""

from django.contrib.contenttypes.models import ContentType

from core import support
from core.models import Citation, ReviewState
from trade.models import Shipment
from trade.statistics import formats
from trade.statistics.facts import shipment_facts
from trade.statistics.files import StatisticsFile, checksum


def check_statistics_files(problems: list) -> int:
    """Append a line per problem; return how many citations were compared with their rows."""
    checked = 0
    for kept in StatisticsFile.objects.select_related("source").order_by("imported", "id"):
        rows = _rows(kept, problems)
        if rows is None:
            continue
        checked += _check_citations(kept, rows, problems)
    return checked


def _rows(kept: StatisticsFile, problems: list) -> dict | None:
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
    return {row.locator: row for row in reading.rows}


def _check_citations(kept, rows: dict, problems: list) -> int:
    shipment_type = ContentType.objects.get_for_model(Shipment)
    citations = Citation.objects.filter(
        source_id=kept.source_id, content_type=shipment_type
    ).exclude(review_state=ReviewState.RETRACTED)
    shipments = Shipment.objects.select_related("exporter", "importer", "reporter", "commodity")
    found = shipments.in_bulk({c.object_id for c in citations})
    count = 0
    for citation in citations.order_by("locator", "id"):
        count += 1
        where = f"citation {citation.pk} (trade.shipment {citation.object_id}, {citation.locator})"
        row = rows.get(citation.locator)
        shipment = found.get(citation.object_id)
        if row is None:
            problems.append(f"{where}: {kept.file_name} has no such row.")
            continue
        if shipment is None:
            continue
        stated, held = row.facts(), shipment_facts(shipment)
        for name in citation.supports:
            if name in (citation.withdrawn or {}) or name not in stated:
                continue
            if stated[name] != held[name]:
                problems.append(
                    f"{where}: {name} is {_shown(held[name])} but row {row.line} of "
                    f"{kept.file_name} gives {_shown(stated[name])}."
                )
            elif not support.supports_value(citation, name, shipment):
                problems.append(
                    f"{where}: supported an earlier value of {name}, not the row's "
                    f"{_shown(stated[name])}."
                )
    return count


def _shown(value) -> str:
    return "(empty)" if value in (None, "") else str(value)
