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
