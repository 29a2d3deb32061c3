"""The curators' side of every resource: writes with optimistic concurrency, and review.

* ``PUT``/``PATCH``/``DELETE`` need ``If-Match`` with the record's ETag, ``W/"<id>-<version>"``
  (428 without it). It is compared with the row locked for the write: a stale one is a 412
  and changes nothing. ``publish``, ``retract`` and ``reopen`` check ``If-Match`` when sent.
* Every write goes through ``core.services``: the same rules as the admin and the loader.
  A request that would delete or orphan published evidence is a 409 naming it.
* Every write is kept in the history with the curator and the channel ``api``.
"""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.utils.http import parse_etags
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.response import Response

from config.api.errors import PreconditionFailed, PreconditionRequired
from config.api.filters import public_id_field
from config.api.serializers import KnownFieldsOnly, StrictBooleanField, StrictCharField
from config.api.urls_cache import absolute, detail_path
from core import services


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the record's state."
    default_code = "conflict"


class ReviewPermission(DjangoModelPermissions):
    """Review transitions change a record: they need the model's change permission."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "POST": ["%(app_label)s.change_%(model_name)s"],
    }


class RetractSerializer(KnownFieldsOnly, serializers.Serializer):
    reason = StrictCharField(help_text="Why the record is retracted; kept with it.")


class PublishSerializer(KnownFieldsOnly, serializers.Serializer):
    with_references = StrictBooleanField(
        required=False,
        default=False,
        help_text="Also publish the drafts this record stands on, through the same checks.",
    )


def record_etag(public_id, version, *, reader: str = "") -> str:
    """A record's ETag: ``W/"<id>-<version>"``, the version of the record a write expects.

    What a reader is sent also names the dataset version and the reader's visibility class
    (``W/"<id>-<version>.<reader>"``), so a 304 never answers for nested records that changed
    or for another reader's view; ``If-Match`` compares the ``<id>-<version>`` part only.
    """
    suffix = f".{reader}" if reader else ""
    return f'W/"{public_id}-{version}{suffix}"'


def etag_version(tag: str) -> str:
    """``W/"ru-3.ab12"`` → ``ru-3``: the part of an ETag that If-Match compares."""
    return tag.strip().removeprefix("W/").strip('"').split(".", 1)[0]


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,  # without it, a 428: the schema says so, and a generated client asks for it
    description='The ETag of the record as you read it (W/"<id>-<version>"): a 428 without '
    "it; a stale one is a 412 and changes nothing.",
)
#: A review action (publish, retract, reopen) checks If-Match when sent, never asks for it.
IF_MATCH_IF_SENT = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description='Optional: the ETag of the record as you read it (W/"<id>-<version>"); a '
    "stale one is a 412 and changes nothing.",
)


def _conflict(exc: DjangoValidationError) -> Conflict:
    return Conflict(" ".join(exc.messages))


WITH_REFERENCES = OpenApiParameter(
    "with_references",
    bool,
    description="`true`: a published record may cite draft sources; each is published in "
    "the same step, through the checks of its own `publish` (refused, nothing changes, if "
    "one fails). Without it, citing a draft source from a published record is a 400.",
)
WRITE_PARAMETERS = {"with_references"}


class CuratedWritesMixin(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin
):
    """Create, update, delete and review, for curators with the model permissions."""

    def allowed_parameters(self) -> set[str]:
        allowed = super().allowed_parameters()
        if self.action in ("update", "partial_update"):  # a new record is a draft
            allowed = allowed | WRITE_PARAMETERS
        return allowed

    def with_references(self) -> bool:
        """The ``with_references`` query parameter of a write (``true`` or ``false``)."""
        options = self.request_options
        invalid = options.invalid.get("with_references")
        if invalid:
            raise serializers.ValidationError({"with_references": [invalid]})
        return options.with_references

    def check_if_match(self, instance, *, required: bool = True):
        header = self.request.headers.get("If-Match")
        if not header:
            if required:
                raise PreconditionRequired
            return
        if header.strip() == "*":
            return
        current = f"{instance.public_id}-{instance.version}"
        # Weakly, and on the record's own version: what the reader's tag adds does not count.
        if current not in {etag_version(tag) for tag in parse_etags(header)}:
            raise PreconditionFailed

    def locked_object(self):
        """The record, read once and locked for the write (its relations' prefetches are
        read for the response, after it). Deleted by another request before the lock (which
        waits for its commit): gone, as for a request that came a moment later."""
        queryset = self.get_queryset().prefetch_related(None)
        field = public_id_field(queryset.model)
        try:
            instance = services.lock_record(queryset, **{field: self.kwargs["public_id"]})
        except (DjangoValidationError, ValueError):
            instance = None
        if instance is None:
            raise Http404(f"No {queryset.model._meta.verbose_name} {self.kwargs['public_id']}.")
        self.check_object_permissions(self.request, instance)
        return instance

    def written(self, instance, status_code=status.HTTP_200_OK, *, fresh=True):
        """The response to a write: the record as it now is.

        ``fresh=False``: ``instance`` is the record as the write left it (the row the view
        locked, changed and saved by the service); only what it shows of its relations is
        read again.
        """
        if fresh:
            instance = self.get_queryset().get(pk=instance.pk)
        else:
            prefetch_related_objects([instance], *self.get_queryset()._prefetch_related_lookups)
        headers = {"ETag": self.etag_for(instance)}
        if status_code == status.HTTP_201_CREATED:
            headers["Location"] = absolute(
                self.request, detail_path(type(instance), instance.public_id)
            )
        return Response(self.get_serializer(instance).data, status=status_code, headers=headers)

    def perform_save(self, serializer, instance=None, stored=None):
        try:
            return serializer.save_through_service(
                instance,
                serializer.validated_data,
                user=self.request.user,
                publish_sources=instance is not None and self.with_references(),
                stored=stored,
            )
        except services.EvidenceConflict as exc:
            raise _conflict(exc) from exc

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            instance = self.perform_save(serializer)
        return self.written(instance, status.HTTP_201_CREATED)

    @extend_schema(parameters=[IF_MATCH, WITH_REFERENCES])
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            instance = self.locked_object()
            self.check_if_match(instance)
            stored = copy.copy(instance)  # the row as read, for the service's checks
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            instance = self.perform_save(serializer, instance, stored)
        return self.written(instance, fresh=False)

    @extend_schema(parameters=[IF_MATCH, WITH_REFERENCES])
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(parameters=[IF_MATCH])
    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self.locked_object()
            self.check_if_match(instance)
            try:
                services.record_delete(instance, user=request.user)
            except services.EvidenceConflict as exc:
                raise _conflict(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)

    def transition(self, service, **kwargs):
        with transaction.atomic():
            instance = self.locked_object()
            self.check_if_match(instance, required=False)
            try:
                service(instance, user=self.request.user, **kwargs)
            except services.EvidenceConflict as exc:
                raise _conflict(exc) from exc
        return self.written(instance)

    @extend_schema(
        request=PublishSerializer,
        parameters=[IF_MATCH_IF_SENT],
        summary="Publish a draft (it needs evidence for each of its facts)",
    )
    @action(detail=True, methods=["post"], permission_classes=[ReviewPermission])
    def publish(self, request, *args, **kwargs):
        """Publish a draft. It needs a citation supporting each filled-in factual field, and
        everything it refers to published (or ``with_references: true`` to publish those)."""
        options = PublishSerializer(data=request.data or {})
        options.is_valid(raise_exception=True)
        return self.transition(
            services.record_publish, with_references=options.validated_data["with_references"]
        )

    @extend_schema(
        request=RetractSerializer,
        parameters=[IF_MATCH_IF_SENT],
        summary="Retract a published record, with a reason",
    )
    @action(detail=True, methods=["post"], permission_classes=[ReviewPermission])
    def retract(self, request, *args, **kwargs):
        """Retract a published record. It stays, marked retracted, with the reason given."""
        reason = RetractSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        return self.transition(services.record_retract, reason=reason.validated_data["reason"])

    @extend_schema(
        request=inline_serializer("ReopenRequest", fields={}),
        parameters=[IF_MATCH_IF_SENT],
        summary="Return a retracted record to draft",
    )
    @action(detail=True, methods=["post"], permission_classes=[ReviewPermission])
    def reopen(self, request, *args, **kwargs):
        """Return a retracted record to draft, to correct it and publish it again."""
        return self.transition(services.record_reopen)
