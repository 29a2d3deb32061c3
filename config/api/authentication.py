"""Curators' tokens: knox's ``Authorization: Token <token>``, refusing malformed tokens early.

A knox token is hexadecimal. Anything else (NUL, which PostgreSQL cannot compare, or any
other byte) is an invalid token, a 401, without a query.
"""

import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions

TOKEN = re.compile(rb"[0-9a-fA-F]{1,128}")


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate_credentials(self, token):
        if not TOKEN.fullmatch(token):
            raise exceptions.AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(token)


class TokenScheme(OpenApiAuthenticationExtension):
    """Documents the scheme as it is: ``Authorization: Token <token>``, not ``Bearer``."""

    target_class = "config.api.authentication.TokenAuthentication"
    name = "Token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A curator's token, sent as `Authorization: Token <token>` "
            "(get one with `manage.py curator_token`). Reads need no token.",
        }
