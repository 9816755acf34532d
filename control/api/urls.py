"""API of the control app (under /api/v1/control/)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from control.api import access_report, appeals, campaigns, casework, risk, student, training

casework_router = SimpleRouter()
casework_router.register("cases", casework.ControlCaseViewSet, basename="control-case")
casework_router.register("campaigns", casework.ControlCampaignViewSet, basename="control-campaign")
casework_router.register(
    "do-not-control-flags", campaigns.DoNotControlFlagViewSet, basename="do-not-control-flag"
)
casework_router.register("my-cases", student.StudentCaseViewSet, basename="student-case")

risk_router = SimpleRouter()
risk_router.register("risk-models", risk.RiskModelVersionViewSet, basename="risk-model")
risk_router.register("scoring-runs", risk.ScoringRunViewSet, basename="scoring-run")

urlpatterns: list = [
    path("", include(casework_router.urls)),
    path("", include(risk_router.urls)),
    path("applications/import/", risk.ApplicationsImportView.as_view(), name="applications-import"),
    path("my-cases/<int:pk>/appeal/", appeals.StudentAppealView.as_view(), name="student-case-appeal"),
    path(
        "cases/<int:pk>/appeals/",
        appeals.CaseAppealRegisterView.as_view(),
        name="control-case-appeal-register",
    ),
    path("appeals/<int:pk>/decision/", appeals.AppealDecideView.as_view(), name="control-appeal-decide"),
    path("scores/export/", training.ScoreExportView.as_view(), name="risk-score-export"),
    # The customer id is a query parameter, as on the page (it may hold any character).
    path(
        "customers/access-report/",
        access_report.CustomerAccessReportView.as_view(),
        name="customer-access-report",
    ),
    path(
        "customers/access-report.pdf",
        access_report.CustomerAccessReportPdfView.as_view(),
        name="customer-access-report-pdf",
    ),
]
