"""The JSON request parser: bounded, and strict about what a database can store.

A body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB) is a 413 before it is read
whole. A document nested deeper than ``MAX_DEPTH``, or holding a NUL character or a lone
surrogate (which neither PostgreSQL nor UTF-8 can store), or an object with a key given
twice, is a 400, never a 500 (or a silently dropped value) further down.
"""

import json

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser as DRFJSONParser

MAX_DEPTH = 32
DEFAULT_MAX_BODY_BYTES = 2_621_440  # 2.5 MB, Django's DATA_UPLOAD_MAX_MEMORY_SIZE


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large (at most 2.5 MB)."
    default_code = "payload_too_large"


def max_body_bytes() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE or DEFAULT_MAX_BODY_BYTES


def check_storable(document) -> None:
    """Raise ParseError if ``document`` nests too deep or holds a string no database stores."""
    stack = [(document, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise exceptions.ParseError(f"JSON nested deeper than {MAX_DEPTH} levels.")
        if isinstance(value, dict):
            stack.extend((key, depth + 1) for key in value)
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            if "\x00" in value:
                raise exceptions.ParseError("JSON strings may not contain NUL (\\u0000).")
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise exceptions.ParseError(
                    "JSON strings may not contain lone surrogates (\\ud800-\\udfff)."
                ) from None


class JSONParser(DRFJSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = max_body_bytes()
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            document = json.loads(
                raw.decode(encoding), parse_constant=_no_constant, object_pairs_hook=_unique_keys
            )
        except RecursionError:
            raise exceptions.ParseError(f"JSON nested deeper than {MAX_DEPTH} levels.") from None
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error: {exc}") from None
        check_storable(document)
        return document


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON.")


def _unique_keys(pairs) -> dict:
    # A key given twice would silently keep its last value: refuse it instead.
    document = {}
    for key, value in pairs:
        if key in document:
            raise ValueError(f"the key {key!r} is given twice")
        document[key] = value
    return document
