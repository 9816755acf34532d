"""Queue and assistant statistics for managers (capability VIEW_QUEUE_STATISTICS): the live
overview (htmx, every 5 s), history with charts and staffing, and the CSV export."""

from typing import Any

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView

from chat.selectors.queues import queue_live_overview, queues_active
from chat.selectors.statistics import (
    GRANULARITIES,
    StatisticsQueryError,
    StatisticsReport,
    queue_statistics,
    statistics_csv_rows,
    statistics_period_parse,
)
from lanekassen_ai.csv_cells import CsvSafeWriter
from lanekassen_ai.roles import Capability, perm

ROWS_PER_PAGE = 50


class StatisticsAccessMixin(PermissionRequiredMixin):
    permission_required = perm(Capability.VIEW_QUEUE_STATISTICS)
    raise_exception = True


def _report_for(request: HttpRequest) -> StatisticsReport:
    since, until, granularity, queue = statistics_period_parse(
        since=request.GET.get("from"),
        until=request.GET.get("to"),
        granularity=request.GET.get("granularity"),
        queue=request.GET.get("queue"),
        today=timezone.localdate(),
    )
    return queue_statistics(since=since, until=until, granularity=granularity, queue=queue)


def _chart_data(report: StatisticsReport) -> dict[str, Any]:
    # One series per measure, summed over the queues shown, per period.
    periods: dict[str, dict[str, float]] = {}
    for row in report.rows:
        label = timezone.localtime(row.period_start).strftime(
            "%d.%m %H:%M" if report.granularity == "slot" else "%d.%m.%Y"
        )
        p = periods.setdefault(label, {"offered": 0, "answered": 0, "abandoned": 0, "within": 0, "agents": 0})
        p["offered"] += row.offered
        p["answered"] += row.answered
        p["abandoned"] += row.abandoned
        p["within"] += row.answered_within_target
        p["agents"] += row.recommended_agents or 0
    return {
        "labels": list(periods),
        "offered": [p["offered"] for p in periods.values()],
        "answered": [p["answered"] for p in periods.values()],
        "abandoned": [p["abandoned"] for p in periods.values()],
        "service_level": [
            round(100 * p["within"] / p["offered"], 1) if p["offered"] else None for p in periods.values()
        ],
        "recommended_agents": [p["agents"] for p in periods.values()],
        "names": {
            "offered": gettext("Tilbudt"),
            "answered": gettext("Besvart"),
            "abandoned": gettext("Forlatt"),
            "service_level": gettext("Servicenivå (%)"),
            "recommended_agents": gettext("Anbefalt bemanning"),
        },
    }


class StatisticsView(StatisticsAccessMixin, TemplateView):
    template_name = "chat/statistics/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["granularities"] = GRANULARITIES
        context["queues"] = queues_active()
        context["live"] = queue_live_overview()
        try:
            report = _report_for(self.request)
        except StatisticsQueryError as exc:
            context["error"] = str(exc)
            return context
        context["report"] = report
        context["page_obj"] = Paginator(report.rows, ROWS_PER_PAGE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        context["chart_data"] = _chart_data(report)
        return context

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        if "error" in context:
            response.status_code = 400
        return response


class StatisticsLiveView(StatisticsAccessMixin, View):
    """The live per-queue table, for htmx polling."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "chat/statistics/_live.html", {"live": queue_live_overview()})


class StatisticsCsvView(StatisticsAccessMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            report = _report_for(request)
        except StatisticsQueryError as exc:
            return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"chat-statistikk-{report.since}-{report.until}-{report.granularity}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        CsvSafeWriter(response).writerows(statistics_csv_rows(report=report))
        return response
