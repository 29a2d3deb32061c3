"""The diplomacy resources, mounted under ``/api/v1/diplomacy/`` (with the sources, whose
model lives in ``core``)."""

from core.api.views import SourceViewSet
from diplomacy.api import views

routes = [
    ("countries", views.CountryViewSet),
    ("organizations", views.OrganizationViewSet),
    ("officials", views.OfficialViewSet),
    ("positions", views.PositionViewSet),
    ("tenures", views.TenureViewSet),
    ("designations", views.DesignationViewSet),
    ("designation-changes", views.DesignationChangeViewSet),
    ("policy-decisions", views.PolicyDecisionViewSet),
    ("decision-stages", views.DecisionStageViewSet),
    ("statements", views.StatementViewSet),
    ("sources", SourceViewSet),
]
