"""Celery tasks of the control app: thin wrappers around the services of the same name,
passing primary keys, never objects."""

from typing import Any

from celery import shared_task
from django.db import OperationalError

from control.services.campaigns import control_campaign_select, control_campaigns_recover
from control.services.letter_schedule import campaign_letters_send
from control.services.notices import notice_send
from control.services.reminders import documentation_notices_send
from control.services.scoring import scoring_run_execute, scoring_runs_recover
from control.services.training import risk_model_version_train
from lanekassen_ai.services.audit import AuditContext


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
    """Every minute (django-celery-beat, see migration 0006): re-queue the scoring runs and
    campaign selections whose worker vanished, or fail them after too many tries."""
    return {"scoring_runs": scoring_runs_recover(), "campaigns": control_campaigns_recover()}


@shared_task(name="control.risk_model_version_train")
def risk_model_version_train_task(
    excluded_features: list[str], until_year: int | None, actor_id: int | None = None, request_id: str = ""
) -> dict[str, str]:
    """Train a new risk model version with the given features switched off (see
    control.services.training.risk_model_retrain_request)."""
    version = risk_model_version_train(
        until_year=until_year,
        excluded_features=excluded_features,
        context=AuditContext.for_task(actor_id=actor_id, request_id=request_id),
    )
    return {"model_version": version.version, "status": version.status}


NOTICE_MAX_RETRIES = 5


@shared_task(
    name="control.notice_send",
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=NOTICE_MAX_RETRIES,
)
def notice_send_task(self: Any, notice_id: int) -> dict[str, int | str]:
    """Send one stored notice (see control.services.notices); retried with backoff by a
    worker. Run in-process (no broker) there is nobody to retry later, so the first
    failure is final."""
    final = bool(self.request.is_eager) or self.request.retries >= self.max_retries
    notice = notice_send(notice_id=notice_id, final_attempt=final)
    return {"notice": notice.pk, "status": notice.status}


@shared_task(
    name="control.documentation_notices",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def documentation_notices_task(**context: Any) -> dict[str, int]:
    """Every hour (django-celery-beat, see migration 0007): reminders before documentation
    deadlines and notices that a deadline passed, each once per request."""
    return documentation_notices_send(context=AuditContext.for_task(**context))


@shared_task(
    name="control.campaign_letters",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def campaign_letters_task(**context: Any) -> dict[str, int]:
    """Every hour (django-celery-beat, see migration 0009): the documentation letters of the
    accepted letter schedules' days that have come, each letter once."""
    return campaign_letters_send(context=AuditContext.for_task(**context))
