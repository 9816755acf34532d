"""Batch scoring of one academic year with one model version, in resumable chunks.

A ScoringRun walks the year's applications in chunks of consecutive application_ids, in
two passes. The first pass computes only the scores of the whole year (cheap: no
explanations, nothing written) to fix every application's rank (1 = highest risk) and
percentile. The second pass computes the reasons chunk by chunk and writes each chunk's
rows, already ranked, in its own transaction together with the note that it is done
(`chunks_done` holds its first and last id). A run that stops half-way continues where it
stopped (the first pass is recomputed, it is deterministic); re-running a chunk replaces its
rows instead of adding to them. Rows are written once: no year-wide UPDATE afterwards.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from django.conf import settings
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from control.ml.drift import DriftCounter
from control.ml.scoring import score_features, score_frame, score_frame_with_features
from control.models import Application, RiskModelVersion, RiskScore, ScoringRun
from control.selectors.risk import (
    application_year_ids_bounds,
    applications_frame,
    risk_model_version_active,
    scoring_run_is_stuck,
)
from control.services.registry import risk_model_pipeline_load
from lanekassen_ai.services.audit import AuditContext, audit_record
from lanekassen_ai.services.events import event_emit
from lanekassen_ai.services.jobs import (
    Lease,
    LeaseLost,
    job_claim,
    job_enqueue,
    jobs_recover,
)

logger = logging.getLogger(__name__)

CHUNK_SIZE = 100_000
# Up to this many applications, the first pass keeps each chunk's scores and feature
# matrix for the second pass (about 0.3 GiB per million) instead of reading the rows and
# computing the features twice.
KEEP_FRAMES_UP_TO = 1_500_000


ACTIVE = (ScoringRun.Status.PENDING, ScoringRun.Status.RUNNING)
TASK_NAME = "control.scoring_run_execute"


class ScoringError(Exception):
    """Scoring cannot start or continue, with the reason."""


class ScoringRunConflict(ScoringError):
    """Another run of the same year and model is going (`run`)."""

    def __init__(self, *, run: ScoringRun) -> None:
        self.run = run
        super().__init__(
            f"scoring run {run.pk} for academic year {run.academic_year} with model "
            f"{run.model_version.version} is {run.status.lower()}: wait for it to finish"
        )


def _active_run(
    *, model_version: RiskModelVersion, year: int, exclude: int | None = None
) -> ScoringRun | None:
    runs = ScoringRun.objects.select_related("model_version").filter(
        model_version=model_version, academic_year=year, status__in=ACTIVE
    )
    return runs.exclude(pk=exclude).first() if exclude else runs.first()


def scoring_run_create(
    *,
    year: int,
    model_version: RiskModelVersion | None = None,
    context: AuditContext,
) -> ScoringRun:
    """A new PENDING run for `year` with `model_version` (default: the active model)."""
    if model_version is None:
        model_version = risk_model_version_active()
        if model_version is None:
            raise ScoringError(
                "no active risk model: train one and activate it (train_risk_model --activate)"
            )
    if model_version.status == RiskModelVersion.Status.RETIRED:
        raise ScoringError(f"model {model_version.version} is retired")
    total = Application.objects.filter(academic_year=year).count()
    if total == 0:
        raise ScoringError(f"no applications for academic year {year}: import them first")
    actor = context.actor if context.actor is not None and context.actor.is_authenticated else None
    with transaction.atomic():
        # Two requests for the same year and model queue up on the model's row; the
        # constraint one_active_scoring_run is the backstop.
        RiskModelVersion.objects.select_for_update().filter(pk=model_version.pk).first()
        going = _active_run(model_version=model_version, year=year)
        if going is not None:
            raise ScoringRunConflict(run=going)
        try:
            with transaction.atomic():
                run = ScoringRun.objects.create(
                    model_version=model_version,
                    academic_year=year,
                    total=total,
                    started_by=actor,
                    heartbeat_at=timezone.now(),
                )
        except IntegrityError:
            going = _active_run(model_version=model_version, year=year)
            if going is None:
                raise
            raise ScoringRunConflict(run=going) from None
        audit_record(
            action="control.scoring.start",
            actor=actor,
            obj=run,
            context=context,
            details={"year": year, "model_version": model_version.version, "applications": total},
        )
    return run


def _mark_unavailable(*, run_id: int) -> None:
    # The broker refused the job: leave the run FAILED (retryable), never PENDING for ever.
    ScoringRun.objects.filter(pk=run_id, status=ScoringRun.Status.PENDING).update(
        status=ScoringRun.Status.FAILED, error="broker unavailable: the run was not queued", lease_owner=""
    )


def scoring_run_start(
    *, year: int, model_version: RiskModelVersion | None = None, context: AuditContext
) -> ScoringRun:
    """Create a run (see `scoring_run_create`) and queue it after commit. Raises
    ScoringRunConflict when a run of the same year and model is going, and
    JobsUnavailable (the run is left FAILED, so it can be retried) when the broker is down."""
    run = scoring_run_create(year=year, model_version=model_version, context=context)
    job_enqueue(task_name=TASK_NAME, args=[run.pk], on_unavailable=lambda: _mark_unavailable(run_id=run.pk))
    return run


def scoring_run_retry(*, run: ScoringRun, context: AuditContext) -> ScoringRun:
    """Queue a FAILED or stuck run again; it resumes at its first chunk not done. Audited.
    Raises ScoringError when the run is neither, ScoringRunConflict when another run of
    its year and model is going, JobsUnavailable when the broker is down."""
    with transaction.atomic():
        locked = ScoringRun.objects.select_for_update().select_related("model_version").get(pk=run.pk)
        if locked.status != ScoringRun.Status.FAILED and not scoring_run_is_stuck(run=locked):
            raise ScoringError(
                f"scoring run {locked.pk} is {locked.status.lower()}: "
                "only a failed or stuck run can be retried"
            )
        RiskModelVersion.objects.select_for_update().filter(pk=locked.model_version_id).first()
        going = _active_run(model_version=locked.model_version, year=locked.academic_year, exclude=locked.pk)
        if going is not None:
            raise ScoringRunConflict(run=going)
        previous = locked.status
        locked.status = ScoringRun.Status.PENDING
        locked.error = ""
        locked.attempts = 0
        locked.lease_owner = ""
        locked.heartbeat_at = timezone.now()
        locked.save(update_fields=["status", "error", "attempts", "lease_owner", "heartbeat_at"])
        audit_record(
            action="control.scoring.retry",
            context=context,
            obj=locked,
            details={"previous_status": previous, "done": locked.done, "total": locked.total},
        )
    job_enqueue(
        task_name=TASK_NAME, args=[locked.pk], on_unavailable=lambda: _mark_unavailable(run_id=locked.pk)
    )
    return locked


def scoring_runs_recover() -> dict[str, list[int]]:
    """Re-queue the runs whose worker vanished (no heartbeat for a lease), or fail them
    after JOBS_MAX_ATTEMPTS (beat job, see control.tasks.control_jobs_recover)."""

    def fail(run: ScoringRun, attempts: int) -> None:
        ScoringRun.objects.filter(pk=run.pk).update(
            status=ScoringRun.Status.FAILED,
            lease_owner="",
            attempts=attempts,
            error=f"the worker stopped {attempts} times without finishing; retry the run",
        )
        audit_record(
            action="control.scoring.abandon", obj=run, channel="task", details={"attempts": attempts}
        )

    recovered = jobs_recover(
        model=ScoringRun,
        active=Q(status__in=ACTIVE),
        requeue=lambda run: job_enqueue(task_name=TASK_NAME, args=[run.pk]),
        fail=fail,
    )
    return {"requeued": recovered.requeued, "failed": recovered.failed}


def scoring_run_execute(
    *, run_id: int, chunk_size: int | None = None, progress: Callable[[int, int], None] | None = None
) -> ScoringRun:
    """Score every chunk of the run not yet done, then rank the year. Idempotent: a run
    that SUCCEEDED is returned as it is; a FAILED or interrupted one resumes. The worker
    holds the run's lease while it works (renewed at every chunk); a run another live
    worker holds is returned as it is, and a worker whose lease was taken over stops."""
    size: int = chunk_size or int(getattr(settings, "CONTROL_SCORING_CHUNK_SIZE", CHUNK_SIZE))
    run = ScoringRun.objects.select_related("model_version").get(pk=run_id)
    if run.status == ScoringRun.Status.SUCCEEDED:
        return run
    lease = job_claim(model=ScoringRun, pk=run.pk, active=~Q(status=ScoringRun.Status.SUCCEEDED))
    if lease is None:
        logger.info("scoring run %s is held by another worker or done", run.pk)
        run.refresh_from_db()
        return run
    lease.beat(status=ScoringRun.Status.RUNNING, error="")
    try:
        pipeline = risk_model_pipeline_load(model_version=run.model_version)
        bounds = application_year_ids_bounds(year=run.academic_year, chunk_size=size)
        done_ranges = {tuple(r) for r in run.chunks_done}
        pending = [(first, last) for first, last in bounds if (first, last) not in done_ranges]
        total = len(bounds) + (len(bounds) if pending else 0)
        step = 0
        ranking = pd.DataFrame()
        kept: dict[tuple[str, str], tuple[pd.DataFrame, np.ndarray]] = {}
        # Rows already scored by an earlier run of this model and year must be replaced;
        # on a first run there is nothing to delete, so no chunk pays for looking.
        replace = RiskScore.objects.filter(
            model_version_id=run.model_version_id, academic_year=run.academic_year
        ).exists()
        if pending:
            parts = []
            keep = run.total <= KEEP_FRAMES_UP_TO
            pending_ranges = set(pending)
            drift = DriftCounter(reference=run.model_version.drift_reference or {})
            for first, last in bounds:
                frame, history = _chunk_frames(year=run.academic_year, first=first, last=last)
                part, features = score_frame_with_features(
                    pipeline=pipeline, frame=frame, history=history, top_reasons=0
                )
                parts.append(part)
                _scoring_run_drift_count(drift=drift, features=features, scores=part["score"].to_numpy())
                if keep and (first, last) in pending_ranges:
                    kept[(first, last)] = (part, features)
                step += 1
                lease.beat()
                if progress is not None:
                    progress(step, total)
            ranking = _ranking(scores=pd.concat(parts, ignore_index=True))
            _scoring_run_drift_record(run=run, drift=drift)
        with _ChunkWriter(overlap=_overlap_writes()) as writer:
            for first, last in bounds:
                if (first, last) in done_ranges:
                    continue
                scored = _chunk_reasons(
                    run=run,
                    pipeline=pipeline,
                    first=first,
                    last=last,
                    ranking=ranking,
                    computed=kept.pop((first, last), None),
                )
                # The previous chunk's rows were written while this chunk's reasons were
                # computed; its transaction is over before the lease (the run's row) is renewed.
                if writer.wait():
                    step += 1
                    lease.beat()
                    if progress is not None:
                        progress(step, total)
                writer.submit(
                    partial(
                        _chunk_store,
                        run=run,
                        first=first,
                        last=last,
                        scored=scored,
                        replace=replace,
                        lease=lease,
                    )
                )
            if writer.wait():
                step += 1
                lease.beat()
                if progress is not None:
                    progress(step, total)
        with transaction.atomic():
            run.refresh_from_db()
            if not lease.release(status=ScoringRun.Status.SUCCEEDED, finished_at=timezone.now()):
                raise LeaseLost(f"scoring run {run.pk} was taken over")
            run.refresh_from_db()
            audit_record(
                action="control.scoring.finish",
                obj=run,
                channel="task",
                details={
                    "year": run.academic_year,
                    "model_version": run.model_version.version,
                    "scored": run.done,
                },
            )
            event_emit(
                type="control.scoring_run.finished",
                version=1,
                payload={
                    "scoring_run_id": run.pk,
                    "academic_year": run.academic_year,
                    "model_version": run.model_version.version,
                    "scored": run.done,
                },
            )
    except LeaseLost:
        logger.warning("scoring run %s was taken over by another worker; stopping", run.pk)
        run.refresh_from_db()
        return run
    except BaseException as exc:
        lease.release(status=ScoringRun.Status.FAILED, error=(str(exc) or type(exc).__name__)[:2000])
        raise
    return run


def _scoring_run_drift_count(*, drift: DriftCounter, features: np.ndarray, scores: np.ndarray) -> None:
    if drift.reference and len(features):
        drift.add(features=features, scores=scores)


def _scoring_run_drift_record(*, run: ScoringRun, drift: DriftCounter) -> None:
    """Store the year's PSI against the training years and the expected recall at 25 %;
    above 0.2 the run and the model card warn (ml/drift.py)."""
    if not drift.reference:
        return  # a model trained before drift references existed
    report = drift.report()
    run.drift = report
    ScoringRun.objects.filter(pk=run.pk).update(drift=report)
    if report["warning"]:
        logger.warning(
            "scoring run %s: the year %s has drifted from the training years (%s)",
            run.pk,
            run.academic_year,
            ", ".join(report["shifted_features"]) or f"score PSI {report['score_psi']}",
        )


def _chunk_frames(*, year: int, first: str, last: str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """A chunk's applications and, for the prev_* inputs, last year's applications of the
    same customers."""
    frame = applications_frame(years=[year], id_range=(first, last))
    history = applications_frame(years=[year - 1], customers_of_year=year, customers_id_range=(first, last))
    return frame, history if len(history) else None


def _ranking(*, scores: pd.DataFrame) -> pd.DataFrame:
    """Rank 1 = highest score (ties by application_id); percentile = share of the year's
    applications scoring at most as high, in percent (the top application has 100)."""
    ordered = scores.sort_values(["score", "application_id"], ascending=[False, True], kind="stable")
    n = len(ordered)
    rank = np.arange(1, n + 1)
    return pd.DataFrame(
        {"rank": rank, "percentile": np.round(100.0 * (n - rank + 1) / n, 3)},
        index=pd.Index(ordered["application_id"].to_numpy(), name="application_id"),
    )


def _overlap_writes() -> bool:
    """Whether a chunk's rows are written on a second connection while the next chunk's
    reasons are computed. Only on PostgreSQL (a second writer on SQLite would wait for the
    file lock), and off where a test's data lives in one uncommitted transaction."""
    return connection.vendor == "postgresql" and bool(
        getattr(settings, "CONTROL_SCORING_OVERLAP_WRITES", True)
    )


class _ChunkWriter:
    """Runs one chunk write at a time, in a thread of its own with its own database
    connection when `overlap`, else at once in the caller's thread. `wait` returns when the
    last write is done and re-raises its error; leaving the block waits and closes the
    thread's connection."""

    def __init__(self, *, overlap: bool) -> None:
        self._executor = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="scoring-write") if overlap else None
        )
        self._pending: Future[None] | None = None
        self._written = False

    def submit(self, write: Callable[[], None]) -> None:
        if self._pending is not None:
            raise RuntimeError("wait for the previous chunk's write first")
        if self._executor is None:
            write()
            self._written = True
            return
        self._pending = self._executor.submit(write)

    def wait(self) -> bool:
        """Whether a write was done since the last call (its error, if any, is raised)."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()
            return True
        written, self._written = self._written, False
        return written

    def __enter__(self) -> _ChunkWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._executor is None:
            return
        try:
            if self._pending is not None:
                self._pending.exception()  # finish it; an error already raised stays the one raised
            self._pending = None
            self._executor.submit(connections.close_all).result()
        finally:
            self._executor.shutdown(wait=True)


def _chunk_reasons(
    *,
    run: ScoringRun,
    pipeline: Any,
    first: str,
    last: str,
    ranking: pd.DataFrame,
    computed: tuple[pd.DataFrame, np.ndarray] | None,
) -> pd.DataFrame:
    """Reasons, rank and percentile of one chunk. `computed` is the first pass's scores
    and feature matrix of the chunk, when kept: then only the contributions are computed
    (once per row) and the stored score is the one the year was ranked by."""
    year = run.academic_year
    if computed is not None:
        part, features = computed
        _scores, reasons = score_features(pipeline=pipeline, features=features)
        scored = part[["application_id", "score"]].assign(reasons=reasons)
    else:
        frame, history = _chunk_frames(year=year, first=first, last=last)
        scored = score_frame(pipeline=pipeline, frame=frame, history=history)
    placed = ranking.reindex(scored["application_id"].to_numpy())
    if placed["rank"].isna().any():
        raise ScoringError(
            f"applications {first}..{last} changed while the year was being scored; run it again"
        )
    return scored.assign(
        rank=placed["rank"].to_numpy(dtype="int64"), percentile=placed["percentile"].to_numpy()
    )


def _chunk_store(
    *, run: ScoringRun, first: str, last: str, scored: pd.DataFrame, replace: bool, lease: Lease
) -> None:
    """One chunk's rows written, with the note that the chunk is done, in one transaction."""
    year = run.academic_year
    with transaction.atomic():
        locked = ScoringRun.objects.select_for_update().get(pk=run.pk)
        if locked.lease_owner != lease.owner:
            raise LeaseLost(f"scoring run {run.pk} was taken over")
        if [first, last] in locked.chunks_done:
            return  # another worker finished this chunk meanwhile
        if replace:
            RiskScore.objects.filter(
                model_version_id=run.model_version_id,
                academic_year=year,
                application_id__gte=first,
                application_id__lte=last,
            ).delete()
        _scores_write(scored=scored, model_version_id=run.model_version_id, year=year)
        locked.chunks_done = [*locked.chunks_done, [first, last]]
        locked.done = min(locked.done + len(scored), locked.total)
        locked.save(update_fields=["chunks_done", "done"])


def _scores_write(*, scored: pd.DataFrame, model_version_id: int, year: int) -> None:
    """Insert a chunk's scores with their ranks and percentiles (COPY on PostgreSQL)."""
    if scored.empty:
        return
    if connection.vendor == "postgresql":
        encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        reasons = [encode(r) for r in scored["reasons"]]
        now = timezone.now().isoformat()
        out = pd.DataFrame(
            {
                "application_id": scored["application_id"].to_numpy(),
                "model_version_id": model_version_id,
                "academic_year": year,
                "score": scored["score"].to_numpy(dtype=float),
                "rank": scored["rank"].to_numpy(),
                "percentile": scored["percentile"].to_numpy(),
                "reasons": reasons,
                "scored_at": now,
            }
        )
        buffer = pa.BufferOutputStream()
        # Arrow's C++ CSV writer quotes the JSON correctly and is far faster than to_csv.
        pa_csv.write_csv(
            pa.Table.from_pandas(out, preserve_index=False),
            buffer,
            write_options=pa_csv.WriteOptions(include_header=False),
        )
        columns = ", ".join(out.columns)
        with connection.cursor() as cursor:
            raw: Any = cursor.cursor
            with raw.copy(
                f"COPY {RiskScore._meta.db_table} ({columns}) FROM STDIN WITH (FORMAT csv)"
            ) as copy:
                copy.write(buffer.getvalue().to_pybytes())
        return
    RiskScore.objects.bulk_create(
        [
            RiskScore(
                application_id=app_id,
                model_version_id=model_version_id,
                academic_year=year,
                score=float(score),
                rank=int(rank),
                percentile=float(percentile),
                reasons=reason_list,
            )
            for app_id, score, rank, percentile, reason_list in zip(
                scored["application_id"],
                scored["score"],
                scored["rank"],
                scored["percentile"],
                scored["reasons"],
                strict=True,
            )
        ],
        batch_size=1000,
    )


def scoring_year_run(
    *,
    year: int,
    model_version: RiskModelVersion | None = None,
    context: AuditContext,
    chunk_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ScoringRun:
    """Create a run and execute it in this process (what `score_applications` does)."""
    run = scoring_run_create(year=year, model_version=model_version, context=context)
    return scoring_run_execute(run_id=run.pk, chunk_size=chunk_size, progress=progress)
