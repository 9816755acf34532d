"""Demo casework: a confirmed control campaign for the demo's current year, so the worklist
has cases to take when the demo starts. Runs after the control demo step (it needs the
scored year) and is idempotent: nothing happens when a campaign for that year exists."""

from typing import Any

from django.contrib.auth.models import User

from control.models import ControlCampaign, RiskScore
from control.selectors.risk import risk_model_version_active
from control.services.campaigns import (
    control_campaign_confirm,
    control_campaign_create,
    control_campaign_select,
)

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
    )
    campaign = control_campaign_select(campaign_id=campaign.pk)
    control_campaign_confirm(campaign=campaign, confirmed_by=manager)
    say(f"confirmed campaign {campaign.name!r} with {campaign.cases.count()} cases")
