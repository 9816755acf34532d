"""control/services/reminders.py and its beat task: a reminder before the documentation
deadline and a notice once it passed, each once per request, sent by a real Celery worker
that celery beat (django-celery-beat's database schedule) starts, to a real SMTP server."""

import importlib
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from control.models import ContactDetails, ControlCase, DocumentationRequest, Notice
from control.services.casework import control_case_decide, control_case_request_documentation
from control.services.reminders import documentation_notices_send
from lanekassen_ai.local_smtp import local_smtp_start
from lanekassen_ai.models import AuditEvent
from lanekassen_ai.services.audit import AuditContext
from tests.control.factories import ControlCaseFactory

SCHEDULE = importlib.import_module("control.migrations.0007_reminders_letters_appeals")


def _requested_case(*, caseworker: Any, days_left: int, email: str = "ola@student.invalid") -> ControlCase:
    case = ControlCaseFactory()
    ContactDetails.objects.create(customer=case.application.customer, email=email, language="nb")
    control_case_request_documentation(
        case=case, requested_by=caseworker, context=AuditContext(actor=caseworker)
    )
    deadline = timezone.localdate() + timedelta(days=days_left)
    DocumentationRequest.objects.filter(case=case).update(deadline=deadline)
    ControlCase.objects.filter(pk=case.pk).update(documentation_deadline=deadline)
    Notice.objects.filter(case=case).delete()  # the request's own notice is not under test here
    return case


@pytest.mark.django_db
def test_the_task_is_scheduled_every_hour_with_celery_beat() -> None:
    task = PeriodicTask.objects.get(task="control.documentation_notices")
    assert task.enabled and (task.interval.every, task.interval.period) == (1, "hours")


@pytest.mark.django_db
def test_each_request_gets_one_reminder_and_one_deadline_notice_however_often_it_runs(
    caseworker: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CONTROL_REMINDER_DAYS_BEFORE_DEADLINE = 5
    soon = _requested_case(caseworker=caseworker, days_left=4)
    later = _requested_case(caseworker=caseworker, days_left=6, email="kari@student.invalid")
    passed = _requested_case(caseworker=caseworker, days_left=-1, email="per@student.invalid")
    context = AuditContext(channel="task")
    with django_capture_on_commit_callbacks(execute=True):
        first = documentation_notices_send(context=context)
        second = documentation_notices_send(context=context)
    assert first == {"reminders": 1, "deadline_notices": 1}
    assert second == {"reminders": 0, "deadline_notices": 0}
    assert [(n.case_id, n.kind, n.status) for n in Notice.objects.order_by("kind")] == [
        (passed.pk, "DEADLINE_PASSED", "SENT"),
        (soon.pk, "REMINDER", "SENT"),
    ]
    reminder = Notice.objects.get(kind="REMINDER")
    assert "Påminnelse" in reminder.subject and "fristen" in reminder.body
    assert not Notice.objects.filter(case=later).exists()  # six days left: not yet
    assert sorted(AuditEvent.objects.filter(channel="task").values_list("action", flat=True)) == [
        "control.case.deadline_passed",
        "control.case.reminder",
    ]


@pytest.mark.django_db
def test_decided_cases_and_cases_with_documents_get_no_reminder(caseworker: Any, settings: Any) -> None:
    settings.CONTROL_REMINDER_DAYS_BEFORE_DEADLINE = 5
    decided = _requested_case(caseworker=caseworker, days_left=2)
    control_case_decide(
        case=decided,
        outcome="CLEARED",
        justification="I orden etter samtale.",
        decided_by=caseworker,
        context=AuditContext(actor=caseworker),
    )
    received = _requested_case(caseworker=caseworker, days_left=2, email="kari@student.invalid")
    ControlCase.objects.filter(pk=received.pk).update(status=ControlCase.Status.DOCUMENTS_RECEIVED)
    Notice.objects.all().delete()
    assert documentation_notices_send(context=AuditContext()) == {"reminders": 0, "deadline_notices": 0}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_beat_and_a_worker_send_the_reminder_and_the_deadline_notice_to_the_smtp_server(
    worker_processes: Any, make_user: Any, tmp_path: Path
) -> None:
    controller, collector = local_smtp_start()
    try:
        caseworker = make_user("saksbehandler")
        soon = _requested_case(caseworker=caseworker, days_left=3)
        passed = _requested_case(caseworker=caseworker, days_left=-2, email="per@student.invalid")
        # The schedule the migration declares (the test database was emptied by earlier
        # transactional tests), then run every two seconds instead of every hour.
        SCHEDULE.schedule(django_apps, None)
        fast, _ = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
        assert PeriodicTask.objects.filter(task="control.documentation_notices").update(interval=fast) == 1
        env = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(controller.port),
            "SMS_FILE_PATH": str(tmp_path / "sms.jsonl"),
            "CELERY_TASK_ALWAYS_EAGER": "false",
        }
        worker_processes(**env)
        worker_processes.beat(**env)
        deadline = time.monotonic() + 120
        while len(collector.messages) < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(5)  # more beats: nothing is sent twice
        by_recipient = {str(m["To"]): str(m["Subject"]).strip() for m in collector.messages}
        assert len(collector.messages) == 2, [m["Subject"] for m in collector.messages]
        assert by_recipient["ola@student.invalid"].startswith("Påminnelse: fristen for dokumentasjon er")
        assert by_recipient["per@student.invalid"].startswith("Fristen for dokumentasjon har gått ut")
        assert Notice.objects.get(case=soon, kind="REMINDER").status == Notice.Status.SENT
        assert Notice.objects.get(case=passed, kind="DEADLINE_PASSED").status == Notice.Status.SENT
    finally:
        controller.stop()
