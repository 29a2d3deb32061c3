"""The base viewset's public import path: it lives in ``config.api.viewsets``."""

from config.api.request_options import parse_ordering
from config.api.viewsets.base import PublicReadOnlyViewSet
from config.api.viewsets.compiling import COMPILED
from config.api.viewsets.filtering import filter_errors, filterset_for
from config.api.viewsets.listing import MAX_FACET_BUCKETS
from config.api.viewsets.parameters import (
    EXPORT_FORMATS,
    FORMATS,
    MAX_Q_CHARS,
    MAX_Q_WORDS,
    is_canonical_id,
)

__all__ = [
    "COMPILED",
    "EXPORT_FORMATS",
    "FORMATS",
    "MAX_FACET_BUCKETS",
    "MAX_Q_CHARS",
    "MAX_Q_WORDS",
    "PublicReadOnlyViewSet",
    "filter_errors",
    "filterset_for",
    "is_canonical_id",
    "parse_ordering",
]
