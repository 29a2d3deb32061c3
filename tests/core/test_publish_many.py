"""``records_publish`` (many drafts at once) leaves what ``record_publish`` one by one leaves.

The same drafts are published twice from the same state, one by one and in one call, each
run rolled back after it is read: every reader's view (the API, anonymous and curator; the
change feed), every row of the records, citations and sources (versions, states, pinned
values, corroboration), every history entry (channel, user, reason) must be the same, but
for the ids and times the database hands out. A refusal publishes nothing and says what
``record_publish`` says for the record refused.
"""

from unittest import mock

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from knox.models import AuthToken

from core import services
from core.history import Channel, history_channel
from core.models import Change, PublicModel, ReviewState, Source, SourceKind
from core.services import publish_many
from diplomacy.models import DesignationChange
from tests import factories as f
from tests.admin.forms import action, messages_of
from trade.models import Commodity, Shipment

pytestmark = pytest.mark.django_db

TEXT = "Officials said 12,500 tonnes of wheat went from Russia to Afghanistan in March."
QUOTE = "12,500 tonnes of wheat went from Russia to Afghanistan"
OTHER = "A wire said 800 tonnes of barley went from Afghanistan to Russia in May."
SHIPMENTS = "/api/v1/trade/shipments/"
COMMODITIES = "/api/v1/trade/commodities/"
CHANGES = "/api/v1/changes/"
#: What the database or the clock hands out: not the same in two runs.
VOLATILE = {"id", "history_id", "history_date", "updated", "timestamp"}


def cited(record, user, source, quote, supports):
    services.record_save(
        record,
        user=user,
        cite=[services.CitationInput(source=source, quote=quote, supports=supports)],
    )
    return record


@pytest.fixture
def world(curator):
    """Drafts to publish: shipments on a published article, on a draft article, on a draft
    commodity; a shipment with no citation; one with no support for its quantity."""
    reference = f.published(f.source(kind=SourceKind.REFERENCE, text=""))
    article = f.published(f.source(text=TEXT, title="Wire", publisher="Wire"))
    draft_article = f.source(text=OTHER, title="Other wire", publisher="Other")
    ru, af = f.published(f.country("RU")), f.published(f.country("AF"))
    for country in (ru, af):
        f.published(f.cite(country, quote="", src=reference, locator=country.iso2))
    wheat = f.published(f.commodity(slug="wheat", name="Wheat"))
    f.published(f.cite(wheat, quote="wheat", src=article, start=TEXT.index("wheat")))
    barley = f.commodity(slug="barley", name="Barley")  # a draft, with a draft citation
    cited(barley, curator, draft_article, "barley", [])
    facts = ["exporter", "importer", "commodity", "quantity", "unit"]
    with history_channel(Channel.API):
        good = [
            cited(
                f.shipment(exporter=ru, importer=af, commodity=wheat, quantity=12500, unit="t"),
                curator,
                article,
                QUOTE,
                facts,
            ),
            cited(
                f.shipment(exporter=af, importer=ru, commodity=barley, quantity=800, unit="t"),
                curator,
                draft_article,
                "800 tonnes of barley went from Afghanistan to Russia",
                facts,
            ),
            cited(
                f.shipment(exporter=ru, importer=af, commodity=wheat),
                curator,
                article,
                "wheat went from Russia to Afghanistan",
                ["exporter", "importer", "commodity"],
            ),
        ]
    uncited = f.shipment(exporter=ru, importer=af, commodity=wheat)
    unsupported = cited(
        f.shipment(exporter=ru, importer=af, commodity=wheat, quantity=99999, unit="t"),
        curator,
        article,
        "wheat went from Russia to Afghanistan",
        ["exporter", "importer", "commodity"],
    )
    on_draft = cited(
        f.shipment(exporter=ru, importer=af, commodity=barley),
        curator,
        article,
        "wheat went from Russia to Afghanistan",
        ["exporter", "importer"],
    )
    return {
        "good": good,
        "uncited": uncited,
        "unsupported": unsupported,
        "on_draft": on_draft,
        "barley": barley,
        "draft_article": draft_article,
    }


def _plain(value):
    """``value`` without what differs from run to run (ids the database hands out, times)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _rows(queryset) -> list:
    return sorted(map(repr, (_plain(row) for row in queryset.values())))


def everything(client, curator, records, since: int) -> dict:
    """All a reader can see, and every row behind it."""
    cache.clear()
    token = AuthToken.objects.create(curator)[1]
    as_curator = {"HTTP_AUTHORIZATION": f"Token {token}"}
    seen = {}
    for name, headers in (("anonymous", {}), ("curator", as_curator)):
        for record in records:
            url = f"{SHIPMENTS}{record.pk}/"
            response = client.get(url, **headers)
            seen[f"{name} {url}"] = (response.status_code, _plain(response.json()))
        response = client.get(f"{COMMODITIES}barley/", **headers)
        seen[f"{name} barley"] = (response.status_code, _plain(response.json()))
        feed = client.get(CHANGES, {"after": since, "limit": 500}, **headers).json()
        # A change's url holds its sequence number: handed out in another order (above).
        entries = [{k: v for k, v in e.items() if k != "url"} for e in feed["results"]]
        seen[f"{name} feed"] = sorted(map(repr, _plain(entries)))
    for model in apps.get_models():
        if issubclass(model, PublicModel):
            seen[model._meta.label] = _rows(model._default_manager.all())
            seen[f"{model._meta.label} history"] = _rows(model.history.all())
    seen["changes"] = _rows(Change.objects.filter(id__gt=since))
    # The feed's order: each shipment's citation just before it. (What they stand on may come
    # earlier: one by one, each just before the first shipment that needs it.)
    order = Change.objects.filter(id__gt=since).order_by("id")
    seen["feed order"] = [
        (c.model, c.record_id, c.cited_id)
        for c in order
        if "trade.shipment" in (c.model, c.cited_model)
    ]
    AuthToken.objects.filter(user=curator).delete()
    return seen


def publish_and_read(client, curator, records, publish) -> dict:
    """Publish ``records`` with ``publish``, read everything, and roll it all back."""
    since = Change.objects.order_by("-id").values_list("id", flat=True).first()
    with transaction.atomic():
        with history_channel(Channel.IMPORT):
            publish(records)
        seen = everything(client, curator, records, since)
        transaction.set_rollback(True)
    return seen


def one_by_one(curator, with_references=True, channel=None):
    def publish(records):
        with history_channel(channel or Channel.IMPORT):
            for record in records:  # in the order given, as records_publish goes
                services.record_publish(
                    Shipment.objects.get(pk=record.pk),
                    user=curator,
                    with_references=with_references,
                )

    return publish


def at_once(curator, with_references=True):
    def publish(records):
        services.records_publish(records, user=curator, with_references=with_references)

    return publish


def test_publishing_at_once_leaves_what_one_by_one_leaves(client, curator, world):
    records = world["good"]
    before = {s.pk: s.version for s in Shipment.objects.filter(pk__in=[r.pk for r in records])}
    single = publish_and_read(client, curator, records, one_by_one(curator))
    batch = publish_and_read(client, curator, records, at_once(curator))
    assert single.keys() == batch.keys()
    for key in single:
        assert batch[key] == single[key], key
    # And something did happen: every record is published, its version moved, its citation
    # and the draft commodity and article it stands on are published with it.
    with transaction.atomic():
        with history_channel(Channel.IMPORT):
            services.records_publish(records, user=curator, with_references=True)
        for shipment in Shipment.objects.filter(pk__in=before):
            assert shipment.review_state == ReviewState.PUBLISHED
            assert shipment.version == before[shipment.pk] + 1
            assert {c.review_state for c in shipment.citations.all()} == {"published"}
        assert Commodity.objects.get(slug="barley").review_state == ReviewState.PUBLISHED
        assert Source.objects.get(pk=world["draft_article"].pk).review_state == "published"
        published = Change.objects.filter(model="trade.shipment", reason="Published")
        assert {c.channel for c in published} == {Channel.IMPORT}
        assert {c.user for c in published} == {curator.username}
        assert {tuple(c.changed_fields) for c in published} == {("review_state",)}
        transaction.set_rollback(True)


def test_a_records_own_draft_citation_alone_is_the_same(client, curator, world):
    """Without with_references: records on published evidence only."""
    records = [world["good"][0], world["good"][2]]
    single = publish_and_read(client, curator, records, one_by_one(curator, False))
    batch = publish_and_read(client, curator, records, at_once(curator, False))
    assert batch == single


def snapshot() -> dict:
    rows = {}
    for model in apps.get_models():
        if issubclass(model, PublicModel):
            rows[model._meta.label] = sorted(map(repr, model._default_manager.values_list()))
            rows[f"{model._meta.label} history"] = model.history.count()
    rows["changes"] = list(Change.objects.values_list())
    return rows


def refusal(record, curator, with_references) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        services.record_publish(record, user=curator, with_references=with_references)
    return refused.value.messages


@pytest.mark.parametrize(
    ("bad", "with_references"),
    [
        ("uncited", True),  # no citation at all
        ("unsupported", True),  # no citation supports its quantity
        ("on_draft", False),  # stands on a draft commodity
    ],
)
def test_a_refusal_publishes_nothing_and_says_why(curator, world, bad, with_references):
    record = world[bad]
    expected = refusal(record, curator, with_references)
    # Those that stand on published records and evidence alone, then the one refused.
    records = world["good"] if with_references else [world["good"][0], world["good"][2]]
    before = snapshot()
    with pytest.raises(ValidationError) as refused, history_channel(Channel.IMPORT):
        services.records_publish([*records, record], user=curator, with_references=with_references)
    assert refused.value.messages == expected
    assert snapshot() == before


def test_every_refused_record_is_named(curator, world):
    expected = refusal(world["uncited"], curator, True)
    with pytest.raises(ValidationError) as refused:
        services.records_publish(
            [world["uncited"], *world["good"], world["unsupported"]],
            user=curator,
            with_references=True,
        )
    assert refused.value.messages[:-1] == expected
    assert refused.value.messages[-1] == (
        f"Also refused: {services.label(Shipment.objects.get(pk=world['unsupported'].pk))}."
    )


def test_only_drafts_are_published(curator, world):
    first = world["good"][0]
    services.record_publish(first, user=curator)
    with pytest.raises(ValidationError, match="Only a draft can be published"):
        services.records_publish(world["good"], user=curator, with_references=True)
    assert Shipment.objects.get(pk=world["good"][1].pk).review_state == ReviewState.DRAFT


def test_the_admin_action_publishes_the_selection_in_one_call(client, curator, world):
    """The admin's "Publish selected" goes through records_publish: what it leaves is what
    record_publish one by one (through the admin's channel) leaves; a refusal of one record
    is said and the others are published, as before."""
    records = [world["good"][0], world["good"][2]]
    with mock.patch("core.admin.actions.records_publish", wraps=services.records_publish) as call:
        via_admin = publish_and_read(client, curator, records, admin_action(client, curator))
        assert call.call_count == 1
    single = publish_and_read(client, curator, records, one_by_one(curator, False, Channel.ADMIN))
    # The admin's selection comes in its changelist's order, not the order given here.
    via_admin.pop("feed order"), single.pop("feed order")
    assert via_admin == single
    client.force_login(curator)
    response = action(client, Shipment, "publish_selected", [*records, world["uncited"]])
    said = messages_of(response)
    uncited = " ".join(refusal(world["uncited"], curator, False))
    assert f"“{world['uncited']}” was not published: {uncited}" in said
    assert "2 shipments published." in said
    assert Shipment.objects.filter(review_state="published").count() == 2


def admin_action(client, curator):
    def publish(records):
        client.force_login(curator)
        response = action(client, Shipment, "publish_selected", records)
        assert messages_of(response) == [f"{len(records)} shipments published."]
        client.logout()

    return publish


def test_only_records_whose_saves_another_app_follows_go_one_at_a_time():
    """The comparisons above would pass on the one-at-a-time fallback too: shipments do not
    take it, designation changes (a designation follows each save of its changes) do."""
    assert not publish_many._saves_are_watched(Shipment)
    assert not publish_many._saves_are_watched(Commodity)
    assert publish_many._saves_are_watched(DesignationChange)
