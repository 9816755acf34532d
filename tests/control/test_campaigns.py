"""control/services/campaigns.py: creating a campaign, selecting its cases, confirming."""

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from control.ml.schema import AGE_BANDS
from control.models import ControlCampaign, ControlCase, DoNotControlFlag, RiskModelVersion
from control.services.campaigns import (
    control_campaign_confirm,
    control_campaign_create,
    control_campaign_discard,
    control_campaign_select,
    do_not_control_flag_create,
)
from lanekassen_ai.models import AuditEvent
from lanekassen_ai.services.audit import AuditContext
from tests.control.factories import (
    ApplicationFactory,
    ControlCaseFactory,
    RiskModelVersionFactory,
    scored_applications,
)

pytestmark = pytest.mark.django_db


def _campaign(manager: Any, **kwargs: Any) -> ControlCampaign:
    params: dict[str, Any] = {
        "name": "Kontroll 2018",
        "academic_year": 2018,
        "created_by": manager,
        "seed": 7,
    }
    params.update(kwargs)
    if "budget_share" not in params:
        params.setdefault("budget_count", 20)
    return control_campaign_create(**params, context=AuditContext(actor=manager))


def test_selection_takes_the_top_risk_and_a_uniform_random_share(manager: Any) -> None:
    scores = scored_applications(n=100)
    campaign = control_campaign_select(campaign_id=_campaign(manager, budget_count=20, random_share=0.10).pk)

    assert campaign.status == ControlCampaign.Status.PROPOSED
    assert campaign.progress == 100
    risk = ControlCase.objects.filter(campaign=campaign, selection_reason="RISK")
    random_cases = ControlCase.objects.filter(campaign=campaign, selection_reason="RANDOM")
    assert risk.count() == 18
    assert random_cases.count() == 2
    top_18 = {s.application_id for s in scores[:18]}
    assert set(risk.values_list("application_id", flat=True)) == top_18
    assert set(risk.values_list("selection_probability", flat=True)) == {1.0}
    # Random cases come from the 82 eligible applications the model did not pick.
    assert all(c.application_id not in top_18 for c in random_cases)
    assert [c.selection_probability for c in random_cases] == [pytest.approx(2 / 82)] * 2


def test_selection_is_reproducible_from_the_stored_seed(manager: Any) -> None:
    scored_applications(n=60)
    first = control_campaign_select(campaign_id=_campaign(manager, budget_count=10, random_share=0.5).pk)
    picked = set(first.cases.filter(selection_reason="RANDOM").values_list("application_id", flat=True))
    control_campaign_discard(campaign=first, discarded_by=manager, context=AuditContext(actor=manager))
    second = control_campaign_select(campaign_id=_campaign(manager, budget_count=10, random_share=0.5).pk)
    again = set(second.cases.filter(selection_reason="RANDOM").values_list("application_id", flat=True))
    assert picked == again


def test_budget_share_counts_a_share_of_the_years_applications(manager: Any) -> None:
    scored_applications(n=80)
    campaign = control_campaign_select(campaign_id=_campaign(manager, budget_share=0.25, random_share=0.2).pk)
    assert campaign.cases.count() == 20
    assert campaign.cases.filter(selection_reason="RANDOM").count() == 4


def test_flagged_and_already_controlled_applications_are_never_picked(manager: Any) -> None:
    scores = scored_applications(n=30)
    flagged = scores[0].application.customer
    DoNotControlFlag.objects.create(customer=flagged, reason="Sårbar student", created_by=manager)
    already = scores[1].application
    already.controlled = True
    already.save()
    campaign = control_campaign_select(campaign_id=_campaign(manager, budget_count=30, random_share=0.1).pk)
    picked = set(campaign.cases.values_list("application_id", flat=True))
    assert scores[0].application_id not in picked
    assert already.pk not in picked
    assert len(picked) == 28


def test_preview_reports_selection_rate_per_audit_group(manager: Any) -> None:
    # 40 women with the highest scores, 40 men below them: a 20-case risk pick takes women only.
    scored_applications(n=40, gender="F", birth_date=date(1999, 1, 1))
    version = RiskModelVersion.objects.get()
    for s in scored_applications(n=40, model_version=version, gender="M", birth_date=date(1990, 1, 1)):
        s.score, s.rank, s.percentile = s.score / 10, s.rank + 40, s.percentile / 10
        s.save()
    campaign = control_campaign_select(campaign_id=_campaign(manager, budget_count=20, random_share=0.1).pk)
    gender = {g["group"]: g for g in campaign.preview["groups"]["gender"]}
    assert gender["F"]["applications"] == 40
    assert gender["F"]["selected"] + gender["M"]["selected"] == 20
    assert gender["F"]["rate"] >= 0.45
    assert "gender" in campaign.preview["flags"]  # the ratio's whole interval is below 0.8
    assert gender["F"]["label"] == "kvinner" and gender["F"]["expected_honest_per_cheater"] is not None
    bands = {g["group"]: g["label"] for g in campaign.preview["groups"]["age_band"]}
    assert set(bands) <= {band.code for band in AGE_BANDS} and len(bands) == 2
    assert all("_" not in label for label in bands.values())
    assert campaign.preview["total"] == {"applications": 80, "selected": 20, "rate": 0.25}


def test_a_low_ratio_on_small_groups_is_too_few_to_say(manager: Any) -> None:
    scored_applications(n=20, gender="F", birth_date=date(1999, 1, 1))
    version = RiskModelVersion.objects.get()
    for s in scored_applications(n=20, model_version=version, gender="M", birth_date=date(1990, 1, 1)):
        s.score, s.rank, s.percentile = s.score / 10, s.rank + 20, s.percentile / 10
        s.save()
    campaign = control_campaign_select(campaign_id=_campaign(manager, budget_count=10, random_share=0.1).pk)
    assert "gender" not in campaign.preview["flags"]
    assert "gender" in campaign.preview["too_few_to_say"]


def test_random_share_below_five_percent_is_refused_and_nothing_is_stored(manager: Any) -> None:
    scored_applications(n=10)
    with pytest.raises(ValidationError) as excinfo:
        _campaign(manager, random_share=0.04)
    assert "5 %" in str(excinfo.value.message_dict["random_share"])
    assert not ControlCampaign.objects.exists()


def test_campaign_without_scores_for_the_year_is_refused_with_the_reason(manager: Any) -> None:
    RiskModelVersionFactory(status=RiskModelVersion.Status.ACTIVE)
    ApplicationFactory(academic_year=2018)
    with pytest.raises(ValidationError) as excinfo:
        _campaign(manager)
    assert "ikke skåret studieåret 2018" in str(excinfo.value.message_dict["model_version"])


def test_campaign_needs_either_a_count_or_a_share(manager: Any) -> None:
    scored_applications(n=5)
    with pytest.raises(ValidationError) as excinfo:
        control_campaign_create(
            name="x",
            academic_year=2018,
            created_by=manager,
            budget_count=3,
            budget_share=0.1,
            context=AuditContext(actor=manager),
        )
    assert "budget_count" in excinfo.value.message_dict


def test_confirming_is_audited_and_only_works_once(manager: Any) -> None:
    scored_applications(n=30)
    campaign = control_campaign_select(campaign_id=_campaign(manager).pk)
    control_campaign_confirm(campaign=campaign, confirmed_by=manager, context=AuditContext(actor=manager))
    campaign.refresh_from_db()
    assert campaign.status == ControlCampaign.Status.CONFIRMED
    assert campaign.confirmed_by == manager
    event = AuditEvent.objects.get(action="control.campaign.confirm")
    assert event.details["cases"] == 20
    with pytest.raises(ValidationError, match="Bare en foreslått kampanje"):
        control_campaign_confirm(campaign=campaign, confirmed_by=manager, context=AuditContext(actor=manager))


def test_applications_in_an_earlier_campaign_are_not_picked_again(manager: Any) -> None:
    scores = scored_applications(n=30)
    ControlCaseFactory(application=scores[0].application)
    campaign = control_campaign_select(campaign_id=_campaign(manager, budget_count=5).pk)
    assert scores[0].application_id not in set(campaign.cases.values_list("application_id", flat=True))


def test_do_not_control_flag_needs_a_known_customer_and_a_reason(manager: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        do_not_control_flag_create(
            customer_id="NOPE", reason="", created_by=manager, context=AuditContext(actor=manager)
        )
    assert set(excinfo.value.message_dict) == {"customer_id", "reason"}
    assert not DoNotControlFlag.objects.exists()


def test_manager_creates_a_campaign_on_the_page_and_sees_the_proposal(
    client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    scored_applications(n=40)
    client = client_for("leder")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("control:campaign-create"),
            {
                "name": "Kontroll 2018",
                "academic_year": 2018,
                "budget_count": 10,
                "random_share_percent": 10,
                "documentation_days": 21,
            },
        )
    campaign = ControlCampaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("control:campaign-detail", args=[campaign.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Bekreft kampanjen" in page.content.decode()
    assert campaign.cases.count() == 10


def test_campaign_form_shows_the_error_for_too_small_a_random_share(client_for: Any) -> None:
    scored_applications(n=5)
    response = client_for("leder").post(
        reverse("control:campaign-create"),
        {
            "name": "x",
            "academic_year": 2018,
            "budget_count": 2,
            "random_share_percent": 2,
            "documentation_days": 21,
        },
    )
    assert response.status_code == 400
    assert not ControlCampaign.objects.exists()


def test_progress_partial_tells_htmx_to_reload_when_selection_is_done(client_for: Any, manager: Any) -> None:
    scored_applications(n=10)
    campaign = _campaign(manager, budget_count=2)
    client = client_for("leder")
    running = client.get(
        reverse("control:campaign-progress", args=[campaign.pk]), headers={"HX-Request": "true"}
    )
    assert 'hx-trigger="every 1s"' in running.content.decode()
    assert "HX-Refresh" not in running
    control_campaign_select(campaign_id=campaign.pk)
    done = client.get(
        reverse("control:campaign-progress", args=[campaign.pk]), headers={"HX-Request": "true"}
    )
    assert done["HX-Refresh"] == "true"


@pytest.mark.worker
def test_the_selection_task_runs_in_a_real_worker(redis_celery_worker: Any, manager: Any) -> None:
    import time

    from control.tasks import control_campaign_select_task

    scored_applications(n=30)
    campaign = _campaign(manager, budget_count=6)
    result = control_campaign_select_task.delay(campaign.pk)
    assert result.get(timeout=60) == {"campaign": campaign.pk, "status": "PROPOSED", "cases": 6}
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        campaign.refresh_from_db()
        if campaign.status == ControlCampaign.Status.PROPOSED:
            break
        time.sleep(0.1)
    assert campaign.status == ControlCampaign.Status.PROPOSED
    assert campaign.progress == 100


def test_a_failing_selection_shows_on_the_campaign_page_not_as_a_server_error(
    client_for: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    scored_applications(n=10)

    def broken_rates(**kwargs: Any) -> dict[str, Any]:
        raise RuntimeError("database went away")

    # The preview query failing stands in for any error half-way through a selection.
    monkeypatch.setattr("control.services.campaigns.control_campaign_selection_rates", broken_rates)
    client = client_for("leder")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("control:campaign-create"),
            {
                "name": "x",
                "academic_year": 2018,
                "budget_count": 4,
                "random_share_percent": 25,
                "documentation_days": 21,
            },
        )
    assert response.status_code == 302
    campaign = ControlCampaign.objects.get()
    assert campaign.status == ControlCampaign.Status.FAILED
    assert not campaign.cases.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Uttrekket feilet:" in page
    assert "database went away" in page


def _men_then_women(*, men: int, women: int) -> None:
    """`men` applications with the highest scores, then `women` below them."""
    scored_applications(n=men, gender="M", birth_date=date(1999, 1, 1))
    version = RiskModelVersion.objects.get()
    for s in scored_applications(n=women, model_version=version, gender="F", birth_date=date(1999, 1, 1)):
        s.score, s.rank, s.percentile = s.score / 10, s.rank + men, s.percentile / 10
        s.save()


def test_random_draw_stratified_by_gender_gives_each_group_half_with_its_own_probability(
    manager: Any,
) -> None:
    _men_then_women(men=70, women=10)
    campaign = _campaign(manager, budget_count=20, random_share=0.5, random_stratify_by="gender")
    campaign = control_campaign_select(campaign_id=campaign.pk)
    random_cases = ControlCase.objects.filter(campaign=campaign, selection_reason="RANDOM").select_related(
        "application__customer"
    )
    # The risk picks take 10 men; the draw is from 60 men and 10 women, 5 of each.
    by_gender: dict[str, list[float]] = {}
    for case in random_cases:
        by_gender.setdefault(case.application.customer.gender, []).append(case.selection_probability)
    assert by_gender == {"M": [pytest.approx(5 / 60)] * 5, "F": [pytest.approx(5 / 10)] * 5}
    power = campaign.preview["power"]
    assert power["stratify_by"] == "gender" and power["n_random"] == 10 and power["pool"] == 70
    assert {r["group"]: r["expected_random"] for r in power["groups"]["gender"]} == {"F": 5.0, "M": 5.0}
    assert campaign.preview["random_probability"] is None


def test_the_random_hit_rate_of_a_stratified_draw_is_weighted_by_its_probabilities(manager: Any) -> None:
    from control.selectors.casework import control_campaign_statistics
    from control.selectors.risk import campaign_recall_expected_and_realised

    _men_then_women(men=70, women=10)
    campaign = control_campaign_select(
        campaign_id=_campaign(manager, budget_count=20, random_share=0.5, random_stratify_by="gender").pk
    )
    random_cases = ControlCase.objects.filter(campaign=campaign, selection_reason="RANDOM")
    # Every drawn woman caught, no drawn man: 5 women stand for 10, 5 men for 60.
    random_cases.filter(application__customer__gender="F").update(status="DECIDED", outcome="CAUGHT")
    random_cases.filter(application__customer__gender="M").update(status="DECIDED", outcome="CLEARED")
    rate = control_campaign_statistics(campaign=campaign).hit_rate_by_reason["RANDOM"]
    assert (rate.numerator, rate.denominator) == (5, 10)
    assert rate.rate == pytest.approx(10 / 70)
    assert rate.low < 10 / 70 < rate.high
    # The caught random cases (all women, below the top quarter) give a realised recall of 0.
    realised = campaign_recall_expected_and_realised(campaign=campaign)["realised"]
    assert realised is not None and realised.denominator == 5 and realised.rate == 0.0


def test_an_unknown_stratification_is_refused(manager: Any) -> None:
    scored_applications(n=10)
    with pytest.raises(ValidationError) as excinfo:
        _campaign(manager, budget_count=5, random_share=0.2, random_stratify_by="study_region")
    assert set(excinfo.value.message_dict) == {"random_stratify_by"}
    assert not ControlCampaign.objects.exists()


def test_proposal_page_shows_what_the_random_share_can_tell_and_the_share_a_width_needs(
    manager: Any, client_for: Any
) -> None:
    _men_then_women(men=300, women=100)
    campaign = control_campaign_select(campaign_id=_campaign(manager, budget_count=200, random_share=0.2).pk)
    client = client_for("leder")
    url = reverse("control:campaign-detail", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert "Hva det tilfeldige utvalget kan si" in page and "Intervallbredde" in page
    asked = client.get(url, {"lift_width": "2,5", "hit_rate_width_points": "20"})
    assert asked.status_code == 200
    assert "Tilfeldig andel som trengs" in asked.content.decode()
    bad = client.get(url, {"lift_width": "bred", "hit_rate_width_points": "0,1"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Skriv bredden som et tall" in body and "minst 0,5 prosentpoeng" in body
