"""The residence control's known load on the other channels, for
`lanekassen_ai.expected_load`: documentation letters sent per day and their deadlines falling
due per day (students write to the chat when the letter arrives and as the deadline nears).

Sent letters come from the documentation requests; the letters an accepted campaign letter
schedule has still to send (`CampaignLetterDay.letters - sent` of days not yet closed) are
added on their day, with their deadline `documentation_days` later, so the forecast sees a
campaign's letters before they go out. A day's letters already sent are counted once (as
requests), the rest once (as schedule)."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Sum
from django.db.models.functions import TruncDate

from control.models import CampaignLetterDay, ControlCampaign, DocumentationRequest
from lanekassen_ai.expected_load import ExpectedLoadEvent
from lanekassen_ai.timezones import agency_timezone

TOPIC = "residence_control"
# The longest documentation deadline a campaign can set (the form's maximum), so the
# scheduled letters whose deadline falls in the window are found in one bounded query.
MAX_DOCUMENTATION_DAYS = 120


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
    scheduled: dict[tuple[str, date], int] = {}
    for row in (
        CampaignLetterDay.objects.filter(
            sent_at__isnull=True,
            sent__lt=F("letters"),
            day__gte=since - timedelta(days=MAX_DOCUMENTATION_DAYS),
            day__lte=until,
            campaign__status=ControlCampaign.Status.CONFIRMED,
            campaign__letter_schedule=ControlCampaign.LetterSchedule.ACCEPTED,
        )
        .values("day", "campaign__documentation_days")
        .annotate(n=Sum(F("letters") - F("sent")))
        .order_by()
    ):
        if since <= row["day"] <= until:
            scheduled[("letters_sent", row["day"])] = (
                scheduled.get(("letters_sent", row["day"]), 0) + row["n"]
            )
        deadline = row["day"] + timedelta(days=row["campaign__documentation_days"])
        if since <= deadline <= until:
            scheduled[("deadline", deadline)] = scheduled.get(("deadline", deadline), 0) + row["n"]
    titles = {
        "letters_sent": "Dokumentasjonsbrev etter utsendingsplanen",
        "deadline": "Frist for dokumentasjon (planlagte brev)",
    }
    for (kind, day), n in sorted(scheduled.items(), key=lambda item: (item[0][1], item[0][0])):
        yield ExpectedLoadEvent(
            day=day, topic=TOPIC, kind=kind, count=n, source="control", title=titles[kind]
        )
