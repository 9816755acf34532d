"""The student's own pages (under /mine-sider/) and the ID-porten login."""

from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import path
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from control.views import student

app_name = "student"
LOGIN = "student:login"
urlpatterns: list = [
    path("login/", login_not_required(student.StudentLoginView.as_view()), name="login"),
    path(
        "oidc/authenticate/",
        login_not_required(OIDCAuthenticationRequestView.as_view()),
        name="oidc-authenticate",
    ),
    path(
        "oidc/callback/", login_not_required(student.StudentOIDCCallbackView.as_view()), name="oidc-callback"
    ),
    path("", login_required(student.StudentCaseListView.as_view(), login_url=LOGIN), name="case-list"),
    path(
        "saker/<int:pk>/",
        login_required(student.StudentCaseDetailView.as_view(), login_url=LOGIN),
        name="case-detail",
    ),
    path(
        "saker/<int:pk>/klage/",
        login_required(student.StudentAppealView.as_view(), login_url=LOGIN),
        name="case-appeal",
    ),
    path(
        "saker/<int:pk>/brev/<int:letter_pk>/",
        login_required(student.StudentLetterDownloadView.as_view(), login_url=LOGIN),
        name="letter-download",
    ),
    path(
        "saker/<int:pk>/dokumenter/<int:document_pk>/",
        login_required(student.StudentDocumentDownloadView.as_view(), login_url=LOGIN),
        name="document-download",
    ),
]
