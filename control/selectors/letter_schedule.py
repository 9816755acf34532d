"""Reading a campaign's letter schedule: the cases still waiting for their first letter,
the working days letters may go out on, and the schedule as the campaign page and the API
show it."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import QuerySet

from control.models import CampaignLetterDay, ControlCampaign, ControlCase


def campaign_letters_pending(*, campaign: ControlCampaign) -> QuerySet[ControlCase]:
    """The campaign's cases that the schedule sends a letter to: open, not locked, nobody
    working on them and never asked for documentation; highest priority first. A case a
    caseworker has taken is theirs to write to."""
    return ControlCase.objects.filter(
        campaign=campaign,
        status=ControlCase.Status.OPEN,
        locked=False,
        assigned_to__isnull=True,
        documentation_requests__isnull=True,
    ).order_by("-priority", "pk")


def letter_working_days(*, after: date, count: int, until: date | None = None) -> list[date]:
    """The next `count` working days (Monday to Friday) after `after`, none after `until`."""
    days: list[date] = []
    day = after
    while len(days) < count:
        day += timedelta(days=1)
        if until is not None and day > until:
            break
        if day.weekday() < 5:
            days.append(day)
    return days


@dataclass(frozen=True)
class LetterScheduleDay:
    day: date
    letters: int
    capacity: int | None
    capacity_source: str
    expected_arrivals: float | None  # the chat's forecast that day without this campaign's letters
    arrivals_per_letter: float | None
    sent: int
    sent_at: object | None

    @property
    def expected_arrivals_with_letters(self) -> float | None:
        if self.expected_arrivals is None or self.arrivals_per_letter is None:
            return None
        return round(self.expected_arrivals + self.letters * self.arrivals_per_letter, 2)

    @property
    def over_capacity(self) -> bool:
        return self.capacity is not None and self.letters > self.capacity


@dataclass(frozen=True)
class LetterSchedule:
    state: str  # ControlCampaign.LetterSchedule
    letters_by: date | None
    default_reason: str
    pending: int  # cases still waiting for their first letter
    days: list[LetterScheduleDay] = field(default_factory=list)

    @property
    def planned(self) -> int:
        return sum(d.letters for d in self.days)

    @property
    def sent(self) -> int:
        return sum(d.sent for d in self.days)

    @property
    def unplanned(self) -> int:
        """Waiting cases the schedule leaves to the caseworkers (letters not yet sent that
        no day carries)."""
        return max(self.pending - (self.planned - self.sent), 0)

    @property
    def uses_default(self) -> bool:
        return any(d.capacity_source == "default" for d in self.days)

    @property
    def uses_chat(self) -> bool:
        return any(d.capacity_source != "default" for d in self.days)


def campaign_letter_schedule(*, campaign: ControlCampaign) -> LetterSchedule:
    """The campaign's letter schedule, day by day (two queries)."""
    rows = CampaignLetterDay.objects.filter(campaign=campaign).order_by("day")
    return LetterSchedule(
        state=campaign.letter_schedule,
        letters_by=campaign.letters_by,
        default_reason=campaign.letter_capacity_default_reason,
        pending=campaign_letters_pending(campaign=campaign).count() if campaign.letter_schedule else 0,
        days=[
            LetterScheduleDay(
                day=row.day,
                letters=row.letters,
                capacity=row.capacity,
                capacity_source=row.capacity_source,
                expected_arrivals=row.expected_arrivals,
                arrivals_per_letter=row.arrivals_per_letter,
                sent=row.sent,
                sent_at=row.sent_at,
            )
            for row in rows
        ],
    )
