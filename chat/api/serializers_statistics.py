"""Serializers of the chat statistics API: the report's shape, as published in the schema."""

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


class ForecastReportSerializer(serializers.Serializer):
    origin = serializers.DateField(help_text="the Monday the forecast starts")
    weeks = serializers.IntegerField()
    interval_level = serializers.FloatField()
    queues = QueueForecastSerializer(many=True)
    plan = PlanRowSerializer(many=True)
