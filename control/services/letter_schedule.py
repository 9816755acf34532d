"""The letter schedule of a confirmed campaign: on which working days its documentation
letters go out, so that the chat, where students turn when a letter arrives, keeps its
service level.

- **Propose** (`campaign_letter_schedule_propose`, called when a campaign is confirmed, and
  again from the page): the cases waiting for their first letter are spread over the
  working days from tomorrow (at most CONTROL_LETTER_SCHEDULE_DAYS of them, none after the
  campaign's last day for letters), earliest first, each day up to its capacity. The
  capacity comes from `lanekassen_ai.letter_capacity`: the chat's forecast and staffing plan
  when the chat is installed and can judge the day, else CONTROL_LETTERS_PER_DAY_DEFAULT;
  each day stores which one it was. Letters that do not fit stay with the caseworkers.
- **Accept** (`campaign_letter_schedule_accept`): the manager takes the proposal, or changes
  the count of some days; every count is checked (a whole number, at most the day's
  capacity, all together at most the letters waiting).
- **Send** (`campaign_letters_send`, an hourly beat task): each accepted day that has come
  sends its letters through `control_case_request_documentation` (letter, notice, audit)
  in chunks. Idempotent under concurrency: each chunk holds the day's row lock (SELECT ...
  FOR UPDATE) while it picks cases that have never had a request, so two runs at once wait
  for each other and the second finds the letters sent; `sent` never passes `letters` (a
  check constraint backs it up) and `sent_at` closes the day once. A day missed (no beat)
  goes out at the next run.
"""

from collections.abc import Mapping
from datetime import date

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from control.models import CampaignLetterDay, ControlCampaign
from control.selectors.letter_schedule import campaign_letters_pending, letter_working_days
from control.services.casework import control_case_request_documentation
from lanekassen_ai.letter_capacity import letter_capacity
from lanekassen_ai.services.audit import AuditContext, audit_record

TOPIC = "residence_control"
# The code of a ValidationError the campaign's state causes (the API answers 409), as
# against wrong input (400).
STATE = "state"
# Letters per transaction while sending: each makes a PDF, so a chunk stays short.
SEND_CHUNK = 20


def _day(value: date) -> str:
    return formats.date_format(value, "l j. F")


def campaign_letter_schedule_propose(
    *,
    campaign: ControlCampaign,
    context: AuditContext,
    letters_by: date | None = None,
    today: date | None = None,
) -> ControlCampaign:
    """Propose (again) when the confirmed campaign's letters go out; replaces an earlier
    proposal. `letters_by` is the last day letters may go out (default: the campaign's,
    else no limit but CONTROL_LETTER_SCHEDULE_DAYS working days). Audited."""
    today = today or timezone.localdate()
    if campaign.status != ControlCampaign.Status.CONFIRMED:
        raise ValidationError(_("Utsendingsplanen lages når kampanjen er bekreftet."), code=STATE)
    if campaign.letter_schedule == ControlCampaign.LetterSchedule.ACCEPTED:
        raise ValidationError(_("Utsendingsplanen er allerede godtatt og kan ikke endres."), code=STATE)
    last = letters_by or campaign.letters_by
    if last is not None and last <= today:
        raise ValidationError(
            {
                "letters_by": [
                    _("Siste dag for brev må være etter i dag (%(today)s).") % {"today": _day(today)}
                ]
            }
        )
    days = letter_working_days(after=today, count=settings.CONTROL_LETTER_SCHEDULE_DAYS, until=last)
    # Asked before the transaction: the chat's forecast may take a few seconds.
    capacity = letter_capacity(
        topic=TOPIC, days=days, default_per_day=settings.CONTROL_LETTERS_PER_DAY_DEFAULT
    )
    with transaction.atomic():
        locked = ControlCampaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.letter_schedule == ControlCampaign.LetterSchedule.ACCEPTED:
            raise ValidationError(_("Utsendingsplanen er allerede godtatt og kan ikke endres."), code=STATE)
        left = campaign_letters_pending(campaign=locked).count()
        rows = []
        for day in capacity.days:
            letters = left if day.letters is None else min(left, day.letters)
            left -= letters
            rows.append(
                CampaignLetterDay(
                    campaign=locked,
                    day=day.day,
                    letters=letters,
                    capacity=day.letters,
                    capacity_source=day.source,
                    expected_arrivals=day.expected_arrivals,
                    arrivals_per_letter=day.arrivals_per_letter,
                )
            )
        CampaignLetterDay.objects.filter(campaign=locked).delete()
        CampaignLetterDay.objects.bulk_create(rows)
        locked.letter_schedule = ControlCampaign.LetterSchedule.PROPOSED
        locked.letters_by = last
        locked.letter_capacity_default_reason = capacity.default_reason
        locked.save(update_fields=["letter_schedule", "letters_by", "letter_capacity_default_reason"])
        audit_record(
            action="control.campaign.letter_schedule.propose",
            obj=locked,
            context=context,
            details={
                "days": {row.day.isoformat(): row.letters for row in rows if row.letters},
                "unplanned": left,
                "capacity_sources": sorted(capacity.sources),
                "default_reason": capacity.default_reason,
            },
        )
    return locked


def _count(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    try:
        return int(str(raw).strip())
    except ValueError:
        return None


def campaign_letter_schedule_accept(
    *,
    campaign: ControlCampaign,
    accepted_by: User,
    context: AuditContext,
    letters: Mapping[str, object] | None = None,
) -> ControlCampaign:
    """Accept the proposed schedule, with `letters` (ISO day → count, as typed) changing the
    days given. Each count must be a whole number from 0 to the day's capacity, and all the
    days together at most the letters waiting; every mistake is reported, by day. Audited."""
    changes = dict(letters or {})
    with transaction.atomic():
        locked = ControlCampaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.letter_schedule != ControlCampaign.LetterSchedule.PROPOSED:
            raise ValidationError(_("Det finnes ingen foreslått utsendingsplan å godta."), code=STATE)
        rows = {row.day.isoformat(): row for row in CampaignLetterDay.objects.filter(campaign=locked)}
        errors: list[str] = []
        for key in sorted(set(changes) - set(rows)):
            errors.append(_("%(day)s er ikke en dag i planen.") % {"day": key})
        for key, row in rows.items():
            if key not in changes:
                continue
            count = _count(changes[key])
            if count is None or count < 0:
                errors.append(
                    _("%(day)s: skriv antall brev som et helt tall fra 0, ikke «%(value)s».")
                    % {"day": _day(row.day), "value": changes[key]}
                )
            elif row.capacity is not None and count > row.capacity:
                errors.append(
                    _("%(day)s: %(count)s brev er mer enn kapasiteten på %(capacity)s.")
                    % {"day": _day(row.day), "count": count, "capacity": row.capacity}
                )
            else:
                row.letters = count
        pending = campaign_letters_pending(campaign=locked).count()
        total = sum(row.letters for row in rows.values())
        if not errors and total > pending:
            errors.append(
                _("Planen sender %(total)s brev, men bare %(pending)s saker venter på brev.")
                % {"total": total, "pending": pending}
            )
        if errors:
            raise ValidationError(errors)
        CampaignLetterDay.objects.bulk_update(list(rows.values()), ["letters"])
        CampaignLetterDay.objects.filter(campaign=locked, letters=0).delete()
        locked.letter_schedule = ControlCampaign.LetterSchedule.ACCEPTED
        locked.letter_schedule_accepted_by = accepted_by
        locked.letter_schedule_accepted_at = timezone.now()
        locked.save(
            update_fields=["letter_schedule", "letter_schedule_accepted_by", "letter_schedule_accepted_at"]
        )
        audit_record(
            action="control.campaign.letter_schedule.accept",
            actor=accepted_by,
            obj=locked,
            context=context,
            details={
                "days": {key: row.letters for key, row in sorted(rows.items()) if row.letters},
                "changed": sorted(changes),
                "unplanned": pending - total,
            },
        )
    return locked


def _send_chunk(*, letter_day_id: int, context: AuditContext) -> tuple[int, str]:
    """Send up to SEND_CHUNK of the day's letters under its row lock; returns the letters
    sent now and "open", "closed" (by this chunk) or "gone" (closed by another run)."""
    with transaction.atomic():
        day = (
            CampaignLetterDay.objects.select_for_update(of=("self",))
            .select_related("campaign", "campaign__letter_schedule_accepted_by", "campaign__confirmed_by")
            .filter(pk=letter_day_id, sent_at__isnull=True)
            .first()
        )
        if day is None:  # closed meanwhile by another run
            return 0, "gone"
        campaign = day.campaign
        sender = campaign.letter_schedule_accepted_by or campaign.confirmed_by
        wanted = min(day.letters - day.sent, SEND_CHUNK)
        pending = campaign_letters_pending(campaign=campaign)
        cases = []
        if sender is not None:  # nobody to send in the name of (both users deleted): the day closes
            cases = list(pending.select_for_update(skip_locked=True, of=("self",))[:wanted])
            for case in cases:
                control_case_request_documentation(
                    case=case, requested_by=sender, take_case=False, context=context
                )
        day.sent += len(cases)
        closed = day.sent >= day.letters or sender is None or (len(cases) < wanted and not pending.exists())
        fields = ["sent"]
        if closed:
            day.sent_at = timezone.now()
            fields.append("sent_at")
            audit_record(
                action="control.campaign.letters_send",
                obj=campaign,
                context=context,
                details={"day": day.day.isoformat(), "letters": day.letters, "sent": day.sent},
            )
        day.save(update_fields=fields)
    return len(cases), "closed" if closed else "open"


def campaign_letters_send(*, context: AuditContext, today: date | None = None) -> dict[str, int]:
    """Send the letters of every accepted schedule's days up to `today` not yet sent;
    returns the number of days closed and letters sent."""
    today = today or timezone.localdate()
    due = list(
        CampaignLetterDay.objects.filter(
            day__lte=today,
            sent_at__isnull=True,
            campaign__status=ControlCampaign.Status.CONFIRMED,
            campaign__letter_schedule=ControlCampaign.LetterSchedule.ACCEPTED,
        )
        .order_by("day", "pk")
        .values_list("pk", flat=True)
    )
    result = {"days": 0, "letters": 0}
    for letter_day_id in due:
        while True:
            sent, state = _send_chunk(letter_day_id=letter_day_id, context=context)
            result["letters"] += sent
            result["days"] += state == "closed"
            if state != "open":
                break
            if not sent:  # every waiting case is being worked on right now; the next run goes on
                break
    return result
