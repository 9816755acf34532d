"""Pages of the control app (under /control/)."""

from django.urls import path

from control.views import appeals, campaigns, cases, insight, models

app_name = "control"
urlpatterns: list = [
    # Casework: campaigns, worklist, cases, insight, data access report
    path("campaigns/", campaigns.CampaignListView.as_view(), name="campaign-list"),
    path("campaigns/new/", campaigns.CampaignCreateView.as_view(), name="campaign-create"),
    path("campaigns/<int:pk>/", campaigns.CampaignDetailView.as_view(), name="campaign-detail"),
    path("campaigns/<int:pk>/progress/", campaigns.CampaignProgressView.as_view(), name="campaign-progress"),
    path("campaigns/<int:pk>/confirm/", campaigns.CampaignConfirmView.as_view(), name="campaign-confirm"),
    path(
        "campaigns/<int:pk>/letters/propose/",
        campaigns.CampaignLetterScheduleProposeView.as_view(),
        name="campaign-letters-propose",
    ),
    path(
        "campaigns/<int:pk>/letters/accept/",
        campaigns.CampaignLetterScheduleAcceptView.as_view(),
        name="campaign-letters-accept",
    ),
    path("campaigns/<int:pk>/retry/", campaigns.CampaignRetryView.as_view(), name="campaign-retry"),
    path("campaigns/<int:pk>/discard/", campaigns.CampaignDiscardView.as_view(), name="campaign-discard"),
    path("do-not-control/", campaigns.FlagListView.as_view(), name="flag-list"),
    path(
        "do-not-control/<int:pk>/deactivate/", campaigns.FlagDeactivateView.as_view(), name="flag-deactivate"
    ),
    path("cases/", cases.WorklistView.as_view(), name="case-list"),
    path("cases/take-next/", cases.CaseTakeNextView.as_view(), name="case-take-next"),
    path("cases/<int:pk>/", cases.CaseDetailView.as_view(), name="case-detail"),
    path(
        "cases/<int:pk>/request-documentation/",
        cases.CaseRequestDocumentationView.as_view(),
        name="case-request-documentation",
    ),
    path("cases/<int:pk>/documents/", cases.CaseDocumentUploadView.as_view(), name="case-document-upload"),
    path(
        "cases/<int:pk>/documents/<int:document_pk>/",
        cases.CaseDocumentDownloadView.as_view(),
        name="case-document-download",
    ),
    path("cases/<int:pk>/decide/", cases.CaseDecideView.as_view(), name="case-decide"),
    path("cases/<int:pk>/reopen/", cases.CaseReopenView.as_view(), name="case-reopen"),
    path(
        "cases/<int:pk>/letters/<int:letter_pk>/",
        appeals.CaseLetterDownloadView.as_view(),
        name="case-letter-download",
    ),
    path("cases/<int:pk>/appeals/", appeals.CaseAppealRegisterView.as_view(), name="case-appeal-register"),
    path("appeals/<int:pk>/decide/", appeals.AppealDecideView.as_view(), name="appeal-decide"),
    # The customer id is a query parameter: it may hold any character (`/`, `..`, `?`), and
    # a path segment would be rewritten by browsers and proxies.
    path(
        "customers/access-report/",
        cases.CustomerAccessReportView.as_view(),
        name="customer-access-report",
    ),
    path(
        "customers/access-report.pdf",
        cases.CustomerAccessReportPdfView.as_view(),
        name="customer-access-report-pdf",
    ),
    # Risk models: registry, model card, import of applications
    path("models/", models.ModelListView.as_view(), name="model-list"),
    path("models/<str:version>/", models.ModelDetailView.as_view(), name="model-detail"),
    path("models/<str:version>/activate/", models.ModelActivateView.as_view(), name="model-activate"),
    path("models/<str:version>/retire/", models.ModelRetireView.as_view(), name="model-retire"),
    path("scoring-runs/<int:pk>/retry/", models.ScoringRunRetryView.as_view(), name="scoring-run-retry"),
    path("models/<str:version>/retrain/", models.ModelRetrainView.as_view(), name="model-retrain"),
    path("import/", models.ImportView.as_view(), name="applications-import"),
    path("insight/", insight.InsightIndexView.as_view(), name="insight"),
    path("insight/<int:pk>/", insight.InsightCampaignView.as_view(), name="insight-campaign"),
    path("insight/<int:pk>/csv/", insight.InsightCampaignCsvView.as_view(), name="insight-campaign-csv"),
]
