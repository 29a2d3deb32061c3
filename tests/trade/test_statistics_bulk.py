"""The batched write path of the statistics import (``core.services.records_create``).

Every file here is synthetic (made up for these tests, and said so in its name). The
per-record path is ``record_save`` itself: a run of the import through it is the reference
the batched path must match, record for record, citation for citation, change for change.
"""

from collections import Counter
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction

from core import services
from core.models import Change, Citation, ReviewState
from diplomacy.models import Country
from diplomacy.reference import countries_sync
from tests import factories as f
from tests.core.test_rules import snapshot
from tests.trade.importing import run_import as run
from trade.models import Commodity, Shipment, StatisticsFile
from trade.statistics import commodities, importer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets")]

DATA = Path(__file__).parent / "data"
BACI = DATA / "BACI_HS17_Y2023_V202401-synthetic.csv"
BULK = DATA / "comtrade-bulk-C-A-H6-2023-AFG-synthetic.csv"


def one_by_one(items, *, user, reason="Created"):
    """``records_create`` as the single-record path: one ``record_save`` per record."""
    return [
        services.record_save(item.record, user=user, cite=item.cite, reason=reason)
        for item in items
    ]


def written() -> dict:
    """What an import wrote, without the ids that differ from run to run."""
    slugs = {str(c.pk): c.slug for c in Commodity.objects.all()}

    def plain(values: dict) -> dict:
        return {k: slugs.get(v, v) if isinstance(v, str) else v for k, v in values.items()}

    shipments = sorted(
        (
            s.exporter.iso2,
            s.importer.iso2,
            s.commodity.slug,
            s.period,
            s.period_precision,
            str(s.period_earliest),
            str(s.quantity),
            s.unit,
            str(s.value),
            s.currency,
            s.value_basis,
            s.flow,
            s.kind,
            s.status,
            s.note,
            s.review_state,
            s.version,
            s.search_document,
            repr(s.corroboration),
            s.min_origins,
        )
        for s in Shipment.objects.select_related("exporter", "importer", "commodity")
    )
    commodities_ = sorted(
        (c.slug, c.name, c.hs_code, c.sector, c.hs_note, c.review_state, c.search_document)
        for c in Commodity.objects.all()
    )
    citations = sorted(
        (
            c.locator,
            c.content_type.model,
            tuple(c.supports),
            repr(sorted(plain(c.supported_values).items())),
            c.review_state,
            c.search_document,
        )
        for c in Citation.objects.select_related("content_type")
    )
    changes = Counter(
        (
            c.model,
            c.action,
            c.review_state,
            c.channel,
            c.user,
            c.reason,
            tuple(c.changed_fields),
            c.cited_model,
            c.cited_review_state,
        )
        for c in Change.objects.all()
    )
    history = {
        model.__name__: Counter(
            (h.history_type, h.history_change_reason, h.history_channel)
            for h in model.history.all()
        )
        for model in (Shipment, Commodity, Citation)
    }
    return {
        "shipments": shipments,
        "commodities": commodities_,
        "citations": citations,
        "changes": changes,
        "history": history,
    }


@pytest.mark.parametrize("path", [BACI, BULK])
def test_the_batched_path_writes_what_the_single_record_path_writes(monkeypatch, path):
    countries_sync()
    with transaction.atomic():
        with monkeypatch.context() as patch:
            patch.setattr(importer, "records_create", one_by_one)
            patch.setattr(commodities, "records_create", one_by_one)
            reference = run(path)
            expected = written()
        transaction.set_rollback(True)
    assert not Shipment.objects.exists()

    out = run(path)

    # The same report, but for the new source's id on its last line.
    assert out.split("\nSource ")[0] == reference.split("\nSource ")[0]
    assert written() == expected
    assert len(expected["shipments"]) == 3
    assert expected["changes"]  # a line of the change feed per record and citation


def everything():
    history = [m.history.count() for m in (Shipment, Commodity, Citation, Country)]
    return snapshot(), list(StatisticsFile.objects.values_list()), Change.objects.count(), history


def test_a_failure_in_a_later_chunk_leaves_the_database_as_it_was(monkeypatch):
    run(BULK)  # rows of another file stand already: the failure must not touch them
    before = everything()
    monkeypatch.setattr(importer, "CHUNK", 1)
    monkeypatch.setattr(services, "BATCH_SIZE", 1)
    refuse = Decimal("12345.00")  # the value of the BACI file's last row

    def clean(shipment):
        if shipment.value == refuse:
            raise ValidationError("Refused for this test.")

    monkeypatch.setattr(Shipment, "clean", clean)

    with pytest.raises(CommandError, match="Refused for this test") as caught:
        run(BACI)

    assert "nothing imported" in str(caught.value)
    assert everything() == before


def new_shipment(exporter, importer, commodity, **kw) -> Shipment:
    """A shipment not saved yet (``records_create`` saves it)."""
    return Shipment(
        exporter=exporter,
        importer=importer,
        commodity=commodity,
        kind="aggregate",
        status="reported",
        **kw,
    )


def test_a_constraint_the_database_refuses_is_named_and_nothing_is_written():
    countries_sync()
    ru, af = Country.objects.get(iso2="RU"), Country.objects.get(iso2="AF")
    wheat = f.commodity(slug="wheat", name="Wheat")
    ok = new_shipment(ru, af, wheat, quantity=5, unit="t")
    bad = new_shipment(ru, af, wheat, quantity=7)  # no unit: a check constraint of the table
    before = everything()

    with pytest.raises(ValidationError, match="A quantity needs its unit"):
        services.records_create(
            [services.NewRecord(ok), services.NewRecord(bad)], user=None, reason="Test"
        )

    assert everything() == before


def test_a_bad_reference_and_a_published_record_are_refused():
    countries_sync()
    ru, af = Country.objects.get(iso2="RU"), Country.objects.get(iso2="AF")
    wheat = f.commodity(slug="wheat", name="Wheat")
    gone = new_shipment(ru, af, wheat)
    gone.commodity_id = "00000000-0000-0000-0000-000000000000"
    with pytest.raises(ValidationError, match="is not a valid choice"):
        services.records_create([services.NewRecord(gone)], user=None)
    public = new_shipment(ru, af, wheat)
    public.review_state = ReviewState.PUBLISHED
    with pytest.raises(ValidationError, match="created as drafts"):
        services.records_create([services.NewRecord(public)], user=None)
    assert not Shipment.objects.exists()


def test_verify_citations_reads_the_file_in_chunks(monkeypatch):
    from trade.statistics import verify

    run(BACI, "--publish")
    monkeypatch.setattr(verify, "CHUNK", 1)
    out = StringIO()
    call_command("verify_citations", stdout=out)
    assert "citations checked against their dataset files" in out.getvalue()
    fuel = Citation.objects.get(locator="BACI/HS17/2023/643/4/271012").record
    Shipment.objects.filter(pk=fuel.pk).update(value=Decimal("1.00"))

    with pytest.raises(CommandError):
        call_command("verify_citations", stdout=StringIO(), stderr=(err := StringIO()))
    assert "value is 1.00 but row 2 of BACI_HS17_Y2023_V202401-synthetic.csv" in err.getvalue()
