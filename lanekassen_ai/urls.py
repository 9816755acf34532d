from django.apps import apps
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from lanekassen_ai import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The language switch must work before login too (login page, public chat).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("audit/", views.AuditLogView.as_view(), name="audit-log"),
    path("audit/export.csv", views.AuditLogCsvView.as_view(), name="audit-log-csv"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("lanekassen_ai.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: no inline script under the CSP.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="lanekassen_ai/swagger_ui.html"
        ),
        name="api-docs",
    ),
]
# Each app plugs in alone: its pages are mounted only when it is installed.
if apps.is_installed("control"):
    urlpatterns.append(path("control/", include("control.urls")))
    urlpatterns.append(path("mine-sider/", include("control.urls_student")))
if apps.is_installed("chat"):
    urlpatterns.append(path("chat/", include("chat.urls")))
if apps.is_installed("oidc_provider"):  # the local stand-in for ID-porten (local and test settings)
    from lanekassen_ai.idporten_local import idporten_local_urls

    urlpatterns.append(path("openid/", include((idporten_local_urls(), "oidc_provider"))))
