"""Notices to the student about their case: an e-mail and an SMS (where the student has an
address) when documentation is requested, as a reminder before the deadline, when the
deadline passed, when the case is decided, and when an appeal is received and decided.
An e-mail carries the case's letter (PDF) when there is one. Each notice is
stored with its case before it is sent; sending happens after commit in a Celery task
that retries with backoff, and the notice records whether it went out."""

from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from control.models import ContactDetails, ControlCase, DocumentationRequest, Letter, Notice
from lanekassen_ai.sms import sms_backend

STUDENT_PAGE_PATH = "/mine-sider/"


def _date(value: date | None) -> str:
    return formats.date_format(value, "j. F Y") if value else ""


def _texts(*, case: ControlCase, kind: str, deadline: date | None = None) -> tuple[str, str]:
    number = f"{case.campaign_id}-{case.pk}"
    values = {"number": number, "page": STUDENT_PAGE_PATH, "deadline": _date(deadline)}
    K = Notice.Kind
    if kind == K.DOCUMENTATION_REQUEST:
        subject = _("Lånekassen ber deg dokumentere hvor du bor (sak %(number)s)")
        body = _(
            "Du er plukket ut til bostedskontroll. Send oss dokumentasjon på hvor du bor innen "
            "%(deadline)s. Logg inn på Mine sider (%(page)s) for å se brevet og sende dokumentene."
        )
    elif kind == K.REMINDER:
        subject = _("Påminnelse: fristen for dokumentasjon er %(deadline)s (sak %(number)s)")
        body = _(
            "Vi har ikke fått dokumentasjon på hvor du bor. Fristen er %(deadline)s. Logg inn på "
            "Mine sider (%(page)s) og send dokumentene før fristen, ellers kan lånet ditt bli "
            "stående som lån."
        )
    elif kind == K.DEADLINE_PASSED:
        subject = _("Fristen for dokumentasjon har gått ut (sak %(number)s)")
        body = _(
            "Fristen %(deadline)s for å dokumentere hvor du bor har gått ut, og vi har ikke fått "
            "dokumentasjon. En saksbehandler vil nå avgjøre saken. Du kan fortsatt sende dokumenter "
            "på Mine sider (%(page)s) til saken er avgjort."
        )
    elif kind == K.APPEAL_RECEIVED:
        subject = _("Vi har mottatt klagen din (sak %(number)s)")
        body = _(
            "Vi har mottatt klagen din. En annen saksbehandler enn den som gjorde vedtaket "
            "behandler den, innen %(deadline)s. Du ser klagen på Mine sider (%(page)s)."
        )
    elif kind == K.APPEAL_DECIDED:
        subject = _("Klagen din er behandlet (sak %(number)s)")
        body = _("Vi har behandlet klagen din. Logg inn på Mine sider (%(page)s) for å lese svaret.")
    else:
        subject = _("Lånekassen har gjort vedtak i saken din (sak %(number)s)")
        body = _(
            "Vi har gjort vedtak i bostedskontrollen din. Vedtaksbrevet ligger ved og på Mine sider "
            "(%(page)s). Du kan klage innen %(deadline)s."
        )
    return subject % values, body % values


def notice_queue_for_case(
    *,
    case: ControlCase,
    kind: str,
    deadline: date | None = None,
    documentation_request: DocumentationRequest | None = None,
    letter: Letter | None = None,
) -> list[Notice]:
    """Store the notices of one event for the case (e-mail and SMS to the addresses the
    student has, in the student's language) and send them after commit. `deadline` is the
    date the text names (documentation, appeal or appeal handling deadline);
    `documentation_request` ties a reminder or deadline notice to its request (each goes out
    once per request); `letter` is attached to the e-mail. A student without any address
    gets one FAILED notice saying so, so the caseworker sees it on the case."""
    contact = ContactDetails.objects.filter(customer_id=case.application.customer_id).first()
    language = contact.language if contact else ContactDetails.Language.BOKMAL
    if deadline is None and kind == Notice.Kind.DOCUMENTATION_REQUEST:
        deadline = case.documentation_deadline
    with translation.override(language):
        subject, body = _texts(case=case, kind=kind, deadline=deadline)
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
                    documentation_request=documentation_request,
                    letter=letter,
                    status=Notice.Status.FAILED,
                    error=_("Studenten har verken e-postadresse eller mobilnummer registrert."),
                )
            ]
    notices = [
        Notice.objects.create(
            case=case,
            kind=kind,
            channel=channel,
            recipient=to,
            subject=subject,
            body=body,
            documentation_request=documentation_request,
            letter=letter if channel == Notice.Channel.EMAIL else None,
        )
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
        notice = Notice.objects.select_for_update(of=("self",)).select_related("letter").get(pk=notice_id)
        if notice.status == Notice.Status.SENT:
            return notice
        notice.attempts += 1
        notice.save(update_fields=["attempts"])
    try:
        if notice.channel == Notice.Channel.EMAIL:
            message = EmailMessage(
                subject=notice.subject,
                body=notice.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[notice.recipient],
            )
            if notice.letter is not None:
                message.attach(notice.letter.filename, bytes(notice.letter.content), "application/pdf")
            message.send()
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
