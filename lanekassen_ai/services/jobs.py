"""Background jobs: starting one (fast failure when the broker is down, in-process work when
there is no broker) and the lease a worker holds on a long job while it runs.

A long job (a scoring run, a campaign selection, an intent retraining) is a row with a
status, its progress, `lease_owner` (who works on it, "" while it waits in the queue),
`heartbeat_at` (its last sign of life: queued, claimed or a step done) and `attempts`.
The worker claims the row before it starts and renews the heartbeat at every step; a beat
job re-queues a row whose heartbeat is older than ``JOBS_LEASE_SECONDS`` (its worker
vanished) or fails it after ``JOBS_MAX_ATTEMPTS``. A worker that finds its lease taken
over stops (LeaseLost) without touching the row.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)

JOBS_UNAVAILABLE_MESSAGE = _("Bakgrunnsjobber er midlertidig utilgjengelige. Prøv igjen om litt.")


class JobsUnavailable(Exception):
    """The broker cannot take a job now; the job's row is marked so it can be retried."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or str(JOBS_UNAVAILABLE_MESSAGE))


class LeaseLost(Exception):
    """Another worker took over this job (this one was presumed dead): stop, write nothing."""


def job_lease_seconds() -> int:
    """How long a job may go without a heartbeat before it counts as abandoned."""
    return int(getattr(settings, "JOBS_LEASE_SECONDS", 600))


def job_enqueue(*, task_name: str, args: list[Any], on_unavailable: Callable[[], None] | None = None) -> None:
    """Start the task `task_name` after the current transaction commits (at once outside one).

    With a broker the task is published with the short retry policy of the settings; when
    the broker cannot be reached, `on_unavailable` runs (it marks the job retryable) and
    JobsUnavailable is raised to the door, which answers 503. Without a broker (tasks in
    process) ``JOBS_IN_PROCESS`` decides: "thread" runs the task in a background thread so
    the request returns at once (`make run`); "inline" runs it before returning (tests).
    A failing in-process task has recorded its failure on its row; it is logged, not raised.
    """
    transaction.on_commit(lambda: _job_start(task_name=task_name, args=args, on_unavailable=on_unavailable))


@functools.cache
def _tasks_imported() -> bool:
    # Services name their task instead of importing it (a service imports no door); the
    # apps' tasks modules are imported once so that the name resolves in any process.
    current_app.loader.import_default_modules()
    return True


def _job_start(*, task_name: str, args: list[Any], on_unavailable: Callable[[], None] | None) -> None:
    _tasks_imported()
    task = current_app.tasks[task_name]
    if current_app.conf.task_always_eager:
        if getattr(settings, "JOBS_IN_PROCESS", "inline") == "thread":
            threading.Thread(
                target=_job_run_in_thread, args=(task, args), name=f"job-{task_name}", daemon=True
            ).start()
        else:
            _job_run_inline(task=task, args=args)
        return
    try:
        # A fresh connection each time reads the broker URL of the moment; publishing
        # retries only as the settings' retry policy allows, so a dead broker fails fast.
        with current_app.connection_for_write() as conn:
            task.apply_async(args=args, connection=conn, ignore_result=True)
    except (BrokerError, OSError) as exc:
        logger.warning("broker unavailable, %s not queued: %s", task_name, exc)
        if on_unavailable is not None:
            on_unavailable()
        raise JobsUnavailable() from exc


def _job_run_inline(*, task: Any, args: list[Any]) -> None:
    try:
        task.apply(args=args, throw=True)
    except Exception:
        logger.exception("in-process job %s%s failed", task.name, tuple(args))


def _job_run_in_thread(task: Any, args: list[Any]) -> None:
    try:
        _job_run_inline(task=task, args=args)
    finally:
        connection.close()


@dataclass(frozen=True)
class Lease:
    """A claim on one job row; `beat()` renews it and raises LeaseLost once it is gone."""

    model: type[models.Model]
    pk: int
    owner: str

    def beat(self, **fields: Any) -> None:
        """Renew the heartbeat (and write `fields`, e.g. the progress) if still ours."""
        updated = self.model._default_manager.filter(pk=self.pk, lease_owner=self.owner).update(
            heartbeat_at=timezone.now(), **fields
        )
        if not updated:
            raise LeaseLost(f"{self.model._meta.label} {self.pk} was taken over")

    def held(self) -> bool:
        """Whether the row is still ours."""
        return self.model._default_manager.filter(pk=self.pk, lease_owner=self.owner).exists()

    def release(self, **fields: Any) -> int:
        """Give the row up (with its final `fields`) if still ours; 1 if written, else 0."""
        return self.model._default_manager.filter(pk=self.pk, lease_owner=self.owner).update(
            lease_owner="", heartbeat_at=timezone.now(), **fields
        )


def job_claim(*, model: type[models.Model], pk: int, active: Q) -> Lease | None:
    """Claim the job row `pk` for this process if it is `active` (waiting or running) and
    nobody holds a live lease on it; None otherwise (done, or another worker is on it)."""
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:64]
    stale = timezone.now() - timedelta(seconds=job_lease_seconds())
    claimed = (
        model._default_manager.filter(active, pk=pk)
        .filter(Q(lease_owner="") | Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True))
        .update(lease_owner=owner, heartbeat_at=timezone.now())
    )
    return Lease(model=model, pk=pk, owner=owner) if claimed else None


@dataclass(frozen=True)
class Recovered:
    requeued: list[int]
    failed: list[int]


def jobs_recover(
    *,
    model: type[models.Model],
    active: Q,
    requeue: Callable[[Any], None],
    fail: Callable[[Any, int], None],
) -> Recovered:
    """Find the `active` rows of `model` whose heartbeat is older than the lease (their
    worker vanished, or their message was lost) and either hand each to `requeue` (after
    counting the attempt and resetting the lease) or, after ``JOBS_MAX_ATTEMPTS``, to
    `fail`. Rows are locked while they are decided (SKIP LOCKED: two beat runs never pick
    the same row); `requeue` is called after commit."""
    max_attempts = int(getattr(settings, "JOBS_MAX_ATTEMPTS", 3))
    stale = timezone.now() - timedelta(seconds=job_lease_seconds())
    requeued: list[int] = []
    failed: list[int] = []
    with transaction.atomic():
        rows = list(
            model._default_manager.select_for_update(skip_locked=True)
            .filter(active)
            .filter(Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True))
            .order_by("pk")[:100]
        )
        for row in rows:
            attempts = int(getattr(row, "attempts", 0)) + 1
            if attempts >= max_attempts:
                fail(row, attempts)
                failed.append(row.pk)
                continue
            model._default_manager.filter(pk=row.pk).update(
                attempts=attempts, lease_owner="", heartbeat_at=timezone.now()
            )
            requeued.append(row.pk)
            transaction.on_commit(functools.partial(requeue, row))
    if requeued or failed:
        logger.warning("%s: re-queued %s, failed %s", model._meta.label, requeued, failed)
    return Recovered(requeued=requeued, failed=failed)
