"""One bulk file, imported a selection of countries at a time (``--countries``).

A BACI year file holds every pair of the world: a user downloads it once and imports the
pairs they study over time. The file is one dataset source; a selection not imported before
adds its rows to that source, and leaves every row imported before as it was.

The file here is synthetic (made up for these tests, and said so in its name).
"""

import pytest
from django.core.management import CommandError

from core import services
from core.models import Change, Citation, ReviewState, Source
from tests.core.test_rules import snapshot
from tests.trade.importing import run_import as run
from trade.models import Shipment, StatisticsFile

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets")]

# RU 643, AF 4, CN 156, DE 276, KZ 398: values in thousands of dollars, quantities in tons.
# A row is selected when its exporter or its importer is one of the countries asked for.
ROWS = """t,i,j,k,v,q
2023,643,4,271012,480.5,600
2023,4,643,080410,12.345,
2023,643,398,271012,75,90
2023,156,4,100199,7,3
2023,156,276,847130,5000,NA
2023,276,156,870323,300,20
2023,276,398,870323,9000,12
"""
RU_AF = {  # --countries RU,AF
    "BACI/HS17/2023/643/4/271012",
    "BACI/HS17/2023/4/643/080410",
    "BACI/HS17/2023/643/398/271012",
    "BACI/HS17/2023/156/4/100199",
}
RU_CN_ONLY = {"BACI/HS17/2023/156/276/847130", "BACI/HS17/2023/276/156/870323"}
REST = {"BACI/HS17/2023/276/398/870323"}


@pytest.fixture
def world_file(tmp_path):
    path = tmp_path / "BACI_HS17_Y2023_V202501-synthetic.csv"
    path.write_text(ROWS)
    return path


def flows() -> dict:
    """Each imported row's shipment as it stands: locator → (id, version, state, source)."""
    return {
        c.locator: (c.object_id, c.record.version, c.record.review_state, c.source_id)
        for c in Citation.objects.filter(locator__startswith="BACI/").exclude(
            review_state=ReviewState.RETRACTED
        )
    }


def traces(ids) -> tuple:
    """The history entries and change-feed lines of these shipments and their citations."""
    citations = Citation.objects.filter(object_id__in=ids).values_list("pk", flat=True)
    return (
        Shipment.history.filter(id__in=ids).count(),
        Citation.history.filter(id__in=list(citations)).count(),
        Change.objects.filter(object_id__in=[*ids, *citations]).count(),
    )


def everything():
    return snapshot(), list(StatisticsFile.objects.values_list()), Change.objects.count()


def test_another_selection_of_the_same_file_adds_its_rows_and_leaves_the_first_alone(
    world_file,
):
    run(world_file, "--countries", "RU,AF")
    first = flows()
    assert set(first) == RU_AF
    ids = [shipment for shipment, *_ in first.values()]
    before = traces(ids)

    out = run(world_file, "--countries", "RU,CN")

    assert out.startswith("Imported more rows of baci as source")
    assert "new: 2, changed: 0, unchanged: 4, held: 0, gone: 0" in out
    now = flows()
    assert set(now) == RU_AF | RU_CN_ONLY
    assert {locator: now[locator] for locator in RU_AF} == first  # same ids and versions
    assert traces(ids) == before  # no history entry, no change-feed line for them
    (source,) = Source.objects.filter(kind="dataset")
    assert {source_id for *_, source_id in now.values()} == {source.pk}
    assert StatisticsFile.objects.get().countries == "AF,CN,RU"
    pair = Shipment.objects.get(exporter__iso2="DE", importer__iso2="CN")
    assert (pair.value, pair.quantity, pair.unit) == (300000, 20, "t")


def test_the_same_selection_again_changes_nothing(world_file, django_assert_max_num_queries):
    run(world_file, "--countries", "RU,AF")
    run(world_file, "--countries", "RU,CN")
    assert set(flows()) == RU_AF | RU_CN_ONLY
    before = everything()

    for countries in ("RU,CN", "RU,AF", "CN", "AF,RU,CN"):
        with django_assert_max_num_queries(1):  # known by its checksum: no row is parsed
            out = run(world_file, "--countries", countries)

        assert out.startswith("Nothing to do: this file is source"), countries
    assert everything() == before


def test_a_dry_run_of_another_selection_says_what_it_would_add_and_writes_nothing(world_file):
    run(world_file, "--countries", "RU,AF")
    before = everything()

    out = run(world_file, "--countries", "RU,CN", "--dry-run")

    assert out.startswith("Dry run, nothing changed: would import more rows of baci")
    assert "new: 2, changed: 0, unchanged: 4" in out
    added = {line.removeprefix("would add: ") for line in out.splitlines() if "would add" in line}
    assert added == RU_CN_ONLY
    assert everything() == before
    assert "new: 2," in run(world_file, "--countries", "RU,CN")  # the dry run kept nothing


def test_a_selection_then_the_whole_file_adds_the_rest(world_file):
    run(world_file, "--countries", "RU,AF")
    first = flows()

    out = run(world_file)

    assert "new: 3, changed: 0, unchanged: 4" in out
    now = flows()
    assert set(now) == RU_AF | RU_CN_ONLY | REST
    assert {locator: now[locator] for locator in RU_AF} == first
    assert StatisticsFile.objects.get().countries == ""  # the whole file is in
    before = everything()
    assert run(world_file).startswith("Nothing to do")
    assert run(world_file, "--countries", "DE").startswith("Nothing to do")
    assert everything() == before


def test_publish_publishes_a_later_selection_of_a_published_file(world_file):
    run(world_file, "--countries", "RU,AF", "--publish")
    run(world_file, "--countries", "RU,CN")  # drafts, citing the published source
    states = {locator: state for locator, (_, _, state, _) in flows().items()}
    assert {states[locator] for locator in RU_CN_ONLY} == {ReviewState.DRAFT}

    out = run(world_file, "--countries", "RU,CN", "--publish")

    assert out.startswith("Published the earlier import of baci")
    assert "published: 2" in out
    assert {state for _, _, state, _ in flows().values()} == {ReviewState.PUBLISHED}
    assert run(world_file, "--countries", "RU,CN", "--publish").startswith("Nothing to do")


def test_a_failed_selection_changes_nothing(world_file, monkeypatch):
    run(world_file, "--countries", "RU,AF")
    before = everything()

    def refused(*args, **kwargs):
        raise services.CitationsInvalid([{"locator": ["refused for this test"]}])

    monkeypatch.setattr("trade.statistics.importer.records_create", refused)
    with pytest.raises(CommandError, match="nothing imported"):
        run(world_file, "--countries", "RU,CN")

    assert everything() == before
    assert StatisticsFile.objects.get().countries == "RU,AF"  # as first imported
