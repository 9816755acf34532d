"""Notices to the student about their case: an e-mail and an SMS (where the student has an
address) when documentation is requested and when the case is decided. Each notice is
stored with its case before it is sent; sending happens after commit in a Celery task
that retries with backoff, and the notice records whether it went out."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from control.models import ContactDetails, ControlCase, Notice
from lanekassen_ai.sms import sms_backend

STUDENT_PAGE_PATH = "/mine-sider/"


def _texts(*, case: ControlCase, kind: str) -> tuple[str, str]:
    number = f"{case.campaign_id}-{case.pk}"
    if kind == Notice.Kind.DOCUMENTATION_REQUEST:
        deadline = (
            formats.date_format(case.documentation_deadline, "j. F Y") if case.documentation_deadline else ""
        )
        subject = _("Lånekassen ber deg dokumentere hvor du bor (sak %(number)s)") % {"number": number}
        body = _(
            "Du er plukket ut til bostedskontroll. Send oss dokumentasjon på hvor du bor innen "
            "%(deadline)s. Logg inn på Mine sider (%(page)s) for å se brevet og sende dokumentene."
        ) % {"deadline": deadline, "page": STUDENT_PAGE_PATH}
    else:
        subject = _("Lånekassen har gjort vedtak i saken din (sak %(number)s)") % {"number": number}
        body = _(
            "Vi har gjort vedtak i bostedskontrollen din. Logg inn på Mine sider (%(page)s) for å lese det."
        ) % {"page": STUDENT_PAGE_PATH}
    return subject, body


def notice_queue_for_case(*, case: ControlCase, kind: str) -> list[Notice]:
    """Store the notices of one event for the case (e-mail and SMS to the addresses the
    student has, in the student's language) and send them after commit. A student without
    any address gets one FAILED notice saying so, so the caseworker sees it on the case."""
    contact = ContactDetails.objects.filter(customer_id=case.application.customer_id).first()
    language = contact.language if contact else ContactDetails.Language.BOKMAL
    with translation.override(language):
        subject, body = _texts(case=case, kind=kind)
        channels = []
        if contact and contact.email:
            channels.append((Notice.Channel.EMAIL, contact.email))
        if contact and contact.mobile:
            channels.append((Notice.Channel.SMS, contact.mobile))
        if not channels:
            return [
                Notice.objects.create(
                    case=case,
                    kind=kind,
                    channel=Notice.Channel.EMAIL,
                    recipient="",
                    subject=subject,
                    body=body,
                    status=Notice.Status.FAILED,
                    error=_("Studenten har verken e-postadresse eller mobilnummer registrert."),
                )
            ]
    notices = [
        Notice.objects.create(case=case, kind=kind, channel=channel, recipient=to, subject=subject, body=body)
        for channel, to in channels
    ]
    from control.tasks import notice_send_task  # the task wraps notice_send below

    for notice in notices:
        notice_send_task.delay_on_commit(notice.pk)
    return notices


def notice_send(*, notice_id: int, final_attempt: bool = False) -> Notice:
    """Send one stored notice (nothing happens if it already went out). A failure is
    recorded on the notice and raised again, so the task retries; the last attempt's
    failure leaves the notice FAILED and raises nothing."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice_id)
        if notice.status == Notice.Status.SENT:
            return notice
        notice.attempts += 1
        notice.save(update_fields=["attempts"])
    try:
        if notice.channel == Notice.Channel.EMAIL:
            EmailMessage(
                subject=notice.subject,
                body=notice.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[notice.recipient],
            ).send()
        else:
            sms_backend().send(to=notice.recipient, text=notice.body)
    except Exception as error:
        notice.error = f"{type(error).__name__}: {error}"[:2000]
        notice.status = Notice.Status.FAILED if final_attempt else Notice.Status.PENDING
        notice.save(update_fields=["error", "status"])
        if final_attempt:
            return notice
        raise
    notice.status = Notice.Status.SENT
    notice.sent_at = timezone.now()
    notice.error = ""
    notice.save(update_fields=["status", "sent_at", "error"])
    return notice
