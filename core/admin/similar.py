"""Near-duplicates: existing records whose name or alias is close to a record's names.

The rule is ``core.names`` (titles, honorifics and transliteration aside). Curators meet it
twice: before saving, on the form (``core/static/core/similar.js`` asks ``similar_view`` as
they type the name or aliases, or when they press "Check for duplicates"), and after adding
a record, as a warning (``core.admin.review.warn_similar``).
"""

import uuid

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import JsonResponse
from django.urls import path, reverse

from core.names import THRESHOLD, name_similarity

MAX = 5


def has_similar_check(model) -> bool:
    """Named records are checked: those with a ``name`` (and maybe ``aliases``)."""
    try:
        model._meta.get_field("name")
    except FieldDoesNotExist:
        return False
    return True


def _has_aliases(model) -> bool:
    return any(field.name == "aliases" for field in model._meta.concrete_fields)


def similar_to(queryset, names: list[str], exclude_pk=None) -> list[tuple[object, str, float]]:
    """(record, why, score) for the records of ``queryset`` with a name or alias close to one
    of ``names``, best first."""
    names = [n.strip() for n in names if n and n.strip()]
    if not names:
        return []
    fields = ["pk", "name"] + (["aliases"] if _has_aliases(queryset.model) else [])
    rows = queryset.exclude(pk=exclude_pk) if exclude_pk else queryset
    rows = rows.values_list(*fields)
    scored = {}
    for row in rows:
        theirs = [row[1], *(row[2] if len(row) > 2 and isinstance(row[2], list) else [])]
        for their in theirs:
            if not isinstance(their, str):
                continue
            for own in names:
                score = name_similarity(own, their)
                if score >= THRESHOLD and score > scored.get(row[0], (0, ""))[0]:
                    same = their.casefold() == own.casefold()
                    scored[row[0]] = (score, "same name" if same else f"“{their}” ~ “{own}”")
    best = sorted(scored.items(), key=lambda item: -item[1][0])[:MAX]
    records = queryset.model._default_manager.in_bulk([pk for pk, _ in best])
    return [(records[pk], why, score) for pk, (score, why) in best if pk in records]


def similar_records(record) -> list[tuple[object, str]]:
    """(record, why) for each other record of the model with a close name or alias."""
    names = [record.name, *(getattr(record, "aliases", None) or [])]
    found = similar_to(type(record)._default_manager.all(), names, exclude_pk=record.pk)
    return [(other, why) for other, why, _score in found]


class SimilarCheckAdmin:
    """Admin mixin: the "similar" JSON endpoint, and the name field that calls it."""

    def get_urls(self):
        if not has_similar_check(self.model):
            return super().get_urls()
        opts = self.model._meta
        view = self.admin_site.admin_view(self.similar_view)
        name = f"{opts.app_label}_{opts.model_name}_similar"
        return [path("similar/", view, name=name), *super().get_urls()]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        name_field = form.base_fields.get("name")
        if name_field is not None and has_similar_check(self.model):
            opts = self.model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_similar")
            name_field.widget.attrs["data-similar-url"] = url
            name_field.widget.attrs["data-similar-id"] = str(obj.pk) if obj is not None else ""
        return form

    @property
    def media(self):
        media = super().media
        if has_similar_check(self.model):
            media += type(media)(js=["core/similar.js"])
        return media

    def similar_view(self, request):
        """``?name=…&alias=…&exclude=<id>``: the close records, for curators of the model."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        names = [request.GET.get("name", ""), *request.GET.getlist("alias")]
        queryset = self.model._default_manager.visible_to(request.user, include_retracted=True)
        try:
            exclude = uuid.UUID(request.GET.get("exclude", ""))
        except ValueError:  # a new record (or a malformed id): nothing to leave out
            exclude = None
        found = similar_to(queryset, names, exclude_pk=exclude)
        opts = self.model._meta
        return JsonResponse(
            {
                "similar": [
                    {
                        "name": str(record),
                        "why": why,
                        "score": round(score, 1),
                        "review_state": record.review_state,
                        "url": reverse(
                            f"admin:{opts.app_label}_{opts.model_name}_change",
                            args=[record.pk],
                            current_app=self.admin_site.name,
                        ),
                    }
                    for record, why, score in found
                ]
            }
        )
