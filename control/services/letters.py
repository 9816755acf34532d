"""Letters to the student as PDF (WeasyPrint): the documentation request and the decision,
in the student's written standard (nb, nn or en), with the legal basis, the justification,
the right to appeal and its deadline. Each letter is stored with its case and attached to
the e-mail notice that tells the student about it."""

from datetime import date, timedelta

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from control.models import ContactDetails, ControlCase, ControlDecision, DocumentationRequest, Letter
from control.services.pdf import pdf_from_html
from lanekassen_ai.services.audit import AuditContext, audit_record

# Forvaltningsloven § 29: three weeks from the day the notice reached the student.
APPEAL_PERIOD = timedelta(weeks=3)


def decision_appeal_deadline(*, decision: ControlDecision) -> date:
    """The last day the student may appeal a decision: three weeks from its notice, which
    goes out the day the decision is made."""
    return timezone.localdate(decision.decided_at) + APPEAL_PERIOD


def student_language(*, case: ControlCase) -> str:
    """The written standard the student uses (from their contact details; bokmål if none)."""
    contact = ContactDetails.objects.filter(customer_id=case.application.customer_id).first()
    return contact.language if contact else ContactDetails.Language.BOKMAL


def _letter_store(
    *,
    case: ControlCase,
    kind: str,
    language: str,
    title: str,
    context: dict[str, object],
    documentation_request: DocumentationRequest | None = None,
    decision: ControlDecision | None = None,
    appeal_deadline: date | None = None,
) -> Letter:
    html = render_to_string(
        "control/letters/letter.html",
        {
            **context,
            "case": case,
            "kind": kind,
            "title": title,
            "language": language,
            "today": timezone.localdate(),
            "appeal_deadline": appeal_deadline,
        },
    )
    return Letter.objects.create(
        case=case,
        kind=kind,
        language=language,
        title=title,
        content=pdf_from_html(html=html),
        documentation_request=documentation_request,
        decision=decision,
        appeal_deadline=appeal_deadline,
    )


def letter_create_for_request(*, documentation_request: DocumentationRequest) -> Letter:
    """The documentation request as a PDF letter in the student's language."""
    case = documentation_request.case
    language = student_language(case=case)
    with translation.override(language):
        return _letter_store(
            case=case,
            kind=Letter.Kind.DOCUMENTATION_REQUEST,
            language=language,
            title=_("Krav om dokumentasjon av bosted"),
            context={"request": documentation_request},
            documentation_request=documentation_request,
        )


def letter_create_for_decision(*, decision: ControlDecision) -> Letter:
    """The decision letter as a PDF in the student's language: outcome, justification,
    legal basis, the right to appeal and the appeal deadline."""
    case = decision.case
    language = student_language(case=case)
    with translation.override(language):
        return _letter_store(
            case=case,
            kind=Letter.Kind.DECISION,
            language=language,
            title=_("Vedtak i bostedskontrollen"),
            context={"decision": decision},
            decision=decision,
            appeal_deadline=decision_appeal_deadline(decision=decision),
        )


def letter_open_record(*, letter: Letter, context: AuditContext) -> None:
    """Record that someone downloaded a letter (the student, or staff from the case page)."""
    audit_record(
        action="control.case.letter.download",
        obj=letter.case,
        context=context,
        details={"letter_id": letter.pk, "kind": letter.kind},
    )
