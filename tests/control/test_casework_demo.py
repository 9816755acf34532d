"""control/services/casework_demo.py: the demo campaign, made once."""

import io
from typing import Any

import pytest

from control.models import ControlCampaign, Customer
from control.services.casework_demo import casework_demo_seed
from lanekassen_ai.roles import Role
from tests.control.factories import scored_applications

pytestmark = pytest.mark.django_db


def test_the_demo_campaign_is_confirmed_once_and_a_second_run_changes_nothing(make_user: Any) -> None:
    make_user(Role.MANAGER, username="leder")
    scored_applications(n=60)
    out = io.StringIO()
    casework_demo_seed(stdout=out)
    campaign = ControlCampaign.objects.get()
    assert campaign.status == ControlCampaign.Status.CONFIRMED
    assert campaign.cases.count() == 3  # 5 % of 60
    casework_demo_seed(stdout=out)
    assert ControlCampaign.objects.count() == 1
    assert "already exists" in out.getvalue()


def test_without_an_active_model_the_demo_step_says_so_and_does_nothing() -> None:
    out = io.StringIO()
    casework_demo_seed(stdout=out)
    assert "no active risk model" in out.getvalue()
    assert not ControlCampaign.objects.exists()


def test_the_demo_student_has_a_requested_case_and_a_printed_login(make_user: Any) -> None:
    from control.services.casework_demo import casework_demo_student_login, casework_demo_student_seed

    make_user(Role.MANAGER, username="leder")
    make_user(Role.CASEWORKER, username="saksbehandler")
    scored_applications(n=60)
    for i, customer in enumerate(Customer.objects.all()):  # the demo's students have distinct numbers
        customer.national_id = f"{17059800000 + i}"
        customer.save(update_fields=["national_id"])
    casework_demo_seed()
    casework_demo_student_seed()
    case = ControlCampaign.objects.get().cases.get(documentation_requests__isnull=False)
    lines = casework_demo_student_login()
    assert case.application.customer.national_id in lines[1]
    assert "/mine-sider/" in lines[1]
