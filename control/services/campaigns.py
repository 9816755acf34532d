"""Control campaigns: create one, select its cases (top risk within the budget plus a
uniform random draw), confirm or discard the proposal, and the do-not-control flags.

Selection design (why every case stores a reason and a probability):
- RISK cases are the top of the model's ranking among the eligible applications. Given the
  scores the pick is deterministic, so their selection probability is stored as 1.0.
- RANDOM cases are a uniform draw of ``n_random`` among the eligible applications that the
  model did NOT pick (``M`` of them), so each has probability ``n_random / M``; or, when the
  campaign stratifies by an audit attribute, ``n_random`` shared equally between that
  attribute's groups, so a case of group g has probability ``n_g / M_g`` (ml/power.py).
- Together this lets evaluation and training correct for the selection: the RANDOM cases
  weighted by ``1 / probability`` stand for every eligible application outside the risk
  picks, and the RISK cases stand for themselves. The RANDOM share alone is an unbiased
  sample of the unpicked population, which is what the hit rate "random" reports.
"""

import logging
import secrets
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from control.ml import power
from control.models import (
    ControlCampaign,
    ControlCase,
    Customer,
    DoNotControlFlag,
    RiskModelVersion,
    RiskScore,
)
from control.selectors.casework import application_count_for_year, control_campaign_selection_rates
from control.selectors.risk import risk_model_version_active
from control.services.letter_schedule import campaign_letter_schedule_propose
from lanekassen_ai.services.audit import AuditContext, audit_record
from lanekassen_ai.services.events import event_emit
from lanekassen_ai.services.jobs import (
    Lease,
    LeaseLost,
    job_claim,
    job_enqueue,
    job_lease_seconds,
    jobs_recover,
)

logger = logging.getLogger(__name__)

MIN_RANDOM_SHARE = 0.05
DEFAULT_RANDOM_SHARE = 0.10
_INSERT_CHUNK = 1000
TASK_NAME = "control.campaign_select"


def control_campaign_create(
    *,
    name: str,
    academic_year: int,
    created_by: User,
    budget_count: int | None = None,
    budget_share: float | None = None,
    random_share: float = DEFAULT_RANDOM_SHARE,
    documentation_days: int = 21,
    model_version: RiskModelVersion | None = None,
    seed: int | None = None,
    random_stratify_by: str = "",
    context: AuditContext,
) -> ControlCampaign:
    """Validate and store a campaign in status SELECTING; the caller then runs
    `control_campaign_select` (the page does it through the Celery task after commit).

    Exactly one of `budget_count` (number of controls) and `budget_share` (share of the
    year's applications, 0-1) is given. The random share is at least 5%. Without a
    `model_version` the active one is used.
    """
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors.setdefault("name", []).append(_("Kampanjen må ha et navn."))
    if (budget_count is None) == (budget_share is None):
        errors.setdefault("budget_count", []).append(
            _("Oppgi enten antall kontroller eller andel av søknadene, ikke begge.")
        )
    if budget_count is not None and budget_count < 1:
        errors.setdefault("budget_count", []).append(_("Antall kontroller må være minst 1."))
    if budget_share is not None and not 0 < budget_share <= 1:
        errors.setdefault("budget_share", []).append(_("Andelen må være over 0 og høyst 100 %."))
    if not MIN_RANDOM_SHARE <= random_share <= 1:
        errors.setdefault("random_share", []).append(
            _("Den tilfeldige andelen må være minst 5 % (og høyst 100 %) for at kontrollen kan evalueres.")
        )
    if random_stratify_by not in ControlCampaign.RandomStrata.values:
        errors.setdefault("random_stratify_by", []).append(
            _("Velg kjønn, fødeland (gruppe), aldersgruppe eller ingen fordeling av det tilfeldige trekket.")
        )
    if documentation_days < 1:
        errors.setdefault("documentation_days", []).append(_("Fristen må være minst én dag."))
    if model_version is None:
        model_version = risk_model_version_active()
    if model_version is None:
        errors.setdefault("model_version", []).append(
            _("Det finnes ingen aktiv risikomodell. Aktiver en modell eller velg en versjon.")
        )
    if application_count_for_year(academic_year=academic_year) == 0:
        errors.setdefault("academic_year", []).append(
            _("Det finnes ingen søknader for studieåret %(year)s.") % {"year": academic_year}
        )
    elif (
        model_version is not None
        and not RiskScore.objects.filter(model_version=model_version, academic_year=academic_year).exists()
    ):
        errors.setdefault("model_version", []).append(
            _("Modellversjon %(version)s har ikke skåret studieåret %(year)s ennå.")
            % {"version": model_version.version, "year": academic_year}
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        campaign = ControlCampaign.objects.create(
            name=name,
            academic_year=academic_year,
            budget_count=budget_count,
            budget_share=budget_share,
            random_share=random_share,
            random_stratify_by=random_stratify_by,
            documentation_days=documentation_days,
            model_version=model_version,
            status=ControlCampaign.Status.SELECTING,
            # Stored so that the draw can be reproduced and checked afterwards.
            seed=seed if seed is not None else secrets.randbelow(2**31),
            created_by=created_by,
            heartbeat_at=timezone.now(),
        )
        audit_record(
            action="control.campaign.create",
            actor=created_by,
            obj=campaign,
            context=context,
            details={
                "academic_year": academic_year,
                "budget_count": budget_count,
                "budget_share": budget_share,
                "random_stratify_by": random_stratify_by,
            },
        )
    return campaign


def _mark_unavailable(*, campaign_id: int) -> None:
    # The broker refused the job: FAILED with the reason (retryable), never SELECTING for ever.
    ControlCampaign.objects.filter(pk=campaign_id, status=ControlCampaign.Status.SELECTING).update(
        status=ControlCampaign.Status.FAILED,
        error=_("Bakgrunnsjobber var utilgjengelige, så uttrekket ble ikke startet. Prøv igjen."),
        lease_owner="",
    )


def control_campaign_start(
    *,
    name: str,
    academic_year: int,
    created_by: User,
    budget_count: int | None = None,
    budget_share: float | None = None,
    random_share: float = DEFAULT_RANDOM_SHARE,
    documentation_days: int = 21,
    model_version: RiskModelVersion | None = None,
    random_stratify_by: str = "",
    context: AuditContext,
) -> ControlCampaign:
    """Create a campaign (see `control_campaign_create`) and queue its selection after
    commit. Raises JobsUnavailable when the broker is down; the campaign is then FAILED
    with the reason, so it can be retried."""
    campaign = control_campaign_create(
        name=name,
        academic_year=academic_year,
        created_by=created_by,
        budget_count=budget_count,
        budget_share=budget_share,
        random_share=random_share,
        documentation_days=documentation_days,
        model_version=model_version,
        random_stratify_by=random_stratify_by,
        context=context,
    )
    job_enqueue(
        task_name=TASK_NAME,
        args=[campaign.pk],
        on_unavailable=lambda: _mark_unavailable(campaign_id=campaign.pk),
    )
    return campaign


def control_campaign_is_stuck(*, campaign: ControlCampaign) -> bool:
    """A selection whose worker has given no sign of life for a lease."""
    if campaign.status != ControlCampaign.Status.SELECTING:
        return False
    stale = timezone.now() - timedelta(seconds=job_lease_seconds())
    return campaign.heartbeat_at is None or campaign.heartbeat_at < stale


def control_campaign_retry(*, campaign: ControlCampaign, context: AuditContext) -> ControlCampaign:
    """Select a FAILED or stuck campaign's cases again (from scratch). Audited. Raises
    ValidationError when the campaign is neither, JobsUnavailable when the broker is down."""
    with transaction.atomic():
        locked = ControlCampaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status != ControlCampaign.Status.FAILED and not control_campaign_is_stuck(campaign=locked):
            raise ValidationError(
                _("Bare et uttrekk som feilet eller stanset kan startes på nytt; «%(name)s» er %(status)s.")
                % {"name": locked.name, "status": locked.get_status_display()}
            )
        previous = locked.status
        locked.status = ControlCampaign.Status.SELECTING
        locked.error = ""
        locked.progress = 0
        locked.attempts = 0
        locked.lease_owner = ""
        locked.heartbeat_at = timezone.now()
        locked.save(update_fields=["status", "error", "progress", "attempts", "lease_owner", "heartbeat_at"])
        audit_record(
            action="control.campaign.retry",
            context=context,
            obj=locked,
            details={"previous_status": previous},
        )
    job_enqueue(
        task_name=TASK_NAME, args=[locked.pk], on_unavailable=lambda: _mark_unavailable(campaign_id=locked.pk)
    )
    return locked


def control_campaigns_recover() -> dict[str, list[int]]:
    """Re-queue the selections whose worker vanished (no heartbeat for a lease), or fail
    them after JOBS_MAX_ATTEMPTS (beat job, see control.tasks.control_jobs_recover)."""

    def fail(campaign: ControlCampaign, attempts: int) -> None:
        ControlCase.objects.filter(campaign=campaign).delete()
        ControlCampaign.objects.filter(pk=campaign.pk).update(
            status=ControlCampaign.Status.FAILED,
            lease_owner="",
            attempts=attempts,
            error=_("Uttrekket stanset %(n)s ganger uten å bli ferdig. Start det på nytt.") % {"n": attempts},
        )
        audit_record(
            action="control.campaign.abandon", obj=campaign, channel="task", details={"attempts": attempts}
        )

    recovered = jobs_recover(
        model=ControlCampaign,
        active=Q(status=ControlCampaign.Status.SELECTING),
        requeue=lambda campaign: job_enqueue(task_name=TASK_NAME, args=[campaign.pk]),
        fail=fail,
    )
    return {"requeued": recovered.requeued, "failed": recovered.failed}


def _eligible_scores(*, campaign: ControlCampaign) -> list[tuple[str, float, int, str, str, object]]:
    """(application_id, score, rank, gender, birth country group, birth date) of every
    eligible application, best rank first (the last three only for the random draw's audit
    groups, never for the ranking).

    Not eligible: applications already controlled this year, applications already in a
    case (of this or another campaign) and customers with an active do-not-control flag.
    """
    flagged = DoNotControlFlag.objects.filter(active=True).values("customer_id")
    return list(
        RiskScore.objects.filter(model_version=campaign.model_version, academic_year=campaign.academic_year)
        .exclude(application__controlled=True)
        .exclude(application__control_case__isnull=False)
        .exclude(application__customer_id__in=flagged)
        .order_by("rank", "application_id")
        .values_list(
            "application_id",
            "score",
            "rank",
            "application__customer__gender",
            "application__customer__birth_country_group",
            "application__customer__birth_date",
        )
    )


def _progress(*, lease: Lease, percent: int) -> None:
    # Written outside any transaction so the page's polling sees it at once; renews the lease.
    lease.beat(progress=percent)


def control_campaign_select(*, campaign_id: int) -> ControlCampaign:
    """Select the cases of a campaign in status SELECTING and leave it PROPOSED with its
    preview (counts and selection rate per audit group), or FAILED with the error.

    Idempotent: cases from an earlier, interrupted run of the same campaign are removed
    first. Cases are inserted in chunks, each committed, so the progress is visible; on any
    error they are all removed again. A campaign no longer SELECTING (a job delivered twice)
    or held by another live worker is returned as it is; the worker holds the campaign's
    lease while it selects and stops, writing nothing more, if another took it over.
    """
    campaign = ControlCampaign.objects.select_related("model_version").get(pk=campaign_id)
    lease = job_claim(
        model=ControlCampaign, pk=campaign.pk, active=Q(status=ControlCampaign.Status.SELECTING)
    )
    if lease is None:
        logger.info("campaign %s is not selecting or another worker holds it", campaign.pk)
        return campaign
    try:
        ControlCase.objects.filter(campaign=campaign).delete()
        _progress(lease=lease, percent=5)
        eligible = _eligible_scores(campaign=campaign)
        year_total = application_count_for_year(academic_year=campaign.academic_year)
        budget = (
            campaign.budget_count
            if campaign.budget_count is not None
            else round((campaign.budget_share or 0) * year_total)
        )
        budget = min(max(budget, 0), len(eligible))
        # At least one random case whenever anything is picked: the random share is what
        # makes the campaign's results measurable.
        n_random = min(budget, max(1, round(campaign.random_share * budget))) if budget else 0
        n_risk = budget - n_random
        risk_picks = eligible[:n_risk]
        rest = eligible[n_risk:]
        groups = power.audit_groups(
            gender=[row[3] for row in rest],
            birth_country_group=[row[4] for row in rest],
            birth_date=[row[5] for row in rest],
            academic_year=campaign.academic_year,
        )
        stratify_by = campaign.random_stratify_by
        positions, probabilities = power.random_draw(
            pool_size=len(rest),
            n_random=n_random,
            seed=campaign.seed,
            strata=groups[stratify_by] if stratify_by else None,
        )
        random_picks = [(*rest[i][:3], p) for i, p in zip(positions, probabilities, strict=True)]
        _progress(lease=lease, percent=20)
        chunk = getattr(settings, "CONTROL_SELECTION_CHUNK_SIZE", _INSERT_CHUNK)

        cases = [
            ControlCase(
                campaign=campaign,
                application_id=app_id,
                selection_reason=ControlCase.SelectionReason.RISK,
                selection_probability=1.0,
                score=score,
                risk_rank=rank,
                priority=score,
            )
            for app_id, score, rank, *_audit in risk_picks
        ] + [
            ControlCase(
                campaign=campaign,
                application_id=app_id,
                selection_reason=ControlCase.SelectionReason.RANDOM,
                selection_probability=probability,
                score=score,
                risk_rank=rank,
                priority=score,
            )
            for app_id, score, rank, probability in random_picks
        ]
        for start in range(0, len(cases), chunk):
            # One transaction per chunk: committed (so the progress shows) when called from
            # a worker, a savepoint when called inside a caller's transaction.
            with transaction.atomic():
                ControlCase.objects.bulk_create(cases[start : start + chunk])
            done = min(start + chunk, len(cases))
            _progress(lease=lease, percent=20 + int(70 * done / len(cases)))
        preview = control_campaign_selection_rates(campaign=campaign)
        preview["risk"] = n_risk
        preview["random"] = n_random
        preview["eligible"] = len(eligible)
        # One probability for a uniform draw; per group (in "power") when stratified.
        preview["random_probability"] = None if stratify_by else n_random / len(rest) if rest else 0.0
        preview["power"] = power.power_summary(
            risk_scores=np.array([row[1] for row in risk_picks], dtype=float),
            pool_scores=np.array([row[1] for row in rest], dtype=float),
            pool_groups=groups,
            n_random=n_random,
            budget=budget,
            stratify_by=stratify_by,
        )
        if not lease.release(status=ControlCampaign.Status.PROPOSED, progress=100, preview=preview, error=""):
            raise LeaseLost(f"campaign {campaign.pk} was taken over")
    except LeaseLost:
        # The worker that took over removes and re-inserts the cases itself.
        logger.warning("selection of campaign %s was taken over by another worker; stopping", campaign.pk)
        campaign.refresh_from_db()
        return campaign
    except Exception as exc:
        if not lease.held():
            logger.warning("selection of campaign %s failed after it was taken over: %s", campaign.pk, exc)
            campaign.refresh_from_db()
            return campaign
        logger.exception("selection of campaign %s failed", campaign.pk)
        ControlCase.objects.filter(campaign=campaign).delete()
        lease.release(status=ControlCampaign.Status.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise
    campaign.refresh_from_db()
    return campaign


def control_campaign_confirm(
    *, campaign: ControlCampaign, confirmed_by: User, context: AuditContext
) -> ControlCampaign:
    """Confirm a proposed campaign: its cases enter the worklist, and a schedule for its
    documentation letters is proposed (control.services.letter_schedule). Audited."""
    with transaction.atomic():
        locked = ControlCampaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status != ControlCampaign.Status.PROPOSED:
            raise ValidationError(
                _("Bare en foreslått kampanje kan bekreftes; «%(name)s» har status %(status)s.")
                % {"name": locked.name, "status": locked.get_status_display()}
            )
        locked.status = ControlCampaign.Status.CONFIRMED
        locked.confirmed_by = confirmed_by
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["status", "confirmed_by", "confirmed_at"])
        audit_record(
            action="control.campaign.confirm",
            actor=confirmed_by,
            obj=locked,
            context=context,
            details={
                "cases": locked.cases.count(),
                "risk": locked.preview.get("risk"),
                "random": locked.preview.get("random"),
            },
        )
        event_emit(
            type="control.campaign.confirmed",
            version=1,
            payload={
                "campaign_id": locked.pk,
                "academic_year": locked.academic_year,
                "cases": locked.cases.count(),
                "risk": locked.preview.get("risk"),
                "random": locked.preview.get("random"),
            },
        )
    return campaign_letter_schedule_propose(campaign=locked, context=context)


def control_campaign_discard(*, campaign: ControlCampaign, discarded_by: User, context: AuditContext) -> None:
    """Delete a campaign that was never confirmed, with its proposed cases. Audited."""
    with transaction.atomic():
        locked = ControlCampaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status in (ControlCampaign.Status.CONFIRMED, ControlCampaign.Status.CLOSED):
            raise ValidationError(_("En bekreftet kampanje kan ikke forkastes."))
        audit_record(
            action="control.campaign.discard",
            actor=discarded_by,
            obj=locked,
            context=context,
            details={"status": locked.status},
        )
        locked.cases.all().delete()
        locked.delete()


def do_not_control_flag_create(
    *, customer_id: str, reason: str, created_by: User, context: AuditContext
) -> DoNotControlFlag:
    """Mark a customer as not to be controlled (e.g. a vulnerable student). Audited."""
    customer_id = (customer_id or "").strip()
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Skriv hvorfor kunden ikke skal kontrolleres.")]
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        errors["customer_id"] = [_("Fant ingen kunde med kunde-id «%(id)s».") % {"id": customer_id}]
    if errors or customer is None:
        raise ValidationError(errors)
    with transaction.atomic():
        flag = DoNotControlFlag.objects.create(customer=customer, reason=reason, created_by=created_by)
        audit_record(action="control.flag.create", actor=created_by, obj=flag, context=context)
    return flag


def do_not_control_flag_deactivate(
    *, flag: DoNotControlFlag, deactivated_by: User, context: AuditContext
) -> DoNotControlFlag:
    """Lift a do-not-control flag (kept, inactive, for the record). Audited."""
    with transaction.atomic():
        flag.active = False
        flag.save(update_fields=["active"])
        audit_record(action="control.flag.deactivate", actor=deactivated_by, obj=flag, context=context)
    return flag
