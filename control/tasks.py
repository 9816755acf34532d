"""Celery tasks of the control app: thin wrappers around the services of the same name,
passing primary keys, never objects."""

from celery import shared_task

from control.services.campaigns import control_campaign_select


@shared_task(name="control.campaign_select")
def control_campaign_select_task(campaign_id: int) -> dict[str, int | str]:
    """Select the cases of a campaign (see control.services.campaigns)."""
    campaign = control_campaign_select(campaign_id=campaign_id)
    return {"campaign": campaign.pk, "status": campaign.status, "cases": campaign.cases.count()}
