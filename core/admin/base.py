"""Shared admin building blocks for the curators: every model admin of both apps derives here.

``PublicModelAdmin`` gives each record
* its history, with who, when, channel and what changed, and a revert to any earlier version
  (django-simple-history), guarded like any edit;
* edit-conflict protection (``VersionedModelForm``);
* a review state that changes only through the workflow actions (``core.services``): the
  state and the retraction reason are read-only in the form, and only drafts can be deleted;
* a "View in API" link in the list and on the change form.

``CitationInline`` lets a curator cite a source on any citable record by pasting a quote.
"""

import contextlib
import copy

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.admin import BaseGenericInlineFormSet, GenericStackedInline
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.forms import BaseInlineFormSet, Textarea
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from core import services
from core.admin import review
from core.admin.actions import publish_selected, reopen_selected, retract_selected
from core.admin.autotick import autotick_response
from core.admin.forms import VERSION_FIELD, VersionedInlineForm, VersionedModelForm
from core.admin.ordering import NameOrderMixin
from core.admin.publishing import PublishOnSaveMixin
from core.admin.similar import SimilarCheckAdmin, has_similar_check, similar_records
from core.admin.withdrawals import (
    WithdrawFormMixin,
    as_withdrawn,
    only_withdraws,
    withdraw_form_fields,
    withdrawals,
)
from core.evidence import evidence_path
from core.models import CitableModel, Citation, ReviewState

REVIEW_FIELDS = ("review_state", "retraction_reason", "version", "created", "updated")


def api_url(record) -> str | None:
    """The record's detail URL in the public API, or None while that endpoint does not exist."""
    if record is None:
        return None
    opts = record._meta
    try:
        return reverse(
            f"api-v1:{opts.app_label}-{opts.model_name}-detail",
            kwargs={"public_id": record.public_id},
        )
    except NoReverseMatch:
        return None


class VersionedFieldsMixin:
    """Keeps the hidden version field in the form whatever ``fields`` a subclass lists."""

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if VERSION_FIELD in fields else [*fields, VERSION_FIELD]


class PublicModelAdmin(
    NameOrderMixin, PublishOnSaveMixin, SimilarCheckAdmin, VersionedFieldsMixin, SimpleHistoryAdmin
):
    """Base admin of every record (see the module docstring)."""

    form = VersionedModelForm
    actions = [publish_selected, retract_selected, reopen_selected]
    change_form_template = "admin/public_change_form.html"
    object_history_form_template = "admin/public_history_form.html"
    object_history_list_template = "admin/public_history_list.html"
    history_list_display = ["history_channel", "version"]
    date_hierarchy = "updated"
    list_per_page = 50
    formfield_overrides = {
        models.TextField: {"widget": Textarea(attrs={"rows": 3, "cols": 80})},
        # Django 6 makes https the default scheme; say so now (and silence the deprecation).
        models.URLField: {"assume_scheme": "https"},
    }

    def api_record(self, obj):
        """The record whose API endpoint stands for ``obj`` (a parent for nested records)."""
        return obj

    def view_on_site(self, obj):
        """ "View on site": the record's evidence page (drafts too, for a curator's session)."""
        record = self.api_record(obj)
        return evidence_path(type(record), record.public_id) if record is not None else None

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_review"
        view = self.admin_site.admin_view(self.review_view)
        tick = self.admin_site.admin_view(self.autotick_view)
        return [
            path("autotick/", tick, name=f"{opts.app_label}_{opts.model_name}_autotick"),
            path("<path:object_id>/review/<str:action>/", view, name=name),
            *super().get_urls(),
        ]

    def autotick_view(self, request):
        """The fields a quote states, for ``cite.js``'s ticks (``core.autotick``).

        POST JSON ``{"values": {field: form value}, "quote": "..."}`` → ``{"fields": [...]}``.
        Curators only (the model's change permission): the values name drafts.
        """
        return autotick_response(self, request)

    def review_view(self, request, object_id, action):
        """The change form's review buttons: publish, retract (asking the reason), reopen."""
        return review.review_view(self, request, object_id, action)

    def response_add(self, request, obj, post_url_continue=None):
        if has_similar_check(type(obj)):
            review.warn_similar(self, request, obj, similar_records(obj))
        if self.publishing(request):
            return self.response_published(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if self.publishing(request):
            return self.response_published(request, obj)
        return super().response_change(request, obj)

    @admin.display(description="API")
    def api_link(self, obj):
        url = api_url(self.api_record(obj))
        return format_html('<a href="{}">View in API</a>', url) if url else ""

    def has_delete_permission(self, request, obj=None):
        # Only drafts can be deleted: a record that is public, or was withdrawn with a reason,
        # stays, and leaves public view only by retraction (this also guards bulk deletes,
        # which ask this for every record they would remove).
        if obj is not None and obj.review_state != ReviewState.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        # Through the one write path, which refuses what must stay (and says why).
        try:
            services.record_delete(obj, user=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if "name" in fields and "slug" in fields:
            # Curators type the name; the slug is filled in from it.
            fields.remove("slug")
            fields.insert(fields.index("name") + 1, "slug")
        return fields

    def get_readonly_fields(self, request, obj=None):
        # The review fields are always read-only: a subclass's list adds to them, never drops them.
        own = [
            name for name in super().get_readonly_fields(request, obj) if name not in REVIEW_FIELDS
        ]
        return (*REVIEW_FIELDS, *own)

    def get_fieldsets(self, request, obj=None):
        if self.fieldsets:
            return self.fieldsets
        fields = [name for name in self.get_fields(request, obj) if name not in REVIEW_FIELDS]
        if getattr(request, "_reverting", False):
            # A revert keeps the current review fields: the old ones would only mislead.
            return [(None, {"fields": fields})]
        return [
            (None, {"fields": fields}),
            (
                "Review",
                {
                    "fields": REVIEW_FIELDS,
                    "description": (
                        "The review state changes only through the review buttons above "
                        "the form, or the list's actions (publish, retract, reopen), which "
                        "check the evidence."
                    ),
                },
            ),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["api_url"] = api_url(self.api_record(obj)) if obj is not None else None
        if obj is not None and obj.pk and self.has_change_permission(request, obj):
            context["review_actions"] = review.available_actions(self, obj)
        self.publish_context(request, context, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- saving: through core.services, the record with its citations in one call -------

    def save_form(self, request, form, change):
        record = super().save_form(request, form, change)
        # The citation formset checks the record as it will be, many-to-many values included.
        record._pending_m2m = many_to_many_values(form)
        return record

    def save_model(self, request, obj, form, change):
        origin = getattr(obj, "_history", None)
        if origin is not None:
            # A revert (django-simple-history) saves the record alone: no inline follows.
            reason = (
                f"Reverted to version {origin.version} of "
                f"{origin.history_date:%Y-%m-%d %H:%M:%S %Z}"
            )
            services.record_save(
                obj, user=request.user, m2m=many_to_many_values(form), reason=reason
            )
            # The many-to-many values were set by the service, with its checks.
            form.save_m2m = lambda: None
        # Otherwise the record is saved with its citations in save_related.

    def save_related(self, request, form, formsets, change):
        record = form.instance
        citation_sets = [fs for fs in formsets if isinstance(fs, CitationFormSet)]
        if not isinstance(record, CitableModel):
            services.record_save(
                record,
                user=request.user,
                m2m=many_to_many_values(form),
                reason="Changed in the admin" if change else "Created in the admin",
            )
            self.save_inlines(request, formsets)
            self.publish_saved(request, record)
            return
        cite, remove, drafts = [], [], []
        for formset in citation_sets:
            cite += formset.citations_to_add()
            remove += formset.citations_to_remove()
            drafts += formset.draft_sources()
        before = (
            set() if record._state.adding else set(record.citations.values_list("pk", flat=True))
        )
        services.record_save(
            record,
            user=request.user,
            m2m=many_to_many_values(form),
            cite=cite,
            remove=remove,
            withdraw=withdrawals(citation_sets),
            reason="Changed in the admin" if change else "Created in the admin",
            publish_sources=True,
        )
        for source in drafts:
            messages.info(
                request,
                f"The source “{source}” was a draft: it is now published with this change "
                "(after its checks), as the published record cites it.",
            )
        added = list(record.citations.exclude(pk__in=before))
        for formset in citation_sets:
            formset.save_edited(added=added, removed=remove)
        self.save_inlines(request, formsets)
        request._cited_sources = [item.source for item in cite]
        self.publish_saved(request, record)

    def save_inlines(self, request, formsets):
        """Inline records (tenures, stages) through the same services, row by row."""
        for formset in formsets:
            if isinstance(formset, PublicInlineFormSet):
                formset.save_through_services(request.user)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history saves a revert for anyone who may view the history; a revert
        # is a change, so it needs the change permission, and runs in one transaction so the
        # version check holds its lock until the save.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        request._reverting = True
        extra_context = {
            **(extra_context or {}),
            **revert_summary(self.model, object_id, version_id),
        }
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)


def _shown(record, f) -> str:
    if f.is_relation:
        value = getattr(record, f.attname)
        if value is None:
            return "—"
        target = f.related_model._default_manager.filter(pk=value).first()
        return str(target) if target is not None else str(value)
    if f.choices:
        return getattr(record, f"get_{f.name}_display")() or "—"
    value = getattr(record, f.attname)
    return "—" if value in (None, "") else str(value)


def revert_summary(model, object_id, version_id) -> dict:
    """What a revert to ``version_id`` changes: each editable field, now → then."""
    current = model._default_manager.filter(pk=object_id).first()
    try:
        old = current.history.get(pk=version_id).instance if current is not None else None
    except (ValueError, ValidationError, current.history.model.DoesNotExist):
        old = None
    if current is None or old is None:
        return {}
    changes = []
    for f in model._meta.concrete_fields:
        if not f.editable or f.primary_key or f.name in REVIEW_FIELDS:
            continue
        now, then = _shown(current, f), _shown(old, f)
        if now != then:
            changes.append({"label": capfirst(f.verbose_name), "now": now, "then": then})
    return {"revert_changes": changes, "current_record": current}


class DraftOnlyDeletion:
    """Formset mixin: inline rows can be deleted only while drafts, as in their own admin."""

    def clean(self):
        super().clean()
        for form in self.forms:
            record = form.instance
            if (
                self._should_delete_form(form)
                and not record._state.adding
                and record.review_state != ReviewState.DRAFT
            ):
                raise ValidationError(
                    f"{capfirst(record._meta.verbose_name)} “{record}” is "
                    f"{record.get_review_state_display().lower()}: only drafts can be deleted. "
                    "Retract it instead."
                )


class PublicInlineFormSet(DraftOnlyDeletion, BaseInlineFormSet):
    """Inline rows of records with their own review state, saved through ``core.services``.

    A changed row of a published record is checked as it will be, before anything is saved.
    """

    def _changed_forms(self):
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.errors:
                continue
            if self._should_delete_form(form) or not form.has_changed():
                continue
            yield form

    def clean(self):
        super().clean()
        for form in self._changed_forms():
            row = form.instance
            if row._state.adding or row.review_state != ReviewState.PUBLISHED:
                continue
            problems = services.published_problems(row, m2m=many_to_many_values(form))
            if problems:
                form.add_error(None, problems)

    def save_through_services(self, user) -> None:
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        for form in self.forms:
            if not hasattr(form, "cleaned_data"):
                continue
            row = form.instance
            if self._should_delete_form(form):
                if not row._state.adding:
                    services.record_delete(row, user=user)
                    self.deleted_objects.append(row)
                continue
            if not form.has_changed():
                continue
            adding = row._state.adding
            setattr(row, self.fk.name, self.instance)
            services.record_save(row, user=user, m2m=many_to_many_values(form))
            if adding:
                self.new_objects.append(row)
            else:
                self.changed_objects.append((row, form.changed_data))


def many_to_many_values(form) -> dict:
    model = form._meta.model
    return {
        f.name: list(form.cleaned_data[f.name])
        for f in model._meta.many_to_many
        if f.name in form.cleaned_data
    }


class CitationFormSet(DraftOnlyDeletion, BaseGenericInlineFormSet):
    """The record's citations. The rules are ``core.services``': here they are checked on the
    record as it will be (the main form's values, these rows), before anything is saved."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # The model's own checks of supports and contradicts need the cited model: give it
        # to new rows before they are validated (Django sets it only on saving them).
        if form.instance.content_type_id is None:
            form.instance.content_type = ContentType.objects.get_for_model(self.instance)
        return form

    def _live_forms(self):
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            if form.instance._state.adding and not form.has_changed():
                continue
            yield form

    def citations_to_add(self) -> list:
        # Rows with errors are reported by their forms; only valid ones are described here.
        return [
            services.CitationInput(
                source=form.cleaned_data["source"],
                quote=form.cleaned_data.get("quote", ""),
                start=form.cleaned_data.get("start"),
                locator=form.cleaned_data.get("locator", ""),
                supports=list(form.cleaned_data.get("supports") or []),
                contradicts=list(form.cleaned_data.get("contradicts") or []),
                stated=form.cleaned_data.get("stated") or {},
                inferred=form.cleaned_data.get("inferred", False),
                note=form.cleaned_data.get("note", ""),
            )
            for form in self._live_forms()
            if form.instance._state.adding and not form.errors
        ]

    def citations_to_remove(self) -> list:
        return [
            form.instance
            for form in self.forms
            if hasattr(form, "cleaned_data")
            and self._should_delete_form(form)
            and not form.instance._state.adding
        ]

    def save_edited(self, *, added, removed) -> None:
        """Changes to existing draft citations (published ones are refused in clean); the
        formset's record of what changed, for the admin's change message."""
        self.new_objects, self.deleted_objects, self.changed_objects = added, removed, []
        for form in self._live_forms():
            if only_withdraws(form):  # saved by the service, with the record
                self.changed_objects.append((form.instance, form.changed_data))
            elif not form.instance._state.adding and form.has_changed():
                self.changed_objects.append((form.save(), form.changed_data))

    def clean(self):
        super().clean()
        parent = self.instance
        # A public citation that was edited is refused by its own form (Citation.check_change).
        if parent._state.adding or parent.review_state != ReviewState.PUBLISHED:
            return
        removed = {c.pk for c in self.citations_to_remove()}
        kept = [
            as_withdrawn(form.instance, form.withdrawal())
            for form in self._live_forms()
            if not form.instance._state.adding
        ]
        untouched = parent.citations.exclude(pk__in=removed).exclude(pk__in=[c.pk for c in kept])
        added = []
        for item in self.citations_to_add():
            pending = getattr(parent, "_pending_m2m", None)
            citation = services.new_citation(parent, item, m2m=pending)
            citation.source = self._as_published(item.source)
            added.append(citation)
        citations = [*kept, *untouched.select_related("source"), *added]
        problems = services.published_problems(
            parent, m2m=getattr(parent, "_pending_m2m", None), citations=citations
        )
        if problems:
            raise ValidationError(problems)

    @staticmethod
    def _as_published(source):
        """A draft source cited by a published record is published on save (the service's
        ``publish_sources``): the record is checked as it will then stand, and the source
        by the checks its publication runs."""
        if source.review_state == ReviewState.PUBLISHED:
            return source
        if source.review_state != ReviewState.DRAFT:
            raise ValidationError(
                f"“{source}” is retracted: a published record cites published sources only. "
                "Cite another source, or reopen and publish this one first."
            )
        problems = services.published_problems(source)
        if problems:
            raise ValidationError(
                f"“{source}” is a draft, published with this change only if it may be: "
                + " ".join(problems)
            )
        future = copy.copy(source)
        future.review_state = ReviewState.PUBLISHED
        return future

    def draft_sources(self) -> list:
        """The draft sources these rows cite, which saving a published record publishes."""
        if self.instance.review_state != ReviewState.PUBLISHED:
            return []
        found = {i.source.pk: i.source for i in self.citations_to_add()}
        return [s for s in found.values() if s.review_state == ReviewState.DRAFT]


class CitationInline(VersionedFieldsMixin, GenericStackedInline):
    """Cite a source: pick it, then select the words in its text shown below the picker
    (``core/static/core/cite.js`` fills quote, start and end, and ticks the fields the words
    state); or paste the quote, and the span is found in the source's text.

    Leave start and end empty unless the quote occurs more than once; then give the start
    of the occurrence meant (the error lists them).
    """

    model = Citation
    form = VersionedInlineForm
    formset = CitationFormSet
    fields = (
        "source",
        "quote",
        "start",
        "end",
        "locator",
        "supports",
        "contradicts",
        "stated",
        "inferred",
        "note",
        "withdrawn",
        "withdraw",
        "withdraw_reason",
        "review_state",
    )
    readonly_fields = ("review_state", "withdrawn")
    autocomplete_fields = ("source",)
    extra = 1
    show_change_link = True
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 80})}}
    verbose_name = "citation (evidence)"
    verbose_name_plural = "citations: the evidence, quoted from its source"

    class Media:
        js = ("core/cite.js",)
        css = {"all": ("core/workbench.css",)}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in CITATION_LABELS:
            field.label, field.help_text = CITATION_LABELS[db_field.name]
        if db_field.name == "stated":
            # Its default is a callable ({}), for which Django adds a hidden initial input:
            # an empty row would count as changed wherever that input is not sent back.
            field.show_hidden_initial = False
        return field

    def get_formset(self, request, obj=None, **kwargs):
        # "supports" offers the factual fields of the record being cited, as checkboxes.
        choices = [(name, name.replace("_", " ")) for name in self.parent_model.factual_fields]
        supports = forms.MultipleChoiceField(
            choices=choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text="The facts of this record that the quote states.",
        )
        contradicts = forms.MultipleChoiceField(
            choices=choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text="The facts of this record that the quote states otherwise (the record "
            "keeps its value, shown as contested).",
        )
        form_fields = {
            "supports": supports,
            "contradicts": contradicts,
            **withdraw_form_fields(choices),
        }
        kwargs["form"] = type("CitationForm", (WithdrawFormMixin, self.form), form_fields)
        formset = super().get_formset(request, obj, **kwargs)
        source_field = formset.form.base_fields["source"]
        # Where cite.js reads the chosen source's text.
        source_field.widget.attrs["data-cite-text-url"] = reverse(
            "admin:core_source_text", args=["__pk__"]
        )
        # Where cite.js asks which fields a selected quote states (core.autotick).
        opts = self.parent_model._meta
        with contextlib.suppress(NoReverseMatch):  # not a PublicModelAdmin's: no ticks
            source_field.widget.attrs["data-cite-tick-url"] = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_autotick"
            )
        return formset


CITATION_LABELS = {
    "source": (
        "Source",
        "Type words of its title or of its text. Its text then appears below: select the "
        "words that state the facts.",
    ),
    "quote": (
        "Quoted words (from the source)",
        "Filled in when you select words in the text below; or paste them exactly.",
    ),
    "start": ("Start", "Character offset of the quote in the text (filled in for you)."),
    "end": ("End", "Offset just past the quote (filled in for you)."),
    "locator": ("Locator", "Datasets and standards only: the row key, code or table."),
    "stated": (
        "Value stated instead",
        'Optional, per contradicted field: {"quantity": "500000"}.',
    ),
}


class PublicInline(VersionedFieldsMixin, admin.TabularInline):
    """A tabular inline of records with their own review state, edited with their parent."""

    form = VersionedInlineForm
    formset = PublicInlineFormSet
    extra = 0
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "review_state")


REVIEW_COLUMNS = ("review_state", "updated", "api_link")
