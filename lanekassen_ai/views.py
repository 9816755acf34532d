"""Pages of the project itself: the start page, the audit log and the health check."""

import csv
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import ListView, TemplateView

from lanekassen_ai.forms import AuditLogFilterForm
from lanekassen_ai.models import AuditEvent
from lanekassen_ai.roles import Capability, perm
from lanekassen_ai.selectors import audit_event_csv_rows, audit_event_list, user_roles
from lanekassen_ai.services.audit import audit_record
from lanekassen_ai.services.health import health_check_all


class HomeView(TemplateView):
    template_name = "lanekassen_ai/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["roles"] = user_roles(user=self.request.user)
        return context


def _audit_filters(request: HttpRequest) -> tuple[AuditLogFilterForm, QuerySet[AuditEvent]]:
    """The filter form bound to the query string and the events it selects (none while the
    form has errors, which the page shows next to the fields)."""
    form = AuditLogFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, AuditEvent.objects.none()
    filters = form.selector_filters() if form.is_bound else {}
    return form, audit_event_list(**filters)


def _audit_filter_details(form: AuditLogFilterForm) -> dict[str, str]:
    """The filters as the audit event of reading the log records them."""
    if not form.is_bound or not form.is_valid():
        return {}
    return {k: str(v) for k, v in form.cleaned_data.items() if v not in (None, "")}


@method_decorator(never_cache, name="dispatch")
class AuditLogView(PermissionRequiredMixin, ListView):
    """The audit log: filter by days, user, action, object; every reading is itself logged."""

    permission_required = perm(Capability.VIEW_AUDIT_LOG)
    template_name = "lanekassen_ai/audit_log.html"
    paginate_by = 50
    context_object_name = "events"

    def get_queryset(self) -> Any:
        self.form, events = _audit_filters(self.request)
        audit_record(
            action="audit.view",
            context=self.request.audit_context,  # type: ignore[attr-defined]
            details={**_audit_filter_details(self.form), "page": self.request.GET.get("page", "1")[:10]},
        )
        return events

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["form"] = self.form
        context["query_string"] = query.urlencode()
        return context


@method_decorator(never_cache, name="dispatch")
class AuditLogCsvView(PermissionRequiredMixin, View):
    """The filtered audit log as CSV, streamed; the export itself is logged."""

    permission_required = perm(Capability.VIEW_AUDIT_LOG)

    def get(self, request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
        form, events = _audit_filters(request)
        if form.is_bound and not form.is_valid():
            errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
            return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
        audit_record(
            action="audit.export",
            context=request.audit_context,  # type: ignore[attr-defined]
            details=_audit_filter_details(form),
        )

        class _Echo:
            def write(self, value: str) -> str:
                return value

        writer = csv.writer(_Echo(), lineterminator="\n")
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in audit_event_csv_rows(events=events)),
            content_type="text/csv; charset=utf-8",
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="revisjonslogg-{stamp}.csv"'
        return response


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    result = health_check_all()
    return JsonResponse(result, status=200 if result["ok"] else 503)
