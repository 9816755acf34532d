"""Fixtures shared by the whole suite: users per role, a real Celery worker, the browser."""

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.test import Client
from django.utils import translation

from lanekassen_ai.celery import app as celery_app
from lanekassen_ai.roles import Role
from tests.factories import UserFactory

# Playwright's sync API runs an event loop in the test thread; the live server's ORM calls
# happen in other threads, so Django's async-safety check would be a false alarm here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ANONYMOUS = "anonymous"
ROLES: list[str] = [ANONYMOUS, *[r.value for r in Role]]


@pytest.fixture(autouse=True)
def _bokmal_after_each_test() -> Iterator[None]:
    """A page answered in English or nynorsk leaves that language active in the thread;
    the next test starts in bokmål again, whatever ran before it in this worker."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def make_user(db: None) -> Callable[..., AbstractBaseUser]:
    def _make(role: Role | str | None = None, **kwargs: Any) -> AbstractBaseUser:
        return UserFactory(role=Role(role) if role else None, **kwargs)

    return _make


@pytest.fixture
def caseworker(make_user: Callable[..., AbstractBaseUser]) -> AbstractBaseUser:
    return make_user(Role.CASEWORKER, username="test-saksbehandler")


@pytest.fixture
def manager(make_user: Callable[..., AbstractBaseUser]) -> AbstractBaseUser:
    return make_user(Role.MANAGER, username="test-leder")


@pytest.fixture
def modeller(make_user: Callable[..., AbstractBaseUser]) -> AbstractBaseUser:
    return make_user(Role.MODELLER, username="test-analytiker")


@pytest.fixture
def admin_user(make_user: Callable[..., AbstractBaseUser]) -> AbstractBaseUser:
    return make_user(Role.ADMIN, username="test-admin")


@pytest.fixture
def client_for(make_user: Callable[..., AbstractBaseUser]) -> Callable[[str], Client]:
    """A logged-in test client for a role name (or an anonymous one for "anonymous")."""
    cache: dict[str, Client] = {}

    def _client(role: str) -> Client:
        if role not in cache:
            c = Client()
            if role != ANONYMOUS:
                c.force_login(make_user(Role(role), username=f"matrix-{role}"))
            cache[role] = c
        return cache[role]

    return _client


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: set DATABASE_URL (make test does).")


@pytest.fixture
def redis_celery_worker(transactional_db: None) -> Iterator[Any]:
    """A real Celery worker (in a thread of this process) consuming from the Redis broker.

    Data the test writes must be committed for the worker to see it, hence
    `transactional_db`. Fails, never skips, when no broker is configured.
    """
    from celery.contrib.testing.worker import start_worker

    from lanekassen_ai.celery import app

    broker = django_settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        pytest.fail("This test needs a Redis broker: set CELERY_BROKER_URL=redis://... (make test does).")
    app.conf.task_always_eager = False
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30
        ):
            yield app
    finally:
        app.conf.task_always_eager = True


class CeleryProcesses:
    """Starts real `celery worker` (and `celery beat`) processes on the test database and
    the Redis broker; see the `worker_processes` fixture."""

    def __init__(self, *, tmp_path: Any, database_url: str, broker: str) -> None:
        self.tmp_path, self.database_url, self.broker = tmp_path, database_url, broker
        self.started: list[tuple[subprocess.Popen[bytes], Any]] = []

    def _start(self, args: list[str], env: dict[str, str], name: str) -> subprocess.Popen[bytes]:
        log = (self.tmp_path / f"{name}-{len(self.started)}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "lanekassen_ai", *args],
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "lanekassen_ai.settings.test",
                "DATABASE_URL": self.database_url,
                "CELERY_BROKER_URL": self.broker,
                **env,
            },
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=django_settings.BASE_DIR,
        )
        self.started.append((process, log))
        return process

    def __call__(self, **env: str) -> subprocess.Popen[bytes]:
        """A worker (solo pool: the main process does the work, so SIGKILL of it loses the job)."""
        return self._start(
            [
                "worker",
                "--pool=solo",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test-{len(self.started)}-{os.getpid()}@%h",
            ],
            env,
            "worker",
        )

    def beat(self, **env: str) -> subprocess.Popen[bytes]:
        """celery beat with the project's scheduler (django-celery-beat's database schedule),
        reading the schedule at least every second."""
        return self._start(
            [
                "beat",
                "--loglevel=INFO",
                "--max-interval=1",
                f"--schedule={self.tmp_path / 'beat-schedule'}",
                f"--pidfile={self.tmp_path / 'beat.pid'}",
            ],
            env,
            "beat",
        )

    def stop_all(self) -> None:
        for process, log in self.started:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)
            log.close()


@pytest.fixture
def worker_processes(transactional_db: None, tmp_path: Any) -> Iterator[CeleryProcesses]:
    """Start real `celery worker` processes (call it) or `celery beat` (`.beat()`) on the
    test database and the Redis broker, with extra environment variables. Every process
    still running is killed at the end; the logs are printed when a test fails."""
    broker = django_settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        pytest.fail("This test needs a Redis broker: set CELERY_BROKER_URL=redis://... (make test does).")
    db = connection.settings_dict
    database_url = (
        f"postgres://{quote(db['USER'] or '')}:{quote(str(db['PASSWORD'] or ''))}@{db['HOST'] or '127.0.0.1'}"
        f":{db['PORT'] or 5432}/{db['NAME']}"
    )
    processes = CeleryProcesses(tmp_path=tmp_path, database_url=database_url, broker=broker)
    yield processes
    processes.stop_all()
    for path in sorted([*tmp_path.glob("worker-*.log"), *tmp_path.glob("beat-*.log")]):
        print(f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}")


# Long enough for a worker to start on a loaded machine, short enough for a quick test.
JOBS_LEASE_SECONDS = 15
CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def publishing(settings: Any, transactional_db: None) -> Iterator[None]:
    """Tasks go to the broker (not in-process) with a short lease; the queue is emptied after."""
    require_postgresql()
    settings.JOBS_LEASE_SECONDS = JOBS_LEASE_SECONDS
    settings.JOBS_MAX_ATTEMPTS = 10
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = True
        celery_app.control.purge()


@pytest.fixture
def broker_down(publishing: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The broker URL points at a closed port (Celery reads CELERY_BROKER_URL first)."""
    url = celery_app.conf.broker_url
    monkeypatch.setenv("CELERY_BROKER_URL", CLOSED_PORT_BROKER)
    celery_app.conf.broker_url = CLOSED_PORT_BROKER
    try:
        yield
    finally:
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        celery_app.conf.broker_url = url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, never a downloaded browser; quiet on a machine with no network."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            # The agent console's alert tone may sound before anyone clicked on the page.
            "--autoplay-policy=no-user-gesture-required",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "nb-NO", "viewport": {"width": 1280, "height": 900}}
