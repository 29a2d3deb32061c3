""" "Create drafts" for the other kinds: a designation (the organization designated, its
jurisdiction, the authority and the date, each cited at its own words) and an ambassador (a
new position held by a new official: a tenure). The drafts publish through the normal
review workflow, with the drafts they stand on."""

from dataclasses import replace

import pytest
from django.urls import reverse

from core.models import Source
from diplomacy.models import (
    Designation,
    Official,
    Organization,
    PolicyDecision,
    Position,
    Statement,
    Tenure,
)
from ingest import extract
from ingest.models import ProposalReview
from tests import factories as f
from tests.admin.forms import messages_of
from trade.models import Commitment, Shipment

from . import review_article as article
from .test_admin_review import add_source, citations_of, decide

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def extractor(monkeypatch):
    monkeypatch.setattr(extract, "propose", article.extraction)


@pytest.fixture
def countries():
    return {
        "UZ": f.published(f.country("UZ", iso3="UZB", name="Uzbekistan")),
        "AF": f.published(f.country("AF", iso3="AFG", name="Afghanistan")),
    }


@pytest.fixture
def source(curator_client, countries):
    response = add_source(
        curator_client, title="Uzbekistan bans a movement", publisher="Steppe Courier",
        text=article.BANNED,
    )  # fmt: skip
    assert response.status_code == 302
    return Source.objects.get(publisher="Steppe Courier")


def test_a_designation_and_an_ambassador_become_drafts_citing_each_value(
    curator_client, source, countries
):
    p = article.banned_proposals()
    for name in ("designation", "ambassador"):
        assert decide(curator_client, source, p[name].key, "accept").status_code == 302
    drafts = reverse("admin:ingest_drafts", args=[source.pk])
    response = curator_client.post(drafts, follow=True)
    assert any("6 draft record(s) created" in m for m in messages_of(response)), messages_of(
        response
    )
    (designation,) = Designation.objects.all()
    movement = Organization.objects.get(name="Crimson Dawn")
    court = Organization.objects.get(name="Supreme Court of Uzbekistan")
    uz = countries["UZ"]
    assert (designation.organization, designation.jurisdiction, designation.authority) == (
        movement, uz, court,
    )  # fmt: skip
    assert (designation.kind, designation.status, designation.start) == (
        "banned", "in_force", "2025-06-02",
    )  # fmt: skip
    assert citations_of(designation) == {
        "Uzbekistan has banned the Crimson Dawn movement": (["status"], {"status": "in_force"}),
        "Crimson Dawn movement": (["organization"], {"organization": str(movement.pk)}),
        "Uzbekistan": (["jurisdiction"], {"jurisdiction": str(uz.pk)}),
        "Supreme Court of Uzbekistan": (["authority"], {"authority": str(court.pk)}),
        "2 June 2025": (["start"], {"start": {"precision": "day", "value": "2025-06-02"}}),
    }
    assert (movement.kind, court.country) == ("movement", uz)
    assert citations_of(court) == {
        "Supreme Court of Uzbekistan": (["country"], {"country": str(uz.pk)})
    }

    (tenure,) = Tenure.objects.all()
    ahmedov = Official.objects.get(name="Timur Ahmedov")
    position = Position.objects.get(name="Ambassador of Uzbekistan to Afghanistan")
    assert (tenure.official, tenure.position) == (ahmedov, position)
    assert (position.country, position.posted_to) == (uz, countries["AF"])
    assert citations_of(tenure) == {
        "Uzbek ambassador to Kabul": (
            ["official", "position"],
            {"official": str(ahmedov.pk), "position": str(position.pk)},
        ),
        "Timur Ahmedov": (["official"], {"official": str(ahmedov.pk)}),
    }
    # What the curator accepted, and what it was built on, is kept with the records made.
    rows = {r.key: r for r in ProposalReview.objects.filter(source=source)}
    assert rows[p["designation"].key].drafted == designation
    assert rows[p["movement"].key].drafted == movement  # accepted with the designation
    assert rows[p["uzbekistan"].key].drafted is None  # matched, never created
    assert [label for label, _pk in rows[p["ambassador"].key].made] == [
        "diplomacy.position", "diplomacy.tenure",
    ]  # fmt: skip

    for record in (designation, tenure):
        opts = record._meta
        url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_review", args=[record.pk, "publish_all"]
        )
        response = curator_client.post(url, follow=True)
        assert any("was published" in m for m in messages_of(response)), messages_of(response)
    for record in (designation, movement, court, tenure, ahmedov, position, source):
        record.refresh_from_db()
        assert record.review_state == "published", record


def test_a_composite_without_what_it_needs_is_reported_and_the_rest_drafted(curator_client, source):
    p = article.banned_proposals()
    decide(curator_client, source, p["movement"].key, "reject")
    decide(curator_client, source, p["designation"].key, "accept")
    decide(curator_client, source, p["ahmedov"].key, "accept")
    response = curator_client.post(reverse("admin:ingest_drafts", args=[source.pk]), follow=True)
    said = messages_of(response)
    assert (
        "Not drafted: designation “Uzbekistan has banned the Crimson Dawn movement”: it relies "
        "on organization “Crimson Dawn movement”, rejected." in said
    ), said
    assert not Designation.objects.exists() and not Organization.objects.exists()
    assert list(Official.objects.values_list("name", "review_state")) == [
        ("Timur Ahmedov", "draft")
    ]


def test_a_quantity_for_a_period_is_drafted_as_a_commitment(curator_client, monkeypatch):
    by = f.published(f.country("BY", iso3="BLR", name="Belarus"))
    india = f.published(f.country("IN", iso3="IND", name="India"))

    def yearly(text, published=None, language="en"):
        found = article.extraction(text, published, language)
        found.proposals = [
            replace(p, value={**p.value, "record": "commitment", "per": "year"})
            if p.kind == "quantity"
            else p
            for p in found.proposals
        ]
        return found

    monkeypatch.setattr(extract, "propose", yearly)
    assert add_source(curator_client).status_code == 302
    source = Source.objects.get(publisher="Baltic Ledger")
    quantity = article.proposals()["quantity"]
    assert decide(curator_client, source, quantity.key, "accept").status_code == 302
    curator_client.post(reverse("admin:ingest_drafts", args=[source.pk]))
    (commitment,) = Commitment.objects.all()
    assert (commitment.supplier, commitment.recipient, commitment.per, commitment.start) == (
        by, india, "year", "2026",
    )  # fmt: skip
    assert (str(commitment.quantity), commitment.quantity_qualifier) == ("300000.000", "at_most")
    assert citations_of(commitment)["up to 300,000 tonnes"][0] == ["per", "quantity", "unit"]
    assert not Shipment.objects.exists()
    url = reverse("admin:trade_commitment_review", args=[commitment.pk, "publish_all"])
    response = curator_client.post(url, follow=True)
    assert any("was published" in m for m in messages_of(response)), messages_of(response)


def named_roles(text, published=None, language="en"):
    """The same proposals as an extractor may shape them: a record proposed once, at its
    first mention, with every mention's span; roles named by code, slug or name."""
    found = article.extraction(text, published, language)
    p = {q.key: q for q in found.proposals}
    named = article.proposals(found.text)
    later = article.at(found.text, "Belarus", after="second contract")
    mentions = {named["belarus"].key: [[31, 38], list(later)]}
    shaped = {
        named["quantity"].key: {
            "amount": "300000", "unit": "t", "qualifier": "at_most",
            "commodity": "potash", "exporter": "BY", "importer": "IN",
        },
        named["statement"].key: {
            **named["statement"].value, "speaker": "Olga Varenik", "speaker_kind": "official",
        },
        named["decision"].key: {"stage": "under_consideration", "countries": ["IN"]},
    }  # fmt: skip
    related = {
        "quantity": (named["potash"].key,),
        # Belarus by the span of a later mention, not of the proposal (its first).
        "decision": (f"country:{later[0]}:{later[1]}",),
    }
    found.proposals = [
        replace(
            q,
            value={**shaped.get(key, q.value), "mentions": mentions.get(key, [[q.start, q.end]])},
            related=related.get(q.kind, ()),
        )
        for key, q in p.items()
        if key != named["india_2"].key  # "New Delhi": India is proposed once, at "India"
    ]
    return found


def test_roles_named_by_code_or_name_are_cited_at_their_nearest_mention(
    curator_client, monkeypatch
):
    by = f.published(f.country("BY", iso3="BLR", name="Belarus"))
    india = f.published(f.country("IN", iso3="IND", name="India"))
    monkeypatch.setattr(extract, "propose", named_roles)
    assert add_source(curator_client).status_code == 302
    source = Source.objects.get(publisher="Baltic Ledger")
    named = article.proposals(source.text)
    for name in ("quantity", "statement", "decision"):
        assert decide(curator_client, source, named[name].key, "accept").status_code == 302
    response = curator_client.post(reverse("admin:ingest_drafts", args=[source.pk]), follow=True)
    assert not [m for m in messages_of(response) if m.startswith("Not drafted")]
    (shipment,) = Shipment.objects.all()
    assert (shipment.exporter, shipment.importer, shipment.commodity.slug) == (by, india, "potash")
    cited = {(c.start, c.quote): c.supports for c in shipment.citations.all()}
    assert cited == {
        (31, "Belarus"): ["exporter"],
        (51, "up to 300,000 tonnes"): ["quantity", "unit"],
        (75, "potash"): ["commodity"],
        (85, "India"): ["importer"],
    }
    (statement,) = Statement.objects.all()
    assert statement.speaker.name == "Olga Varenik"
    (decision,) = PolicyDecision.objects.all()
    assert sorted(c.iso2 for c in decision.countries.all()) == ["BY", "IN"]
    later = article.at(source.text, "Belarus", after="second contract")
    # Belarus at its mention inside the decision's words; India at its only proposed one.
    assert {(c.start, c.quote): c.supports for c in decision.citations.all()} == {
        (later[0], "Belarus"): ["countries"],
        (85, "India"): ["countries"],
    }
