"""Appeals (klage) against a control decision (forvaltningsloven §§ 28-33).

A student appeals on Mine sider while the appeal deadline runs (three weeks from the
decision's notice, control.services.letters.decision_appeal_deadline), with a text and
optional documents; a caseworker registers an appeal that came by letter. Either way the
appeal gets its own handling deadline and is decided by a caseworker other than the one
who made the decision appealed: upheld, or reversed, which adds a new decision version and
changes the application's outcome, the label the next training run learns from.

Locking: every write locks the appeal (and the case) row before checking its state.
"""

from collections.abc import Sequence
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from control.domain_events import APPEAL_RECEIVED, DECISION_REVERSED
from control.models import (
    Appeal,
    Application,
    CaseDocument,
    ControlCase,
    ControlDecision,
    Letter,
    Notice,
    StudentAccount,
)
from control.models.applications import ControlOutcome
from control.services.casework import MIN_JUSTIFICATION_LENGTH, control_case_lock, decision_notice_queue
from control.services.documents import case_document_store, document_content_check
from control.services.letters import decision_appeal_deadline
from control.services.notices import notice_queue_for_case
from lanekassen_ai.services.audit import AuditContext, audit_record
from lanekassen_ai.services.events import event_emit

MAX_APPEAL_DOCUMENTS = 5


def _check_text(text: str, field: str = "text") -> str:
    text = (text or "").strip()
    if len(text) < MIN_JUSTIFICATION_LENGTH:
        raise ValidationError(
            {
                field: [
                    _("Skriv hva du klager på og hvorfor (minst %(n)s tegn).")
                    % {"n": MIN_JUSTIFICATION_LENGTH}
                ]
            }
        )
    return text


def _appealable_decision(*, case: ControlCase, received_on: date) -> ControlDecision:
    """The decision in force on the case, if it can be appealed on `received_on`."""
    decision = case.current_decision
    if decision is None or not case.locked:
        raise ValidationError(
            _("Saken er ikke avgjort, så det er ikke noe vedtak å klage på."), code="not_decided"
        )
    if decision.outcome != ControlOutcome.CAUGHT:
        raise ValidationError(
            _("Vedtaket «%(outcome)s» går ikke studenten imot, så det kan ikke påklages.")
            % {"outcome": decision.get_outcome_display()},
            code="not_adverse",
        )
    deadline = decision_appeal_deadline(decision=decision)
    if received_on > deadline:
        raise ValidationError(
            _("Klagefristen gikk ut %(deadline)s. Klagen kom %(received)s, etter fristen.")
            % {"deadline": deadline.isoformat(), "received": received_on.isoformat()},
            code="appeal_deadline_passed",
        )
    if Appeal.objects.filter(decision=decision, status=Appeal.Status.RECEIVED).exists():
        raise ValidationError(
            _("Det er allerede en klage på dette vedtaket som ikke er avgjort."), code="appeal_open"
        )
    return decision


def _appeal_create(
    *,
    case: ControlCase,
    text: str,
    source: str,
    received_on: date,
    context: AuditContext,
    letter: Letter | None = None,
    files: Sequence[tuple[UploadedFile, str]] = (),
) -> Appeal:
    with transaction.atomic():
        case = control_case_lock(case=case)
        decision = _appealable_decision(case=case, received_on=received_on)
        documents = [
            case_document_store(
                case=case,
                uploaded_file=uploaded_file,
                document_type=document_type,
                uploaded_by=context.actor,
                check=lambda locked: [],
                context=context,
                marks_received=False,
            )
            for uploaded_file, document_type in files
        ]
        now = timezone.now()
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(
                    case=case,
                    decision=decision,
                    letter=letter,
                    source=source,
                    text=text,
                    registered_by=context.actor,
                    received_at=now,
                    deadline=timezone.localdate(now) + timedelta(days=settings.CONTROL_APPEAL_HANDLING_DAYS),
                )
        except IntegrityError as error:  # another appeal on the same decision won the race
            raise ValidationError(
                _("Det er allerede en klage på dette vedtaket som ikke er avgjort."), code="appeal_open"
            ) from error
        appeal.documents.set(documents)
        audit_record(
            action="control.appeal.receive",
            obj=case,
            context=context,
            details={
                "appeal_id": appeal.pk,
                "decision_id": decision.pk,
                "source": source,
                "received_on": received_on.isoformat(),
                "document_ids": [d.pk for d in documents],
            },
        )
        event_emit(
            type=APPEAL_RECEIVED,
            version=1,
            payload={
                "appeal_id": appeal.pk,
                "case_id": case.pk,
                "application_id": case.application_id,
                "received_at": appeal.received_at,
            },
        )
        notice_queue_for_case(case=case, kind=Notice.Kind.APPEAL_RECEIVED, deadline=appeal.deadline)
    return appeal


def appeal_submit(
    *,
    case: ControlCase,
    text: str,
    context: AuditContext,
    files: Sequence[tuple[UploadedFile, str]] = (),
) -> Appeal:
    """The student (`context.actor`) appeals the decision on their own case, while the
    appeal deadline runs, with a text and up to five documents (each as (file, document
    type), through the one content check)."""
    account = StudentAccount.objects.filter(user_id=getattr(context.actor, "pk", 0) or 0).first()
    if account is None or case.application.customer_id != account.customer_id:
        raise PermissionDenied(_("Dette er ikke din sak."))
    text = _check_text(text)
    if len(files) > MAX_APPEAL_DOCUMENTS:
        raise ValidationError(
            {"files": [_("Send høyst %(n)s dokumenter med klagen.") % {"n": MAX_APPEAL_DOCUMENTS}]}
        )
    for uploaded_file, document_type in files:
        if document_type not in CaseDocument.DocumentType.values:
            raise ValidationError({"document_type": [_("Velg hva slags dokument dette er.")]})
        document_content_check(uploaded_file=uploaded_file)
    return _appeal_create(
        case=case,
        text=text,
        source=Appeal.Source.STUDENT,
        received_on=timezone.localdate(),
        context=context,
        files=files,
    )


def appeal_register(
    *,
    case: ControlCase,
    text: str,
    context: AuditContext,
    received_on: date | None = None,
    letter: Letter | None = None,
) -> Appeal:
    """A caseworker registers an appeal the student sent by letter (what it says, the day
    it arrived, which of the case's letters it answers)."""
    text = _check_text(text)
    received_on = received_on or timezone.localdate()
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": [_("Datoen klagen kom, kan ikke være fram i tid.")]})
    if letter is not None and letter.case_id != case.pk:
        raise ValidationError({"letter": [_("Brevet hører ikke til denne saken.")]})
    return _appeal_create(
        case=case,
        text=text,
        source=Appeal.Source.LETTER,
        received_on=received_on,
        context=context,
        letter=letter,
    )


def appeal_check_handler(*, appeal: Appeal, user: User) -> None:
    """Raise a ValidationError if `user` may not decide the appeal: the caseworker who made
    the decision appealed never handles the appeal (forvaltningsloven § 33)."""
    if appeal.decision.decided_by_id is not None and appeal.decision.decided_by_id == user.pk:
        raise ValidationError(
            _(
                "Du gjorde vedtaket klagen gjelder. En klage må behandles av en annen "
                "saksbehandler enn den som avgjorde saken."
            ),
            code="same_caseworker",
        )
    if appeal.assigned_to_id is not None and appeal.assigned_to_id != user.pk:
        raise ValidationError(_("Klagen er tildelt en annen saksbehandler."), code="assigned_elsewhere")


def appeal_decide(*, appeal: Appeal, result: str, justification: str, context: AuditContext) -> Appeal:
    """Uphold or reverse the decision appealed, with a written justification. A reversal
    adds a new decision version ("ikke avdekket", basis: reversed on appeal), puts it in
    force and changes the application's outcome, the training label, in the same
    transaction; the student gets the new decision letter."""
    user = context.actor
    if result not in (Appeal.Status.UPHELD, Appeal.Status.REVERSED):
        raise ValidationError({"result": [_("Velg om vedtaket opprettholdes eller omgjøres.")]})
    justification = (justification or "").strip()
    if len(justification) < MIN_JUSTIFICATION_LENGTH:
        raise ValidationError(
            {
                "justification": [
                    _("Skriv en begrunnelse for klagevedtaket (minst %(n)s tegn).")
                    % {"n": MIN_JUSTIFICATION_LENGTH}
                ]
            }
        )
    with transaction.atomic():
        appeal = (
            Appeal.objects.select_for_update(of=("self",))
            .select_related("decision", "case")
            .get(pk=appeal.pk)
        )
        if appeal.status != Appeal.Status.RECEIVED:
            raise ValidationError(_("Klagen er allerede avgjort."), code="appeal_decided")
        appeal_check_handler(appeal=appeal, user=user)
        case = control_case_lock(case=appeal.case)
        if case.current_decision_id != appeal.decision_id:
            raise ValidationError(
                _(
                    "Vedtaket klagen gjelder, er ikke lenger i kraft "
                    "(saken er gjenåpnet eller avgjort på nytt)."
                ),
                code="decision_not_in_force",
            )
        now = timezone.now()
        previous = appeal.decision.outcome
        appeal.status = result
        appeal.result_justification = justification
        appeal.decided_by = user
        appeal.decided_at = now
        appeal.assigned_to = appeal.assigned_to or user
        new_decision = None
        if result == Appeal.Status.REVERSED:
            latest = case.decisions.aggregate(latest=Max("version"))["latest"] or 0
            new_decision = ControlDecision.objects.create(
                case=case,
                version=latest + 1,
                outcome=ControlOutcome.CLEARED,
                justification=justification,
                basis=ControlDecision.Basis.APPEAL_REVERSED,
                decided_by=user,
                decided_at=now,
            )
            appeal.new_decision = new_decision
            case.current_decision = new_decision
            case.outcome = new_decision.outcome
            case.save(update_fields=["current_decision", "outcome"])
            Application.objects.filter(pk=case.application_id).update(control_outcome=new_decision.outcome)
        appeal.save()
        audit_record(
            action="control.appeal.decide",
            obj=case,
            context=context,
            details={
                "appeal_id": appeal.pk,
                "result": result,
                "appealed_decision_id": appeal.decision_id,
                "new_decision_id": new_decision.pk if new_decision else None,
            },
        )
        if new_decision is not None:
            event_emit(
                type=DECISION_REVERSED,
                version=1,
                payload={
                    "case_id": case.pk,
                    "appeal_id": appeal.pk,
                    "application_id": case.application_id,
                    "academic_year": case.application.academic_year,
                    "previous_outcome": previous,
                    "outcome": new_decision.outcome,
                    "reversed_at": now,
                },
            )
            decision_notice_queue(decision=new_decision)
        notice_queue_for_case(case=case, kind=Notice.Kind.APPEAL_DECIDED)
    return appeal
