"""The records' foundation: base classes, fuzzy dates, sources, citations, the change feed."""

from core.validtime import ValidTime

from .changes import Change, ChangeAction
from .evidence import CitableModel, Citation, Qualifier, Source, SourceKind, citable_models
from .records import (
    DatePrecision,
    FuzzyDatesMixin,
    NamedManager,
    NamedModel,
    PublicManager,
    PublicModel,
    PublicQuerySet,
    ReviewState,
    aliases_field,
    date_order_constraint,
    fuzzy_date,
    parse_partial_date,
    read_only,
)
from .releases import Release

__all__ = [
    "Change",
    "ChangeAction",
    "CitableModel",
    "Citation",
    "DatePrecision",
    "FuzzyDatesMixin",
    "NamedManager",
    "NamedModel",
    "PublicManager",
    "PublicModel",
    "PublicQuerySet",
    "Qualifier",
    "Release",
    "ReviewState",
    "Source",
    "SourceKind",
    "ValidTime",
    "aliases_field",
    "citable_models",
    "date_order_constraint",
    "fuzzy_date",
    "parse_partial_date",
    "read_only",
]
