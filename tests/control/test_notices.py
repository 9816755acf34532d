"""control/services/notices.py and the notice task: e-mail through Django's SMTP backend to
a real SMTP server, SMS through the file backend, stored with the case, retried."""

import json
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from control.models import ContactDetails, Notice
from control.services.casework import control_case_decide, control_case_request_documentation
from lanekassen_ai.local_smtp import free_port, local_smtp_start
from lanekassen_ai.services.audit import AuditContext
from tests.control.factories import ControlCaseFactory

pytestmark = pytest.mark.django_db


def _case_with_contact(language: str = "nb") -> Any:
    case = ControlCaseFactory()
    ContactDetails.objects.create(
        customer=case.application.customer,
        email="ola@student.invalid",
        mobile="+4791234567",
        language=language,
    )
    return case


def test_a_documentation_request_sends_an_email_and_an_sms(
    smtp_server: Any, caseworker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = _case_with_contact()
    with django_capture_on_commit_callbacks(execute=True):
        control_case_request_documentation(
            case=case, requested_by=caseworker, context=AuditContext(actor=caseworker)
        )
    [message] = smtp_server.messages
    assert message["To"] == "ola@student.invalid"
    assert f"sak {case.campaign_id}-{case.pk}" in message["Subject"]
    assert "/mine-sider/" in message.get_body(preferencelist=("plain",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content().startswith(b"%PDF")
    sms = [json.loads(line) for line in Path(django_settings.SMS_FILE_PATH).read_text().splitlines()]
    assert [s["to"] for s in sms] == ["+4791234567"]
    notices = list(Notice.objects.filter(case=case).order_by("channel"))
    assert [(n.channel, n.kind, n.status, n.attempts) for n in notices] == [
        ("EMAIL", "DOCUMENTATION_REQUEST", "SENT", 1),
        ("SMS", "DOCUMENTATION_REQUEST", "SENT", 1),
    ]
    assert all(n.sent_at for n in notices)


def test_the_notices_come_in_the_students_written_standard(
    smtp_server: Any, caseworker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = _case_with_contact(language="nn")
    with django_capture_on_commit_callbacks(execute=True):
        control_case_request_documentation(
            case=case, requested_by=caseworker, context=AuditContext(actor=caseworker)
        )
        control_case_decide(
            case=case,
            outcome="CLEARED",
            justification="Leiekontrakten er i orden.",
            decided_by=caseworker,
            context=AuditContext(actor=caseworker),
        )
    subjects = [str(m["Subject"]).strip() for m in smtp_server.messages]
    assert subjects[0].startswith("Lånekassen ber deg dokumentere kvar du bur")
    assert subjects[1].startswith("Lånekassen har gjort vedtak i saka di")


def test_a_student_without_an_address_gets_a_failed_notice_saying_so(caseworker: Any) -> None:
    case = ControlCaseFactory()
    control_case_request_documentation(
        case=case, requested_by=caseworker, context=AuditContext(actor=caseworker)
    )
    notice = Notice.objects.get(case=case)
    assert notice.status == Notice.Status.FAILED
    assert "verken e-postadresse eller mobilnummer" in notice.error


def test_an_unreachable_smtp_server_is_recorded_when_sent_in_process(
    settings: Any, caseworker: Any, django_capture_on_commit_callbacks: Any, tmp_path: Path
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    case = _case_with_contact()
    with django_capture_on_commit_callbacks(execute=True):
        control_case_request_documentation(
            case=case, requested_by=caseworker, context=AuditContext(actor=caseworker)
        )  # no error for the caseworker
    email = Notice.objects.get(case=case, channel=Notice.Channel.EMAIL)
    assert (email.status, email.attempts) == (Notice.Status.FAILED, 1)
    assert "ConnectionRefusedError" in email.error
    assert Notice.objects.get(case=case, channel=Notice.Channel.SMS).status == Notice.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_a_worker_retries_with_backoff_until_the_smtp_server_answers(
    settings: Any, redis_celery_worker: Any, tmp_path: Path, make_user: Any
) -> None:
    """A real Celery worker on Redis: the first attempts find no SMTP server, a later one does."""
    from control.tasks import notice_send_task

    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    case = _case_with_contact()
    ContactDetails.objects.filter(customer=case.application.customer).update(mobile="")
    control_case_request_documentation(
        case=case,
        requested_by=make_user("saksbehandler"),
        context=AuditContext(actor=make_user("saksbehandler")),
    )
    notice = Notice.objects.get(case=case)
    deadline = time.monotonic() + 60
    while Notice.objects.get(pk=notice.pk).attempts < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert Notice.objects.get(pk=notice.pk).status == Notice.Status.PENDING  # failed, will be retried
    controller, collector = local_smtp_start(port=port)
    try:
        while Notice.objects.get(pk=notice.pk).status != Notice.Status.SENT and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        controller.stop()
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT
    assert notice.attempts >= 2
    assert [m["To"] for m in collector.messages] == ["ola@student.invalid"]
    assert notice_send_task.max_retries >= 2


def test_the_case_page_shows_the_notices(
    smtp_server: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = _case_with_contact()
    client = client_for("saksbehandler")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("control:case-request-documentation", args=[case.pk]), {})
    page = client.get(reverse("control:case-detail", args=[case.pk])).content.decode()
    assert "Varsel (Krav om dokumentasjon) på E-post til ola@student.invalid: Sendt" in page
