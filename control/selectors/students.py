"""Reads for the student's own pages and API: only the logged-in student's own cases and
documents, in plain words (why picked without score or rank, what to send, by when)."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from control.models import (
    CaseDocument,
    ControlCampaign,
    ControlCase,
    Customer,
    DocumentationRequest,
    StudentAccount,
)

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
        )
        .order_by("-application__academic_year", "-pk")
    )


def student_case_get(*, customer: Customer, case_id: int) -> ControlCase:
    """One of the student's own cases; ControlCase.DoesNotExist for anyone else's."""
    return student_case_list(customer=customer).get(pk=case_id)


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


def student_case_view(*, case: ControlCase) -> StudentCaseView:
    """The student's view of a case (reads the prefetches of student_case_list)."""
    requests = list(case.documentation_requests.all())
    latest = max(requests, key=lambda r: r.requested_at) if requests else None
    return StudentCaseView(
        case=case,
        why_selected=str(SELECTION_EXPLANATIONS[case.selection_reason]),
        status_text=str(STATUS_EXPLANATIONS[case.status]),
        documentation_request=latest,
        documents=list(case.documents.all()),
        can_upload=latest is not None and not case.locked,
    )
