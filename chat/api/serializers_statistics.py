"""Serializers of the chat statistics API: the report's shape, as published in the schema."""

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers


class PeriodRowSerializer(serializers.Serializer):
    period_start = serializers.CharField(help_text="start of the period, ISO 8601 in the agency's time zone")
    queue = serializers.CharField(allow_null=True)
    queue_name = serializers.CharField(allow_null=True, allow_blank=True)
    offered = serializers.IntegerField()
    answered = serializers.IntegerField()
    abandoned = serializers.IntegerField()
    answered_within_target = serializers.IntegerField()
    average_speed_of_answer = serializers.FloatField(allow_null=True, help_text="seconds")
    service_level = serializers.FloatField(allow_null=True)
    average_handling_time = serializers.FloatField(allow_null=True, help_text="seconds")
    csat = serializers.FloatField(allow_null=True)
    ratings = serializers.IntegerField()
    recommended_agents = serializers.IntegerField(allow_null=True)


class BotFiguresSerializer(serializers.Serializer):
    assistant = serializers.CharField()
    conversations = serializers.IntegerField()
    handed_over = serializers.IntegerField()
    deflection_rate = serializers.FloatField(allow_null=True)
    handover_rate = serializers.FloatField(allow_null=True)
    customer_messages = serializers.IntegerField()
    bot_replies = serializers.IntegerField()
    fallbacks = serializers.IntegerField()
    fallback_rate = serializers.FloatField(allow_null=True)


class TopIntentSerializer(serializers.Serializer):
    assistant = serializers.CharField()
    intent = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    replies = serializers.IntegerField()


class TopNotUnderstoodSerializer(serializers.Serializer):
    assistant = serializers.CharField()
    text = serializers.CharField(allow_blank=True)
    count = serializers.IntegerField()


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "One day on the grant queue",
            response_only=True,
            status_codes=["200"],
            value={
                "from": "2026-11-30",
                "to": "2026-11-30",
                "granularity": "day",
                "queue": "stipend",
                "service_level_goal": 0.8,
                "rows": [
                    {
                        "period_start": "2026-11-30",
                        "queue": "stipend",
                        "queue_name": "Stipend og lån",
                        "offered": 184,
                        "answered": 171,
                        "abandoned": 13,
                        "answered_within_target": 139,
                        "average_speed_of_answer": 41.5,
                        "service_level": 0.81,
                        "average_handling_time": 412.0,
                        "csat": 4.3,
                        "ratings": 58,
                        "recommended_agents": 6,
                    }
                ],
                "totals": [
                    {
                        "period_start": "2026-11-30",
                        "queue": "stipend",
                        "queue_name": "Stipend og lån",
                        "offered": 184,
                        "answered": 171,
                        "abandoned": 13,
                        "answered_within_target": 139,
                        "average_speed_of_answer": 41.5,
                        "service_level": 0.81,
                        "average_handling_time": 412.0,
                        "csat": 4.3,
                        "ratings": 58,
                        "recommended_agents": 6,
                    }
                ],
                "bot": [
                    {
                        "assistant": "kunde",
                        "conversations": 1240,
                        "handed_over": 184,
                        "deflection_rate": 0.85,
                        "handover_rate": 0.15,
                        "customer_messages": 2911,
                        "bot_replies": 2790,
                        "fallbacks": 121,
                        "fallback_rate": 0.043,
                    }
                ],
                "top_intents": [
                    {
                        "assistant": "kunde",
                        "intent": "utbetalingsdato",
                        "title": "Når kommer pengene?",
                        "replies": 402,
                    }
                ],
                "top_not_understood": [
                    {"assistant": "kunde", "text": "kan jeg få utsettelse på eksamen", "count": 7}
                ],
            },
        ),
    ]
)
class StatisticsReportSerializer(serializers.Serializer):
    """Per period and queue, totals per queue, the assistants' figures and top lists."""

    from_ = serializers.DateField()
    to = serializers.DateField()
    granularity = serializers.ChoiceField(choices=["slot", "day", "week"])
    queue = serializers.CharField(allow_null=True)
    service_level_goal = serializers.FloatField()
    rows = PeriodRowSerializer(many=True)
    totals = PeriodRowSerializer(many=True)
    bot = BotFiguresSerializer(many=True)
    top_intents = TopIntentSerializer(many=True)
    top_not_understood = TopNotUnderstoodSerializer(many=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        # "from" is a Python keyword: declared as from_, published as "from".
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Erlang A for the grant queue",
            response_only=True,
            status_codes=["200"],
            value={
                "model": "erlang_a",
                "agents": 6,
                "agents_to_schedule": 8,
                "servers": 12,
                "concurrency": 2,
                "shrinkage": 0.3,
                "arrivals_per_hour": 42.0,
                "handle_seconds": 420.0,
                "target_seconds": 60.0,
                "patience_seconds": 180.0,
                "patience_source": "measured",
                "queue": "stipend",
                "target_service_level": 0.8,
                "meets_target": True,
                "traffic_erlangs": 4.9,
                "probability_wait": 0.21,
                "service_level": 0.86,
                "abandon_probability": 0.03,
                "mean_wait_seconds": 14.2,
                "asa_seconds": 14.2,
                "occupancy": 0.41,
                "stable": True,
            },
        ),
    ]
)
class StaffingPlanSerializer(serializers.Serializer):
    """The `staffing_plan` command's figures (`StaffingPlan.as_dict`)."""

    model = serializers.ChoiceField(choices=["erlang_a", "erlang_c"])
    agents = serializers.IntegerField()
    agents_to_schedule = serializers.IntegerField(help_text="agents divided by (1 - shrinkage), rounded up")
    servers = serializers.IntegerField(help_text="agents x concurrency: chats handled at once")
    concurrency = serializers.IntegerField()
    shrinkage = serializers.FloatField()
    arrivals_per_hour = serializers.FloatField()
    handle_seconds = serializers.FloatField()
    target_seconds = serializers.FloatField()
    patience_seconds = serializers.FloatField(allow_null=True)
    patience_source = serializers.CharField(allow_blank=True, allow_null=True)
    queue = serializers.CharField(allow_null=True)
    target_service_level = serializers.FloatField(allow_null=True)
    meets_target = serializers.BooleanField(allow_null=True)
    traffic_erlangs = serializers.FloatField(allow_null=True)
    probability_wait = serializers.FloatField(allow_null=True)
    service_level = serializers.FloatField(allow_null=True)
    abandon_probability = serializers.FloatField(allow_null=True)
    mean_wait_seconds = serializers.FloatField(allow_null=True, help_text="null: unbounded")
    asa_seconds = serializers.FloatField(allow_null=True)
    occupancy = serializers.FloatField(allow_null=True)
    stable = serializers.BooleanField()


class BacktestSerializer(serializers.Serializer):
    weeks = serializers.IntegerField()
    slots = serializers.IntegerField()
    mae = serializers.FloatField()
    mae_seasonal_naive = serializers.FloatField()
    mase = serializers.FloatField(help_text="below 1: better than the seasonal-naive forecast")
    mase_seasonal_naive = serializers.FloatField()
    interval_coverage = serializers.FloatField()
    level = serializers.FloatField()


class ForecastEventSerializer(serializers.Serializer):
    day = serializers.DateField()
    kind = serializers.CharField()
    count = serializers.IntegerField()
    title = serializers.CharField(allow_blank=True)
    arrivals_per_event = serializers.FloatField(allow_null=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        # "source" is an attribute of every DRF field, so it cannot be declared on the class.
        fields = super().get_fields()
        fields["source"] = serializers.CharField(allow_blank=True, help_text="where the event comes from")
        return fields


class ForecastSlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    mean = serializers.FloatField()
    lower = serializers.IntegerField()
    upper = serializers.IntegerField()
    events = serializers.FloatField(help_text="expected extra arrivals from known events")


class QueueForecastSerializer(serializers.Serializer):
    queue = serializers.CharField()
    queue_name = serializers.CharField(allow_blank=True)
    history_weeks = serializers.IntegerField()
    history_start = serializers.DateField(allow_null=True)
    backtest = BacktestSerializer(allow_null=True)
    note = serializers.CharField(allow_blank=True)
    handle_seconds = serializers.FloatField()
    target_seconds = serializers.IntegerField()
    patience_seconds = serializers.FloatField(allow_null=True)
    events = ForecastEventSerializer(many=True)
    slots = ForecastSlotSerializer(many=True)


class PlanRowSerializer(serializers.Serializer):
    """One queue and half hour: the columns of the forecast CSV."""

    queue = serializers.CharField()
    slot_start = serializers.DateTimeField()
    slot_end = serializers.DateTimeField()
    forecast_arrivals = serializers.FloatField()
    forecast_lower = serializers.IntegerField()
    forecast_upper = serializers.IntegerField()
    interval_level = serializers.FloatField()
    event_arrivals = serializers.FloatField()
    model = serializers.ChoiceField(choices=["erlang_a", "erlang_c"])
    handle_seconds = serializers.IntegerField()
    target_seconds = serializers.IntegerField()
    patience_seconds = serializers.IntegerField(allow_null=True)
    concurrency = serializers.IntegerField()
    agents = serializers.IntegerField()
    agents_to_schedule = serializers.IntegerField()
    service_level = serializers.FloatField()
    abandon_probability = serializers.FloatField()


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A week's forecast for the grant queue",
            response_only=True,
            status_codes=["200"],
            value={
                "origin": "2026-11-30",
                "weeks": 1,
                "interval_level": 0.8,
                "queues": [
                    {
                        "queue": "stipend",
                        "queue_name": "Stipend og lån",
                        "history_weeks": 52,
                        "history_start": "2025-12-01",
                        "backtest": {
                            "weeks": 8,
                            "slots": 2688,
                            "mae": 2.1,
                            "mae_seasonal_naive": 2.9,
                            "mase": 0.72,
                            "mase_seasonal_naive": 1.0,
                            "interval_coverage": 0.79,
                            "level": 0.8,
                        },
                        "note": "",
                        "handle_seconds": 420.0,
                        "target_seconds": 60,
                        "patience_seconds": 180.0,
                        "events": [
                            {
                                "day": "2026-12-15",
                                "kind": "payout",
                                "count": 1,
                                "title": "Utbetaling",
                                "arrivals_per_event": 35.0,
                                "source": "calendar",
                            }
                        ],
                        "slots": [
                            {
                                "start": "2026-11-30T08:00:00+01:00",
                                "mean": 21.4,
                                "lower": 15,
                                "upper": 28,
                                "events": 0.0,
                            }
                        ],
                    }
                ],
                "plan": [
                    {
                        "queue": "stipend",
                        "slot_start": "2026-11-30T08:00:00+01:00",
                        "slot_end": "2026-11-30T08:30:00+01:00",
                        "forecast_arrivals": 21.4,
                        "forecast_lower": 15,
                        "forecast_upper": 28,
                        "interval_level": 0.8,
                        "event_arrivals": 0.0,
                        "model": "erlang_a",
                        "handle_seconds": 420,
                        "target_seconds": 60,
                        "patience_seconds": 180,
                        "concurrency": 2,
                        "agents": 5,
                        "agents_to_schedule": 7,
                        "service_level": 0.84,
                        "abandon_probability": 0.03,
                    }
                ],
            },
        ),
    ]
)
class ForecastReportSerializer(serializers.Serializer):
    origin = serializers.DateField(help_text="the Monday the forecast starts")
    weeks = serializers.IntegerField()
    interval_level = serializers.FloatField()
    queues = QueueForecastSerializer(many=True)
    plan = PlanRowSerializer(many=True)
