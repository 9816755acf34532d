"""Reads for the student's own pages and API: only the logged-in student's own cases and
documents, in plain words (why picked without score or rank, what to send, by when)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from control.models import (
    Appeal,
    CaseDocument,
    ControlCampaign,
    ControlCase,
    Customer,
    DocumentationRequest,
    Letter,
    StudentAccount,
)
from control.models.applications import ControlOutcome
from control.services.letters import decision_appeal_deadline

SELECTION_EXPLANATIONS: dict[str, Any] = {
    ControlCase.SelectionReason.RANDOM: _(
        "Søknaden din ble trukket ut helt tilfeldig. Hvert år trekker vi noen søknader tilfeldig, "
        "slik at kontrollen blir rettferdig. Det betyr ikke at vi tror du har gitt feil opplysninger."
    ),
    ControlCase.SelectionReason.RISK: _(
        "Søknaden din ble valgt ut av en datamodell som finner søknader der opplysningene om "
        "bosted oftere viser seg ikke å stemme. Modellen bestemmer ingenting: en saksbehandler "
        "vurderer dokumentasjonen din før det blir gjort vedtak. Det betyr ikke at vi tror du har "
        "gitt feil opplysninger."
    ),
}
STATUS_EXPLANATIONS: dict[str, Any] = {
    ControlCase.Status.OPEN: _("Du er plukket ut til kontroll. Du får beskjed når vi trenger dokumentasjon."),
    ControlCase.Status.AWAITING_DOCUMENTS: _("Vi venter på dokumentasjon fra deg."),
    ControlCase.Status.DOCUMENTS_RECEIVED: _("Vi har fått dokumentasjonen din og behandler saken."),
    ControlCase.Status.DECIDED: _("Saken er avgjort."),
}
APPEAL_STATUS_TEXTS: dict[str, Any] = {
    Appeal.Status.RECEIVED: _(
        "Vi har fått klagen din. En annen saksbehandler enn den som gjorde vedtaket behandler den."
    ),
    Appeal.Status.UPHELD: _("Klagen er behandlet, og vedtaket står ved lag."),
    Appeal.Status.REVERSED: _("Klagen er behandlet, og vedtaket er endret til fordel for deg."),
}


def student_customer(*, user: User | AnonymousUser) -> Customer | None:
    """The Customer the logged-in student is (None for anyone without a student login)."""
    if not user.is_authenticated:
        return None
    account = StudentAccount.objects.select_related("customer").filter(user_id=user.pk).first()
    return account.customer if account else None


def student_case_list(*, customer: Customer) -> QuerySet[ControlCase]:
    """The student's control cases of confirmed campaigns, newest year first, with what the
    student pages show (no score, no rank)."""
    return (
        ControlCase.objects.filter(
            application__customer=customer,
            campaign__status__in=[ControlCampaign.Status.CONFIRMED, ControlCampaign.Status.CLOSED],
        )
        .select_related("campaign", "application", "current_decision")
        .prefetch_related(
            Prefetch(
                "documentation_requests", queryset=DocumentationRequest.objects.order_by("-requested_at")
            ),
            Prefetch("documents", queryset=CaseDocument.objects.order_by("uploaded_at")),
            Prefetch("letters", queryset=Letter.objects.defer("content").order_by("created_at")),
            Prefetch("appeals", queryset=Appeal.objects.select_related("decision").order_by("received_at")),
        )
        .order_by("-application__academic_year", "-pk")
    )


def student_case_get(*, customer: Customer, case_id: int) -> ControlCase:
    """One of the student's own cases; ControlCase.DoesNotExist for anyone else's."""
    return student_case_list(customer=customer).get(pk=case_id)


def student_letter_get(*, customer: Customer, case_id: int, letter_id: int) -> Letter:
    """A letter on one of the student's own cases; Letter.DoesNotExist otherwise."""
    return Letter.objects.select_related("case").get(
        pk=letter_id,
        case_id=case_id,
        case__application__customer=customer,
        case__campaign__status__in=[ControlCampaign.Status.CONFIRMED, ControlCampaign.Status.CLOSED],
    )


def student_document_get(*, customer: Customer, case_id: int, document_id: int) -> CaseDocument:
    """A document on one of the student's own cases; DoesNotExist otherwise."""
    return CaseDocument.objects.select_related("case").get(
        pk=document_id,
        case_id=case_id,
        case__application__customer=customer,
        case__campaign__status__in=[ControlCampaign.Status.CONFIRMED, ControlCampaign.Status.CLOSED],
    )


@dataclass(frozen=True)
class StudentCaseView:
    """What the student is told about one case."""

    case: ControlCase
    why_selected: str
    status_text: str
    documentation_request: DocumentationRequest | None
    documents: list[CaseDocument]
    can_upload: bool
    letters: list[Letter]
    appeals: list[Appeal]
    appeal_deadline: date | None  # while the decision in force may be appealed
    can_appeal: bool


def student_case_view(*, case: ControlCase) -> StudentCaseView:
    """The student's view of a case (reads the prefetches of student_case_list)."""
    requests = list(case.documentation_requests.all())
    latest = max(requests, key=lambda r: r.requested_at) if requests else None
    appeals = list(case.appeals.all())
    decision = case.current_decision
    appealable = case.locked and decision is not None and decision.outcome == ControlOutcome.CAUGHT
    appeal_deadline = decision_appeal_deadline(decision=decision) if appealable and decision else None
    return StudentCaseView(
        case=case,
        why_selected=str(SELECTION_EXPLANATIONS[case.selection_reason]),
        status_text=str(STATUS_EXPLANATIONS[case.status]),
        documentation_request=latest,
        documents=list(case.documents.all()),
        can_upload=latest is not None and not case.locked,
        letters=list(case.letters.all()),
        appeals=appeals,
        appeal_deadline=appeal_deadline,
        can_appeal=appeal_deadline is not None
        and timezone.localdate() <= appeal_deadline
        and not any(a.status == Appeal.Status.RECEIVED for a in appeals),
    )
