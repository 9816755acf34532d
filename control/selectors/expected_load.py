"""The residence control's known load on the other channels, for
`lanekassen_ai.expected_load`: documentation letters sent per day and their deadlines falling
due per day (students write to the chat when the letter arrives and as the deadline nears).

Letters of campaign notices are not here yet: only documentation requests carry dates."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate

from control.models import DocumentationRequest
from lanekassen_ai.expected_load import ExpectedLoadEvent
from lanekassen_ai.timezones import agency_timezone

TOPIC = "residence_control"


def control_expected_load_events(*, since: date, until: date) -> Iterable[ExpectedLoadEvent]:
    """Per day in `since`..`until`: documentation letters sent and deadlines due. Two
    grouped queries."""
    start = datetime.combine(since, time(0), tzinfo=agency_timezone())
    end = datetime.combine(until + timedelta(days=1), time(0), tzinfo=agency_timezone())
    sent = (
        DocumentationRequest.objects.filter(requested_at__gte=start, requested_at__lt=end)
        .annotate(day=TruncDate("requested_at", tzinfo=agency_timezone()))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    for row in sent:
        yield ExpectedLoadEvent(
            day=row["day"],
            topic=TOPIC,
            kind="letters_sent",
            count=row["n"],
            source="control",
            title="Dokumentasjonsbrev sendt",
        )
    due = (
        DocumentationRequest.objects.filter(deadline__gte=since, deadline__lte=until)
        .values("deadline")
        .annotate(n=Count("pk"))
        .order_by("deadline")
    )
    for row in due:
        yield ExpectedLoadEvent(
            day=row["deadline"],
            topic=TOPIC,
            kind="deadline",
            count=row["n"],
            source="control",
            title="Frist for dokumentasjon",
        )
