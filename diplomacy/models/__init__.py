"""The diplomacy app's models: actors, facts and evidence. ``trade`` builds on these."""

from .actors import Country, Official, Organization, OrganizationKind, Position, Tenure
from .changes import Change, ChangeAction
from .evidence import CitableModel, Citation, Source, SourceKind
from .facts import (
    DecisionStage,
    DecisionStatus,
    DecisionType,
    Designation,
    DesignationKind,
    DesignationStatus,
    PolicyDecision,
    Statement,
    StatementMode,
)

__all__ = [
    "Change",
    "ChangeAction",
    "CitableModel",
    "Citation",
    "Country",
    "DecisionStage",
    "DecisionStatus",
    "DecisionType",
    "Designation",
    "DesignationKind",
    "DesignationStatus",
    "Official",
    "Organization",
    "OrganizationKind",
    "PolicyDecision",
    "Position",
    "Source",
    "SourceKind",
    "Statement",
    "StatementMode",
    "Tenure",
]
