"""Pages of the project itself: the start page, the audit log and the health check."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import ListView, TemplateView

from lanekassen_ai.roles import Capability, perm
from lanekassen_ai.selectors import audit_event_list, user_roles
from lanekassen_ai.services.health import health_check_all


class HomeView(TemplateView):
    template_name = "lanekassen_ai/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["roles"] = user_roles(user=self.request.user)
        return context


class AuditLogView(PermissionRequiredMixin, ListView):
    permission_required = perm(Capability.VIEW_AUDIT_LOG)
    template_name = "lanekassen_ai/audit_log.html"
    paginate_by = 50
    context_object_name = "events"

    def get_queryset(self) -> Any:
        return audit_event_list(
            action_prefix=self.request.GET.get("action", "").strip(),
            actor_username=self.request.GET.get("user", "").strip(),
        )


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    result = health_check_all()
    return JsonResponse(result, status=200 if result["ok"] else 503)
