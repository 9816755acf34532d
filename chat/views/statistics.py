"""Queue and assistant statistics for managers (capability VIEW_QUEUE_STATISTICS): the live
overview (htmx, every 5 s), history with charts and staffing, the CSV export, and the
forecast with the staffing plan per half hour (an htmx partial loaded after the page, so the
page never waits for a forecast being fitted) and its CSV."""

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView

from chat.selectors.forecast import (
    CSV_COLUMNS,
    ForecastQueryError,
    ForecastReport,
    PlanOptions,
    forecast_params_parse,
    forecast_plan_rows,
    queue_forecast_report,
)
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
from lanekassen_ai.timezones import agency_timezone

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
    try:
        _, _, options = _forecast_params(request)
    except ForecastQueryError as exc:
        raise StatisticsQueryError(str(exc)) from exc
    return queue_statistics(
        since=since,
        until=until,
        granularity=granularity,
        queue=queue,
        service_level_goal=options.target_service_level,
        concurrency=options.concurrency,
    )


def _forecast_params(request: HttpRequest) -> tuple[int, Any, PlanOptions]:
    return forecast_params_parse(
        weeks=request.GET.get("weeks"),
        queue=request.GET.get("queue"),
        concurrency=request.GET.get("concurrency"),
        shrinkage=request.GET.get("shrinkage"),
        target_service_level=request.GET.get("target_service_level"),
    )


def _forecast_chart(report: ForecastReport, rows: list[dict[str, Any]]) -> dict[str, Any]:
    # Next week (the first forecast week), summed over the queues shown, per half hour.
    slots: dict[str, dict[str, float]] = {}
    week_end = datetime.combine(report.origin + timedelta(days=7), time(0), tzinfo=agency_timezone())
    for row in rows:
        start = row["slot_start"]
        if datetime.fromisoformat(start) >= week_end:
            continue
        s = slots.setdefault(start, {"mean": 0.0, "lower": 0.0, "upper": 0.0, "agents": 0, "schedule": 0})
        s["mean"] += row["forecast_arrivals"]
        s["lower"] += row["forecast_lower"]
        s["upper"] += row["forecast_upper"]
        s["agents"] += row["agents"]
        s["schedule"] += row["agents_to_schedule"]
    one_queue = len(report.queues) == 1
    labels = [date_format(timezone.localtime(datetime.fromisoformat(k)), "D d.m H:i") for k in slots]
    return {
        "labels": labels,
        "mean": [round(s["mean"], 2) for s in slots.values()],
        "lower": [s["lower"] for s in slots.values()] if one_queue else [],
        "upper": [s["upper"] for s in slots.values()] if one_queue else [],
        "agents": [s["agents"] for s in slots.values()],
        "schedule": [s["schedule"] for s in slots.values()],
        "names": {
            "mean": gettext("Prognose, henvendelser per halvtime"),
            "lower": gettext("Nedre grense"),
            "upper": gettext("Øvre grense"),
            "agents": gettext("Saksbehandlere i køen"),
            "schedule": gettext("Saksbehandlere å sette opp"),
        },
    }


def _day_summary(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    days: dict[str, dict[str, Any]] = {}
    for row in rows:
        start = timezone.localtime(datetime.fromisoformat(row["slot_start"]))
        d = days.setdefault(start.date().isoformat(), {"day": start.date(), "arrivals": 0.0, "peak": 0})
        d["arrivals"] += row["forecast_arrivals"]
        d["peak"] = max(d["peak"], row["agents_to_schedule"])
    return list(days.values())


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
        # The history form keeps the staffing choices made in the forecast form.
        context["plan_hidden"] = [
            (name, self.request.GET[name])
            for name in ("weeks", "concurrency", "shrinkage", "target_service_level")
            if self.request.GET.get(name)
        ]
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
        context["forecast_weeks"], _, context["plan_options"] = _forecast_params(self.request)
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


class StatisticsForecastView(StatisticsAccessMixin, View):
    """htmx partial: the forecast from next Monday, its backtest, the known events and
    the staffing plan per half hour for the first week (chart and day summary)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            weeks, queue, options = _forecast_params(request)
        except ForecastQueryError as exc:
            return render(request, "chat/statistics/_forecast.html", {"error": str(exc)}, status=400)
        report = queue_forecast_report(today=timezone.localdate(), weeks=weeks, queue=queue)
        rows = forecast_plan_rows(report=report, options=options)
        query = request.GET.copy()
        return render(
            request,
            "chat/statistics/_forecast.html",
            {
                "report": report,
                "options": options,
                "forecast_chart": _forecast_chart(report, rows),
                "days": _day_summary(rows),
                "events": [(q.queue_name, e) for q in report.queues for e in q.events],
                "query_string": query.urlencode(),
            },
        )


class StatisticsForecastCsvView(StatisticsAccessMixin, View):
    """The forecast and plan per queue and half hour, for a rostering tool (columns in
    docs/queues.md)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            weeks, queue, options = _forecast_params(request)
        except ForecastQueryError as exc:
            return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
        report = queue_forecast_report(today=timezone.localdate(), weeks=weeks, queue=queue)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        name = f"chat-prognose-{report.origin}-{weeks}u{'-' + queue.slug if queue else ''}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        writer = CsvSafeWriter(response)
        writer.writerow(CSV_COLUMNS)
        rows = forecast_plan_rows(report=report, options=options)
        writer.writerows([row.get(column, "") for column in CSV_COLUMNS] for row in rows)
        return response
