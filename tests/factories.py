"""Small builders for test records. Each returns a saved, valid record; override any field."""

import itertools

from django.contrib.contenttypes.models import ContentType

from core.models import Citation, ReviewState, Source, SourceKind
from diplomacy.models import (
    Country,
    DecisionStage,
    DecisionStatus,
    DecisionType,
    Designation,
    DesignationChange,
    DesignationKind,
    DesignationStatus,
    Official,
    Organization,
    OrganizationKind,
    PolicyDecision,
    Position,
    Statement,
    StatementMode,
    Tenure,
)
from trade.models import (
    Commitment,
    CommitmentPer,
    Commodity,
    Sector,
    Shipment,
    ShipmentKind,
    ShipmentStatus,
)

_seq = itertools.count(1)
TEXT = "Alpha said beta. Gamma exported wheat to Delta. Alpha said beta."


def country(iso2=None, **kw):
    n = next(_seq)
    iso2 = iso2 or f"{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}"
    defaults = {"iso3": f"{iso2}X", "name": f"Country {iso2}"}
    defaults.update(kw)
    obj, _ = Country.objects.get_or_create(iso2=iso2, defaults=defaults)
    return obj


def source(**kw):
    kw.setdefault("kind", SourceKind.NEWS_ARTICLE)
    kw.setdefault("text", f"{TEXT} #{next(_seq)}")
    return Source.objects.create(**kw)


def cite(record, quote="Gamma exported wheat", src=None, **kw):
    """A citation of ``src`` (by default a new, published source: evidence that can stand)."""
    return Citation.objects.create(
        source=src or published(source()),
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        quote=quote,
        **kw,
    )


def organization(**kw):
    n = next(_seq)
    kw.setdefault("slug", f"org-{n}")
    kw.setdefault("name", f"Organization {n}")
    kw.setdefault("kind", OrganizationKind.MINISTRY)
    return Organization.objects.create(**kw)


def official(**kw):
    n = next(_seq)
    kw.setdefault("slug", f"official-{n}")
    kw.setdefault("name", f"Official {n}")
    return Official.objects.create(**kw)


def position(**kw):
    n = next(_seq)
    kw.setdefault("slug", f"position-{n}")
    kw.setdefault("name", f"Position {n}")
    return Position.objects.create(**kw)


def tenure(**kw):
    kw.setdefault("position", position())
    kw.setdefault("official", official())
    return Tenure.objects.create(**kw)


def commodity(**kw):
    n = next(_seq)
    kw.setdefault("slug", f"commodity-{n}")
    kw.setdefault("name", f"Commodity {n}")
    kw.setdefault("sector", Sector.FOOD)
    return Commodity.objects.create(**kw)


def shipment(**kw):
    kw.setdefault("exporter", country())
    kw.setdefault("importer", country())
    kw.setdefault("commodity", commodity())
    kw.setdefault("kind", ShipmentKind.AGGREGATE)
    kw.setdefault("status", ShipmentStatus.REPORTED)
    return Shipment.objects.create(**kw)


def commitment(**kw):
    kw.setdefault("title", f"Supply commitment {next(_seq)}")
    kw.setdefault("supplier", country())
    kw.setdefault("recipient", country())
    kw.setdefault("commodity", commodity())
    if kw.get("quantity") is not None:
        kw.setdefault("unit", "t")
        kw.setdefault("per", CommitmentPer.YEAR)
    return Commitment.objects.create(**kw)


def designation(**kw):
    kw.setdefault("organization", organization())
    kw.setdefault("jurisdiction", country())
    kw.setdefault("kind", DesignationKind.BANNED)
    kw.setdefault("status", DesignationStatus.IN_FORCE)
    return Designation.objects.create(**kw)


def designation_change(**kw):
    kw.setdefault("designation", designation())
    kw.setdefault("status", DesignationStatus.SUSPENDED)
    kw.setdefault("date", "2025-03-14")
    return DesignationChange.objects.create(**kw)


def decision(**kw):
    kw.setdefault("title", f"Decision {next(_seq)}")
    kw.setdefault("decision_type", DecisionType.OTHER)
    return PolicyDecision.objects.create(**kw)


def stage(**kw):
    kw.setdefault("decision", decision())
    kw.setdefault("sequence", next(_seq))
    kw.setdefault("status", DecisionStatus.PROPOSED)
    return DecisionStage.objects.create(**kw)


def statement(**kw):
    if not {"speaker", "speaker_organization", "speaker_country"} & kw.keys():
        kw["speaker"] = official()
    kw.setdefault("mode", StatementMode.REPORTED)
    kw.setdefault("summary", "Something was said.")
    return Statement.objects.create(**kw)


def published(record):
    record.review_state = ReviewState.PUBLISHED
    record.save()
    return record
