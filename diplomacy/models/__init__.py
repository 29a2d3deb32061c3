"""The diplomacy app's models: actors and facts. ``trade`` builds on these; both on ``core``."""

from .actors import Country, Official, Organization, OrganizationKind, Position, Tenure
from .facts import (
    DecisionStage,
    DecisionStatus,
    DecisionType,
    Designation,
    DesignationChange,
    DesignationKind,
    DesignationStatus,
    PolicyDecision,
    Statement,
    StatementMode,
)

__all__ = [
    "Country",
    "DecisionStage",
    "DecisionStatus",
    "DecisionType",
    "Designation",
    "DesignationChange",
    "DesignationKind",
    "DesignationStatus",
    "Official",
    "Organization",
    "OrganizationKind",
    "PolicyDecision",
    "Position",
    "Statement",
    "StatementMode",
    "Tenure",
]
