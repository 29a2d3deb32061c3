"""The file formats of official trade statistics, read into one ``Row`` per flow.

* **Comtrade+ API JSON** (``{"data": [...]}``, records of 47 fields) and **Comtrade+ bulk
  CSV** (the same 47 columns; comma- or tab-separated, optionally gzipped). A record is one
  reporter's declaration: ``flowCode`` M, X, RM or RX, a partner, an HS code at any level
  (``cmdCode``, ``TOTAL`` for all goods) in the edition ``classificationCode`` (H0…H6),
  ``primaryValue`` in US dollars (``cifvalue`` on imports, ``fobvalue`` on exports),
  ``netWgt`` in kg and ``qty`` in ``qtyUnitCode`` (-1: no quantity).
* **BACI** (CEPII): ``t,i,j,k,v,q`` = year, exporter, importer (numeric codes), HS6 product,
  value in thousands of US dollars, quantity in metric tons (``NA`` or blank: none). BACI
  reconciles both sides' declarations, so a row has no reporter; values are FOB.

What a row cannot be (a "World" or area partner, a breakdown by second partner, customs
procedure or transport mode, a flow other than M/X/RM/RX, the reporter as its own partner)
is skipped and counted by reason. Anything else unexpected is a ``StatisticsFileError``.
"""

import csv
import gzip
import io
import json
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from trade.statistics.countries import WORLD, UnknownCountry, area_name, country_code

FORMATS = ("comtrade-json", "comtrade-csv", "baci")
#: HS editions: Comtrade's classification codes and BACI's names of them.
HS_EDITIONS = {"H0": "HS92", "H1": "HS96", "H2": "HS02", "H3": "HS07", "H4": "HS12"}
HS_EDITIONS |= {"H5": "HS17", "H6": "HS22"}
BACI_EDITIONS = {name: code for code, name in HS_EDITIONS.items()}
FLOWS = {"M": "import", "X": "export", "RM": "re_import", "RX": "re_export"}
#: Comtrade's quantity units that are ours (qtyUnitCode → Unit).
QTY_UNITS = {5: "item", 7: "l", 8: "kg", 12: "m3"}
# The 47 fields of a Comtrade+ record, in their order.
COMTRADE_FIELDS = (  # noqa: SIM905 - one string reads as the documentation lists them
    "typeCode freqCode refPeriodId refYear refMonth period reporterCode reporterISO "
    "reporterDesc flowCode flowDesc partnerCode partnerISO partnerDesc partner2Code "
    "partner2ISO partner2Desc classificationCode classificationSearchCode "
    "isOriginalClassification cmdCode cmdDesc aggrLevel isLeaf customsCode customsDesc "
    "mosCode motCode motDesc qtyUnitCode qtyUnitAbbr qty isQtyEstimated altQtyUnitCode "
    "altQtyUnitAbbr altQty isAltQtyEstimated netWgt isNetWgtEstimated grossWgt "
    "isGrossWgtEstimated cifvalue fobvalue primaryValue legacyEstimationFlag isReported "
    "isAggregate"
).split()
BACI_FIELDS = ("t", "i", "j", "k", "v", "q")
CMD_RE = re.compile(r"^(TOTAL|[0-9]{2}|[0-9]{4}|[0-9]{6})$")
#: BACI's product codes outside the HS: 9999AA, "commodities not specified according to
#: kind" (HS92 files). Such a row names no commodity, so it is skipped and counted.
BACI_UNSPECIFIED = r"[0-9]{4}[A-Z]{2}"


class StatisticsFileError(ValueError):
    """The file cannot be read as the format says: nothing is imported."""


@dataclass(frozen=True)
class Row:
    """One flow of a file, as a shipment holds it, with the locator that names its row."""

    locator: str
    line: int
    period: str
    classification: str
    reporter: str | None  # alpha-2; None for reconciled data (BACI)
    flow: str
    exporter: str
    importer: str
    cmd: str  # HS code (digits) or TOTAL
    cmd_desc: str
    quantity: Decimal | None
    unit: str
    quantity_estimated: bool
    value: Decimal | None
    value_basis: str
    note: str

    def facts(self) -> dict:
        """The shipment's factual values this row gives (countries by alpha-2, the
        commodity by HS code): what the citation supports and ``verify`` compares."""
        return {
            "exporter": self.exporter,
            "importer": self.importer,
            "commodity": self.cmd,
            "period": self.period,
            "quantity": self.quantity,
            "unit": self.unit,
            "value": self.value,
            "currency": "USD" if self.value is not None else "",
            "reporter": self.reporter,
            "flow": self.flow,
            "value_basis": self.value_basis,
        }


@dataclass
class Reading:
    """A file as read: ``rows`` is an iterator, read once; ``skipped`` (by reason) and
    ``classifications`` are complete once it is exhausted."""

    rows: object
    skipped: Counter
    classifications: set


def _decimal(value, *, places: str, what: str, line: int, scale: int = 1) -> Decimal | None:
    """The number ``value`` times ``scale``, rounded to ``places`` only then (BACI's
    thousands of dollars to the cent, however many decimals the file writes)."""
    if value is None or (isinstance(value, str) and value.strip().upper() in ("", "NA")):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise StatisticsFileError(f"Row {line}: {what} “{value}” is not a number.") from None
    if not number.is_finite() or number < 0:
        raise StatisticsFileError(f"Row {line}: {what} “{value}” is not a non-negative number.")
    return (number * scale).quantize(Decimal(places))


def _flag(value) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes")


def _int(value, default=None):
    try:
        return int(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError):
        return default


def open_text(data: bytes) -> str:
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except OSError as exc:
            raise StatisticsFileError(f"A damaged gzip file: {exc}.") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StatisticsFileError("Not a UTF-8 text file.") from None


def detect_format(text: str) -> str:
    """The format of a file's text: JSON, or a CSV by its header."""
    if text.lstrip().startswith("{"):
        return "comtrade-json"
    header = _header(text)
    if tuple(name.lower() for name in header) == BACI_FIELDS:
        return "baci"
    if "reporterCode" in header and "cmdCode" in header:
        return "comtrade-csv"
    raise StatisticsFileError(
        "Unknown column layout: neither Comtrade+ (JSON or the 47 CSV columns) nor BACI "
        f"(t,i,j,k,v,q). The header reads {','.join(header[:8])[:120]!r}."
    )


def _header(text: str) -> list[str]:
    first = text.split("\n", 1)[0].strip("\r")
    delimiter = "\t" if "\t" in first else ","
    return [name.strip().strip('"') for name in first.split(delimiter)]


# --- Comtrade+ -------------------------------------------------------------------------


def read_comtrade_json(text: str) -> Reading:
    try:
        body = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise StatisticsFileError(f"Not JSON: {exc}.") from None
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise StatisticsFileError(
            'Unknown layout: a Comtrade+ API response is an object with a "data" list.'
        )
    if body.get("error"):
        raise StatisticsFileError(f"The response holds an error: {body['error']}")
    records = body["data"]
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise StatisticsFileError(f"Record {number} is not an object.")
    return _comtrade(records, start=1)


def read_comtrade_csv(text: str) -> Reading:
    delimiter = "\t" if "\t" in text.split("\n", 1)[0] else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    _check_fields(reader.fieldnames or [])
    return _comtrade(reader, start=2)


def _check_fields(names) -> None:
    missing = [name for name in COMTRADE_FIELDS if name not in names]
    if missing:
        raise StatisticsFileError(
            "Unknown column layout: not the 47 Comtrade+ fields; missing "
            f"{', '.join(missing[:6])}{'…' if len(missing) > 6 else ''}."
        )


def _comtrade(records, *, start: int) -> Reading:
    """The rows of ``records`` as they are read (a file's are not all held at once)."""
    if isinstance(records, list) and records:
        _check_fields(records[0])
    reading = Reading(iter(()), Counter(), set())
    reading.rows = _comtrade_rows(records, start, reading)
    return reading


def _comtrade_rows(records, start: int, reading: Reading):
    for line, record in enumerate(records, start=start):
        row = _comtrade_row(record, line, reading)
        if row is not None:
            yield row


def _skip(reading: Reading, reason: str) -> None:
    reading.skipped[reason] += 1


def _countries(reporter, partner, line: int):
    try:
        return country_code(*reporter), country_code(*partner)
    except UnknownCountry as exc:
        raise StatisticsFileError(f"Row {line}: {exc}") from None


def _comtrade_row(record: dict, line: int, reading: Reading) -> Row | None:
    classification = str(record["classificationCode"]).strip()
    if classification not in HS_EDITIONS:
        raise StatisticsFileError(
            f"Row {line}: classification “{classification}” is not an HS edition (H0…H6)."
        )
    kind, freq = str(record["typeCode"]).strip(), str(record["freqCode"]).strip()
    if (kind, freq) not in (("C", "A"), ("C", "M")):
        raise StatisticsFileError(
            f"Row {line}: type {kind}/{freq}: only goods (C), annual (A) or monthly (M)."
        )
    flow = FLOWS.get(str(record["flowCode"]).strip())
    if flow is None:
        return _skip(reading, f"flow {record['flowCode']} (only M, X, RM, RX)")
    if (_int(record["partner2Code"], 0), str(record["customsCode"]).strip()) != (0, "C00") or (
        _int(record["motCode"], 0) != 0
    ):
        return _skip(reading, "a breakdown by second partner, customs procedure or transport")
    reporter, partner = _countries(
        (record["reporterCode"], record["reporterISO"]),
        (record["partnerCode"], record["partnerISO"]),
        line,
    )
    if _int(record["partnerCode"]) == WORLD:
        return _skip(reading, "partner World (a total over partners)")
    if reporter is None or partner is None:
        code = record["reporterCode"] if reporter is None else record["partnerCode"]
        return _skip(reading, f"an area, not a country ({area_name(code)})")
    if reporter == partner:
        return _skip(reading, "the reporter as its own partner")
    cmd = str(record["cmdCode"]).strip()
    if cmd.isdigit() and len(cmd) % 2:
        # An HS code has 2, 4 or 6 digits: an odd count is one whose leading zero a
        # spreadsheet dropped ("804" for 0804).
        cmd = f"0{cmd}"
    if not CMD_RE.match(cmd):
        raise StatisticsFileError(f"Row {line}: “{cmd}” is not an HS code nor TOTAL.")
    period = _period(record, freq, line)
    reading.classifications.add(classification)
    importing = flow in ("import", "re_import")
    exporter, importer = (partner, reporter) if importing else (reporter, partner)
    quantity, unit, estimated = _comtrade_quantity(record, line)
    value = _decimal(record["primaryValue"], places="0.01", what="primaryValue", line=line)
    locator = "/".join(
        str(part).strip()
        for part in (kind, freq, classification, record["period"], record["reporterCode"])
    )
    locator += f"/{record['flowCode']}/{_int(record['partnerCode'])}/{cmd}"
    notes = []
    if _flag(record["isAggregate"]):
        notes.append("Aggregated by UN Comtrade from more detailed records (isAggregate).")
    if not _flag(record["isReported"]):
        notes.append("Not reported as such by the reporter: estimated by UN Comtrade.")
    return Row(
        locator=locator,
        line=line,
        period=period,
        classification=classification,
        reporter=reporter,
        flow=flow,
        exporter=exporter,
        importer=importer,
        cmd=cmd,
        cmd_desc=str(record.get("cmdDesc") or "").strip(),
        quantity=quantity,
        unit=unit,
        quantity_estimated=estimated,
        value=value,
        value_basis=_basis(record, importing, value, line),
        note=" ".join(notes),
    )


def _period(record: dict, freq: str, line: int) -> str:
    period = str(record["period"]).strip()
    if freq == "A" and re.fullmatch(r"[0-9]{4}", period):
        return period
    if freq == "M" and re.fullmatch(r"[0-9]{6}", period):
        return f"{period[:4]}-{period[4:]}"
    raise StatisticsFileError(f"Row {line}: period “{period}” does not fit frequency {freq}.")


def _comtrade_quantity(record: dict, line: int):
    """The net weight in kg where given (what every HS flow is comparable by), else the
    quantity in its unit when it is one of ours; ``qtyUnitCode`` -1 is no quantity."""
    weight = _decimal(record["netWgt"], places="0.001", what="netWgt", line=line)
    if weight is not None:
        return weight, "kg", _flag(record["isNetWgtEstimated"])
    unit = QTY_UNITS.get(_int(record["qtyUnitCode"], -1))
    quantity = _decimal(record["qty"], places="0.001", what="qty", line=line) if unit else None
    if quantity is None:
        return None, "", False
    return quantity, unit, _flag(record["isQtyEstimated"])


def _basis(record: dict, importing: bool, value, line: int) -> str:
    """CIF or FOB: whichever of ``cifvalue`` and ``fobvalue`` the primary value is."""
    cif = _decimal(record["cifvalue"], places="0.01", what="cifvalue", line=line)
    fob = _decimal(record["fobvalue"], places="0.01", what="fobvalue", line=line)
    if value is None:
        return ""
    matches = [basis for basis, given in (("cif", cif), ("fob", fob)) if given == value]
    if len(matches) == 2:
        return "cif" if importing else "fob"
    return matches[0] if matches else ""


# --- BACI ------------------------------------------------------------------------------


def read_baci(text: str, classification: str) -> Reading:
    if classification not in HS_EDITIONS:
        raise StatisticsFileError(
            "A BACI file names no HS edition in its rows: give it (--classification H5 or "
            "HS17), or keep BACI's file name (BACI_HS17_Y2022_V202401.csv)."
        )
    reader = csv.reader(io.StringIO(text))
    header = [name.strip().lower() for name in next(reader, [])]
    if tuple(header) != BACI_FIELDS:
        raise StatisticsFileError(
            f"Unknown column layout: BACI's header is t,i,j,k,v,q, not {','.join(header)}."
        )
    reading = Reading(iter(()), Counter(), {classification})
    reading.rows = _baci_rows(reader, reading)
    return reading


def _baci_rows(reader, reading: Reading):
    """The rows as they are read: a BACI file of millions of rows is never held as rows."""
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != 6:
            raise StatisticsFileError(f"Row {line}: {len(cells)} cells, not 6 (t,i,j,k,v,q).")
        named = dict(zip(BACI_FIELDS, (c.strip() for c in cells), strict=True))
        row = _baci_row(named, line, reading)
        if row is not None:
            yield row


def _baci_row(cells: dict, line: int, reading: Reading) -> Row | None:
    year = cells["t"]
    if not re.fullmatch(r"[0-9]{4}", year):
        raise StatisticsFileError(f"Row {line}: year “{year}” is not a year.")
    product = cells["k"].upper()
    unspecified = re.fullmatch(BACI_UNSPECIFIED, product)
    if not (unspecified or re.fullmatch(r"[0-9]{5,6}", product)):
        raise StatisticsFileError(f"Row {line}: product “{cells['k']}” is not an HS6 code.")
    exporter, importer = _countries((cells["i"], ""), (cells["j"], ""), line)
    if _int(cells["j"]) == WORLD or _int(cells["i"]) == WORLD:
        return _skip(reading, "partner World (a total over partners)")
    if exporter is None or importer is None:
        code = cells["i"] if exporter is None else cells["j"]
        return _skip(reading, f"an area, not a country ({area_name(code)})")
    if exporter == importer:
        return _skip(reading, "the reporter as its own partner")
    if unspecified:
        return _skip(reading, f"goods not specified by kind ({product}: no HS code)")
    product = product.zfill(6)  # read as a number, BACI's codes lose their leading zero
    dollars = _decimal(cells["v"], places="0.01", what="value (v)", line=line, scale=1000)
    tons = _decimal(cells["q"], places="0.001", what="quantity (q)", line=line)
    classification = next(iter(reading.classifications))
    return Row(
        locator=f"BACI/{HS_EDITIONS[classification]}/{year}/{_int(cells['i'])}/"
        f"{_int(cells['j'])}/{product}",
        line=line,
        period=year,
        classification=classification,
        reporter=None,
        flow="",
        exporter=exporter,
        importer=importer,
        cmd=product,
        cmd_desc="",
        quantity=tons,
        unit="t" if tons is not None else "",
        quantity_estimated=False,
        value=dollars,
        value_basis="fob" if dollars is not None else "",
        note="Reconciled from both sides' declarations by CEPII (BACI).",
    )


def classification_of_baci(name: str, given: str = "") -> str:
    """The HS edition of a BACI file: ``--classification`` (H5 or HS17), else its name."""
    given = (given or "").strip().upper()
    if given:
        code = BACI_EDITIONS.get(given, given)
        if code not in HS_EDITIONS:
            raise StatisticsFileError(f"“{given}” is not an HS edition (H0…H6, HS92…HS22).")
        return code
    match = re.search(r"BACI_(HS[0-9]{2})_", name)
    return BACI_EDITIONS.get(match.group(1), "") if match else ""


def read(data: bytes, fmt: str = "", *, name: str = "", classification: str = "") -> tuple:
    """``(format, Reading)`` of a file's bytes; ``fmt`` empty: found from the content."""
    text = open_text(data)
    if not text.strip():
        raise StatisticsFileError("The file is empty.")
    fmt = fmt or detect_format(text)
    if fmt not in FORMATS:
        raise StatisticsFileError(f"Unknown format {fmt!r}: one of {', '.join(FORMATS)}.")
    if fmt == "comtrade-json":
        return fmt, read_comtrade_json(text)
    if fmt == "comtrade-csv":
        if detect_format(text) != "comtrade-csv":
            raise StatisticsFileError("Unknown column layout: not the 47 Comtrade+ columns.")
        return fmt, read_comtrade_csv(text)
    return fmt, read_baci(text, classification_of_baci(name, classification))
