"""``/api/v1/releases/``: the published open-data releases and their files.

The files are served as stored, never rendered per request: from the local ``releases``
storage as a streamed file (ETag = its sha256, gzip when the client accepts it, cached for
a year since a release never changes), or by a redirect to the storage's own URL when the
storage is remote (S3).
"""

from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.decorators import method_decorator
from django.utils.http import http_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound

from config.api.errors import MethodFirstMixin, NoParametersMixin
from config.api.renderers import JSONRenderer, ProblemJSONRenderer
from config.api.schema import AutoSchema
from config.api.urls_cache import absolute
from config.middleware import gzip_page
from core.models import Release
from core.releases.files import DEFAULT_MEDIA_TYPE, MEDIA_TYPES
from core.releases.publish import release_storage

FILE_CACHE = "public, max-age=31536000, immutable"
FILE_MEDIA_TYPES = (*MEDIA_TYPES.values(), DEFAULT_MEDIA_TYPE)
#: A file's body per media type, for the schema (other types, SHA256SUMS: bytes).
FILE_SCHEMAS = {
    "application/json": {
        "type": ["object", "array"],
        "description": "datapackage.json (the Frictionless Data Package) and changelog.json "
        "are objects; fixture.json (a Django fixture) is an array of rows.",
    },
    "text/csv": {"type": "string", "description": "CSV with a header row."},
    "application/x-ndjson": {"type": "string", "description": "One JSON object per line."},
    "text/markdown": {"type": "string", "description": "CHANGELOG.md."},
}


class ReleaseFileSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="File name inside the release.")
    format = serializers.CharField(help_text="csv, ndjson, json, md or txt.")
    resource = serializers.CharField(help_text="The resource (table) the file holds.")
    media_type = serializers.CharField()
    bytes = serializers.IntegerField(help_text="Size in bytes.")
    sha256 = serializers.CharField(help_text="sha256 of the file, hex (also its ETag).")
    rows = serializers.IntegerField(allow_null=True, help_text="Rows of a table, else null.")
    url = serializers.URLField(help_text="Download address.")


class ChangelogSerializer(serializers.Serializer):
    previous = serializers.CharField(
        allow_null=True, help_text="The version compared with; null for the first release."
    )
    added = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Public ids of the records added, by resource.",
    )
    changed = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Public ids of the records whose content changed, by resource.",
    )
    retracted = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Public ids of the records retracted since, by resource.",
    )
    removed = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Public ids of the records no longer released (deleted, or back to "
        "draft), by resource.",
    )


class ReleaseSerializer(serializers.ModelSerializer):
    """A release: its version, date, checksum, files (with download URLs) and changelog."""

    url = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()
    changelog = ChangelogSerializer(read_only=True)
    counts = serializers.DictField(
        child=serializers.IntegerField(), read_only=True, help_text="Rows per resource."
    )

    class Meta:
        model = Release
        fields = (
            "version",
            "url",
            "created",
            "checksum",
            "previous",
            "counts",
            "files",
            "changelog",
        )

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return absolute(self.context.get("request"), release_path(obj.version))

    @extend_schema_field(ReleaseFileSerializer(many=True))
    def get_files(self, obj) -> list[dict]:
        request = self.context.get("request")
        return [
            {**entry, "url": absolute(request, file_path(obj.version, entry["name"]))}
            for entry in obj.files
        ]


def release_path(version: str) -> str:
    return reverse("api-v1:core-release-detail", kwargs={"version": version})


def file_path(version: str, name: str) -> str:
    return reverse("api-v1:core-release-download", kwargs={"version": version, "name": name})


class ReleaseSchema(AutoSchema):
    """Releases take no list parameters (fields, brief, filters, formats): there are few."""

    def _list_action(self) -> bool:
        return False

    def get_override_parameters(self):
        return []


VERSION_PARAMETER = OpenApiParameter(
    "version",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The release's version.",
    examples=[OpenApiExample("a release", value="1.0.0")],
)


@extend_schema_view(retrieve=extend_schema(parameters=[VERSION_PARAMETER]))
class ReleaseViewSet(NoParametersMixin, MethodFirstMixin, viewsets.ReadOnlyModelViewSet):
    """Versioned, checksummed releases of the whole dataset, newest first.

    Each release is immutable: a Frictionless Data Package (`datapackage.json`) with a
    Django fixture, one CSV and one NDJSON file per resource (citations and many-to-many
    links included), `SHA256SUMS` and a changelog against the previous release. Files are
    downloaded at `files/<name>`; `latest/` redirects to the newest release.
    """

    queryset = Release.objects.all()
    serializer_class = ReleaseSerializer
    lookup_field = "version"
    lookup_value_regex = r"[0-9A-Za-z][0-9A-Za-z._-]*"
    pagination_class = None
    filter_backends = []
    renderer_classes = [JSONRenderer, ProblemJSONRenderer]
    schema = ReleaseSchema()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and "Cache-Control" not in response:
            response["Cache-Control"] = "public, max-age=60"
        return response

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        newest = Release.objects.latest_first().first()
        if newest is not None:
            response["Last-Modified"] = http_date(newest.created.timestamp())
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["Last-Modified"] = http_date(self.get_object().created.timestamp())
        return response

    @extend_schema(
        responses={
            302: OpenApiResponse(description="Redirect to the newest release."),
            404: OpenApiResponse(description="No release has been published yet."),
        }
    )
    @action(detail=False, url_path="latest")
    def latest(self, request):
        """The newest release: a redirect to its address."""
        newest = Release.objects.latest_first().first()
        if newest is None:
            raise NotFound("No release has been published yet.")
        response = HttpResponseRedirect(release_path(newest.version))
        response["Cache-Control"] = "public, max-age=60"
        return response

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "name",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="A file name listed in the release's files.",
            ),
        ],
        responses={
            # The file's own media type, as listed in the release (media_type), and what a
            # body of that type is: JSON is parsed as JSON, text as text.
            **{
                (200, media_type): OpenApiResponse(
                    FILE_SCHEMAS.get(media_type, OpenApiTypes.BINARY),
                    description="The file as published, with the media type the release "
                    "lists (gzip-encoded if the client accepts it). ETag: its sha256; cached "
                    "for a year, since releases never change.",
                )
                for media_type in FILE_MEDIA_TYPES
            },
            302: OpenApiResponse(description="Redirect to the file in remote storage."),
            304: OpenApiResponse(description="Not modified (If-None-Match)."),
        },
    )
    @action(detail=True, url_path=r"files/(?P<name>[^/]+)", url_name="download")
    @method_decorator(gzip_page)
    def download(self, request, version=None, name=None):
        """One file of a release, as stored."""
        release = self.get_object()
        entry = release.file(name)
        if entry is None:
            raise NotFound(f"Release {release.version} has no file {name!r}.")
        storage, stored = release_storage(), f"{release.version}/{name}"
        if not isinstance(storage, FileSystemStorage):  # S3 and the like serve their own
            return HttpResponseRedirect(storage.url(stored))
        etag, modified = f'"{entry["sha256"]}"', http_date(release.created.timestamp())
        # Answered before the file is opened: a 304 never holds it open.
        response = get_conditional_response(
            request, etag=etag, last_modified=int(release.created.timestamp())
        )
        if response is not None and response.status_code != 304:
            return response  # 412: a problem (ProblemDetailsMiddleware), never cached a year
        if response is None:
            response = FileResponse(
                storage.open(stored, "rb"), content_type=entry["media_type"], filename=name
            )
        response["ETag"] = etag
        response["Cache-Control"] = FILE_CACHE
        response["Last-Modified"] = modified
        return response
