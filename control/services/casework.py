"""Casework on one control case: take the next case, request documentation, decide
(under due process), reopen. Every step is audited in the same transaction as the change it records.

Documentation requests and decisions notify the student (control.services.notices).

Locking: each write locks the case row (SELECT ... FOR UPDATE) before checking its state,
so two people acting on the same case at once are serialised and the second one sees the
first one's result (e.g. "already decided") instead of overwriting it.
"""

import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from control.models import (
    Application,
    CaseDocument,
    ControlCase,
    ControlCaseReopening,
    ControlDecision,
    DocumentationRequest,
    LetterTemplate,
    Notice,
)
from control.models.applications import ControlOutcome
from control.selectors.casework import control_case_next_candidates
from control.services.letters import (
    decision_appeal_deadline,
    letter_create_for_decision,
    letter_create_for_request,
)
from control.services.notices import notice_queue_for_case
from lanekassen_ai.roles import Capability, perm
from lanekassen_ai.services.audit import AuditContext, audit_record
from lanekassen_ai.services.events import event_emit

DEFAULT_LETTER_SLUG = "dokumentasjonskrav-borteboer"
DEFAULT_LETTER_TITLE = "Krav om dokumentasjon av bosted"
DEFAULT_LETTER_BODY = """Hei!

Du har søkt om støtte for studieåret {{ academic_year }} som borteboer, det vil si at du ikke bor \
hjemme hos foreldrene dine. Hvert år kontrollerer vi et utvalg av søknadene. At du er plukket ut, \
betyr ikke at vi tror du har gitt feil opplysninger.

Vi ber deg sende oss dokumentasjon på hvor du bor, for eksempel leiekontrakt, kvittering for \
betalt husleie eller en strøm- eller internettregning i ditt navn, innen {{ deadline }}.

Hvis vi ikke får dokumentasjonen innen fristen, kan lånet ditt bli stående som lån i stedet for \
å bli gjort om til stipend.

Saksnummer: {{ case_number }}
Fødselsnummer: {{ national_id }}

Med vennlig hilsen
Lånekassen
"""
MIN_JUSTIFICATION_LENGTH = 10
_PLACEHOLDER = re.compile(r"{{\s*([a-z_]+)\s*}}")


def letter_template_default() -> LetterTemplate:
    """The agency's documentation letter; created with the standard text on first use so a
    fresh installation (or a flushed test database) can always send a letter."""
    template, _created = LetterTemplate.objects.get_or_create(
        slug=DEFAULT_LETTER_SLUG,
        defaults={"title": DEFAULT_LETTER_TITLE, "language": "nb", "body": DEFAULT_LETTER_BODY},
    )
    return template


def letter_render(*, template: LetterTemplate, case: ControlCase, deadline: date) -> str:
    """Fill a letter template's ``{{ placeholders }}`` for one case. Unknown placeholders are
    an error naming them, so a typo in the admin never reaches a student."""
    values = {
        "academic_year": str(case.application.academic_year),
        "deadline": formats.date_format(deadline, "j. F Y"),
        "case_number": f"{case.campaign_id}-{case.pk}",
        "national_id": case.application.customer.national_id,
        "application_id": case.application_id,
    }
    unknown = sorted({name for name in _PLACEHOLDER.findall(template.body) if name not in values})
    if unknown:
        raise ValidationError(
            _("Brevmalen «%(title)s» har ukjente felt: %(fields)s. Tillatte felt: %(allowed)s.")
            % {"title": template.title, "fields": ", ".join(unknown), "allowed": ", ".join(sorted(values))}
        )
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template.body)


def control_case_lock(*, case: ControlCase) -> ControlCase:
    """The case row again, locked FOR UPDATE (of the case table only) until commit."""
    return (
        ControlCase.objects.select_for_update(of=("self",))
        .select_related("campaign", "application", "application__customer", "assigned_to")
        .get(pk=case.pk)
    )


def control_case_check_workable(*, case: ControlCase, user: User) -> None:
    """Raise a ValidationError unless `user` may act on the case now: it is not decided
    and locked, and it is not assigned to somebody else."""
    if case.locked or case.status == ControlCase.Status.DECIDED:
        raise ValidationError(
            _("Saken er avgjort og låst. En leder må gjenåpne den før noe kan endres."), code="locked"
        )
    if case.assigned_to_id is not None and case.assigned_to_id != user.pk:
        raise ValidationError(
            _("Saken er tildelt %(user)s. Bare den som har saken kan arbeide med den.")
            % {"user": case.assigned_to.get_username() if case.assigned_to else "?"},
            code="assigned_elsewhere",
        )


def control_case_assign_if_free(*, case: ControlCase, user: User) -> list[str]:
    """Give an unassigned case to `user`; returns the fields changed, for save()."""
    if case.assigned_to_id is None:
        case.assigned_to = user
        case.assigned_at = timezone.now()
        return ["assigned_to", "assigned_at"]
    return []


def control_case_take_next(*, user: User, context: AuditContext) -> ControlCase | None:
    """Assign the highest-priority unassigned open case to `user` and return it (None when
    the worklist is empty).

    Atomic under concurrency: on PostgreSQL the candidate row is taken with
    ``FOR UPDATE SKIP LOCKED OF`` the case table only, so two caseworkers asking at the same
    time each get a different case and neither waits for the other.
    """
    with transaction.atomic():
        case = (
            control_case_next_candidates()
            .select_for_update(skip_locked=True, of=("self",))
            .only("id", "assigned_to", "assigned_at", "campaign_id", "application_id")
            .first()
        )
        if case is None:
            return None
        case.assigned_to = user
        case.assigned_at = timezone.now()
        case.save(update_fields=["assigned_to", "assigned_at"])
        audit_record(action="control.case.take", actor=user, obj=case, context=context)
    return case


def control_case_view_record(*, case: ControlCase, user: User, context: AuditContext) -> None:
    """Record that `user` opened the case (personal data was shown)."""
    audit_record(action="control.case.view", actor=user, obj=case, context=context)


def control_case_list_view_record(*, user: User, filters: dict[str, Any], context: AuditContext) -> None:
    """Record that `user` opened the worklist (masked identities) with these filters."""
    audit_record(
        action="control.case.list",
        actor=user,
        object_type="control.ControlCase",
        context=context,
        details={k: str(v) for k, v in filters.items() if v not in (None, "", False)},
    )


def control_case_request_documentation(
    *,
    case: ControlCase,
    requested_by: User,
    deadline: date | None = None,
    template: LetterTemplate | None = None,
    take_case: bool = True,
    context: AuditContext,
) -> DocumentationRequest:
    """Ask the student to document where they live: the letter from the agency's template
    (the default one unless given), a deadline (default: the campaign's number of days from
    today), the case waits for documents. Takes the case if nobody has it, unless
    `take_case` is False (the campaign's letter schedule writes to cases nobody has taken)."""
    with transaction.atomic():
        case = control_case_lock(case=case)
        control_case_check_workable(case=case, user=requested_by)
        today = timezone.localdate()
        if deadline is None:
            deadline = today + timedelta(days=case.campaign.documentation_days)
        if deadline <= today:
            raise ValidationError(
                {"deadline": [_("Fristen må være etter i dag (%(today)s).") % {"today": today.isoformat()}]}
            )
        letter = letter_render(template=template or letter_template_default(), case=case, deadline=deadline)
        documentation_request = DocumentationRequest.objects.create(
            case=case, letter_text=letter, deadline=deadline, requested_by=requested_by
        )
        fields = control_case_assign_if_free(case=case, user=requested_by) if take_case else []
        case.documentation_deadline = deadline
        # A new request after documents arrived still waits for the new documents.
        case.status = ControlCase.Status.AWAITING_DOCUMENTS
        case.save(update_fields=[*fields, "documentation_deadline", "status"])
        audit_record(
            action="control.case.request_documentation",
            actor=requested_by,
            obj=case,
            context=context,
            details={"deadline": deadline.isoformat(), "request_id": documentation_request.pk},
        )
        notice_queue_for_case(
            case=case,
            kind=Notice.Kind.DOCUMENTATION_REQUEST,
            deadline=deadline,
            letter=letter_create_for_request(documentation_request=documentation_request),
        )
        event_emit(
            type="control.case.documentation_requested",
            version=1,
            payload={
                "case_id": case.pk,
                "documentation_request_id": documentation_request.pk,
                "application_id": case.application_id,
                "deadline": deadline,
            },
        )
    return documentation_request


def control_case_caught_basis(*, case: ControlCase, reviewed: list[CaseDocument]) -> str:
    """Why "avdekket" (CAUGHT) may be decided on this case now, or a ValidationError saying
    what is missing. Due process: the student must have been asked for documentation, and
    then either every document they sent has been reviewed, or the latest request's deadline
    passed without any after a reminder went out (was sent) before that deadline."""
    requests = list(case.documentation_requests.all())
    if not requests:
        raise ValidationError(
            {
                "outcome": [
                    _(
                        "«%(caught)s» kan bare avgjøres etter at studenten har fått krav om "
                        "dokumentasjon. Send krav om dokumentasjon først, eller avgjør «%(cleared)s»."
                    )
                    % {"caught": ControlOutcome.CAUGHT.label, "cleared": ControlOutcome.CLEARED.label}
                ]
            },
            code="no_documentation_request",
        )
    documents = list(case.documents.all())
    if documents:
        reviewed_ids = {d.pk for d in reviewed}
        missing = [d for d in documents if d.pk not in reviewed_ids]
        if missing:
            raise ValidationError(
                {
                    "reviewed_documents": [
                        _(
                            "Studenten har sendt dokumenter som ikke er merket som vurdert: "
                            "%(names)s. Vurder hvert dokument og merk det før du avgjør «%(caught)s»."
                        )
                        % {
                            "names": ", ".join(f"«{d.original_name}»" for d in missing),
                            "caught": ControlOutcome.CAUGHT.label,
                        }
                    ]
                },
                code="documents_not_reviewed",
            )
        return ControlDecision.Basis.DOCUMENTS_REVIEWED
    latest = max(requests, key=lambda r: (r.requested_at, r.pk))
    deadline = case.documentation_deadline or latest.deadline
    if deadline >= timezone.localdate():
        raise ValidationError(
            {
                "outcome": [
                    _(
                        "Studenten har ikke sendt dokumenter, og fristen (%(deadline)s) er ikke ute. "
                        "«%(caught)s» kan avgjøres når dokumentene er vurdert eller fristen har gått ut "
                        "etter en påminnelse."
                    )
                    % {"deadline": deadline.isoformat(), "caught": ControlOutcome.CAUGHT.label}
                ]
            },
            code="deadline_not_passed",
        )
    reminded = Notice.objects.filter(
        documentation_request=latest,
        kind=Notice.Kind.REMINDER,
        status=Notice.Status.SENT,
        sent_at__date__lte=deadline,
    ).exists()
    if not reminded:
        raise ValidationError(
            {
                "outcome": [
                    _(
                        "Fristen (%(deadline)s) har gått ut, men studenten fikk ingen påminnelse før "
                        "fristen. «%(caught)s» etter utløpt frist krever at en påminnelse ble sendt. "
                        "Send et nytt krav om dokumentasjon, eller avgjør «%(cleared)s»."
                    )
                    % {
                        "deadline": deadline.isoformat(),
                        "caught": ControlOutcome.CAUGHT.label,
                        "cleared": ControlOutcome.CLEARED.label,
                    }
                ]
            },
            code="no_reminder_before_deadline",
        )
    return ControlDecision.Basis.DEADLINE_PASSED


def control_case_decide(
    *,
    case: ControlCase,
    outcome: str,
    justification: str,
    decided_by: User,
    reviewed_document_ids: Iterable[int] = (),
    context: AuditContext,
) -> ControlCase:
    """Record the decision (CAUGHT or CLEARED) with its written justification, which of
    the student's documents were reviewed, and lock the case. The decision is a new
    version (earlier versions stay as they were). CLEARED may be decided at any time;
    CAUGHT only under due process (see control_case_caught_basis). In the same
    transaction the application becomes a label for the next training run: controlled,
    why it was selected, with which probability, and the outcome."""
    justification = (justification or "").strip()
    reviewed_ids = sorted(set(reviewed_document_ids))
    errors: dict[str, list[str]] = {}
    if outcome not in ControlOutcome.values:
        errors["outcome"] = [
            _("Velg et resultat: %(choices)s.")
            % {"choices": ", ".join(str(c) for c in ControlOutcome.labels)}
        ]
    if len(justification) < MIN_JUSTIFICATION_LENGTH:
        errors["justification"] = [
            _("Skriv en begrunnelse for vedtaket (minst %(n)s tegn).") % {"n": MIN_JUSTIFICATION_LENGTH}
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = control_case_lock(case=case)
        control_case_check_workable(case=case, user=decided_by)
        reviewed = list(CaseDocument.objects.filter(case=case, pk__in=reviewed_ids))
        unknown = sorted(set(reviewed_ids) - {d.pk for d in reviewed})
        if unknown:
            raise ValidationError(
                {
                    "reviewed_documents": [
                        _("Dokument %(ids)s hører ikke til sak %(case)s.")
                        % {"ids": ", ".join(str(i) for i in unknown), "case": case.pk}
                    ]
                },
                code="unknown_document",
            )
        if outcome == ControlOutcome.CAUGHT:
            basis = control_case_caught_basis(case=case, reviewed=reviewed)
        elif reviewed:
            basis = ControlDecision.Basis.DOCUMENTS_REVIEWED
        else:
            basis = ControlDecision.Basis.NOT_NEEDED
        fields = control_case_assign_if_free(case=case, user=decided_by)
        latest = case.decisions.aggregate(latest=Max("version"))["latest"] or 0
        decision = ControlDecision.objects.create(
            case=case,
            version=latest + 1,
            outcome=outcome,
            justification=justification,
            basis=basis,
            decided_by=decided_by,
            decided_at=timezone.now(),
        )
        decision.reviewed_documents.set(reviewed)
        case.current_decision = decision
        case.outcome = outcome
        case.status = ControlCase.Status.DECIDED
        case.locked = True
        case.save(update_fields=[*fields, "current_decision", "outcome", "status", "locked"])
        Application.objects.filter(pk=case.application_id).update(
            controlled=True,
            control_reason=case.selection_reason,
            selection_probability=case.selection_probability,
            control_outcome=outcome,
        )
        audit_record(
            action="control.case.decide",
            actor=decided_by,
            obj=case,
            context=context,
            details={
                "outcome": outcome,
                "selection_reason": case.selection_reason,
                "decision_id": decision.pk,
                "version": decision.version,
                "basis": basis,
                "reviewed_document_ids": [d.pk for d in reviewed],
            },
        )
        decision_notice_queue(decision=decision)
        event_emit(
            type="control.case.decided",
            version=1,
            payload={
                "case_id": case.pk,
                "campaign_id": case.campaign_id,
                "application_id": case.application_id,
                "academic_year": case.application.academic_year,
                "outcome": outcome,
                "decided_at": decision.decided_at,
            },
        )
    return case


def decision_notice_queue(*, decision: ControlDecision) -> None:
    """The decision letter (PDF) and the notices that carry it, with the appeal deadline."""
    notice_queue_for_case(
        case=decision.case,
        kind=Notice.Kind.DECISION,
        deadline=decision_appeal_deadline(decision=decision),
        letter=letter_create_for_decision(decision=decision),
    )


def control_case_reopen(
    *, case: ControlCase, reason: str, reopened_by: User, context: AuditContext
) -> ControlCase:
    """Reopen a decided case (managers only, with a reason). The decision in force stops
    being in force (it stays in the history, with this reopening), and is withdrawn from
    the application too, so an undecided case is never used as a training label."""
    if not reopened_by.has_perm(perm(Capability.MANAGE_CONTROL)):
        raise PermissionDenied(_("Bare en leder kan gjenåpne en avgjort sak."))
    reason = (reason or "").strip()
    if len(reason) < MIN_JUSTIFICATION_LENGTH:
        raise ValidationError(
            {
                "reason": [
                    _("Skriv hvorfor saken gjenåpnes (minst %(n)s tegn).") % {"n": MIN_JUSTIFICATION_LENGTH}
                ]
            }
        )
    with transaction.atomic():
        case = control_case_lock(case=case)
        if not case.locked or case.current_decision_id is None:
            raise ValidationError(_("Saken er ikke avgjort, så den kan ikke gjenåpnes."))
        previous = case.outcome
        reopening = ControlCaseReopening.objects.create(
            case=case,
            withdrawn_decision_id=case.current_decision_id,
            reason=reason,
            reopened_by=reopened_by,
            reopened_at=timezone.now(),
        )
        if case.documents.exists():
            case.status = ControlCase.Status.DOCUMENTS_RECEIVED
        elif case.documentation_requests.exists():
            case.status = ControlCase.Status.AWAITING_DOCUMENTS
        else:
            case.status = ControlCase.Status.OPEN
        case.locked = False
        case.outcome = ""
        case.current_decision = None
        case.save(update_fields=["status", "locked", "outcome", "current_decision"])
        Application.objects.filter(pk=case.application_id).update(
            controlled=False, control_reason="", selection_probability=None, control_outcome=""
        )
        audit_record(
            action="control.case.reopen",
            actor=reopened_by,
            obj=case,
            context=context,
            details={
                "reason": reason,
                "previous_outcome": previous,
                "withdrawn_decision_id": reopening.withdrawn_decision_id,
            },
        )
        event_emit(
            type="control.case.reopened",
            version=1,
            payload={
                "case_id": case.pk,
                "campaign_id": case.campaign_id,
                "application_id": case.application_id,
                "academic_year": case.application.academic_year,
                "previous_outcome": previous,
                "withdrawn_decision_id": reopening.withdrawn_decision_id,
                "reopened_at": reopening.reopened_at,
            },
        )
    return case


def customer_access_report_record(
    *, customer_id: str, user: User, context: AuditContext, output_format: str = "html"
) -> None:
    """Record that `user` produced the data access report of a student (GDPR art. 15),
    on the page ("html") or as a PDF ("pdf")."""
    audit_record(
        action="control.customer.access_report",
        actor=user,
        object_type="control.Customer",
        object_id=customer_id,
        object_repr=customer_id,
        context=context,
        details={"format": output_format},
    )
