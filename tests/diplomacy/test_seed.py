"""The seed dataset: every item of PRODUCT.md's list, published and cited to its exact quote."""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError

from core.models import Citation, ReviewState, Source
from diplomacy.models import (
    Country,
    DecisionStage,
    Designation,
    Official,
    Organization,
    PolicyDecision,
    Position,
    Statement,
    Tenure,
)
from tests.conftest import SEED
from trade.models import Commodity, Shipment

ALL_MODELS = [
    Source,
    Country,
    Organization,
    Official,
    Tenure,
    Designation,
    PolicyDecision,
    Statement,
    Commodity,
    Shipment,
]


def quotes(record) -> list[str]:
    return [c.quote for c in record.citations.all()]


def cites_article(record, article, fragment):
    """The record is published and cites the article with a quote containing ``fragment``."""
    assert record.review_state == ReviewState.PUBLISHED
    matching = [c for c in record.citations.filter(source=article) if fragment in c.quote]
    assert matching, f"{record} has no citation quoting {fragment!r}: {quotes(record)}"
    for c in matching:
        assert article.text[c.start : c.end] == c.quote
    return True


def test_article_source_has_no_invented_metadata(article):
    assert (article.title, article.document_url, article.publisher, article.published) == (
        "",
        "",
        "",
        "",
    )
    assert article.published_earliest is None
    assert len(article.content_hash) == 64
    assert article.text.startswith("Russia and Afghanistan have begun working together")


def test_1_petroleum_supply_cooperation(article):
    d = PolicyDecision.objects.get(decision_type="supply_arrangement")
    assert d.status == "decided"  # "have begun working together": see test_seed_honesty
    assert set(d.countries.values_list("iso2", flat=True)) == {"RU", "AF"}
    assert list(d.commodities.values_list("slug", flat=True)) == ["petroleum-products"]
    cites_article(d, article, "begun working together on the supply of petroleum products")


def test_2_zhirnov_is_ambassador_as_of_the_article(article):
    t = Tenure.objects.get(official__slug="dmitry-zhirnov")
    assert t.position.name == "Russian Ambassador to Afghanistan"
    assert (t.position.country.iso2, t.position.posted_to.iso2) == ("RU", "AF")
    assert (t.start, t.end, t.as_of) == ("", "", "")
    assert "time of the article" in t.as_of_note
    cites_article(t, article, "the Russian ambassador to Kabul, Dmitry Zhirnov")


def test_3_zhirnov_statements(article):
    statements = Statement.objects.filter(speaker__slug="dmitry-zhirnov")
    assert statements.count() == 4
    fragments = [
        "moving forward in a substantial way",
        "attributes largely to shipments of flour, wheat, fuel, and lubricants",
        "broader strategic alignment",
        "Russia’s interests regarding recognition considerations and the status of the Taliban",
    ]
    for fragment in fragments:
        s = statements.get(citations__quote__contains=fragment)
        cites_article(s, article, fragment)
    trade = statements.get(citations__quote__contains="flour, wheat")
    assert set(trade.commodities.values_list("slug", flat=True)) == {
        "flour",
        "wheat",
        "fuel",
        "lubricants",
    }


def test_4_afghan_side_statement(article):
    s = Statement.objects.get(speaker_country__iso2="AF")
    assert s.speaker is None and s.speaker_organization is None
    cites_article(s, article, "Afghan statements about strengthening ties with Russia")


def test_5_four_flows_without_numbers(article):
    flows = Shipment.objects.filter(exporter__iso2="RU", importer__iso2="AF")
    assert sorted(flows.values_list("commodity__slug", flat=True)) == [
        "flour",
        "fuel",
        "lubricants",
        "wheat",
    ]
    for flow in flows:
        assert (flow.quantity, flow.value, flow.unit, flow.currency, flow.period) == (
            None,
            None,
            "",
            "",
            "",
        )
        assert flow.kind == "aggregate"
        cites_article(flow, article, "flowing into Afghanistan from Russia")


def test_6_commodities_with_hs_codes_and_hierarchy(article):
    expected = {
        "petroleum-products": ("2710", None),
        "fuel": ("2710", "petroleum-products"),
        "lubricants": ("271019", "petroleum-products"),
        "wheat": ("1001", None),
        "flour": ("1101", None),
    }
    got = {
        c.slug: (c.hs_code, c.parent.slug if c.parent else None)
        for c in Commodity.objects.select_related("parent")
    }
    assert got == expected
    for c in Commodity.objects.all():
        cites_article(c, article, c.slug.split("-")[0])


def test_7_taliban_banned_in_russia(article):
    taliban = Organization.objects.get(slug="taliban")
    cites_article(taliban, article, "banned in Russia")
    d = Designation.objects.get(organization=taliban)
    assert (d.jurisdiction.iso2, d.kind, d.status) == ("RU", "banned", "in_force")
    cites_article(d, article, "an organization that is banned in Russia")


def test_8_kabulov_and_the_delisting_briefing(article):
    kabulov = Official.objects.get(slug="zamir-kabulov")
    tenure = kabulov.tenures.get()
    assert tenure.position.name == "Russia’s Special Representative for Afghanistan"
    statement = Statement.objects.get(speaker=kabulov)
    assert "Earlier this year" in statement.date_note and statement.date == ""
    cites_article(statement, article, "had briefed President Vladimir Putin")
    decision = PolicyDecision.objects.get(decision_type="delisting")
    assert decision.status == "briefed"
    assert decision.decision_maker.slug == "vladimir-putin"
    assert decision.subject_organization.slug == "taliban"
    assert set(decision.briefed_by.values_list("slug", flat=True)) == {
        "russia-foreign-ministry",
        "russia-ministry-of-justice",
    }
    assert list(statement.about_decisions.all()) == [decision]
    stage = decision.stages.get()
    cites_article(stage, article, "the possibility of removing the Taliban")


def test_9_putin_and_the_two_ministries(article):
    putin = Official.objects.get(slug="vladimir-putin")
    assert putin.tenures.get().position.name == "President of Russia"
    cites_article(putin, article, "President Vladimir Putin")
    for slug in ("russia-foreign-ministry", "russia-ministry-of-justice"):
        org = Organization.objects.get(slug=slug)
        assert (org.kind, org.country.iso2) == ("ministry", "RU")
        cites_article(org, article, "the Russian Foreign Ministry and the Ministry of Justice")


def test_10_recognition_under_consideration(article):
    d = PolicyDecision.objects.get(decision_type="recognition")
    assert d.status == "under_consideration"
    assert d.subject_organization.slug == "taliban"
    backing = d.statements.get()
    assert backing.speaker.slug == "dmitry-zhirnov"
    cites_article(d, article, "recognition considerations")


def test_every_record_is_published_and_cited(seed):
    for model in ALL_MODELS:
        ct = ContentType.objects.get_for_model(model)
        cited = set(Citation.objects.filter(content_type=ct).values_list("object_id", flat=True))
        for pk, state in model.objects.values_list("pk", "review_state"):
            assert state == ReviewState.PUBLISHED
            if model is not Source:
                assert pk in cited, f"{model.__name__} {pk} has no citation"


def test_every_country_of_iso_3166_is_there(seed):
    assert Country.objects.count() == 249
    assert Country.objects.get(iso2="FR").iso3 == "FRA"


def test_verify_citations_passes_on_the_seed(seed, capsys):
    call_command("verify_citations")
    assert capsys.readouterr().out == (
        "No problems: 3 sources, 291 citations and 283 published records checked.\n"
    )


def test_verify_citations_names_a_broken_one(article, capsys):
    broken = Citation.objects.filter(source=article).first()
    Citation.objects.filter(pk=broken.pk).update(quote="x" * (broken.end - broken.start))
    with pytest.raises(CommandError, match="1 problem; 3 sources, 291 citations"):
        call_command("verify_citations")
    assert str(broken.pk) in capsys.readouterr().err


def test_seed_loads_with_plain_loaddata(db):
    call_command("loaddata", str(SEED), verbosity=0)
    assert Shipment.objects.count() == 4
    call_command("verify_citations")


def test_loading_again_changes_nothing(seed):
    from core.loading import load_dataset

    again = load_dataset(SEED)
    assert (again.created, again.updated, again.reference_added) == (0, 0, 0)


def test_history_records_the_import_channel(seed):
    history = Official.objects.get(slug="dmitry-zhirnov").history.get()
    assert (history.history_type, history.history_channel) == ("+", "import")


def snapshot():
    return {
        m.__name__: sorted(map(str, m.objects.values_list("pk", flat=True))) for m in ALL_MODELS
    }


def broken_fixture(tmp_path, mutate):
    data = json.loads(SEED.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def set_quote(data):
    citation = next(o for o in data if o["model"] == "core.citation" and o["fields"]["quote"])
    citation["fields"]["quote"] = "Russia invaded the Moon"
    citation["fields"]["end"] = citation["fields"]["start"] + len("Russia invaded the Moon")


def set_reference(data):
    shipment = next(o for o in data if o["model"] == "trade.shipment")
    shipment["fields"]["commodity"] = ["no-such-commodity"]


def set_negative(data):
    shipment = next(o for o in data if o["model"] == "trade.shipment")
    shipment["fields"]["quantity"] = "-3"
    shipment["fields"]["unit"] = "t"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        # A published citation's quote does not change: it is retracted and replaced.
        (set_quote, "its evidence (quote, end) does not change"),
        (set_reference, "no-such-commodity"),
        (set_negative, "A quantity cannot be negative."),
    ],
)
def test_broken_fixture_changes_nothing(seed, tmp_path, mutate, message):
    path = broken_fixture(tmp_path, mutate)
    # The existing data is changed by the fixture too, so prove none of it landed.
    Shipment.objects.update(note="before")
    before = snapshot()
    with pytest.raises(CommandError) as exc:
        call_command("load_dataset", str(path))
    assert "Nothing was loaded." in str(exc.value)
    assert message in str(exc.value)
    assert snapshot() == before
    assert set(Shipment.objects.values_list("note", flat=True)) == {"before"}


def test_broken_fixture_into_an_empty_database_leaves_it_empty(db, tmp_path):
    path = broken_fixture(tmp_path, set_quote)
    with pytest.raises(CommandError):
        call_command("load_dataset", str(path))
    assert all(not pks for pks in snapshot().values())


def test_bad_json_is_reported(db, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('[{"model": "core.source", ', encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("load_dataset", str(path))
    assert Source.objects.count() == 0


# --- honesty: what the article does not state is marked inferred, with the reason ----------


def support(record, field) -> list[Citation]:
    return [c for c in record.citations.filter(review_state="published") if field in c.supports]


@pytest.mark.parametrize(
    ("model", "lookup", "field", "reason"),
    [
        (Position, {"slug": "president-of-russia"}, "country", "without naming his country"),
        (Position, {"slug": "russia-ambassador-to-afghanistan"}, "posted_to", "capital's name"),
        (Organization, {"slug": "russia-ministry-of-justice"}, "country", "read from the context"),
        (
            PolicyDecision,
            {"decision_type": "delisting"},
            "decision_maker",
            "inferred from whom they briefed",
        ),
        (Commodity, {"slug": "petroleum-products"}, "hs_code", "curators' mapping"),
        (Commodity, {"slug": "wheat"}, "hs_code", "curators' mapping"),
        (DecisionStage, {"decision__decision_type": "supply_arrangement"}, "status", "decided"),
    ],
    ids=[
        "president",
        "ambassador-posting",
        "justice",
        "decision-maker",
        "hs-2710",
        "hs-1001",
        "begun-working-together",
    ],
)
def test_seed_honesty_over_claims_are_inferred_with_their_reason(
    seed, model, lookup, field, reason
):
    record = model.objects.get(**lookup)
    (citation,) = support(record, field)
    assert citation.inferred, f"{record}: {field} is stated by {citation.quote!r}?"
    assert reason in citation.note


def test_seed_honesty_what_the_quotes_state_stays_stated(seed):
    ambassador = Position.objects.get(slug="russia-ambassador-to-afghanistan")
    (country,) = support(ambassador, "country")
    assert (country.inferred, country.quote) == (
        False,
        "the Russian ambassador to Kabul, Dmitry Zhirnov",
    )
    delisting = PolicyDecision.objects.get(decision_type="delisting")
    (briefed,) = support(delisting, "briefed_by")
    assert not briefed.inferred
    foreign = Organization.objects.get(slug="russia-foreign-ministry")
    assert [c.inferred for c in support(foreign, "country")] == [False]


def test_seed_honesty_begun_working_together_is_not_implemented(seed):
    """ "Have begun working together" reports a start: the agreement to cooperate (decided),
    not an arrangement in force (implemented)."""
    stage = DecisionStage.objects.get(decision__decision_type="supply_arrangement")
    assert (stage.status, stage.decision.status) == ("decided", "decided")
    (stated,) = support(stage, "date")
    assert "have begun working together" in stated.quote
