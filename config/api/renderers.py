"""Renderers: fast JSON, and the CSV/NDJSON formats that list views stream themselves."""

import decimal
import uuid

import orjson
from django.utils.functional import Promise
from rest_framework.renderers import BaseRenderer


def _default(value):
    if isinstance(value, decimal.Decimal | uuid.UUID | Promise):
        return str(value)
    raise TypeError(f"Cannot serialize {type(value).__name__}")


def dumps(data) -> bytes:
    # A UTC datetime as "…Z", as DRF writes it in JSON (NDJSON and CSV write it the same).
    return orjson.dumps(data, default=_default, option=orjson.OPT_UTC_Z)


class JSONRenderer(BaseRenderer):
    """JSON through orjson: the default, and the format of every error."""

    media_type = "application/json"
    format = "json"
    charset = None
    streamed = False

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return b"" if data is None else dumps(data)


class ProblemJSONRenderer(JSONRenderer):
    """Lets clients ask for errors' own media type."""

    media_type = "application/problem+json"
    format = "problem+json"


class CSVRenderer(BaseRenderer):
    """``?format=csv``: list views stream every matching row as CSV (see ``PublicViewSet``)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"
    #: Streamed by list views, never rendered (see ``config.api.negotiation``).
    streamed = True

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raise NotImplementedError("CSV is streamed by the list view, never rendered here.")


class NDJSONRenderer(CSVRenderer):
    """``?format=ndjson``: one JSON object per line, streamed by list views."""

    media_type = "application/x-ndjson"
    format = "ndjson"
    charset = None


class AtomRenderer(CSVRenderer):
    """atom: a page as an Atom feed (RFC 4287), newest first, with a rel="next" link; each
    entry links the record (rel="alternate") and its evidence page (rel="related")."""

    media_type = "application/atom+xml"
    format = "atom"
    charset = "utf-8"
