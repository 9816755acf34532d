"""The notices around a documentation deadline, sent by a periodic task (django-celery-beat,
control migration 0007): a reminder CONTROL_REMINDER_DAYS_BEFORE_DEADLINE days before the
deadline of a request still waiting for documents, and a notice once the deadline passed.

Idempotent: each request's reminder and deadline notice are queued once, under the
request's row lock (`reminded_at`, `deadline_notified_at`), and a unique constraint on the
notices backs that up; running the task twice, or two beats at once, sends nothing twice.
A reminder that would come after the deadline is not sent: the deadline notice says it.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from control.models import ControlCase, DocumentationRequest, Notice
from control.services.notices import notice_queue_for_case
from lanekassen_ai.services.audit import AuditContext, audit_record

# Bounded work per run; the next run (an hour later) takes the rest.
BATCH_SIZE = 500


def _waiting_requests(*, deadline_filter: dict[str, object], sent_field: str) -> list[int]:
    """Ids of the latest request of cases still waiting for documents, not yet notified."""
    return list(
        DocumentationRequest.objects.filter(
            **deadline_filter,
            **{f"{sent_field}__isnull": True},
            case__status=ControlCase.Status.AWAITING_DOCUMENTS,
            case__locked=False,
            deadline=F("case__documentation_deadline"),
        )
        .order_by("deadline", "pk")
        .values_list("pk", flat=True)[:BATCH_SIZE]
    )


def _notify_once(
    *, documentation_request_id: int, kind: str, sent_field: str, action: str, context: AuditContext
) -> bool:
    with transaction.atomic():
        documentation_request = (
            DocumentationRequest.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("case", "case__application")
            .filter(pk=documentation_request_id, **{f"{sent_field}__isnull": True})
            .first()
        )
        if documentation_request is None:  # done meanwhile, or another run holds it
            return False
        setattr(documentation_request, sent_field, timezone.now())
        documentation_request.save(update_fields=[sent_field])
        notice_queue_for_case(
            case=documentation_request.case,
            kind=kind,
            deadline=documentation_request.deadline,
            documentation_request=documentation_request,
        )
        audit_record(
            action=action,
            obj=documentation_request.case,
            context=context,
            details={
                "documentation_request_id": documentation_request.pk,
                "deadline": documentation_request.deadline.isoformat(),
            },
        )
    return True


def documentation_notices_send(*, context: AuditContext, today: date | None = None) -> dict[str, int]:
    """Queue the reminders that are due and the deadline-passed notices; returns how many
    requests got each."""
    today = today or timezone.localdate()
    reminder_from = today + timedelta(days=settings.CONTROL_REMINDER_DAYS_BEFORE_DEADLINE)
    reminders = _waiting_requests(
        deadline_filter={"deadline__gte": today, "deadline__lte": reminder_from}, sent_field="reminded_at"
    )
    passed = _waiting_requests(deadline_filter={"deadline__lt": today}, sent_field="deadline_notified_at")
    sent = {"reminders": 0, "deadline_notices": 0}
    for request_id in reminders:
        sent["reminders"] += _notify_once(
            documentation_request_id=request_id,
            kind=Notice.Kind.REMINDER,
            sent_field="reminded_at",
            action="control.case.reminder",
            context=context,
        )
    for request_id in passed:
        sent["deadline_notices"] += _notify_once(
            documentation_request_id=request_id,
            kind=Notice.Kind.DEADLINE_PASSED,
            sent_field="deadline_notified_at",
            action="control.case.deadline_passed",
            context=context,
        )
    return sent
