"""Celery tasks of the control app: thin wrappers around the services of the same name,
passing primary keys, never objects."""

from celery import shared_task
from django.db import OperationalError

from control.services.campaigns import control_campaign_select, control_campaigns_recover
from control.services.scoring import scoring_run_execute, scoring_runs_recover


@shared_task(name="control.campaign_select")
def control_campaign_select_task(campaign_id: int) -> dict[str, int | str]:
    """Select the cases of a campaign (see control.services.campaigns)."""
    campaign = control_campaign_select(campaign_id=campaign_id)
    return {"campaign": campaign.pk, "status": campaign.status, "cases": campaign.cases.count()}


@shared_task(
    name="control.scoring_run_execute",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def scoring_run_execute_task(scoring_run_id: int) -> dict[str, int | str]:
    """Score a ScoringRun's remaining chunks and rank the year. Safe to deliver twice or to
    retry: finished chunks are skipped (see control.services.scoring)."""
    run = scoring_run_execute(run_id=scoring_run_id)
    return {"scoring_run": run.pk, "status": run.status, "scored": run.done}


# Idempotent: a retry after a dropped database connection does no harm.
@shared_task(
    name="control.jobs_recover",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=3,
)
def control_jobs_recover_task() -> dict[str, dict[str, list[int]]]:
    """Every minute (django-celery-beat, see migration 0004): re-queue the scoring runs and
    campaign selections whose worker vanished, or fail them after too many tries."""
    return {"scoring_runs": scoring_runs_recover(), "campaigns": control_campaigns_recover()}
