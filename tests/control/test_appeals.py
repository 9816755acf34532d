"""control/services/appeals.py through its doors (the student's page, the case page, the
API): an appeal while the deadline runs, handled by another caseworker than the one who
decided, upheld or reversed; a reversal is a new decision version and a new training label."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from control.models import Appeal, Application, ControlDecision, Letter, Notice
from control.selectors.casework import control_campaign_appeal_rates
from control.selectors.risk import applications_frame
from control.services.appeals import appeal_decide, appeal_register, appeal_submit
from lanekassen_ai.models import AuditEvent, DomainEvent
from lanekassen_ai.services.audit import AuditContext
from tests.control.appeal_helpers import caught_case_of_student, logged_in
from tests.control.casework_helpers import PDF_BYTES
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

APPEAL_TEXT = "Jeg bor på hybelen; leiekontrakten er min og husleien betales fra min konto."
REVERSAL = "Kontoutskriften viser husleie betalt hver måned: studenten bor der."


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _second_caseworker() -> Any:
    return UserFactory(role="saksbehandler", username="klagebehandler")


def _reversed_on_appeal(*, caseworker: Any) -> Any:
    """A CAUGHT case the student appealed and a second caseworker reversed."""
    student, case = caught_case_of_student(caseworker=caseworker)
    appeal = appeal_submit(case=case, text=APPEAL_TEXT, context=AuditContext(actor=student))
    appeal_decide(
        appeal=appeal,
        result="REVERSED",
        justification=REVERSAL,
        context=AuditContext(actor=_second_caseworker()),
    )
    case.refresh_from_db()
    return case


def test_the_student_appeals_on_their_page_with_a_document(caseworker: Any) -> None:
    student, case = caught_case_of_student(caseworker=caseworker)
    client = logged_in(student)
    page = client.get(reverse("student:case-detail", args=[case.pk])).content.decode()
    assert "Klag på vedtaket" in page and "Du kan klage på vedtaket innen" in page
    response = client.post(
        reverse("student:case-appeal", args=[case.pk]),
        {
            "text": APPEAL_TEXT,
            "document_type": "RENT_RECEIPT",
            "file": SimpleUploadedFile("kvittering.pdf", PDF_BYTES),
        },
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get(case=case)
    assert (appeal.source, appeal.status, appeal.decision_id) == (
        "STUDENT",
        "RECEIVED",
        case.current_decision_id,
    )
    assert appeal.deadline == timezone.localdate() + timedelta(days=21)
    assert [d.original_name for d in appeal.documents.all()] == ["kvittering.pdf"]
    case.refresh_from_db()
    assert case.status == "DECIDED" and case.locked  # a document with an appeal does not reopen the case
    assert Notice.objects.filter(case=case, kind=Notice.Kind.APPEAL_RECEIVED).exists()
    event = DomainEvent.objects.get(type="control.appeal.received")
    assert event.payload["appeal_id"] == appeal.pk and event.payload["case_id"] == case.pk
    assert AuditEvent.objects.get(action="control.appeal.receive").actor == student
    page = client.get(reverse("student:case-detail", args=[case.pk])).content.decode()
    assert APPEAL_TEXT in page and "Klag på vedtaket" not in page  # one open appeal at a time


def test_an_appeal_after_the_deadline_is_refused_with_the_date(caseworker: Any) -> None:
    student, case = caught_case_of_student(caseworker=caseworker)
    ControlDecision.objects.filter(pk=case.current_decision_id).update(
        decided_at=timezone.now() - timedelta(weeks=3, days=1)
    )
    case.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        appeal_submit(case=case, text=APPEAL_TEXT, context=AuditContext(actor=student))
    assert "Klagefristen gikk ut" in str(excinfo.value)
    response = _api(student).post(
        reverse("student-case-appeal", args=[case.pk]), {"text": APPEAL_TEXT}, format="json"
    )
    assert response.status_code == 400 and "Klagefristen gikk ut" in str(response.json())
    assert not Appeal.objects.exists()


def test_another_students_case_cannot_be_appealed_on_the_page_or_the_api(caseworker: Any) -> None:
    student, _case = caught_case_of_student(caseworker=caseworker)
    _other, other_case = caught_case_of_student(caseworker=caseworker)
    response = logged_in(student).post(
        reverse("student:case-appeal", args=[other_case.pk]), {"text": APPEAL_TEXT}
    )
    assert response.status_code == 404
    response = _api(student).post(
        reverse("student-case-appeal", args=[other_case.pk]), {"text": APPEAL_TEXT}, format="json"
    )
    assert response.status_code == 404
    assert not Appeal.objects.exists()


def test_the_caseworker_who_decided_cannot_decide_the_appeal_on_the_page_or_the_api(caseworker: Any) -> None:
    student, case = caught_case_of_student(caseworker=caseworker)
    appeal = appeal_submit(case=case, text=APPEAL_TEXT, context=AuditContext(actor=student))
    page = logged_in(caseworker).post(
        reverse("control:appeal-decide", args=[appeal.pk]), {"result": "REVERSED", "justification": REVERSAL}
    )
    assert page.status_code == 400
    assert "En klage må behandles av en annen saksbehandler" in page.content.decode()
    api = _api(caseworker).post(
        reverse("control-appeal-decide", args=[appeal.pk]),
        {"result": "REVERSED", "justification": REVERSAL},
        format="json",
    )
    assert api.status_code == 400 and "En klage må behandles av en annen saksbehandler" in str(api.json())
    appeal.refresh_from_db()
    assert appeal.status == "RECEIVED"
    assert Application.objects.get(pk=case.application_id).control_outcome == "CAUGHT"


def test_a_second_caseworker_reverses_and_the_training_label_changes(caseworker: Any) -> None:
    student, case = caught_case_of_student(caseworker=caseworker)
    appeal = appeal_submit(case=case, text=APPEAL_TEXT, context=AuditContext(actor=student))
    handler = _second_caseworker()
    response = logged_in(handler).post(
        reverse("control:appeal-decide", args=[appeal.pk]), {"result": "REVERSED", "justification": REVERSAL}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    case.refresh_from_db()
    versions = list(case.decisions.order_by("version").values_list("version", "outcome", "basis"))
    assert versions == [(1, "CAUGHT", "DOCUMENTS_REVIEWED"), (2, "CLEARED", "APPEAL_REVERSED")]
    assert appeal.status == "REVERSED" and appeal.new_decision_id == case.current_decision_id
    assert (appeal.decided_by, appeal.assigned_to) == (handler, handler)
    assert case.outcome == "CLEARED" and case.locked
    assert Application.objects.get(pk=case.application_id).control_outcome == "CLEARED"
    frame = applications_frame(years=[case.application.academic_year])
    row = frame[frame["application_id"] == case.application_id].iloc[0]
    assert row["control_outcome"] in ("CLEARED", 0)  # the label the next training run reads
    event = DomainEvent.objects.get(type="control.case.decision_reversed")
    assert (event.payload["previous_outcome"], event.payload["outcome"]) == ("CAUGHT", "CLEARED")
    audit = AuditEvent.objects.get(action="control.appeal.decide")
    assert audit.details["result"] == "REVERSED" and audit.actor == handler
    assert Letter.objects.filter(decision_id=case.current_decision_id, kind="DECISION").exists()
    assert Notice.objects.filter(case=case, kind=Notice.Kind.APPEAL_DECIDED).exists()
    student_page = logged_in(student).get(reverse("student:case-detail", args=[case.pk])).content.decode()
    assert REVERSAL in student_page and "Borteboer (i orden)" in student_page


def test_an_upheld_appeal_keeps_the_decision(caseworker: Any) -> None:
    student, case = caught_case_of_student(caseworker=caseworker)
    appeal = appeal_submit(case=case, text=APPEAL_TEXT, context=AuditContext(actor=student))
    appeal_decide(
        appeal=appeal,
        result="UPHELD",
        justification="Kontrakten gjelder en annen adresse enn folkeregisteret.",
        context=AuditContext(actor=_second_caseworker()),
    )
    case.refresh_from_db()
    assert case.decisions.count() == 1 and case.outcome == "CAUGHT"
    assert not DomainEvent.objects.filter(type="control.case.decision_reversed").exists()
    with pytest.raises(ValidationError, match="allerede avgjort"):
        appeal_decide(
            appeal=appeal,
            result="REVERSED",
            justification=REVERSAL,
            context=AuditContext(actor=_second_caseworker()),
        )


def test_a_caseworker_registers_an_appeal_from_a_letter_on_the_page_and_the_api(caseworker: Any) -> None:
    _student, case = caught_case_of_student(caseworker=caseworker)
    letter = Letter.objects.get(case=case, kind="DECISION")
    handler = _second_caseworker()
    page = logged_in(handler).post(
        reverse("control:case-appeal-register", args=[case.pk]),
        {"text": APPEAL_TEXT, "received_on": timezone.localdate().isoformat(), "letter": letter.pk},
    )
    assert page.status_code == 302
    appeal = Appeal.objects.get(case=case)
    assert (appeal.source, appeal.letter_id, appeal.registered_by) == ("LETTER", letter.pk, handler)
    again = _api(handler).post(
        reverse("control-case-appeal-register", args=[case.pk]), {"text": APPEAL_TEXT}, format="json"
    )
    assert again.status_code == 400 and "allerede en klage" in str(again.json())
    decided = _api(handler).post(
        reverse("control-appeal-decide", args=[appeal.pk]),
        {"result": "REVERSED", "justification": REVERSAL},
        format="json",
        HTTP_IDEMPOTENCY_KEY="klage-1",
    )
    assert decided.status_code == 200 and decided.json()["new_decision_version"] == 2
    replay = _api(handler).post(
        reverse("control-appeal-decide", args=[appeal.pk]),
        {"result": "REVERSED", "justification": REVERSAL},
        format="json",
        HTTP_IDEMPOTENCY_KEY="klage-1",
    )
    assert replay.status_code == 200 and replay["Idempotent-Replayed"] == "true"
    assert case.decisions.count() == 2


def test_an_appeal_registered_late_or_on_a_cleared_case_is_refused(caseworker: Any) -> None:
    _student, case = caught_case_of_student(caseworker=caseworker)
    ControlDecision.objects.filter(pk=case.current_decision_id).update(
        decided_at=timezone.now() - timedelta(weeks=4)
    )
    case.refresh_from_db()
    handler = AuditContext(actor=_second_caseworker())
    with pytest.raises(ValidationError, match="Klagefristen gikk ut"):
        appeal_register(case=case, text=APPEAL_TEXT, context=handler)
    in_time = timezone.localdate() - timedelta(weeks=2)  # the letter came within the three weeks
    assert appeal_register(case=case, text=APPEAL_TEXT, received_on=in_time, context=handler).pk
    _student, cleared = caught_case_of_student(caseworker=caseworker)
    ControlDecision.objects.filter(pk=cleared.current_decision_id).update(outcome="CLEARED")
    cleared.refresh_from_db()
    with pytest.raises(ValidationError, match="kan ikke påklages"):
        appeal_register(case=cleared, text=APPEAL_TEXT, context=handler)


def test_the_insight_page_shows_appeal_and_reversal_rates_per_selection_reason(
    caseworker: Any, client_for: Any
) -> None:
    case = _reversed_on_appeal(caseworker=caseworker)
    rates = control_campaign_appeal_rates(campaign=case.campaign)
    reason = case.selection_reason
    assert (rates[reason].caught_cases, rates[reason].appeals, rates[reason].reversed) == (1, 1, 1)
    assert rates[reason].appeal_rate == 1.0 and rates[reason].reversal_rate == 1.0
    assert rates["ALL"].appeals == 1
    page = (
        client_for("leder").get(reverse("control:insight-campaign", args=[case.campaign_id])).content.decode()
    )
    assert "Klager og omgjøringer" in page and 'data-appeal-reason="ALL"' in page
    assert ("reversal-warning" in page) == (reason == "RISK")


def test_the_api_case_detail_lists_letters_appeals_and_their_timeline(caseworker: Any) -> None:
    case = _reversed_on_appeal(caseworker=caseworker)
    body = _api(caseworker).get(reverse("control-case-detail", args=[case.pk])).json()
    assert [x["kind"] for x in body["letters"]].count("DECISION") == 2  # the decision and the reversal
    assert [(a["status"], a["new_decision_version"]) for a in body["appeals"]] == [("REVERSED", 2)]
    kinds = [e["kind"] for e in body["timeline"]]
    assert {"letter", "appeal", "appeal_decision"} <= set(kinds)
    assert any(APPEAL_TEXT in e["text"] for e in body["timeline"] if e["kind"] == "appeal")
