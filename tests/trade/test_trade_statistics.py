"""Official trade statistics: ``manage.py import_trade_statistics`` and the pair's flows.

The Comtrade+ file is real (UN Comtrade's figures, ``data/README.md``); every other file
here is synthetic: made up for these tests, and said so in its name and its source's title.
"""

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.models import Citation, ReviewState, Source
from diplomacy.models import Country
from diplomacy.reference import countries_sync
from tests import factories as f
from tests.core.test_rules import snapshot
from tests.trade.importing import run_import as run
from trade.models import Commodity, Shipment, StatisticsFile

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets")]

DATA = Path(__file__).parent / "data"
REAL = DATA / "comtradeplus-get-C-A-HS-2010-CHN.json"
BULK = DATA / "comtrade-bulk-C-A-H6-2023-AFG-synthetic.csv"
BACI = DATA / "BACI_HS17_Y2023_V202401-synthetic.csv"
BACI_NEXT = DATA / "BACI_HS17_Y2023_V202501-synthetic.csv"


def everything():
    return snapshot(), list(StatisticsFile.objects.values_list())


def flows_of(locator_prefix=""):
    return {
        c.locator: c.record
        for c in Citation.objects.filter(locator__startswith=locator_prefix)
        .exclude(review_state=ReviewState.RETRACTED)
        .select_related("source")
        if c.content_type.model == "shipment"
    }


# --- the real Comtrade+ response ----------------------------------------------------------


def test_the_real_comtrade_response_imports_exactly():
    out = run(REAL, "--edition", "2024-05", "--downloaded", "2026-12-01", "--licence", "UN terms")

    assert "new: 4, changed: 0, unchanged: 0" in out
    rows = {
        (s.reporter.iso2, s.flow, s.exporter.iso2, s.importer.iso2): s
        for s in Shipment.objects.select_related("reporter", "exporter", "importer")
    }
    assert {k: (v.value, v.value_basis, v.currency) for k, v in rows.items()} == {
        ("CN", "import", "AR", "CN"): (Decimal("6804128143.00"), "cif", "USD"),
        ("CN", "import", "DE", "CN"): (Decimal("74251272075.00"), "cif", "USD"),
        ("CN", "export", "CN", "AR"): (Decimal("6115764185.00"), "fob", "USD"),
        ("CN", "export", "CN", "DE"): (Decimal("68047133397.00"), "fob", "USD"),
    }
    for s in rows.values():
        assert (s.period, s.period_precision, s.kind, s.status) == (
            "2010",
            "year",
            "aggregate",
            "reported",
        )
        assert s.quantity is None and s.unit == ""  # qtyUnitCode -1: no quantity
        assert s.review_state == ReviewState.DRAFT
        assert s.commodity.slug == "hs-total"
    locators = sorted(flows_of())
    assert locators == [
        "C/A/H3/2010/156/M/276/TOTAL",
        "C/A/H3/2010/156/M/32/TOTAL",
        "C/A/H3/2010/156/X/276/TOTAL",
        "C/A/H3/2010/156/X/32/TOTAL",
    ]
    source = Source.objects.get(statistics_file__isnull=False)
    assert (source.kind, source.retrieved.isoformat(), source.licence) == (
        "dataset",
        "2026-12-01",
        "UN terms",
    )
    assert "2024-05" in source.title
    citation = Citation.objects.get(locator="C/A/H3/2010/156/M/32/TOTAL")
    assert citation.supported_values["value"] == "6804128143"
    assert set(citation.supports) >= {"value", "currency", "value_basis", "reporter", "period"}


def test_the_same_file_twice_is_nothing_to_do_and_publish_publishes_the_drafts(client):
    run(REAL)
    before = everything()

    out = run(REAL)

    assert out.startswith("Nothing to do")
    assert everything() == before
    assert client.get("/api/v1/pairs/CN-AR/flows/").json()["headings"] == []

    out = run(REAL, "--publish")

    assert out.startswith("Published the earlier import of")
    assert "new: 0, changed: 0, unchanged: 4" in out
    assert set(Shipment.objects.values_list("review_state", flat=True)) == {"published"}
    body = client.get("/api/v1/pairs/CN-AR/flows/").json()
    assert body["year"] == 2010
    (heading,) = body["headings"]
    assert heading["heading"] == "TOTAL"
    assert sorted((r["flow"], r["value"]) for r in heading["recorded"]) == [
        ("export", "6115764185.00"),
        ("import", "6804128143.00"),
    ]
    # Only China's declarations are here: Argentina's side of each direction is its mirror.
    assert sorted((m["mirror_for"], m["reporter"], m["flow"]) for m in heading["mirror"]) == [
        ("AR", "CN", "export"),
        ("AR", "CN", "import"),
    ]
    assert StatisticsFile.objects.count() == 1


# --- synthetic files: a Comtrade bulk CSV and BACI ----------------------------------------


def test_a_bulk_csv_skips_world_and_breakdowns_and_keeps_missing_quantities():
    out = run(BULK)

    assert "new: 3" in out
    assert "skipped 1: partner World (a total over partners)" in out
    assert "skipped 1: a breakdown by second partner, customs procedure or transport" in out
    found = flows_of("C/A/H6/2023/4/")
    fuel = found["C/A/H6/2023/4/M/643/2710"]
    assert (fuel.quantity, fuel.unit, fuel.value, fuel.value_basis) == (
        Decimal("850000000.000"),
        "kg",
        Decimal("612345678.90"),
        "cif",
    )
    assert (fuel.exporter.iso2, fuel.importer.iso2, fuel.reporter.iso2) == ("RU", "AF", "AF")
    wheat = found["C/A/H6/2023/4/M/643/1001"]
    assert (wheat.quantity, wheat.unit) == (None, "")
    dates = found["C/A/H6/2023/4/X/643/0804"]
    assert (dates.flow, dates.value_basis) == ("export", "fob")
    assert "isAggregate" in dates.note
    assert "synthetic" in Source.objects.get(statistics_file__format="comtrade-csv").title
    created = Commodity.objects.get(hs_code="2710")
    assert created.review_state == ReviewState.DRAFT and created.sector == "energy"


def test_baci_reads_thousands_of_dollars_tons_and_its_hs_edition():
    gasoline = f.published(f.commodity(slug="gasoline", name="Gasoline", hs_code="271012"))

    out = run(BACI)

    assert "new: 3" in out and "skipped 1: partner World" in out
    assert "skipped 1: an area, not a country (Areas, nes)" in out
    found = flows_of("BACI/")
    fuel = found["BACI/HS17/2023/643/4/271012"]
    assert fuel.commodity == gasoline  # matched by its HS code, not created
    assert (fuel.value, fuel.quantity, fuel.unit, fuel.value_basis, fuel.reporter) == (
        Decimal("480500125.00"),
        Decimal("600000.500"),
        "t",
        "fob",
        None,
    )
    assert found["BACI/HS17/2023/643/4/100199"].quantity is None  # NA
    dates = found["BACI/HS17/2023/4/643/080410"]  # the lost leading zero restored
    assert (dates.value, dates.quantity) == (Decimal("12345.00"), None)
    assert StatisticsFile.objects.get().classification == "H5"


def test_a_baci_file_without_its_edition_is_refused(tmp_path):
    copy = tmp_path / "baci-2023-synthetic.csv"
    copy.write_bytes(BACI.read_bytes())
    before = everything()

    with pytest.raises(CommandError, match="names no HS edition"):
        run(copy)
    assert everything() == before
    assert "new: 3" in run(copy, "--classification", "HS17")


def test_a_newer_edition_supersedes_the_older_one():
    run(BACI, "--edition", "V202401", "--publish")
    old = Source.objects.get(statistics_file__file_name=BACI.name)

    out = run(BACI_NEXT, "--edition", "V202501", "--publish")

    new = Source.objects.get(statistics_file__file_name=BACI_NEXT.name)
    assert new.supersedes == old
    assert "new: 1, changed: 1, unchanged: 1, held: 0, gone: 1" in out
    assert "not in this edition (kept, with the older citation): BACI/HS17/2023/4/643/080410" in out
    fuel = flows_of("BACI/HS17/2023/643/4/271012")["BACI/HS17/2023/643/4/271012"]
    assert (fuel.value, fuel.quantity, fuel.review_state) == (
        Decimal("495000750.00"),
        Decimal("610000.000"),
        ReviewState.PUBLISHED,
    )
    live = fuel.citations.exclude(review_state=ReviewState.RETRACTED)
    assert [c.source for c in live] == [new]
    retracted = fuel.citations.get(review_state=ReviewState.RETRACTED)
    assert retracted.source == old and "Superseded" in retracted.retraction_reason
    assert Shipment.objects.count() == 4  # the row found again is the same record
    assert "Nothing to do" in run(BACI_NEXT)


def test_dry_run_changes_nothing_and_says_what_would():
    before = everything()

    out = run(BULK, "--dry-run")

    assert out.startswith("Dry run, nothing changed: would import")
    assert "new: 3, changed: 0, unchanged: 0" in out
    assert everything() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("a,b,c\n1,2,3\n", "Unknown column layout"),
        ("t,i,j,k,v,q\n2023,643,999,271012,1,1\n", "Unknown country code 999"),
        ('{"data": [{"typeCode": "C"}]}', "not the 47 Comtrade"),
        ("t,i,j,k,v,q\n2023,643,4,271012,lots,1\n", "“lots” is not a number"),
    ],
)
def test_a_failed_import_leaves_the_database_as_it_was(tmp_path, content, message):
    run(BACI)  # rows of a valid file stand already: the failure must not touch them
    bad = tmp_path / "BACI_HS17_Y2023_bad-synthetic.csv"
    bad.write_text(content)
    before = everything()

    with pytest.raises(CommandError, match=message) as caught:
        run(bad)

    assert "nothing imported" in str(caught.value)
    assert everything() == before


def test_verify_citations_notices_a_changed_value(datasets):
    run(BULK, "--publish")
    out = StringIO()
    call_command("verify_citations", stdout=out)
    assert "citations checked against their dataset files" in out.getvalue()

    fuel = flows_of("C/A/H6/2023/4/M/643/2710")["C/A/H6/2023/4/M/643/2710"]
    Shipment.objects.filter(pk=fuel.pk).update(value=Decimal("612345679.90"))

    with pytest.raises(CommandError) as caught:
        call_command("verify_citations", stdout=StringIO(), stderr=(err := StringIO()))
    assert "problem" in str(caught.value)
    assert (
        "value is 612345679.90 but row 2 of comtrade-bulk-C-A-H6-2023-AFG-synthetic.csv "
        "gives 612345678.90"
    ) in err.getvalue()


# --- the pair's flows -----------------------------------------------------------------


def _agreed_and_reported():
    """A commitment and a news report of petroleum products, RU→AF, in 2023 (synthetic)."""
    countries_sync()  # the reference countries, published, as the import finds them
    ru, af = Country.objects.get(iso2="RU"), Country.objects.get(iso2="AF")
    fuel = f.published(f.commodity(slug="petrol", name="Petrol", hs_code="271012"))
    f.published(f.cite(fuel))
    deal = f.commitment(
        supplier=ru, recipient=af, commodity=fuel, quantity=1000000, start="2023-01", end="2025-12"
    )
    f.published(deal)
    f.published(f.cite(deal))
    news = f.shipment(
        exporter=ru, importer=af, commodity=fuel, period="2023", quantity=250000, unit="t"
    )
    f.published(news)
    f.published(f.cite(news))
    return deal, news


def test_the_flows_endpoint_gives_agreed_reported_recorded_and_mirror(client):
    deal, news = _agreed_and_reported()
    run(BULK, "--publish")
    run(BACI, "--publish")

    body = client.get("/api/v1/pairs/RU-AF/flows/?year=2023").json()

    assert (body["year"], body["years"][-1]) == (2023, 2025)
    heading = next(h for h in body["headings"] if h["heading"] == "2710")
    assert [a["record"]["id"] for a in heading["agreed"]] == [str(deal.pk)]
    assert heading["agreed"][0]["quantity"] == "1000000.000"
    assert [r["record"]["id"] for r in heading["reported"]] == [str(news.pk)]
    recorded = {(r["reporter"], r["flow"], r["value_basis"]) for r in heading["recorded"]}
    assert recorded == {("AF", "import", "cif"), (None, "", "fob")}
    (mirror,) = heading["mirror"]
    assert (mirror["mirror"], mirror["mirror_for"], mirror["reporter"]) == (True, "RU", "AF")
    assert mirror["tonnes"] == "850000.000" and "mirror" in mirror["label"]
    citation = next(r for r in heading["recorded"] if r["reporter"] == "AF")["citations"][0]
    assert citation["locator"] == "C/A/H6/2023/4/M/643/2710"
    assert "synthetic" in citation["source"]["name"]
    # The timeline's totals add what the news reported, not the statistics' rows.
    totals = client.get("/api/v1/pairs/RU-AF/?from=2023&to=2023").json()["totals"]
    reported = [r["id"] for t in totals if t["reported"] for r in t["reported"]["records"]]
    assert reported == [str(news.pk)]


def test_drafts_stay_out_of_the_public_flows(client, curator_client):
    run(BULK)  # drafts

    public = client.get("/api/v1/pairs/RU-AF/flows/?year=2023").json()
    assert public["headings"] == [] and public["years"] == []
    curated = curator_client.get("/api/v1/pairs/RU-AF/flows/?year=2023").json()
    assert {h["heading"] for h in curated["headings"]} == {"0804", "1001", "2710"}


def test_a_bad_year_is_a_400_and_an_unknown_pair_a_404(client):
    countries_sync()
    bad = client.get("/api/v1/pairs/RU-AF/flows/?year=twenty")
    assert bad.status_code == 400
    assert bad["Content-Type"].startswith("application/problem+json")
    assert bad.json()["errors"] == {"year": ["A year, YYYY."]}
    assert client.get("/api/v1/pairs/RU-XX/flows/").status_code == 404


def test_the_pair_page_shows_the_flows_table_and_chart(client):
    _agreed_and_reported()
    run(BULK, "--publish")

    html = client.get("/evidence/pairs/RU-AF/?year=2023").content.decode()

    assert "Agreed, reported and recorded in 2023" in html
    # A mirror per heading (Russia reports nothing); a bar for each of those with a mass.
    assert html.count('<tr class="flow-mirror">') == 3
    assert html.count('<g class="flow-mirror">') == 2
    assert "<svg" in html and "<script" not in html
    assert "C/A/H6/2023/4/M/643/2710" in html


def test_verify_citations_notices_a_changed_file(datasets):
    run(BACI)
    kept = StatisticsFile.objects.get()
    stored = datasets / kept.stored_name
    stored.write_text(stored.read_text().replace("480500.125", "480600.125"))

    with pytest.raises(CommandError):
        call_command("verify_citations", stdout=StringIO(), stderr=(err := StringIO()))

    problems = err.getvalue()
    assert f"its bytes no longer match its sha256 {kept.sha256[:12]}" in problems
    assert "value is 480500125.00 but row 2 of" in problems
    assert "gives 480600125.00" in problems
