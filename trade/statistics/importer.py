"""Importing a file of official trade statistics, through the one write path.

The file becomes a ``dataset`` source (with a ``StatisticsFile`` keeping its checksum and
its bytes); each row becomes an aggregate, reported shipment that cites the source by the
row's locator, supporting each of its values. Everything goes through ``core.services``
(``record_save``, ``record_publish``), in one transaction: a failed import changes nothing.

* The same file twice (same sha256) is "nothing to do", when the countries asked for (all,
  without ``--countries``) were imported before. Other countries add the rows not imported
  before to the file's one source; a row imported before is left as it is.
* A newer edition supersedes the older source by the same rules as a corrected text
  (``source_reanchor``): a row found again is re-cited in the new source and the old
  citation retracted (published) or removed (draft); a changed value is changed on the
  record in the same call that cites the new row; rows the new edition no longer has keep
  their old citations and are listed for a curator.
* Records land as drafts; ``publish`` publishes the source and every imported record (and
  what they refer to) through ``record_publish``'s checks (``records_publish``: a chunk at
  a time). A published record is updated
  from a new edition only when that edition is published too (a published record cites
  published sources only): without ``publish`` those are counted as ``held``.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction

from core.models import Citation, ReviewState, Source, SourceKind
from core.services import (
    BATCH_SIZE,
    CitationInput,
    CitationsInvalid,
    NewRecord,
    record_publish,
    record_save,
    records_create,
    records_publish,
)
from diplomacy.models import Country
from diplomacy.reference import countries_sync
from trade.models import Shipment, ShipmentKind, ShipmentStatus
from trade.statistics import formats
from trade.statistics.commodities import CommodityFinder
from trade.statistics.facts import FACT_FIELDS, shipment_facts
from trade.statistics.files import StatisticsFile, checksum, store
from trade.statistics.formats import StatisticsFileError

LIVE = (ReviewState.DRAFT, ReviewState.PUBLISHED)
PUBLISHERS = {
    "comtrade": (
        "United Nations Statistics Division (UN Comtrade)",
        "https://comtradeplus.un.org/",
        "UN Comtrade database, United Nations Statistics Division.",
    ),
    "baci": (
        "CEPII (BACI)",
        "https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37",
        "BACI, CEPII (Gaulier and Zignago, 2010).",
    ),
}
LOCATOR_PATTERNS = {
    "comtrade": r"^C/[AM]/H[0-6]/[0-9]{4,6}/[0-9]{1,3}/(M|X|RM|RX)/[0-9]{1,3}/"
    r"(TOTAL|[0-9]{2}|[0-9]{4}|[0-9]{6})$|^H[0-6]/(TOTAL|[0-9]{2}|[0-9]{4}|[0-9]{6})$",
    "baci": r"^BACI/HS[0-9]{2}/[0-9]{4}/[0-9]{1,3}/[0-9]{1,3}/[0-9]{6}$|^HS[0-9]{2}/[0-9]{6}$",
}


@dataclass
class ImportOptions:
    """What the curator says of the file (the command's options)."""

    format: str = ""
    publisher: str = ""
    edition: str = ""
    licence: str = ""
    downloaded: datetime.date | None = None
    title: str = ""
    classification: str = ""
    countries: tuple = ()
    supersedes: Source | None = None
    publish: bool = False
    dry_run: bool = False


@dataclass
class ImportReport:
    format: str = ""
    source: Source | None = None
    superseded: Source | None = None
    nothing_to_do: bool = False
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    held: int = 0  # published records that wait for this edition to be published
    gone: list = field(default_factory=list)  # locators the older edition had, this one not
    skipped: Counter = field(default_factory=Counter)
    commodities_created: list = field(default_factory=list)
    published: int = 0
    earlier: bool = False  # the file was imported before: this run publishes it
    more: bool = False  # ... or adds the rows of countries not imported before
    again: int = 0  # rows of the selection this file's source cites already
    added: list = field(default_factory=list)  # the first locators of the new rows


def family(fmt: str) -> str:
    return "baci" if fmt == "baci" else "comtrade"


#: New rows named in the report (a dry run lists them): the first ones of a large file.
ADDED = 20
#: Rows per chunk: each chunk is read, looked up and written in a few queries.
CHUNK = BATCH_SIZE


def statistics_import(data: bytes, name: str, options: ImportOptions, *, user=None):
    """Import the file ``data`` (named ``name``); raises ``StatisticsFileError`` or
    ``ValidationError`` with nothing changed. A dry run rolls everything back.

    The file is read twice, row by row: once to check it (every row readable, no row key
    twice) and find the edition it supersedes, once to write it a chunk at a time. Neither
    holds its rows: memory grows with the file's bytes and its row keys only."""
    digest = checksum(data)
    known = StatisticsFile.objects.filter(sha256=digest).select_related("source").first()
    countries = options.countries
    # A file is known by its sha256, and what of it was imported by the countries chosen:
    # a bulk file (a BACI year holds every pair of the world) is imported a selection at a
    # time, each adding the rows not imported before to the file's one source.
    more = known is not None and not _covered(known, countries)
    if known is not None and not more and not (options.publish and _unpublished(known.source)):
        return ImportReport(known.format, known.source, known.source.supersedes, True)

    def reading():
        return formats.read(
            data,
            options.format or (known.format if known else ""),
            name=name,
            classification=options.classification or (known.classification if known else ""),
        )

    fmt, first = reading()
    locators = _survey(_selected(first.rows, countries))
    if not locators:
        # A source no flow cites would stand for nothing: an empty API answer (count 0), a
        # file of World totals only, or --countries that matches no row.
        skipped = "; ".join(f"{n} {reason}" for reason, n in sorted(first.skipped.items()))
        chosen = f" of {','.join(countries)}" if countries else ""
        raise StatisticsFileError(
            f"No flow between two countries{chosen} in this file"
            + (f" (skipped: {skipped})." if skipped else ".")
        )
    report = ImportReport(fmt, skipped=first.skipped, earlier=known is not None, more=more)
    with transaction.atomic():
        countries_sync()  # every ISO country exists, published and cited
        if known is None:
            source = _source(fmt, name, digest, options, locators, user)
            StatisticsFile.objects.create(
                source=source,
                sha256=digest,
                format=fmt,
                classification=",".join(sorted(first.classifications)),
                file_name=name.rsplit("/", 1)[-1][:300],
                stored_name="",
                size=len(data),
                edition=options.edition,
                countries=",".join(options.countries),
                rows=len(locators),
            )
        else:
            source = known.source
        report.source, report.superseded = source, source.supersedes
        if options.publish and source.review_state == ReviewState.DRAFT:
            record_publish(source, user=user)
        _fmt, second = reading()
        _apply(_selected(second.rows, countries), locators, source, report, options, user)
        if more:
            StatisticsFile.objects.filter(pk=known.pk).update(
                countries=",".join(_union(_countries_of(known), countries)),
                rows=known.rows + len(locators) - report.again,
            )
        if options.dry_run:
            transaction.set_rollback(True)
        elif known is None:
            stored = store(data, digest, name)
            StatisticsFile.objects.filter(source=source).update(stored_name=stored)
    return report


def _draft(source: Source) -> bool:
    return source.review_state == ReviewState.DRAFT


def _unpublished(source: Source) -> bool:
    """Something of the file waits for ``--publish``: its source, or a flow citing it."""
    return (
        _draft(source)
        or _shipment_citations(source).filter(review_state=ReviewState.DRAFT).exists()
    )


def _countries_of(known) -> tuple:
    """The countries the file's imports were limited to; () when the whole file is in."""
    return tuple(filter(None, known.countries.split(","))) if known else ()


def _covered(known, countries) -> bool:
    """Every row of ``countries`` (the whole file without) was imported before: a row is
    selected when its exporter or importer is chosen, so selections add up as sets."""
    done = _countries_of(known)
    return not done or (bool(countries) and set(countries) <= set(done))


def _union(done, countries) -> tuple:
    return () if not done or not countries else tuple(sorted(set(done) | set(countries)))


def _selected(rows, countries):
    """The rows of the countries asked for (all without ``countries``), as they are read."""
    wanted = {code.upper() for code in countries}
    for row in rows:
        if not wanted or row.exporter in wanted or row.importer in wanted:
            yield row


def _survey(rows) -> set:
    """The rows' keys (locators), read to the end: a key twice is refused."""
    seen = {}
    for row in rows:
        if row.locator in seen:
            raise StatisticsFileError(
                f"Row {row.line}: the same row key ({row.locator}) as row {seen[row.locator]}."
            )
        seen[row.locator] = row.line
    return set(seen)


def _chunks(items, size: int):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _source(fmt, name, digest, options, locators, user) -> Source:
    publisher, url, attribution = PUBLISHERS[family(fmt)]
    file_name = name.rsplit("/", 1)[-1]
    edition = f"edition {options.edition}, " if options.edition else ""
    title = options.title or f"{options.publisher or publisher}: {file_name}"
    # The file's checksum is part of the public record: a reader can tell whether the file
    # they downloaded is the one cited (the bytes themselves are kept, not published).
    title = f"{title[:400]} ({edition}sha256 {digest})"
    previous = options.supersedes or _previous(fmt, locators)
    source = Source(
        kind=SourceKind.DATASET,
        title=title[:500],
        publisher=(options.publisher or publisher)[:300],
        document_url=url,
        retrieved=options.downloaded,
        licence=options.licence[:200],
        attribution=attribution,
        locator_pattern=LOCATOR_PATTERNS[family(fmt)],
        supersedes=previous,
    )
    return record_save(source, user=user, reason=f"Imported from {file_name}")


def _previous(fmt: str, locators) -> Source | None:
    """The edition this file supersedes: the latest statistics source of the same format
    family, not yet superseded, whose live citations name some of the same rows."""
    found = set()
    for chunk in _chunks(sorted(locators), 500):
        found |= set(
            Citation.objects.filter(
                locator__in=chunk,
                review_state__in=LIVE,
                source__statistics_file__isnull=False,
                source__superseded_by__isnull=True,
            ).values_list("source_id", flat=True)
        )
    sources = Source.objects.filter(pk__in=found).select_related("statistics_file")
    sources = [s for s in sources if family(s.statistics_file.format) == family(fmt)]
    if len(sources) > 1:
        names = "; ".join(f"{s.pk} ({s})" for s in sources)
        raise StatisticsFileError(
            f"Several sources hold these rows: {names}. Name the one this edition "
            "supersedes with --supersedes."
        )
    return sources[0] if sources else None


def _shipment_citations(source: Source | None, locators=None):
    """The shipments' live citations of ``source`` (those of ``locators`` only, if given)."""
    if source is None:
        return Citation.objects.none()
    shipment_type = ContentType.objects.get_for_model(Shipment)
    citations = Citation.objects.filter(
        source=source, content_type=shipment_type, review_state__in=LIVE
    )
    return citations if locators is None else citations.filter(locator__in=locators)


def _live_citations(source: Source | None, locators) -> dict:
    """The live citations of ``source`` of the rows ``locators``, by locator, each with its
    shipment: two queries for a chunk of rows."""
    citations = list(_shipment_citations(source, locators))
    shipments = Shipment.objects.in_bulk([c.object_id for c in citations])
    for citation in citations:
        citation.record = shipments.get(citation.object_id)
    return {c.locator: c for c in citations}


def _apply(rows, locators, source, report, options, user) -> None:
    """Write the rows a chunk at a time: new rows in one ``records_create`` per chunk, rows
    of the edition this one supersedes through ``record_save`` one by one (their citations
    are retracted or removed and their values may change, by ``record_save``'s rules)."""
    previous = source.supersedes
    fresh = not source.citations.exists()  # nothing of this edition is in yet
    finder = CommodityFinder(source, user)
    countries = {c.iso2: c for c in Country.objects.all()}
    for chunk in _chunks(rows, CHUNK):
        keys = [row.locator for row in chunk]
        mine = {} if fresh else _live_citations(source, keys)
        older = _live_citations(previous, keys) if previous is not None else {}
        finder.prefetch(chunk)
        new, touched = [], []
        for row in chunk:
            if row.locator in mine:
                # This edition's row is in already (a --publish rerun, or a selection of
                # countries that overlaps one imported before): left as it is.
                report.unchanged += 1
                report.again += 1
                touched.append(mine[row.locator].object_id)
                continue
            commodity = finder.commodity(row)
            old = older.get(row.locator)
            if old is None:
                shipment = _new_shipment(row, commodity, countries)
                new.append(NewRecord(shipment, [_cite(source, row, shipment)]))
                continue
            if _supersede(old, row, source, report, user):
                touched.append(old.object_id)
        records_create(new, user=user)
        report.new += len(new)
        report.added += [item.cite[0].locator for item in new[: ADDED - len(report.added)]]
        touched += [item.record.pk for item in new]
        if options.publish:
            _publish(touched, report, user)
    if previous is not None:
        older_keys = _shipment_citations(previous).values_list("locator", flat=True)
        report.gone = sorted(set(older_keys.iterator()) - locators)
    report.commodities_created = finder.created


def _supersede(old, row, source, report, user) -> bool:
    """Re-cite a row the older edition had in this one; False if it waits (held)."""
    shipment = old.record
    if shipment.review_state == ReviewState.PUBLISHED and _draft(source):
        report.held += 1
        return False
    same = shipment_facts(shipment) == _expected(row, shipment)
    _set_values(shipment, row)
    reason = f"Superseded by {source} (row {row.locator})."
    # As a re-anchored quote: a public citation is retracted, a draft one removed.
    if old.review_state == ReviewState.PUBLISHED:
        kw = {"uncite": {old: reason}}
    else:
        kw = {"remove": [old]}
    record_save(shipment, user=user, cite=[_cite(source, row, shipment)], reason=reason, **kw)
    report.unchanged += same
    report.changed += not same
    return True


def _publish(pks, report, user) -> None:
    drafts = list(Shipment.objects.filter(pk__in=pks, review_state=ReviewState.DRAFT).only("pk"))
    records_publish(drafts, user=user, with_references=True)
    report.published += len(drafts)


def _expected(row, shipment) -> dict:
    """What the shipment's facts are once it takes the row's values."""
    facts = row.facts()
    facts["commodity"] = shipment_facts(shipment)["commodity"]
    return facts


def _set_values(shipment: Shipment, row) -> None:
    shipment.period = row.period
    shipment.quantity, shipment.unit = row.quantity, row.unit
    shipment.value = row.value
    shipment.currency = "USD" if row.value is not None else ""
    shipment.value_basis = row.value_basis
    shipment.flow = row.flow
    shipment.is_quantity_estimated = row.quantity_estimated
    shipment.note = row.note


def _new_shipment(row, commodity, countries) -> Shipment:
    try:
        shipment = Shipment(
            exporter=countries[row.exporter],
            importer=countries[row.importer],
            reporter=countries[row.reporter] if row.reporter else None,
            commodity=commodity,
            kind=ShipmentKind.AGGREGATE,
            status=ShipmentStatus.REPORTED,
        )
    except KeyError as exc:
        raise StatisticsFileError(f"Row {row.line}: no country {exc.args[0]} here.") from None
    _set_values(shipment, row)
    return shipment


def _cite(source, row, shipment) -> CitationInput:
    filled = [name for name in FACT_FIELDS if getattr(shipment, _attname(name)) not in (None, "")]
    return CitationInput(source=source, locator=row.locator, supports=filled)


def _attname(name: str) -> str:
    return f"{name}_id" if name in ("exporter", "importer", "reporter", "commodity") else name


def describe_error(exc: Exception) -> str:
    """One line for the curator, from a refused import."""
    if isinstance(exc, CitationsInvalid):
        return " ".join(
            f"{name}: {' '.join(map(str, messages))}"
            for item in exc.items
            for name, messages in item.items()
        )
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)
