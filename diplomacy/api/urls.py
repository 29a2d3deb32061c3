"""The diplomacy resources, mounted under ``/api/v1/diplomacy/``."""

from diplomacy.api import views

routes = [
    ("countries", views.CountryViewSet),
    ("organizations", views.OrganizationViewSet),
    ("officials", views.OfficialViewSet),
    ("positions", views.PositionViewSet),
    ("designations", views.DesignationViewSet),
    ("policy-decisions", views.PolicyDecisionViewSet),
    ("statements", views.StatementViewSet),
    ("sources", views.SourceViewSet),
]
