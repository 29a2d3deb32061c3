"""The curators' side of every resource: writes with optimistic concurrency, and review.

* ``PUT``/``PATCH``/``DELETE`` need ``If-Match`` with the ETag of the record as last read
  (428 without it). A stale ETag is a 412 and changes nothing: the row is locked, its
  current representation's ETag compared, and only then written (``select_for_update``;
  SQLite's IMMEDIATE transactions serialize writers the same way).
* ``DELETE`` removes drafts only: a record that was ever public is retracted instead (409).
* ``POST …/publish/``, ``…/retract/`` (with a reason) and ``…/reopen/`` run the review
  workflow of ``config.review``; review state is never written directly.
* Every write is kept in the history with the curator and the channel ``api``.
"""

import hashlib

from django.db import transaction
from django.utils.cache import quote_etag
from django.utils.http import parse_etags
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.response import Response

from config import review
from config.api.errors import PreconditionFailed, PreconditionRequired
from config.api.renderers import JSONRenderer
from config.api.urls_cache import absolute, detail_path
from config.models import ReviewState


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


class RetractSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why the record is retracted; kept with it.")


def representation_etag(data) -> str:
    """The ETag that ConditionalGetMiddleware gives the same body on a GET."""
    body = JSONRenderer().render(data)
    return quote_etag(hashlib.md5(body, usedforsecurity=False).hexdigest())


class CuratedWritesMixin:
    """Create, update, delete and review, for curators with the model permissions."""

    def current(self, instance):
        """The record as a GET would show it now, and its ETag."""
        fresh = self.get_queryset().get(pk=instance.pk)
        data = self.get_serializer(fresh).data
        return data, representation_etag(data)

    def check_if_match(self, instance, *, required: bool = True):
        header = self.request.headers.get("If-Match")
        if not header:
            if required:
                raise PreconditionRequired
            return
        if header.strip() == "*":
            return
        _, etag = self.current(instance)
        if etag not in parse_etags(header):
            raise PreconditionFailed

    def locked_object(self):
        instance = self.get_object()
        return type(instance)._default_manager.select_for_update().get(pk=instance.pk)

    def written(self, instance, status_code=status.HTTP_200_OK):
        data, etag = self.current(instance)
        headers = {"ETag": etag}
        if status_code == status.HTTP_201_CREATED:
            headers["Location"] = absolute(
                self.request, detail_path(type(instance), instance.public_id)
            )
        return Response(data, status=status_code, headers=headers)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            instance = serializer.save()
        return self.written(instance, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            instance = self.locked_object()
            self.check_if_match(instance)
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            instance = serializer.save()
        return self.written(instance)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self.locked_object()
            self.check_if_match(instance)
            if instance.review_state != ReviewState.DRAFT:
                raise Conflict(
                    "Only drafts are deleted. A record that was public is retracted instead: "
                    "POST to its retract/ address with a reason."
                )
            instance.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

    def transition(self, service, **kwargs):
        with transaction.atomic():
            instance = self.locked_object()
            self.check_if_match(instance, required=False)
            service(instance, user=self.request.user, **kwargs)
        return self.written(instance)

    @extend_schema(request=None, summary="Publish a draft (it needs a citation)")
    @action(detail=True, methods=["post"], permission_classes=[ReviewPermission])
    def publish(self, request, *args, **kwargs):
        """Publish a draft. A citable record needs a citation; its citations are published too."""
        return self.transition(review.record_publish)

    @extend_schema(request=RetractSerializer, summary="Retract a published record, with a reason")
    @action(detail=True, methods=["post"], permission_classes=[ReviewPermission])
    def retract(self, request, *args, **kwargs):
        """Retract a published record. It stays, marked retracted, with the reason given."""
        reason = RetractSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        return self.transition(review.record_retract, reason=reason.validated_data["reason"])

    @extend_schema(request=None, summary="Return a retracted record to draft")
    @action(detail=True, methods=["post"], permission_classes=[ReviewPermission])
    def reopen(self, request, *args, **kwargs):
        """Return a retracted record to draft, to correct it and publish it again."""
        return self.transition(review.record_reopen)
