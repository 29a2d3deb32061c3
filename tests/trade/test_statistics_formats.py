"""The statistics importer on what real Comtrade+ and BACI files hold (issue 22's audit).

Every file here is synthetic: written by the test into its own folder, named ``…-synthetic``,
with made-up figures; the layouts and codes are the formats' own. What is checked is what the
curator sees: the command's output and error, and the shipments and citations it writes.
"""

import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError

from core.models import Change, Citation, ReviewState
from tests.core.test_rules import snapshot
from tests.trade.importing import run_import as run
from trade.models import Commodity, Shipment, StatisticsFile

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets")]

REAL = Path(__file__).parent / "data" / "comtradeplus-get-C-A-HS-2010-CHN.json"


def everything():
    return snapshot(), list(StatisticsFile.objects.values_list()), Change.objects.count()


def cited(prefix: str) -> dict:
    """The live shipments citing a row whose locator starts with ``prefix``, by locator."""
    citations = Citation.objects.filter(locator__startswith=prefix).exclude(
        review_state=ReviewState.RETRACTED
    )
    return {c.locator: c.record for c in citations if c.content_type.model == "shipment"}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


# --- BACI --------------------------------------------------------------------------------


def test_baci_reads_its_own_country_codes_italy_and_france(tmp_path):
    """BACI names Italy 381, France 251, the USA 842: no ISO numeric code, one country each;
    a real BACI file has every one of them."""
    path = write(
        tmp_path,
        "BACI_HS22_Y2023_V202501-synthetic.csv",
        "t,i,j,k,v,q\n"
        "2023,381,251,010121,10.5,1\n"
        "2023,842,699,010121,2,3\n"
        "2023,757,579,010121,4,5\n",
    )

    out = run(path)

    assert "new: 3" in out
    rows = {
        locator: (s.exporter.iso2, s.importer.iso2) for locator, s in cited("BACI/HS22/").items()
    }
    assert rows == {
        "BACI/HS22/2023/381/251/010121": ("IT", "FR"),
        "BACI/HS22/2023/842/699/010121": ("US", "IN"),
        "BACI/HS22/2023/757/579/010121": ("CH", "NO"),
    }
    assert StatisticsFile.objects.get().classification == "H6"


def test_baci_k_without_its_leading_zero_blank_and_na_quantities(tmp_path):
    """``k`` 10121 is HS 010121 (BACI's codes read as numbers); ``q`` blank, "NA" or a padded
    "NA" is no quantity; ``v`` is thousands of dollars, to the cent however it is written."""
    path = write(
        tmp_path,
        "BACI_HS92_Y1995_V202401-synthetic.csv",
        "t,i,j,k,v,q\n"
        "1995,643,4,10121,1.0005,\n"
        "1995,643,4,010129,2,NA\n"
        "1995,643,4,020110,3,          NA\n"
        "1995,643,4,020120,4.25,12.5\n",
    )

    out = run(path)

    assert "new: 4" in out
    rows = cited("BACI/HS92/1995/643/4/")
    horses = rows["BACI/HS92/1995/643/4/010121"]
    assert (horses.commodity.hs_code, horses.value, horses.quantity, horses.unit) == (
        "010121",
        Decimal("1000.50"),
        None,
        "",
    )
    assert rows["BACI/HS92/1995/643/4/010129"].quantity is None
    assert rows["BACI/HS92/1995/643/4/020110"].quantity is None
    beef = rows["BACI/HS92/1995/643/4/020120"]
    assert (beef.value, beef.quantity, beef.unit, beef.value_basis) == (
        Decimal("4250.00"),
        Decimal("12.500"),
        "t",
        "fob",
    )
    # The commodity a BACI row creates cites the file's edition by BACI's name of it.
    commodity = Commodity.objects.get(hs_code="010121")
    assert commodity.citations.get().locator == "HS92/010121"


def test_baci_goods_not_specified_by_kind_are_skipped_and_counted(tmp_path):
    """HS92 files carry 9999AA, BACI's code for goods not specified by kind: no HS code, so
    no commodity to file it under; the rest of the file imports."""
    path = write(
        tmp_path,
        "BACI_HS92_Y1995_V202401-synthetic.csv",
        "t,i,j,k,v,q\n1995,4,12,9999AA,4,\n1995,4,12,010121,5.5,1.25\n",
    )

    out = run(path)

    assert "new: 1" in out
    assert "skipped 1: goods not specified by kind (9999AA: no HS code)" in out
    assert list(cited("BACI/")) == ["BACI/HS92/1995/4/12/010121"]


def test_baci_taiwan_and_former_areas_are_skipped_as_areas(tmp_path):
    path = write(
        tmp_path,
        "BACI_HS92_Y1995_V202401-synthetic.csv",
        "t,i,j,k,v,q\n1995,490,4,010121,1,1\n1995,536,4,010121,1,1\n1995,4,12,010121,1,1\n",
    )

    out = run(path)

    assert "new: 1" in out
    assert "skipped 1: an area, not a country (Other Asia, nes)" in out
    assert "skipped 1: an area, not a country (Neutral Zone (former))" in out


# --- Comtrade+ ---------------------------------------------------------------------------


def record(**changes) -> dict:
    """A Comtrade+ record of 47 fields: the real response's first, with ``changes``."""
    base = json.loads(REAL.read_text())["data"][0]
    assert len(base) == 47
    return {**base, **changes}


def bulk_tsv(records) -> str:
    """Records as a Comtrade+ bulk file writes them: tab-separated, the 47 columns."""
    names = list(records[0])

    def cell(value):
        return "" if value is None else str(value)

    lines = ["\t".join(names)]
    lines += ["\t".join(cell(r[name]) for name in names) for r in records]
    return "\n".join(lines) + "\n"


RU_AF = {
    "refYear": 2023,
    "period": "2023",
    "reporterCode": 4,
    "reporterISO": "AFG",
    "reporterDesc": "Afghanistan",
    "partnerCode": 643,
    "partnerISO": "RUS",
    "partnerDesc": "Russian Federation (synthetic test row)",
}


def test_comtrade_re_exports_re_imports_editions_and_world(tmp_path):
    """RM and RX are flows of their own (re-import CIF, re-export FOB), every HS edition
    H0…H6 is read and named in the locator, a World partner (code 0) is skipped."""
    rows = [
        record(
            **RU_AF,
            flowCode="RM",
            classificationCode="H0",
            cmdCode="2710",
            cifvalue=100.0,
            fobvalue=None,
            primaryValue=100.0,
            qtyUnitCode=8,
            netWgt=2500.0,
        ),
        record(
            **RU_AF,
            flowCode="RX",
            classificationCode="H4",
            cmdCode="1001",
            cifvalue=None,
            fobvalue=200.0,
            primaryValue=200.0,
        ),
        record(
            **{**RU_AF, "partnerCode": 0, "partnerISO": "W00"},
            flowCode="RX",
            classificationCode="H4",
            cmdCode="1001",
            fobvalue=999.0,
            primaryValue=999.0,
        ),
    ]
    rows += [
        record(**RU_AF, flowCode="M", classificationCode=f"H{n}", cmdCode=f"{n:02d}")
        for n in (1, 2, 3, 5, 6)
    ]
    path = write(tmp_path, "comtrade-bulk-C-A-2023-AFG-synthetic.txt", bulk_tsv(rows))

    out = run(path)

    assert "new: 7" in out
    assert "skipped 1: partner World (a total over partners)" in out
    found = cited("C/A/")
    fuel = found["C/A/H0/2023/4/RM/643/2710"]
    assert (fuel.flow, fuel.value_basis, fuel.value, fuel.exporter.iso2, fuel.importer.iso2) == (
        "re_import",
        "cif",
        Decimal("100.00"),
        "RU",
        "AF",
    )
    assert (fuel.quantity, fuel.unit) == (Decimal("2500.000"), "kg")
    wheat = found["C/A/H4/2023/4/RX/643/1001"]
    assert (wheat.flow, wheat.value_basis, wheat.exporter.iso2, wheat.importer.iso2) == (
        "re_export",
        "fob",
        "AF",
        "RU",
    )
    assert {locator.split("/")[2] for locator in found} == {f"H{n}" for n in range(7)}
    kept = StatisticsFile.objects.get()
    assert (kept.format, kept.classification) == ("comtrade-csv", "H0,H1,H2,H3,H4,H5,H6")


def test_comtrade_hs_code_that_lost_its_leading_zero(tmp_path):
    """A bulk file saved through a spreadsheet writes 0804 as 804: an HS code has an even
    number of digits, so the zero is put back, not the row refused."""
    rows = [record(**RU_AF, classificationCode="H6", cmdCode="804")]
    path = write(tmp_path, "comtrade-bulk-C-A-H6-2023-AFG-synthetic.txt", bulk_tsv(rows))

    assert "new: 1" in run(path)
    assert list(cited("C/A/")) == ["C/A/H6/2023/4/M/643/0804"]
    assert Shipment.objects.get().commodity.hs_code == "0804"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "comtrade-C-A-HS-2023-AFG-synthetic.json",
            json.dumps({"data": [record(**{**RU_AF, "partnerCode": 999, "partnerISO": ""})]}),
            "Row 1: Unknown country code 999: not an M49 country or area.",
        ),
        (
            "comtrade-C-A-HS-2023-AFG-synthetic.json",
            json.dumps({"data": [record(**{**RU_AF, "partnerISO": "KAZ"})]}),
            "Row 1: M49 code 643 is RU but ISO code KAZ is KZ.",
        ),
        (
            "comtrade-C-A-HS-2023-AFG-synthetic.json",
            json.dumps({"data": [record(**RU_AF)]})[:-40],
            "Not JSON",
        ),
        (
            "comtrade-C-A-HS-2023-AFG-synthetic.json",
            json.dumps({"data": [record(**RU_AF, classificationCode="S4")]}),
            "classification “S4” is not an HS edition",
        ),
        (
            "BACI_HS17_Y2023_V202401-synthetic.csv",
            "t,i,j,k,v,q\n2023,643,4,271012,1,1\n2023,643,4,271019,1\n",
            "Row 3: 5 cells, not 6",
        ),
        (
            "BACI_HS17_Y2023_V202401-synthetic.csv",
            "t,i,j,k,v,q\n2023,643,4,271012,1,1\n2023,643,4,271012,2,2\n",
            "Row 3: the same row key (BACI/HS17/2023/643/4/271012) as row 2",
        ),
        ("BACI_HS17_Y2023_V202401-synthetic.csv.gz", "\x1f\x8bnot gzip", "A damaged gzip"),
        (
            "comtrade-C-A-HS-2023-AFG-synthetic.json",
            json.dumps({"elapsedTime": "0.01 secs", "count": 0, "data": [], "error": ""}),
            "No flow between two countries in this file.",
        ),
        (
            "BACI_HS17_Y2023_V202401-synthetic.csv",
            "t,i,j,k,v,q\n2023,643,0,271012,1,1\n",
            "No flow between two countries in this file (skipped: 1 partner World",
        ),
    ],
)
def test_a_malformed_file_is_one_clear_error_and_changes_nothing(tmp_path, name, content, message):
    run(REAL)  # rows of a valid file stand already: the failure must not touch them
    before = everything()
    path = tmp_path / name
    path.write_bytes(content.encode("latin-1") if name.endswith(".gz") else content.encode())

    with pytest.raises(CommandError) as caught:
        run(path)

    assert str(caught.value).startswith(f"{name}: nothing imported.")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert everything() == before


# --- what the curator reads --------------------------------------------------------------


def test_a_dry_run_of_publish_says_what_it_would_publish():
    run(REAL)  # drafts
    before = everything()

    out = run(REAL, "--publish", "--dry-run")

    assert out.startswith("Dry run, nothing changed: would publish the earlier import of")
    assert "new: 0, changed: 0, unchanged: 4, held: 0, gone: 0, published: 4" in out
    assert everything() == before

    out = run(REAL, "--publish")

    assert "published: 4" in out
    assert set(Shipment.objects.values_list("review_state", flat=True)) == {"published"}


@pytest.mark.parametrize(
    ("args", "said", "state"),
    [((), "draft", ReviewState.DRAFT), (("--publish",), "published with its flows", "published")],
)
def test_a_new_commodity_is_said_to_be_what_it_is(args, said, state):
    out = run(REAL, *args)

    assert f"new commodity ({said}): All commodities (HS total) (hs-total)" in out
    assert Commodity.objects.get(slug="hs-total").review_state == state


def test_the_source_names_the_file_its_edition_and_checksum(client):
    """Publisher, edition, download day, licence and the file's sha256, on the public
    record: a reader can check that the file they downloaded is the one cited."""

    run(REAL, "--edition", "2024-05", "--downloaded", "2026-12-01", "--licence", "UN terms")
    run(REAL, "--publish")
    digest = hashlib.sha256(REAL.read_bytes()).hexdigest()
    source = StatisticsFile.objects.get().source

    body = client.get(f"/api/v1/diplomacy/sources/{source.pk}/").json()

    assert body["title"] == (
        "United Nations Statistics Division (UN Comtrade): "
        f"comtradeplus-get-C-A-HS-2010-CHN.json (edition 2024-05, sha256 {digest})"
    )
    assert (body["kind"], body["retrieved"], body["licence"]) == (
        "dataset",
        "2026-12-01",
        "UN terms",
    )
    assert body["publisher"] == "United Nations Statistics Division (UN Comtrade)"


def test_a_revised_comtrade_bulk_file_supersedes_the_first(tmp_path):
    """Comtrade revises a reporter's figures: the revised file is a new edition; the row
    found again keeps its record, takes the new value and cites the new file; a re-import
    of either file is nothing to do."""
    fuel = {**RU_AF, "classificationCode": "H6", "cmdCode": "2710", "qtyUnitCode": 8}
    first = [record(**fuel, primaryValue=1000.0, cifvalue=1000.0, netWgt=5000.0)]
    revised = [record(**fuel, primaryValue=1250.0, cifvalue=1250.0, netWgt=5000.0)]
    old_path = write(tmp_path, "comtrade-C-A-H6-2023-AFG-v1-synthetic.txt", bulk_tsv(first))
    new_path = write(tmp_path, "comtrade-C-A-H6-2023-AFG-v2-synthetic.txt", bulk_tsv(revised))
    run(old_path, "--edition", "2024-05", "--publish")

    out = run(new_path, "--edition", "2024-11", "--publish")

    assert "new: 0, changed: 1, unchanged: 0, held: 0, gone: 0, published: 0" in out
    (shipment,) = Shipment.objects.all()
    assert (shipment.value, shipment.quantity, shipment.review_state) == (
        Decimal("1250.00"),
        Decimal("5000.000"),
        ReviewState.PUBLISHED,
    )
    old, new = (StatisticsFile.objects.get(file_name=p.name).source for p in (old_path, new_path))
    assert new.supersedes == old
    live = shipment.citations.exclude(review_state=ReviewState.RETRACTED)
    assert [(c.source, c.locator) for c in live] == [(new, "C/A/H6/2023/4/M/643/2710")]
    assert shipment.citations.get(source=old).review_state == ReviewState.RETRACTED
    assert run(old_path).startswith("Nothing to do") and run(new_path).startswith("Nothing to do")
