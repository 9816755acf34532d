"""Queue and assistant statistics as JSON (capability VIEW_QUEUE_STATISTICS)."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chat.api.serializers_agent import QueueLiveSerializer
from chat.api.serializers_statistics import StatisticsReportSerializer
from chat.selectors.queues import queue_live_overview
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
        service level, average handling time, CSAT and the Erlang C staffing
        recommendation; totals per queue; the assistants' figures and top intents and
        not-understood questions. Periods are bounded (31 days per half hour, 366 per day)."""
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
