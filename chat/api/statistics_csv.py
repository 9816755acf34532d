"""The queue statistics as CSV (capability VIEW_QUEUE_STATISTICS): the same rows as the
statistics page's download, for spreadsheets and other systems."""

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.views import APIView

from chat.selectors.forecast import ForecastQueryError, forecast_params_parse
from chat.selectors.statistics import (
    StatisticsQueryError,
    queue_statistics,
    statistics_csv_rows,
    statistics_period_parse,
)
from lanekassen_ai.api.downloads import (
    CSV_RENDERERS,
    DownloadErrorsAsJsonMixin,
)
from lanekassen_ai.api.permissions import HasCapability
from lanekassen_ai.api.serializers import ErrorSerializer
from lanekassen_ai.csv_cells import CsvSafeWriter
from lanekassen_ai.roles import Capability


class StatisticsCsvView(DownloadErrorsAsJsonMixin, APIView):
    permission_classes = [HasCapability(Capability.VIEW_QUEUE_STATISTICS)]
    renderer_classes = CSV_RENDERERS

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="first day, YYYY-MM-DD (default: 6 days before `to`)"),
            OpenApiParameter("to", str, description="last day, inclusive, YYYY-MM-DD (default: today)"),
            OpenApiParameter("granularity", str, enum=["slot", "day", "week"], description="default: day"),
            OpenApiParameter("queue", str, description="queue slug (default: all queues)"),
            OpenApiParameter("concurrency", float, description="chats per agent at once (default 1)"),
            OpenApiParameter(
                "target_service_level", float, description="service level goal, 0-1 (default 0.8)"
            ),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="One row per period and queue, with a header row",
                examples=[
                    OpenApiExample(
                        "Header and one row",
                        value="period,queue,offered,answered,abandoned,...\n2026-11-30,studielan,120,112,8,...\n",
                    )
                ],
            ),
            (400, "application/json"): ErrorSerializer,
        },
    )
    def get(self, request: Request) -> Any:
        """Per period and queue the same figures as GET statistics/, as CSV."""
        params = request.query_params
        try:
            since, until, granularity, queue = statistics_period_parse(
                since=params.get("from"),
                until=params.get("to"),
                granularity=params.get("granularity"),
                queue=params.get("queue"),
                today=timezone.localdate(),
            )
            _, _, options = forecast_params_parse(
                weeks=None,
                queue=params.get("queue"),
                concurrency=params.get("concurrency"),
                target_service_level=params.get("target_service_level"),
            )
        except (StatisticsQueryError, ForecastQueryError) as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        report = queue_statistics(
            since=since,
            until=until,
            granularity=granularity,
            queue=queue,
            service_level_goal=options.target_service_level,
            concurrency=options.concurrency,
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"chat-statistikk-{report.since}-{report.until}-{report.granularity}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        CsvSafeWriter(response).writerows(statistics_csv_rows(report=report))
        return response
