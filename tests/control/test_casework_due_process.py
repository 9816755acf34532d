"""Due process in control/services/casework.py, through the service, the page and the API:
"avdekket" only after a documentation request whose documents were reviewed or whose
deadline passed after a reminder; decisions as append-only versions; random cases without risk details."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from control.models import Application, ControlCase, ControlDecision
from control.services.casework import (
    control_case_decide,
    control_case_reopen,
    control_case_request_documentation,
)
from lanekassen_ai.models import AuditEvent
from lanekassen_ai.services.audit import AuditContext
from tests.control.casework_helpers import (
    access_report_url,
    case_ready_to_catch,
    reminded_and_deadline_passed,
)
from tests.control.factories import ControlCaseFactory, RiskScoreFactory

pytestmark = pytest.mark.django_db

JUSTIFICATION = "Leiekontrakten gjelder en hybel studenten ikke bor i."


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _deadline_passed(case: ControlCase) -> None:
    ControlCase.objects.filter(pk=case.pk).update(
        documentation_deadline=timezone.localdate() - timedelta(days=1)
    )


def _assert_undecided(case: ControlCase) -> None:
    case.refresh_from_db()
    assert (case.locked, case.outcome, case.current_decision_id) == (False, "", None)
    assert not ControlDecision.objects.filter(case=case).exists()
    assert Application.objects.get(pk=case.application_id).controlled is False
    assert not AuditEvent.objects.filter(action="control.case.decide").exists()


# ---------------------------------------------------------------- the service


def test_caught_without_a_documentation_request_is_refused(caseworker: Any) -> None:
    case = ControlCaseFactory()
    with pytest.raises(ValidationError) as excinfo:
        control_case_decide(
            case=case,
            outcome="CAUGHT",
            justification=JUSTIFICATION,
            decided_by=caseworker,
            context=AuditContext(actor=caseworker),
        )
    assert "etter at studenten har fått krav om dokumentasjon" in str(excinfo.value.message_dict["outcome"])
    _assert_undecided(case)


def test_caught_before_the_deadline_without_documents_is_refused(caseworker: Any) -> None:
    case = ControlCaseFactory()
    control_case_request_documentation(
        case=case, requested_by=caseworker, context=AuditContext(actor=caseworker)
    )
    with pytest.raises(ValidationError) as excinfo:
        control_case_decide(
            case=case,
            outcome="CAUGHT",
            justification=JUSTIFICATION,
            decided_by=caseworker,
            context=AuditContext(actor=caseworker),
        )
    assert "fristen" in str(excinfo.value.message_dict["outcome"])
    assert "er ikke ute" in str(excinfo.value.message_dict["outcome"])
    _assert_undecided(case)


def test_caught_with_documents_not_marked_as_reviewed_is_refused_naming_them(caseworker: Any) -> None:
    case, _document = case_ready_to_catch(caseworker=caseworker)
    _deadline_passed(case)  # a passed deadline does not excuse ignoring what the student sent
    with pytest.raises(ValidationError) as excinfo:
        control_case_decide(
            case=case,
            outcome="CAUGHT",
            justification=JUSTIFICATION,
            decided_by=caseworker,
            context=AuditContext(actor=caseworker),
        )
    assert "«leiekontrakt.pdf»" in str(excinfo.value.message_dict["reviewed_documents"])
    _assert_undecided(case)


def test_caught_after_the_deadline_passed_without_a_reminder_is_refused(caseworker: Any) -> None:
    case = ControlCaseFactory()
    control_case_request_documentation(
        case=case, requested_by=caseworker, context=AuditContext(actor=caseworker)
    )
    _deadline_passed(case)
    with pytest.raises(ValidationError) as excinfo:
        control_case_decide(
            case=case,
            outcome="CAUGHT",
            justification=JUSTIFICATION,
            decided_by=caseworker,
            context=AuditContext(actor=caseworker),
        )
    assert "fikk ingen påminnelse før fristen" in str(excinfo.value.message_dict["outcome"])
    _assert_undecided(case)


def test_caught_after_the_deadline_passed_records_that_basis(
    caseworker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = ControlCaseFactory()
    control_case_request_documentation(
        case=case, requested_by=caseworker, context=AuditContext(actor=caseworker)
    )
    reminded_and_deadline_passed(case=case, capture_on_commit=django_capture_on_commit_callbacks)
    control_case_decide(
        case=case,
        outcome="CAUGHT",
        justification=JUSTIFICATION,
        decided_by=caseworker,
        context=AuditContext(actor=caseworker),
    )
    case.refresh_from_db()
    assert case.current_decision.basis == ControlDecision.Basis.DEADLINE_PASSED  # type: ignore[union-attr]
    assert AuditEvent.objects.get(action="control.case.decide").details["basis"] == "DEADLINE_PASSED"


def test_caught_after_reviewing_every_document_records_which(caseworker: Any) -> None:
    case, document = case_ready_to_catch(caseworker=caseworker)
    control_case_decide(
        case=case,
        outcome="CAUGHT",
        justification=JUSTIFICATION,
        decided_by=caseworker,
        reviewed_document_ids=[document.pk],
        context=AuditContext(actor=caseworker),
    )
    decision = ControlDecision.objects.get(case=case)
    assert decision.basis == ControlDecision.Basis.DOCUMENTS_REVIEWED
    assert list(decision.reviewed_documents.all()) == [document]
    assert AuditEvent.objects.get(action="control.case.decide").details["reviewed_document_ids"] == [
        document.pk
    ]


def test_cleared_may_be_decided_at_any_time(caseworker: Any) -> None:
    case = ControlCaseFactory()
    control_case_decide(
        case=case,
        outcome="CLEARED",
        justification="Folkeregisteret stemmer.",
        decided_by=caseworker,
        context=AuditContext(actor=caseworker),
    )
    case.refresh_from_db()
    assert case.outcome == "CLEARED"
    assert case.current_decision.basis == ControlDecision.Basis.NOT_NEEDED  # type: ignore[union-attr]


def test_a_document_of_another_case_cannot_be_marked_as_reviewed(caseworker: Any) -> None:
    case, _document = case_ready_to_catch(caseworker=caseworker)
    _other_case, other_document = case_ready_to_catch(caseworker=caseworker)
    with pytest.raises(ValidationError) as excinfo:
        control_case_decide(
            case=case,
            outcome="CLEARED",
            justification=JUSTIFICATION,
            decided_by=caseworker,
            reviewed_document_ids=[other_document.pk],
            context=AuditContext(actor=caseworker),
        )
    assert f"Dokument {other_document.pk} hører ikke til sak {case.pk}" in str(excinfo.value.message_dict)
    _assert_undecided(case)


def test_decide_reopen_decide_keeps_both_versions_and_the_reopening(caseworker: Any, manager: Any) -> None:
    case, document = case_ready_to_catch(caseworker=caseworker)
    control_case_decide(
        case=case,
        outcome="CAUGHT",
        justification=JUSTIFICATION,
        decided_by=caseworker,
        reviewed_document_ids=[document.pk],
        context=AuditContext(actor=caseworker),
    )
    first = ControlDecision.objects.get(case=case)
    control_case_reopen(
        case=case,
        reason="Studenten sendte en ny leiekontrakt.",
        reopened_by=manager,
        context=AuditContext(actor=manager),
    )
    control_case_decide(
        case=case,
        outcome="CLEARED",
        justification="Den nye leiekontrakten er i orden.",
        decided_by=caseworker,
        reviewed_document_ids=[document.pk],
        context=AuditContext(actor=caseworker),
    )
    versions = list(ControlDecision.objects.filter(case=case).order_by("version"))
    assert [(d.version, d.outcome, d.justification) for d in versions] == [
        (1, "CAUGHT", JUSTIFICATION),
        (2, "CLEARED", "Den nye leiekontrakten er i orden."),
    ]
    assert versions[0].pk == first.pk and versions[0].decided_at == first.decided_at  # unchanged
    assert first.reopening.reason == "Studenten sendte en ny leiekontrakt."
    case.refresh_from_db()
    assert case.current_decision == versions[1]
    assert Application.objects.get(pk=case.application_id).control_outcome == "CLEARED"


# ---------------------------------------------------------------- the page


def test_the_page_refuses_caught_without_a_request_with_the_reason(client_for: Any) -> None:
    case = ControlCaseFactory()
    response = client_for("saksbehandler").post(
        reverse("control:case-decide", args=[case.pk]), {"outcome": "CAUGHT", "justification": JUSTIFICATION}
    )
    assert response.status_code == 400
    assert "etter at studenten har fått krav om dokumentasjon" in response.content.decode()
    _assert_undecided(case)


def test_the_page_refuses_caught_before_the_deadline_with_the_reason(
    client_for: Any, caseworker: Any
) -> None:
    case = ControlCaseFactory()
    control_case_request_documentation(
        case=case, requested_by=caseworker, context=AuditContext(actor=caseworker)
    )
    ControlCase.objects.filter(pk=case.pk).update(assigned_to=None)
    response = client_for("saksbehandler").post(
        reverse("control:case-decide", args=[case.pk]), {"outcome": "CAUGHT", "justification": JUSTIFICATION}
    )
    assert response.status_code == 400
    assert "er ikke ute" in response.content.decode()
    _assert_undecided(case)


def test_the_page_refuses_caught_after_the_deadline_without_a_reminder(
    client_for: Any, caseworker: Any
) -> None:
    case = ControlCaseFactory()
    control_case_request_documentation(
        case=case, requested_by=caseworker, context=AuditContext(actor=caseworker)
    )
    ControlCase.objects.filter(pk=case.pk).update(assigned_to=None)
    _deadline_passed(case)
    response = client_for("saksbehandler").post(
        reverse("control:case-decide", args=[case.pk]), {"outcome": "CAUGHT", "justification": JUSTIFICATION}
    )
    assert response.status_code == 400
    assert "fikk ingen påminnelse før fristen" in response.content.decode()
    _assert_undecided(case)


def test_the_page_refuses_caught_with_unreviewed_documents_then_accepts_them_reviewed(
    client_for: Any, caseworker: Any
) -> None:
    case, document = case_ready_to_catch(caseworker=caseworker)
    ControlCase.objects.filter(pk=case.pk).update(assigned_to=None)
    client = client_for("saksbehandler")
    url = reverse("control:case-decide", args=[case.pk])
    refused = client.post(url, {"outcome": "CAUGHT", "justification": JUSTIFICATION})
    assert refused.status_code == 400
    assert "ikke er merket som vurdert" in refused.content.decode()
    _assert_undecided(case)
    accepted = client.post(
        url, {"outcome": "CAUGHT", "justification": JUSTIFICATION, "reviewed_documents": [document.pk]}
    )
    assert accepted.status_code == 302
    case.refresh_from_db()
    assert case.outcome == "CAUGHT"


def test_the_case_page_and_access_report_show_every_decision_version(
    client_for: Any, caseworker: Any, manager: Any
) -> None:
    case = ControlCaseFactory()
    control_case_decide(
        case=case,
        outcome="CLEARED",
        justification="Første vurdering: i orden.",
        decided_by=caseworker,
        context=AuditContext(actor=caseworker),
    )
    control_case_reopen(
        case=case,
        reason="Nye opplysninger fra folkeregisteret.",
        reopened_by=manager,
        context=AuditContext(actor=manager),
    )
    control_case_decide(
        case=case,
        outcome="CLEARED",
        justification="Andre vurdering: fortsatt i orden.",
        decided_by=caseworker,
        context=AuditContext(actor=caseworker),
    )
    client = client_for("leder")
    for url in (
        reverse("control:case-detail", args=[case.pk]),
        access_report_url(case.application.customer_id),
    ):
        page = client.get(url).content.decode()
        assert "Første vurdering: i orden." in page, url
        assert "Andre vurdering: fortsatt i orden." in page, url
        assert "Nye opplysninger fra folkeregisteret." in page, url
        assert "Vedtak, versjon 1" in page and "Vedtak, versjon 2" in page, url


# ---------------------------------------------------------------- the API


def test_the_api_refuses_caught_without_a_request_with_the_reason(caseworker: Any) -> None:
    case = ControlCaseFactory()
    response = _api(caseworker).post(
        reverse("control-case-decide", args=[case.pk]),
        {"outcome": "CAUGHT", "justification": JUSTIFICATION},
        format="json",
    )
    assert response.status_code == 400
    assert "etter at studenten har fått krav om dokumentasjon" in response.json()["outcome"][0]
    _assert_undecided(case)


def test_the_api_refuses_caught_before_the_deadline_with_the_reason(caseworker: Any) -> None:
    case = ControlCaseFactory()
    client = _api(caseworker)
    client.post(reverse("control-case-request-documentation", args=[case.pk]), {}, format="json")
    response = client.post(
        reverse("control-case-decide", args=[case.pk]),
        {"outcome": "CAUGHT", "justification": JUSTIFICATION},
        format="json",
    )
    assert response.status_code == 400
    assert "er ikke ute" in response.json()["outcome"][0]
    _assert_undecided(case)


def test_the_api_refuses_caught_after_the_deadline_without_a_reminder(caseworker: Any) -> None:
    case = ControlCaseFactory()
    client = _api(caseworker)
    client.post(reverse("control-case-request-documentation", args=[case.pk]), {}, format="json")
    _deadline_passed(case)
    response = client.post(
        reverse("control-case-decide", args=[case.pk]),
        {"outcome": "CAUGHT", "justification": JUSTIFICATION},
        format="json",
    )
    assert response.status_code == 400
    assert "fikk ingen påminnelse før fristen" in response.json()["outcome"][0]
    _assert_undecided(case)


def test_the_api_refuses_unreviewed_documents_and_foreign_ids_then_accepts(caseworker: Any) -> None:
    case, document = case_ready_to_catch(caseworker=caseworker)
    client = _api(caseworker)
    url = reverse("control-case-decide", args=[case.pk])
    unreviewed = client.post(url, {"outcome": "CAUGHT", "justification": JUSTIFICATION}, format="json")
    assert unreviewed.status_code == 400
    assert "leiekontrakt.pdf" in unreviewed.json()["reviewed_documents"][0]
    foreign = client.post(
        url,
        {"outcome": "CAUGHT", "justification": JUSTIFICATION, "reviewed_documents": [document.pk + 1000]},
        format="json",
    )
    assert foreign.status_code == 400
    assert "hører ikke til sak" in foreign.json()["reviewed_documents"][0]
    bad_type = client.post(
        url, {"outcome": "CAUGHT", "justification": JUSTIFICATION, "reviewed_documents": "x"}, format="json"
    )
    assert bad_type.status_code == 400
    _assert_undecided(case)
    accepted = client.post(
        url,
        {"outcome": "CAUGHT", "justification": JUSTIFICATION, "reviewed_documents": [document.pk]},
        format="json",
    )
    assert accepted.status_code == 200
    detail = client.get(reverse("control-case-detail", args=[case.pk])).json()
    assert detail["current_decision"]["version"] == 1
    assert detail["current_decision"]["reviewed_documents"] == [document.pk]
    steps = [e["kind"] for e in detail["timeline"] if e["kind"] not in ("notice", "letter")]
    assert steps == ["request", "document", "decision"]


def test_the_api_detail_lists_every_decision_version(caseworker: Any, manager: Any) -> None:
    case = ControlCaseFactory()
    control_case_decide(
        case=case,
        outcome="CLEARED",
        justification="Første vurdering: i orden.",
        decided_by=caseworker,
        context=AuditContext(actor=caseworker),
    )
    control_case_reopen(
        case=case,
        reason="Nye opplysninger fra folkeregisteret.",
        reopened_by=manager,
        context=AuditContext(actor=manager),
    )
    detail = _api(caseworker).get(reverse("control-case-detail", args=[case.pk])).json()
    assert detail["current_decision"] is None
    assert [d["version"] for d in detail["decisions"]] == [1]
    steps = [e["kind"] for e in detail["timeline"] if e["kind"] not in ("notice", "letter")]
    assert steps == ["decision", "reopening"]


# ---------------------------------------------------------------- random cases


def _random_case() -> ControlCase:
    case = ControlCaseFactory(
        selection_reason="RANDOM", selection_probability=0.02, score=0.12, risk_rank=378
    )
    RiskScoreFactory(application=case.application, model_version=case.campaign.model_version, percentile=20.0)
    return case


def test_an_undecided_random_case_shows_no_rank_or_reasons_on_the_page_or_worklist(client_for: Any) -> None:
    case = _random_case()
    client = client_for("saksbehandler")
    page = client.get(reverse("control:case-detail", args=[case.pk])).content.decode()
    assert "Saken er trukket tilfeldig" in page
    assert "Lav risiko" not in page
    assert "nr. " not in page
    assert "Kort avstand mellom foreldrenes hjem og studiestedet" not in page
    worklist = client.get(reverse("control:case-list")).content.decode()
    assert "<td>378</td>" not in worklist


def test_an_undecided_random_case_shows_no_score_rank_or_reasons_in_the_api(caseworker: Any) -> None:
    case = _random_case()
    client = _api(caseworker)
    row = client.get(reverse("control-case-list")).json()["results"][0]
    assert (row["score"], row["risk_rank"]) == (None, None)
    detail = client.get(reverse("control-case-detail", args=[case.pk])).json()
    assert detail["risk_hidden"] is True
    assert (detail["score"], detail["risk_rank"], detail["risk_band"]) == (None, None, None)
    assert (detail["risk_reasons"], detail["risk_reason_texts"], detail["model_version"]) == ([], [], None)


def test_a_decided_random_case_shows_its_score_again(client_for: Any, caseworker: Any) -> None:
    case = _random_case()
    control_case_decide(
        case=case,
        outcome="CLEARED",
        justification="Leiekontrakten er i orden.",
        decided_by=caseworker,
        context=AuditContext(actor=caseworker),
    )
    page = client_for("saksbehandler").get(reverse("control:case-detail", args=[case.pk])).content.decode()
    assert "Lav risiko" in page
    assert "Saken er trukket tilfeldig" in page
    assert _api(caseworker).get(reverse("control-case-detail", args=[case.pk])).json()["risk_rank"] == 378
