"""``POST /api/v1/ingest/proposals/``: the extraction assistant, for curators."""

import logging

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import APIException
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.errors import MethodFirstMixin, NoParametersMixin, ProblemRenderingMixin
from ingest import extract
from ingest.api.serializers import ProposalsResponseSerializer, ProposalTextSerializer

logger = logging.getLogger(__name__)


class ExtractorFailed(APIException):
    """The rules failed on this text: a defect of ours, told as one (a problem document that
    names the extractor), never the client's fault and never a bare server error."""

    status_code = 500
    default_code = "extractor_failed"


class MayAddSources(BasePermission):
    """Curators: those who may add a source (the proposals are for one). Anonymous requests
    are a 401, others a 403."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("core.add_source"))


class ProposalsView(MethodFirstMixin, ProblemRenderingMixin, NoParametersMixin, APIView):
    """Proposed records for a text: countries, officials and their posts, organizations,
    commodities, quantities and values (with who supplies whom), dates (relative ones
    resolved against `published`), statements, decisions (hedged words stay hedged: never
    `decided`) and designations, each at its exact span (`text[start:end] == quote`) with a
    score, matched to published records by name or alias where one exists.

    Nothing is written: a curator accepts, edits or rejects each proposal in the admin. The
    extractor is rule-based, offline and deterministic: the same text gives the same
    proposals."""

    permission_classes = [MayAddSources]
    http_method_names = ["post", "options"]

    @extend_schema(
        operation_id="ingest_proposals_create",
        request=ProposalTextSerializer,
        responses={200: ProposalsResponseSerializer},
        tags=["ingest"],
    )
    def post(self, request):
        serializer = ProposalTextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            extraction = extract.propose(data["text"], data["published"], data["language"])
        except Exception as exc:
            logger.exception("The extraction assistant failed on a text of %d characters",
                             len(data["text"]))  # fmt: skip
            raise ExtractorFailed(
                f"The extraction assistant ({extract.EXTRACTOR} {extract.EXTRACTOR_VERSION}) "
                f"failed on this text ({type(exc).__name__}); the error was logged. Nothing "
                "was stored: add the source in the admin and cite it by hand, or retry after "
                "a fix."
            ) from exc
        body = {
            "text": extraction.text,
            "published": extraction.published,
            "language": extraction.language,
            "proposals": [p.as_dict() for p in extraction.proposals],
        }
        return Response(ProposalsResponseSerializer(body).data)
