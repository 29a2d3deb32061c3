"""The ingest app's API routes, included under /api/v1/ by ``config.urls``."""

from django.urls import path

from ingest.api.views import ProposalsView

urlpatterns = [
    path("ingest/proposals/", ProposalsView.as_view(), name="ingest-proposals"),
]
