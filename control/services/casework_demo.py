"""Demo casework: a confirmed control campaign for the demo's current year, so the worklist
has cases to take when the demo starts. Runs after the control demo step (it needs the
scored year) and is idempotent: nothing happens when a campaign for that year exists."""

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count

from control.models import ContactDetails, ControlCampaign, ControlCase, Customer, RiskScore
from control.selectors.risk import risk_model_version_active
from control.services.campaigns import (
    control_campaign_confirm,
    control_campaign_create,
    control_campaign_select,
)
from control.services.casework import control_case_request_documentation
from lanekassen_ai.services.audit import AuditContext

DEMO_CAMPAIGN_SHARE = 0.05
DEMO_MANAGER_USERNAME = "leder"


def casework_demo_seed(*, stdout: Any = None) -> None:
    """Create, select and confirm the demo campaign (see the module docstring)."""

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(f"  casework: {message}\n")

    active = risk_model_version_active()
    if active is None:
        say("no active risk model; no demo campaign")
        return
    year = (
        RiskScore.objects.filter(model_version=active)
        .order_by("-academic_year")
        .values_list("academic_year", flat=True)
        .first()
    )
    if year is None:
        say("the active model has scored no year; no demo campaign")
        return
    if ControlCampaign.objects.filter(academic_year=year).exists():
        say(f"a campaign for {year} already exists")
        return
    manager = User.objects.filter(username=DEMO_MANAGER_USERNAME).first()
    if manager is None:
        say(f"no demo user {DEMO_MANAGER_USERNAME!r}; no demo campaign")
        return
    campaign = control_campaign_create(
        name=f"Bostedskontroll {year} (demo)",
        academic_year=year,
        budget_share=DEMO_CAMPAIGN_SHARE,
        created_by=manager,
        model_version=active,
        seed=year,
        context=AuditContext(actor=manager, channel="demo"),
    )
    campaign = control_campaign_select(campaign_id=campaign.pk)
    control_campaign_confirm(
        campaign=campaign, confirmed_by=manager, context=AuditContext(actor=manager, channel="demo")
    )
    say(f"confirmed campaign {campaign.name!r} with {campaign.cases.count()} cases")


DEMO_CASEWORKER_USERNAME = "saksbehandler"


def casework_demo_student_case() -> ControlCase | None:
    """The demo student's case: the first case of the demo campaign whose student's
    fødselsnummer is theirs alone (so the ID-porten login finds exactly one person)."""
    unique_ids = (
        Customer.objects.values("national_id").annotate(n=Count("pk")).filter(n=1).values("national_id")
    )
    return (
        ControlCase.objects.filter(
            campaign__status=ControlCampaign.Status.CONFIRMED,
            application__customer__national_id__in=unique_ids,
            locked=False,
        )
        .select_related("application__customer")
        .order_by("-priority", "pk")
        .first()
    )


def casework_demo_student_seed(*, stdout: Any = None) -> None:
    """Demo step (local settings): the demo student has contact details and their case
    has had documentation requested by the demo caseworker (the notices go to the local
    SMTP server), so the student's page has something to answer."""
    case = casework_demo_student_case()
    caseworker = User.objects.filter(username=DEMO_CASEWORKER_USERNAME).first()
    if case is None or caseworker is None:
        return
    ContactDetails.objects.get_or_create(
        customer=case.application.customer,
        defaults={"email": "demo-student@student.invalid", "mobile": "+4799999999"},
    )
    if not case.documentation_requests.exists():
        control_case_request_documentation(
            case=case, requested_by=caseworker, context=AuditContext(actor=caseworker, channel="demo")
        )
    if stdout is not None:
        stdout.write(f"  casework: the demo student's case {case.campaign_id}-{case.pk} awaits documents\n")


def casework_demo_student_login() -> list[str]:
    """The lines `demo_logins` prints for the demo student (local ID-porten login)."""
    case = casework_demo_student_case()
    if case is None:
        return []
    return [
        "Demo student (Mine sider, through the local ID-porten):",
        "  http://127.0.0.1:8000/mine-sider/ → «Logg inn med ID-porten» → TestID fødselsnummer "
        f"{case.application.customer.national_id} (case {case.campaign_id}-{case.pk})",
    ]
