"""The base viewset of every resource, one concern per module (see ``base``)."""

from config.api.viewsets.base import PublicReadOnlyViewSet

__all__ = ["PublicReadOnlyViewSet"]
