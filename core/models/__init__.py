"""The records' foundation: base classes, fuzzy dates, sources, citations, the change feed."""

from .changes import Change, ChangeAction
from .evidence import CitableModel, Citation, Qualifier, Source, SourceKind
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
    "aliases_field",
    "date_order_constraint",
    "fuzzy_date",
    "parse_partial_date",
]
