"""Strict query parameters: an unknown or bad one is a 400 that lists the allowed ones.

The request's options are parsed once (``config.api.request_options``) when it begins;
this checks them against what the resource allows, before content negotiation, so that a
bad ``?format=`` is a 400 and not DRF's 404.
"""

import re
import uuid

from django.db import models
from django.http import Http404

from config.api.errors import InvalidParameters
from config.api.filters import public_id_field
from config.api.options import MESSAGE
from config.api.request_options import (
    DETAIL_PARAMS,
    LIST_PARAMS,
    VALID_TIME_PARAMS,
    VISIBILITY_PARAMS,
    RequestOptions,
)

FORMATS = ("json", "csv", "ndjson")
EXPORT_FORMATS = ("csv", "ndjson")
# q: more words cost more than they find (SQLite builds one condition per word).
MAX_Q_WORDS = 20
MAX_Q_CHARS = 500
#: How an integer id is written: ASCII digits, no leading zero.
CANONICAL_INTEGER = re.compile(r"0|[1-9][0-9]*", re.ASCII)
# Parameters whose empty value means "none": every other one must have a value.
MAY_BE_EMPTY = {"q", "cursor"}
# Options that take one value: repeated, the last would silently win (filters mean OR).
SINGLE_VALUED = (LIST_PARAMS | DETAIL_PARAMS | VISIBILITY_PARAMS | VALID_TIME_PARAMS | {"q"}) - {
    "facet"
}


def is_canonical_id(model, value: str) -> bool:
    """Is ``value`` the id as the API writes it? One record has one URL: an upper-case or
    dash-less UUID, ``004`` for 4 or fullwidth digits name no record (404), though the
    database would parse them into one."""
    if "\x00" in value:
        return False
    name = public_id_field(model)
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    if isinstance(field, models.UUIDField):
        try:
            return str(uuid.UUID(value)) == value
        except ValueError:
            return False
    if isinstance(field, models.IntegerField):  # AutoField and BigAutoField too
        return CANONICAL_INTEGER.fullmatch(value) is not None
    return True


class ParametersMixin:
    @property
    def request_options(self) -> RequestOptions:
        """The request's options, parsed once (at the check, or at the first use)."""
        return RequestOptions.of(self.request)

    def allowed_parameters(self) -> set[str]:
        if self.request.method not in ("GET", "HEAD"):
            return {"format"}
        allowed = DETAIL_PARAMS | VISIBILITY_PARAMS
        if self.knows_valid_time:
            allowed = allowed | VALID_TIME_PARAMS
        if self.action == "list":
            allowed = allowed | LIST_PARAMS | set(self.get_filterset_class_filters())
            if self.searchable:
                allowed = allowed | {"q"}
        return allowed

    def get_filterset_class_filters(self):
        filterset_class = getattr(self, "filterset_class", None)
        return filterset_class.base_filters if filterset_class else {}

    def check_parameters(self, request):
        options = RequestOptions.of(request)
        allowed = self.allowed_parameters()
        errors = {name: ["Unknown parameter."] for name, _ in options.params if name not in allowed}
        for name, values in options.params:
            if name in allowed and name not in MAY_BE_EMPTY and "" in values:
                errors[name] = ["Give a value, or leave the parameter out."]
            if name in allowed and name in SINGLE_VALUED and len(values) > 1:
                errors[name] = ["Give it once."]
            if "\x00" in name or any("\x00" in value for value in values):
                # No database stores NUL in text; PostgreSQL refuses it in any query.
                errors[name] = ["NUL characters (%00) are not allowed."]
        if errors:
            raise InvalidParameters(errors, sorted(allowed))
        self.check_values(options, errors)
        if errors:
            raise InvalidParameters(errors, sorted(allowed))

    def check_values(self, options: RequestOptions, errors: dict) -> None:
        """The options' values: each bad one adds its message to ``errors``."""
        fmt, is_list = options.format, self.action == "list"
        formats = FORMATS + (self.extra_formats if is_list else ())
        if fmt is not None and fmt not in formats:
            errors["format"] = [f"One of {', '.join(formats)}."]
        elif fmt in EXPORT_FORMATS + self.extra_formats and not is_list:
            errors["format"] = [f"{fmt} is for lists; a record is served as json."]
        if "as_of" in options.invalid and self.knows_valid_time:
            errors["as_of"] = [options.invalid["as_of"]]
        for name in ("brief", "include_retracted"):
            if name in options.invalid:
                errors[name] = [MESSAGE]
        fields = options.requested_fields(self.get_serializer_class())
        if fields is not None:
            known = set(self.get_serializer_class()().fields)
            unknown = sorted(fields - known)
            if unknown:
                errors["fields"] = [f"Unknown fields {unknown}. Known: {sorted(known)}."]
        if options.ordering is not None and is_list:
            bad = [name for name, _ in options.ordering if name not in self.ordering_fields]
            if bad:
                errors["ordering"] = [
                    f"Cannot order by {bad}. Allowed: {list(self.ordering_fields)}, "
                    "each optionally prefixed with - for descending."
                ]
        unknown_facets = sorted(set(options.facets) - set(self.facet_fields))
        if unknown_facets and is_list:
            errors["facet"] = [f"No facet {unknown_facets}. Allowed: {list(self.facet_fields)}."]
        q = options.q
        if q and self.searchable and (len(q) > MAX_Q_CHARS or len(q.split()) > MAX_Q_WORDS):
            errors["q"] = [f"At most {MAX_Q_WORDS} words and {MAX_Q_CHARS} characters."]

    def initial(self, request, *args, **kwargs):
        # A method the endpoint does not have is a 405, before parameters or authentication.
        self.check_method(request, *args, **kwargs)
        if self.lookup_field in kwargs and not is_canonical_id(
            self.queryset.model, kwargs[self.lookup_field]
        ):
            raise Http404
        self.check_parameters(request)
        super().initial(request, *args, **kwargs)
