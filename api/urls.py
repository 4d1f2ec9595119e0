"""/api/v1/: the resources (DRF router), the OpenAPI schema and its documentation page
(Swagger UI from drf-spectacular-sidecar's vendored files, its script served as a file so
the Content Security Policy holds). Any other path under the prefix answers a JSON 404."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import SimpleRouter

from . import views
from .authentication import BearerTokenAuthentication

app_name = "api"

router = SimpleRouter()
router.register("units", views.UnitViewSet, basename="unit")
router.register("schools", views.SchoolViewSet, basename="school")
router.register("coverage", views.CoverageViewSet, basename="coverage")
router.register("hazards", views.HazardViewSet, basename="hazard")
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register("incidents", views.IncidentViewSet, basename="incident")
router.register("monthly-reports", views.MonthlyReportViewSet, basename="monthly_report")
router.register("drills", views.DrillViewSet, basename="drill")
router.register("education-records", views.EducationRecordViewSet, basename="education_record")
router.register("risk-points", views.RiskPointViewSet, basename="risk_point")
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("orders", views.OrderViewSet, basename="order")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("roll-calls", views.RollCallViewSet, basename="roll_call")

# The schema and its page: for signed-in users of the screens and for API clients.
DOC_ACCESS = {
    "authentication_classes": [BearerTokenAuthentication, SessionAuthentication],
    "permission_classes": [IsAuthenticated],
}

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(**DOC_ACCESS), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", **DOC_ACCESS),
        name="docs",
    ),
    *router.urls,
    re_path(r"^.*$", views.not_found, name="not_found"),
]
