"""control/views/cases.py and control/views/insight.py: the worklist, the case page, the
insight page and the data access report."""

import html
import re
from typing import Any

import pytest
from django.urls import reverse

from control.models import ControlCase
from control.services.casework import control_case_decide
from lanekassen_ai.models import AuditEvent
from lanekassen_ai.services.audit import AuditContext
from tests.control.casework_helpers import access_report_url, decide_with_due_process
from tests.control.factories import ControlCampaignFactory, ControlCaseFactory, RiskScoreFactory

pytestmark = pytest.mark.django_db


def _cases(n: int) -> list[ControlCase]:
    campaign = ControlCampaignFactory()
    cases = []
    for i in range(n):
        case = ControlCaseFactory(campaign=campaign, priority=i / n, score=i / n)
        RiskScoreFactory(application=case.application, model_version=campaign.model_version)
        cases.append(case)
    return cases


@pytest.mark.parametrize("n", [5, 50])
def test_worklist_costs_the_same_number_of_queries_for_5_or_50_cases(
    n: int, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    _cases(n)
    client = client_for("saksbehandler")
    client.get(reverse("control:case-list"))  # warm the session and permission caches
    with django_assert_max_num_queries(10):
        response = client.get(reverse("control:case-list"))
    assert response.status_code == 200
    assert response.content.decode().count('href="/control/cases/') >= min(n, 25)


@pytest.mark.parametrize("n", [5, 50])
def test_case_page_costs_the_same_number_of_queries_whatever_the_history(
    n: int, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    case = _cases(1)[0]
    customer = case.application.customer
    from tests.control.factories import ApplicationFactory

    for year in range(2018 - n, 2018):
        ApplicationFactory(customer=customer, academic_year=year)
    client = client_for("saksbehandler")
    client.get(reverse("control:case-detail", args=[case.pk]))
    with django_assert_max_num_queries(16):
        response = client.get(reverse("control:case-detail", args=[case.pk]))
    assert response.status_code == 200


def test_worklist_masks_the_national_id_and_the_case_page_shows_it_in_full(client_for: Any) -> None:
    case = _cases(1)[0]
    national_id = case.application.customer.national_id
    client = client_for("saksbehandler")
    worklist = client.get(reverse("control:case-list")).content.decode()
    assert f"{national_id[:6]}*****" in worklist
    assert national_id not in worklist
    page = client.get(reverse("control:case-detail", args=[case.pk])).content.decode()
    assert national_id in page


def test_case_page_shows_the_risk_band_and_reasons_in_the_readers_language(client_for: Any) -> None:
    case = ControlCaseFactory()
    RiskScoreFactory(application=case.application, model_version=case.campaign.model_version, percentile=96.0)
    client = client_for("saksbehandler")
    page = client.get(reverse("control:case-detail", args=[case.pk])).content.decode()
    assert "Høy risiko" in page
    assert "Kort avstand mellom foreldrenes hjem og studiestedet" in page
    client.cookies["django_language"] = "en"
    english = client.get(reverse("control:case-detail", args=[case.pk])).content.decode()
    assert "Short distance between the parents&#x27; home and the place of study" in english


def test_opening_a_case_is_audited(client_for: Any) -> None:
    case = _cases(1)[0]
    client_for("saksbehandler").get(reverse("control:case-detail", args=[case.pk]))
    event = AuditEvent.objects.get(action="control.case.view")
    assert (event.object_id, event.actor_username, event.channel) == (
        str(case.pk),
        "matrix-saksbehandler",
        "web",
    )


def test_worklist_filters_overdue_and_mine(client_for: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    cases = _cases(3)
    overdue = cases[0]
    overdue.status = ControlCase.Status.AWAITING_DOCUMENTS
    overdue.documentation_deadline = timezone.localdate() - timedelta(days=2)
    overdue.save()
    client = client_for("saksbehandler")
    page = client.get(reverse("control:case-list"), {"overdue": "on"}).content.decode()
    assert f"/control/cases/{overdue.pk}/" in page
    assert f"/control/cases/{cases[1].pk}/" not in page
    assert "Over fristen" in page
    mine = client.get(reverse("control:case-list"), {"mine": "on"}).content.decode()
    assert "Ingen saker passer filteret." in mine


def test_deciding_on_the_page_without_justification_shows_the_error(client_for: Any) -> None:
    case = _cases(1)[0]
    response = client_for("saksbehandler").post(
        reverse("control:case-decide", args=[case.pk]), {"outcome": "CAUGHT", "justification": "  "}
    )
    assert response.status_code == 400
    assert (
        "Dette feltet er påkrevd." in response.content.decode() or "begrunnelse" in response.content.decode()
    )
    case.refresh_from_db()
    assert case.locked is False


def test_deciding_a_locked_case_on_the_page_shows_the_error(client_for: Any, caseworker: Any) -> None:
    case = _cases(1)[0]
    control_case_decide(
        case=case,
        outcome="CLEARED",
        justification="Leiekontrakten stemmer.",
        decided_by=caseworker,
        context=AuditContext(actor=caseworker),
    )
    response = client_for("saksbehandler").post(
        reverse("control:case-decide", args=[case.pk]),
        {"outcome": "CAUGHT", "justification": "Endrer vedtaket nå."},
    )
    assert response.status_code == 400
    assert "avgjort og låst" in response.content.decode()
    case.refresh_from_db()
    assert case.outcome == "CLEARED"


def test_a_caseworker_reopening_on_the_page_is_forbidden(client_for: Any, caseworker: Any) -> None:
    case = _cases(1)[0]
    control_case_decide(
        case=case,
        outcome="CLEARED",
        justification="Leiekontrakten stemmer.",
        decided_by=caseworker,
        context=AuditContext(actor=caseworker),
    )
    response = client_for("saksbehandler").post(
        reverse("control:case-reopen", args=[case.pk]), {"reason": "Jeg vil endre vedtaket."}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.locked is True


def test_the_modeller_sees_no_casework_page_and_no_national_id(client_for: Any) -> None:
    case = _cases(1)[0]
    client = client_for("analytiker")
    for url in (
        reverse("control:case-list"),
        reverse("control:case-detail", args=[case.pk]),
        access_report_url(case.application.customer_id),
        reverse("control-case-list"),
    ):
        assert client.get(url).status_code == 403, url
    insight = client.get(reverse("control:insight-campaign", args=[case.campaign_id])).content.decode()
    assert case.application.customer.national_id[:6] not in insight


def test_insight_shows_hit_rate_by_reason_with_intervals_and_a_csv(client_for: Any, caseworker: Any) -> None:
    campaign = ControlCampaignFactory()
    for i in range(4):
        case = ControlCaseFactory(campaign=campaign, selection_reason="RISK")
        decide_with_due_process(case=case, outcome="CAUGHT" if i < 2 else "CLEARED", caseworker=caseworker)
    random_case = ControlCaseFactory(campaign=campaign, selection_reason="RANDOM", selection_probability=0.1)
    decide_with_due_process(case=random_case, outcome="CAUGHT", caseworker=caseworker)
    client = client_for("leder")
    page = client.get(reverse("control:insight-campaign", args=[campaign.pk])).content.decode()
    assert 'data-reason="RISK">50.0 %' in page
    assert 'data-reason="RANDOM">100.0 %' in page
    assert 'id="insight-chart-data"' in page
    csv_response = client.get(reverse("control:insight-campaign-csv", args=[campaign.pk]))
    assert csv_response["Content-Type"].startswith("text/csv")
    lines = csv_response.content.decode().splitlines()
    risk_line = next(line for line in lines if line.startswith("hit_rate_by_reason,RISK"))
    assert risk_line.split(",")[3:6] == ["4", "2", "0.5"]


def test_access_report_lists_scores_cases_and_decisions_and_is_audited(
    client_for: Any, caseworker: Any
) -> None:
    case = _cases(1)[0]
    control_case_decide(
        case=case,
        outcome="CLEARED",
        justification="Leiekontrakten stemmer.",
        decided_by=caseworker,
        context=AuditContext(actor=caseworker),
    )
    customer_id = case.application.customer_id
    page = client_for("leder").get(access_report_url(customer_id)).content.decode()
    assert case.application.customer.national_id in page
    assert case.campaign.model_version.version in page
    assert "Kort avstand mellom foreldrenes hjem og studiestedet" in page
    assert "Leiekontrakten stemmer." in page
    assert 'media="print"' in page
    assert AuditEvent.objects.filter(action="control.customer.access_report", object_id=customer_id).exists()


def test_access_report_for_an_unknown_customer_is_404(client_for: Any) -> None:
    assert client_for("leder").get(access_report_url("NOPE")).status_code == 404


def test_opening_the_worklist_is_audited_with_its_filters(client_for: Any) -> None:
    client_for("saksbehandler").get(reverse("control:case-list"), {"overdue": "on", "sort": "deadline"})
    event = AuditEvent.objects.get(action="control.case.list")
    assert event.details == {"overdue": "True", "sort": "deadline"}


@pytest.mark.parametrize("customer_id", ["A/B", "../up", "./x/.", "x//y", "a?b#c%d e&f=g", "/lead", "trail/"])
def test_a_customer_id_that_would_break_a_url_still_reaches_the_case_and_access_report(
    customer_id: str, client_for: Any
) -> None:
    case = ControlCaseFactory(application__customer__customer_id=customer_id)
    client = client_for("leder")
    page = client.get(reverse("control:case-detail", args=[case.pk]))
    assert page.status_code == 200
    link = re.search(r'href="([^"]*/customers/access-report/[^"]*)"', page.content.decode())
    assert link is not None
    href = html.unescape(link.group(1))
    assert "/." not in href.split("?")[0] and "//" not in href  # nothing a browser would rewrite
    report = client.get(href)
    assert report.status_code == 200
    assert html.escape(customer_id) in report.content.decode()
    assert AuditEvent.objects.filter(action="control.customer.access_report", object_id=customer_id).exists()


def test_the_campaign_list_pages_an_ordered_list_newest_year_first(client_for: Any) -> None:
    import warnings

    from django.core.paginator import UnorderedObjectListWarning

    for year in (2017, 2019, 2018, 2019):
        ControlCampaignFactory(academic_year=year)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnorderedObjectListWarning)
        response = client_for("leder").get(reverse("control:campaign-list"))
    assert response.status_code == 200
    campaigns = list(response.context["campaigns"])
    assert [c.academic_year for c in campaigns] == [2019, 2019, 2018, 2017]
    assert campaigns[0].pk > campaigns[1].pk  # same year: the newer first, every time
