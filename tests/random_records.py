"""Records of every resource with every field filled by random non-null values (seeded).

For comparisons of two readings of one record (``tests/api/test_compiled.py``): seed data
leaves many fields empty, and an empty field hides how a value is written. Text carries
quotes, backslashes, line ends and non-ASCII letters; numbers use every decimal place.
"""

import datetime
import decimal
import string
import uuid

from django.db import models

from core.models import CitableModel, ReviewState, Source, SourceKind
from tests import factories

TEXT = 'Ünïcode "quoted" \\ back\nline — '
SKIPPED = {"id", "version", "created", "updated", "search_document", "content_hash"}


def text(rng, length: int) -> str:
    word = "".join(rng.choice(string.ascii_lowercase) for _ in range(8))
    return (word + " " + TEXT)[: max(1, length)]


def upper(rng, n: int) -> str:
    return "".join(rng.choice(string.ascii_uppercase) for _ in range(n))


#: Fields whose values have a format (the models' check constraints).
BY_NAME = {
    "iso2": lambda rng: upper(rng, 2),
    "iso3": lambda rng: upper(rng, 3),
    "numeric": lambda rng: f"{rng.randrange(1000):03d}",
    "currency": lambda rng: rng.choice(["EUR", "USD", "RUB"]),
    "hs_code": lambda rng: rng.choice(["10", "1001", "100199"]),
    "language": lambda rng: rng.choice(["en", "fr", "ru"]),
    "text": lambda rng: f"{factories.TEXT} {text(rng, 30)}",
    # Brief objects cut a summary to 80 characters: on either side of the cut, and far.
    "summary": lambda rng: (text(rng, 60) * 4)[: rng.choice([20, 79, 80, 81, 150])],
}


#: A source that may be quoted (a reference standard is cited by locator only).
BY_MODEL = {Source: {"kind": SourceKind.NEWS_ARTICLE}}


def value_for(field, rng, model):
    """A random non-null value ``field`` may hold (None: leave it to the model)."""
    if field.name in BY_NAME:
        return BY_NAME[field.name](rng)
    if field.choices:
        return rng.choice([value for value, _ in field.flatchoices if value != ""])
    if isinstance(field, models.SlugField):
        return "r-" + "".join(rng.choice(string.ascii_lowercase) for _ in range(10))
    if isinstance(field, models.URLField):
        return f"https://example.org/{rng.randrange(10**6)}?q=é"
    if isinstance(field, models.CharField | models.TextField):
        return text(rng, field.max_length or 60)
    if isinstance(field, models.DecimalField):
        whole = rng.randrange(10 ** min(9, field.max_digits - field.decimal_places))
        places = rng.randrange(1, 10**field.decimal_places)
        return decimal.Decimal(f"{whole}.{places:0{field.decimal_places}d}")
    if isinstance(field, models.BooleanField):
        return rng.choice([True, False])
    if isinstance(field, models.IntegerField):
        return rng.randrange(1, 10_000)
    if isinstance(field, models.DateTimeField):
        return None
    if isinstance(field, models.DateField):
        return datetime.date(rng.randrange(1990, 2025), rng.randrange(1, 13), rng.randrange(1, 29))
    if isinstance(field, models.UUIDField):
        return uuid.UUID(int=rng.getrandbits(128))
    if isinstance(field, models.JSONField):
        if field.default is list:
            return [text(rng, 12), text(rng, 12)]
        return {"b_key": text(rng, 12), "a_key": {"n": rng.randrange(100), "t": True}}
    raise TypeError(f"No random value for {model.__name__}.{field.name}")


def filled(model, rng, made: dict, overrides: dict | None = None, state=ReviewState.PUBLISHED):
    """A saved ``model`` record (published unless ``state`` says otherwise) with every field
    filled (related ones too)."""
    obj = model()
    fuzzy = set()
    chosen = []
    for field in model._meta.concrete_fields:
        if field.name in SKIPPED or field.primary_key or field.name == "review_state":
            continue
        if field.is_relation:
            related = field.related_model
            if related is model or related.__module__.startswith("django."):
                others = made.get(model, [])
                setattr(obj, field.name, others[-1] if others else None)
                continue
            # Two relations of one record to one model point to two records (exporter is
            # not importer, supplier not recipient).
            target = some(related, rng, made, avoid=chosen)
            chosen.append(target)
            setattr(obj, field.name, target)
            continue
        name = field.name
        if any(name.startswith(base + "_") for base in fuzzy) or name in fuzzy:
            continue
        if hasattr(model, f"{name}_precision"):
            fuzzy.add(name)
            # Each date of a record later than the one before: end never before start.
            day = datetime.date(
                1950 + 12 * len(fuzzy) + rng.randrange(10), 1 + rng.randrange(12), 1
            )
            value = rng.choice([day.isoformat(), day.isoformat()[:7], day.isoformat()[:4]])
            setattr(obj, name, value)
            setattr(obj, f"{name}_note", text(rng, 40))
            continue
        value = value_for(field, rng, model)
        while field.unique and model._base_manager.filter(**{name: value}).exists():
            value = value_for(field, rng, model)  # two-letter codes meet after a few dozen
        if value is not None:
            setattr(obj, name, value)
    for name, value in {**BY_MODEL.get(model, {}), **(overrides or {}).get(model, {})}.items():
        setattr(obj, name, value)
    if getattr(obj, "reporter_id", None) and hasattr(obj, "exporter_id"):
        obj.reporter = obj.exporter  # a shipment's reporter is one of its parties
    obj.review_state = state
    if state == ReviewState.RETRACTED:
        obj.retraction_reason = text(rng, 40)
    obj.save()
    made.setdefault(model, []).append(obj)
    if issubclass(model, CitableModel):
        quote = "Gamma exported wheat"
        for start in (factories.TEXT.index(quote), None):
            factories.cite(
                obj,
                quote=quote,
                start=start,
                end=start + len(quote) if start is not None else None,
                # An untitled source (its brief names its kind), and a filled one.
                src=factories.published(
                    factories.source() if start is not None else some(Source, rng, made)
                ),
                supports=list(model.factual_fields[:1]),
                review_state=ReviewState.PUBLISHED,
                note=text(rng, 50),
            )
    return obj


def some(model, rng, made: dict, avoid=()):
    """A record of ``model``: a new one, filled, the first times; then one already made."""
    existing = [obj for obj in made.get(model, []) if obj not in avoid]
    if len(existing) >= 2:
        return rng.choice(existing)
    return filled(model, rng, made)


def fill_every_resource(rng, models_to_fill=None) -> dict:
    """Three filled records of each resource's model (and the records they point to)."""
    from tests.api.test_compiled import VIEWSETS

    made = {}
    lists, relations = [], []
    for viewset in VIEWSETS.values():
        model = viewset.queryset.model
        if models_to_fill is not None and model not in models_to_fill:
            continue
        if not issubclass(model, CitableModel) and model is not Source:
            continue
        for _ in range(3):
            filled(model, rng, made)
        lists += nested_lists(viewset.serializer_class)
        relations += many_to_many(viewset.serializer_class)
    for model, name in dict.fromkeys(relations):
        fill_many_to_many(rng, made, model, name)
    for parent, relation in dict.fromkeys(lists):
        fill_nested(rng, made, parent, relation)
    if models_to_fill is None:
        fill_changes(rng, made)
    return made


def fill_changes(rng, made: dict) -> None:
    """Changes of every kind beside those the saves above wrote: made by a curator (whose
    name only curators read), of a deleted record, of a citation whose record's model is
    gone, and of a model without an address."""
    from core.models import Change, ChangeAction

    now = datetime.datetime(2025, 3, 1, 10, 0, 0, 123456, tzinfo=datetime.UTC)
    record = made[Source][0]
    base = {
        "timestamp": now,
        "model": "core.source",
        "object_id": record.pk,
        "record_id": str(record.pk),
        "review_state": ReviewState.PUBLISHED,
        "channel": Change._meta.get_field("channel").choices[0][0],
        "reason": text(rng, 30),
        "changed_fields": ["title", "text"],
    }
    for extra in (
        {"action": ChangeAction.UPDATED, "user": "alice"},
        {"action": ChangeAction.DELETED, "user": "bob", "timestamp": now.replace(microsecond=0)},
        {"action": ChangeAction.CREATED, "cited_model": "gone.model", "cited_id": "x-1"},
        {"action": ChangeAction.CREATED, "model": "auth.user", "record_id": "7"},
    ):
        Change.objects.create(**{**base, **extra})


#: How many items the three records get in each of their lists: none, one and several.
COUNTS = (0, 1, 4)
#: The states of the several: a draft (curators only) and a retracted one among them.
STATES = (ReviewState.PUBLISHED, ReviewState.DRAFT, ReviewState.RETRACTED, ReviewState.PUBLISHED)


def fill_many_to_many(rng, made: dict, model, name: str) -> None:
    """The many-to-many relation ``name`` (either side) of the first three records of
    ``model``: none, one and several related records (new ones, in random order of their
    ids, a draft and a retracted one among them)."""
    related = model._meta.get_field(name).related_model
    for count, record in zip(COUNTS, list(made.get(model, [])[:3]), strict=False):
        items = [filled(related, rng, made, state=s) for s in STATES[:count]]
        getattr(record, name).set(items)


def many_to_many(serializer_class) -> list[tuple]:
    """(model, relation name) of each many-to-many relation the serializer shows."""
    from rest_framework import serializers

    model = serializer_class.Meta.model
    return [
        (model, field.source)
        for field in serializer_class().fields.values()
        if isinstance(field, serializers.ManyRelatedField)
    ]


def nested_lists(serializer_class) -> list[tuple]:
    """(model, reverse relation) of each nested list of records the serializer shows."""
    from rest_framework import serializers

    model = serializer_class.Meta.model
    return [
        (model, model._meta.get_field(field.source))
        for field in serializer_class().fields.values()
        if isinstance(field, serializers.ListSerializer)
        and isinstance(field.child, serializers.ModelSerializer)
    ]


def fill_nested(rng, made: dict, parent_model, relation) -> None:
    """Three new records of ``parent_model`` with none, one and several nested records
    (``relation``: a reverse foreign key), a draft and a retracted one among the several,
    and on one nested record a retracted and a draft citation beside the published ones."""
    child_model, key = relation.related_model, relation.field.name
    for count in COUNTS:
        parent = filled(parent_model, rng, made)
        made[parent_model].remove(parent)  # its list is this one: no other record joins it
        for n, state in enumerate(STATES[:count], start=1):
            overrides = {child_model: {key: parent}}
            if "sequence" in {f.name for f in child_model._meta.fields}:
                overrides[child_model]["sequence"] = n  # unique within the parent
            child = filled(child_model, rng, made, overrides, state=state)
        if count > 1:
            for state in (ReviewState.RETRACTED, ReviewState.DRAFT):
                factories.cite(
                    child,
                    quote="Gamma exported wheat",
                    src=some(Source, rng, made),
                    review_state=state,
                    retraction_reason="withdrawn" if state == ReviewState.RETRACTED else "",
                )
