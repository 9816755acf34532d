"""Queue and assistant statistics as JSON (capability VIEW_QUEUE_STATISTICS)."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chat.api.serializers_agent import QueueLiveSerializer
from chat.api.serializers_statistics import (
    ForecastReportSerializer,
    StaffingPlanSerializer,
    StatisticsReportSerializer,
)
from chat.selectors.forecast import (
    ForecastQueryError,
    forecast_params_parse,
    forecast_plan_rows,
    queue_forecast_report,
)
from chat.selectors.queues import queue_live_overview
from chat.selectors.staffing import StaffingInputError, staffing_plan, staffing_plan_parse
from chat.selectors.statistics import StatisticsQueryError, queue_statistics, statistics_period_parse
from lanekassen_ai.api.permissions import HasCapability
from lanekassen_ai.roles import Capability

CanViewQueueStatistics = HasCapability(Capability.VIEW_QUEUE_STATISTICS)


class StatisticsView(APIView):
    permission_classes = [CanViewQueueStatistics]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="first day, YYYY-MM-DD (default: 6 days before `to`)"),
            OpenApiParameter("to", str, description="last day, inclusive, YYYY-MM-DD (default: today)"),
            OpenApiParameter("granularity", str, enum=["slot", "day", "week"], description="default: day"),
            OpenApiParameter("queue", str, description="queue slug (default: all queues)"),
        ],
        responses=StatisticsReportSerializer,
    )
    def get(self, request: Request) -> Response:
        """Per period and queue: offered, answered, abandoned, average speed of answer,
        service level, average handling time, CSAT and the staffing recommendation (Erlang
        A, Erlang C without a patience estimate); totals per queue; the assistants'
        figures and top intents and not-understood questions. Periods are bounded (31 days
        per half hour, 366 per day)."""
        try:
            since, until, granularity, queue = statistics_period_parse(
                since=request.query_params.get("from"),
                until=request.query_params.get("to"),
                granularity=request.query_params.get("granularity"),
                queue=request.query_params.get("queue"),
                today=timezone.localdate(),
            )
        except StatisticsQueryError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        report = queue_statistics(since=since, until=until, granularity=granularity, queue=queue)
        return Response(StatisticsReportSerializer(report.as_dict()).data)


class StatisticsLiveView(APIView):
    permission_classes = [CanViewQueueStatistics]

    @extend_schema(responses=QueueLiveSerializer(many=True))
    def get(self, request: Request) -> Response:
        """Per queue, now: waiting, longest wait, agents available and busy."""
        return Response(QueueLiveSerializer(queue_live_overview(), many=True).data)


class StaffingPlanView(APIView):
    permission_classes = [CanViewQueueStatistics]

    @extend_schema(
        parameters=[
            OpenApiParameter("arrivals_per_hour", float, required=True, description="arrivals per hour"),
            OpenApiParameter(
                "handle_seconds",
                float,
                description="mean handling time per chat (default with `queue`: its own)",
            ),
            OpenApiParameter(
                "target_seconds",
                float,
                description="answered within T seconds (default with `queue`: its target)",
            ),
            OpenApiParameter(
                "patience_seconds",
                float,
                description="mean patience (Erlang A); without it, estimated from `queue`, else Erlang C",
            ),
            OpenApiParameter("queue", str, description="queue slug whose last 28 days give the defaults"),
            OpenApiParameter("agents", int, description="figures for this many agents"),
            OpenApiParameter(
                "target_service_level",
                float,
                description="the fewest agents reaching this share (default 0.8)",
            ),
            OpenApiParameter(
                "concurrency", int, description="chats one agent handles at once, 1-10 (default 1)"
            ),
            OpenApiParameter(
                "shrinkage", float, description="share of paid time not available, 0-1 (default 0)"
            ),
        ],
        responses={200: StaffingPlanSerializer},
    )
    def get(self, request: Request) -> Response:
        """The `staffing_plan` command's figures as JSON (same fields): Erlang A with a
        patience, Erlang C without; bad parameters answer 400 naming the parameter."""
        params = request.query_params
        try:
            plan = staffing_plan(
                question=staffing_plan_parse(
                    arrivals_per_hour=params.get("arrivals_per_hour"),
                    handle_seconds=params.get("handle_seconds"),
                    target_seconds=params.get("target_seconds"),
                    patience_seconds=params.get("patience_seconds"),
                    agents=params.get("agents"),
                    target_service_level=params.get("target_service_level"),
                    concurrency=params.get("concurrency"),
                    shrinkage=params.get("shrinkage"),
                    queue=params.get("queue"),
                )
            )
        except StaffingInputError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return Response(StaffingPlanSerializer(plan.as_dict()).data)


class ForecastView(APIView):
    permission_classes = [CanViewQueueStatistics]

    @extend_schema(
        parameters=[
            OpenApiParameter("weeks", int, description="calendar weeks from next Monday, 1-4 (default 1)"),
            OpenApiParameter("queue", str, description="queue slug (default: every active queue)"),
            OpenApiParameter(
                "concurrency", int, description="chats per agent for the plan, 1-10 (default 1)"
            ),
            OpenApiParameter("shrinkage", float, description="share of paid time not available (default 0)"),
            OpenApiParameter("target_service_level", float, description="the plan's target (default 0.8)"),
        ],
        responses={200: ForecastReportSerializer},
    )
    def get(self, request: Request) -> Response:
        """Arrivals forecast per queue and half hour with its interval, the backtest over
        the last four weeks (MASE against seasonal-naive), the known events, and the
        staffing plan per slot (`plan`, the columns of the forecast CSV)."""
        params = request.query_params
        try:
            weeks, queue, options = forecast_params_parse(
                weeks=params.get("weeks"),
                queue=params.get("queue"),
                concurrency=params.get("concurrency"),
                shrinkage=params.get("shrinkage"),
                target_service_level=params.get("target_service_level"),
            )
        except ForecastQueryError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        report = queue_forecast_report(today=timezone.localdate(), weeks=weeks, queue=queue)
        body = report.as_dict()
        body["plan"] = forecast_plan_rows(report=report, options=options)
        return Response(ForecastReportSerializer(body).data)
