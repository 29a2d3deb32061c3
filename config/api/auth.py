"""Authentication of API requests: knox tokens for everything, and the admin's session for
reading only.

A curator logged in to the admin who follows "View in API" reads as a curator (drafts
included), as on the evidence pages. Writes still need a token: a session never
authenticates a write, so no write depends on CSRF protection.
"""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissionsOrAnonReadOnly


class SessionReadAuthentication(SessionAuthentication):
    def authenticate(self, request):
        if request.method not in SAFE_METHODS:
            return None
        return super().authenticate(request)


class SessionReadScheme(OpenApiAuthenticationExtension):
    """In the schema: the admin's session cookie, on reads only."""

    target_class = SessionReadAuthentication
    name = "adminSession"

    def get_security_requirement(self, auto_schema):
        return {self.name: []} if auto_schema.method in SAFE_METHODS else None

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "A curator's admin session, for reading only (drafts included).",
        }


class ReadOpenWriteByModelPermissions(DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads (visibility decides what they see); a write needs the model permission.

    DRF's class asks the view for its queryset on every request just to learn the model,
    though a read needs no permission: that built a queryset, prefetches and all, per read.
    """

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().has_permission(request, view)
