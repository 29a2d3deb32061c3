"""FilterSets generated from field types, with NetBox's lookup suffixes.

A resource's FilterSet lists its model fields in ``Meta.fields``; ``PublicFilterSet``
generates, for each, the filters that suit its type:

====================  ==================================================================
field type            generated parameters (``x`` is the field name)
====================  ==================================================================
free text             ``x``, ``x__n`` (not), ``x__ic`` (contains), ``x__nic``, ``x__ie``
                      (equals, any case), ``x__isw`` (starts with), ``x__iew`` (ends with);
                      only the fields named in ``Meta.text_fields``
code (other text)     ``x``, ``x__n``
choices               ``x``, ``x__n``
number, date, time    ``x``, ``x__n``, ``x__gt``, ``x__gte``, ``x__lt``, ``x__lte``
boolean               ``x``
relation              ``x`` and ``x__n``, by the related record's public id
====================  ==================================================================

Repeating a parameter means OR (``?commodity=wheat&commodity=flour``). Unknown parameters
are refused by the view, not ignored (see ``config.api.views``).

Relation filters look records up among those the requesting user may see
(``visible_to(user)`` of the related model's manager), so a record the user may not see and
a record that does not exist get the same 400.
"""

import datetime
import hashlib

from django import forms
from django.core.cache import cache
from django.db import models
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField, ModelMultipleChoiceField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from config.api.cache import dataset_version
from config.api.options import parse_boolean

TEXT_LOOKUPS = {
    "": ("exact", False, "equals"),
    "n": ("exact", True, "does not equal"),
    "ic": ("icontains", False, "contains, ignoring case"),
    "nic": ("icontains", True, "does not contain, ignoring case"),
    "ie": ("iexact", False, "equals, ignoring case"),
    "isw": ("istartswith", False, "starts with, ignoring case"),
    "iew": ("iendswith", False, "ends with, ignoring case"),
}
CHOICE_LOOKUPS = {"": ("exact", False, "is"), "n": ("exact", True, "is not")}
RANGE_LOOKUPS = {
    "": ("exact", False, "equals"),
    "n": ("exact", True, "does not equal"),
    "gt": ("gt", False, "greater than"),
    "gte": ("gte", False, "greater than or equal to"),
    "lt": ("lt", False, "less than"),
    "lte": ("lte", False, "less than or equal to"),
}


NEVER = object()  # a value no query parameter equals
LOOKUP_TTL = 300  # seconds a public id's key is remembered (within one dataset version)


class MultiValueField(forms.Field):
    """All values of a repeated query parameter, each cleaned by an inner form field."""

    widget = forms.SelectMultiple  # reads QueryDict.getlist()

    def __init__(self, *, inner: forms.Field, **kwargs):
        self.inner = inner
        super().__init__(**kwargs)

    def clean(self, value):
        values = [v for v in (value or []) if v not in ("", None)]
        return [self.inner.clean(v) for v in values]


class MultiValueFilter(filters.MultipleChoiceFilter):
    """A filter on a plain field: the repeated values are ORed, ``exclude`` negates."""

    field_class = MultiValueField

    def __init__(self, *args, inner: forms.Field, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, inner=inner, **kwargs)
        # django-filter reads the value "null" as None; here it is the text it looks like.
        self.null_value = NEVER


def to_utc(value):
    """An aware datetime in UTC: PostgreSQL refuses offsets beyond ±15:59 in literals."""
    if value is None or value.utcoffset() is None:
        return value
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError:
        raise forms.ValidationError("A date and time within years 1 to 9999.") from None


class UTCDateTimeField(forms.DateTimeField):
    def to_python(self, value):
        return to_utc(super().to_python(value))


class UTCIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        return to_utc(super().to_python(value))


class UTCIsoDateTimeFilter(filters.IsoDateTimeFilter):
    """ISO 8601 date and time, compared in UTC (any offset a client sends works)."""

    field_class = UTCIsoDateTimeField


class TrueFalseField(forms.Field):
    """``true`` or ``false`` (also ``1``/``0``); anything else is a 400, not "no filter"."""

    def to_python(self, value):
        try:
            return parse_boolean(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class BooleanFilter(filters.BooleanFilter):
    field_class = TrueFalseField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)  # BooleanWidget reads "null" as None
        super().__init__(*args, **kwargs)


class IntegerFilter(filters.NumberFilter):
    """A whole number (``NumberFilter`` would take 0.5 where the schema says integer)."""

    field_class = forms.IntegerField


class PublicIdField(ModelMultipleChoiceField):
    """The keys of the records that the public ids name, among those the reader may see.

    Found keys are remembered per dataset version, related model and the condition of the
    records the reader may see (``self.queryset``'s): a write moves the version on, so a
    record published, retracted or renamed is looked up afresh. An unknown id is looked up
    each time, and refused as Django refuses it.
    """

    def _check_values(self, value):
        values = sorted({str(v) for v in value})
        keys = {value: self._cache_key(value) for value in values}
        found = cache.get_many(list(keys.values()))
        unknown = [value for value in values if keys[value] not in found]
        if unknown:
            field = self.to_field_name or "pk"
            looked_up = {str(getattr(r, field)): r.pk for r in super()._check_values(unknown)}
            cache.set_many({keys[v]: pk for v, pk in looked_up.items()}, LOOKUP_TTL)
            found.update({keys[v]: pk for v, pk in looked_up.items()})
        return [found[keys[value]] for value in values]

    def _cache_key(self, value: str) -> str:
        query = self.queryset.query
        scope = f"{query.model._meta.label}:{query.where!r}:{value}"
        return f"publicid:{dataset_version()}:{hashlib.sha256(scope.encode()).hexdigest()[:40]}"


class PublicIdFilter(filters.ModelMultipleChoiceFilter):
    """Relation by public id. Validation finds the records' keys (an unknown id is a 400),
    remembered per dataset version (see ``PublicIdField``); the filter then compares the
    foreign key column with them, so the (fk, id) indexes serve it with no join."""

    field_class = PublicIdField

    def get_filter_predicate(self, v):
        return {self.field_name: v}


def public_id_field(model) -> str:
    """The field that holds a model's public id (ISO code, slug or UUID).

    Models name it in ``public_id_field``; the default is the primary key.
    """
    return getattr(model, "public_id_field", "pk")


#: Django's ``validate_slug``: the public id of a named record.
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"


def public_id_schema(model) -> dict:
    """What a public id of ``model`` looks like, for the schema: what its model declares
    (``public_id_schema``, as Country does for ISO alpha-2 codes), else what its field
    holds: a UUID, a slug or a number. An id of that shape may still name no record."""
    declared = getattr(model, "public_id_schema", None)
    if declared:
        return {"type": "string", **declared}
    name = public_id_field(model)
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    if isinstance(field, models.UUIDField):
        return {"type": "string", "format": "uuid"}
    if isinstance(field, models.SlugField):
        return {"type": "string", "pattern": SLUG_PATTERN, "maxLength": field.max_length}
    if isinstance(field, models.AutoField | models.BigAutoField | models.IntegerField):
        return {"type": "integer"}
    return {"type": "string"}


def visible_related(related):
    """The related records a request may refer to: those its user may see."""

    def queryset(request):
        manager = related._default_manager
        user = getattr(request, "user", None)
        return manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()

    return queryset


def _inner_form_field(model_field: models.Field) -> forms.Field:
    if isinstance(model_field, models.DecimalField):
        return forms.DecimalField()
    if isinstance(model_field, models.IntegerField):
        return forms.IntegerField()
    if isinstance(model_field, models.DateTimeField):
        return UTCDateTimeField()
    if isinstance(model_field, models.DateField):
        return forms.DateField(input_formats=["%Y-%m-%d"])
    if isinstance(model_field, models.UUIDField):
        return forms.UUIDField()
    if isinstance(model_field, models.SlugField):
        # The schema gives a slug's pattern: a value outside it is a 400, not an empty list.
        return forms.SlugField(max_length=model_field.max_length)
    return forms.CharField()


def filters_for_field(name: str, model_field, text: bool = False) -> dict[str, filters.Filter]:
    label = str(getattr(model_field, "verbose_name", name)).capitalize()
    if model_field.is_relation:
        related = model_field.related_model
        to_field = public_id_field(related)
        result = {}
        for suffix, exclude, verb in (("", False, "is"), ("n", True, "is not")):
            # With a schema given, spectacular takes the description from it alone.
            help_text = f"{label} {verb} ({related._meta.verbose_name} public id; 400 if unknown)."
            result[_name(name, suffix)] = extend_schema_field(
                {**public_id_schema(related), "description": help_text}
            )(
                PublicIdFilter(
                    field_name=name,
                    to_field_name=to_field,
                    queryset=visible_related(related),
                    exclude=exclude,
                    distinct=model_field.many_to_many,
                    help_text=help_text,
                )
            )
        return result
    if isinstance(model_field, models.BooleanField):
        return {name: BooleanFilter(field_name=name, help_text=f"{label}: true or false.")}
    if model_field.choices:
        lookups = CHOICE_LOOKUPS
    elif isinstance(model_field, models.CharField | models.TextField):
        # Codes, slugs and hashes are matched whole; only free text has the text lookups.
        lookups = TEXT_LOOKUPS if text else CHOICE_LOOKUPS
    else:
        lookups = RANGE_LOOKUPS
    result = {}
    for suffix, (lookup, exclude, verb) in lookups.items():
        # "A repeated parameter means OR" is said once, in the API's description.
        help_text = f"{label} {verb}."
        if model_field.choices:
            result[_name(name, suffix)] = filters.MultipleChoiceFilter(
                field_name=name,
                choices=model_field.choices,
                exclude=exclude,
                distinct=False,
                help_text=help_text,
            )
        else:
            value_filter = MultiValueFilter(
                field_name=name,
                lookup_expr=lookup,
                exclude=exclude,
                inner=_inner_form_field(model_field),
                help_text=help_text,
            )
            if isinstance(model_field, models.IntegerField):
                # The model field's range depends on the database; the schema may not.
                value_filter = extend_schema_field(OpenApiTypes.INT)(value_filter)
            result[_name(name, suffix)] = value_filter
    return result


def _name(field: str, suffix: str) -> str:
    return f"{field}__{suffix}" if suffix else field


class PublicFilterSet(filters.FilterSet):
    """Base of every resource's FilterSet: ``id`` and the lookups generated from ``Meta.fields``.

    ``Meta.text_fields`` names the free-text fields among them (names, titles), which get
    the text lookups (``__ic``, ``__isw``…); other text fields are codes, matched whole.
    """

    @classmethod
    def get_filters(cls):
        declared = dict(cls.declared_filters)
        model = cls._meta.model
        if model is None:
            return declared
        id_field = public_id_field(model)
        id_model_field = model._meta.pk if id_field == "pk" else model._meta.get_field(id_field)
        declared_pattern = (getattr(model, "public_id_schema", None) or {}).get("pattern")
        id_form_field = (
            forms.RegexField(declared_pattern)
            if declared_pattern
            else _inner_form_field(id_model_field)
        )
        generated = {
            _name("id", suffix): extend_schema_field(public_id_schema(model))(
                MultiValueFilter(
                    field_name=id_field,
                    exclude=exclude,
                    inner=id_form_field,
                    help_text=f"Public id {verb}. Repeat for OR (fetch several records at once).",
                )
            )
            for suffix, exclude, verb in (("", False, "is"), ("n", True, "is not"))
        }
        text_fields = set(getattr(getattr(cls, "Meta", None), "text_fields", ()))
        for name in cls._meta.fields or ():
            field = model._meta.get_field(name)
            generated.update(filters_for_field(name, field, text=name in text_fields))
        generated.update(declared)
        return generated
