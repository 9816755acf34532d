"""The public chat's limit holds across web workers: a real gunicorn with two workers on
production settings, counting in Redis (CACHE_URL), as docs/operations.md deploys it."""

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from chat.models import Assistant
from tests.conftest import require_postgresql

BASE_DIR = Path(__file__).resolve().parent.parent.parent
LIMIT = 10


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def gunicorn(transactional_db: None, tmp_path: Path) -> Iterator[tuple[int, Path]]:
    require_postgresql()
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        pytest.fail("This test needs Redis: set CELERY_BROKER_URL=redis://... (make test does).")
    Assistant.objects.create(slug="kunde", name="Kunde")
    port = free_port()
    access_log = tmp_path / "access.log"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "API_THROTTLE"))},
        "DJANGO_SETTINGS_MODULE": "lanekassen_ai.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url(),
        # A key prefix of its own: counts from other runs never meet this one.
        "CACHE_URL": f"{broker}?key_prefix=workers-{secrets.token_hex(4)}",
        "CELERY_BROKER_URL": broker,
        "API_THROTTLE_CHAT": f"{LIMIT}/min",
        "PRIVATE_STORAGE_ROOT": str(tmp_path / "private"),
    }
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "lanekassen_ai.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(p)s %(s)s",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "gunicorn.log").open("wb"),
        start_new_session=True,
    )
    try:
        # Ready when both workers have booted and answered (the master listens earlier).
        deadline = time.monotonic() + 90
        while not health_answered_by_both(port, access_log):
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail("gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text())
            time.sleep(0.2)
        yield port, access_log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def worker_pids(access_log: Path) -> set[str]:
    if not access_log.exists():
        return set()
    return {m.group(1) for m in re.finditer(r"<(\d+)>", access_log.read_text())}


def health_answered_by_both(port: int, access_log: Path) -> bool:
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda _: health_get(port), range(4)))
    except OSError:
        return False
    return len(worker_pids(access_log)) == 2


def health_get(port: int) -> int:
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection_.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
    status = connection_.getresponse().status
    connection_.close()
    return status


def conversation_open(port: int, forwarded_for: str) -> int:
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection_.request(
        "POST",
        "/api/v1/chat/conversations/",
        body=json.dumps({}),
        headers={
            "Content-Type": "application/json",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": forwarded_for,
        },
    )
    status = connection_.getresponse().status
    connection_.close()
    return status


def test_two_gunicorn_workers_share_one_chat_count(gunicorn: tuple[int, Path]) -> None:
    port, access_log = gunicorn
    served_before = access_log.read_text().count("\n")
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(lambda n: conversation_open(port, f"198.51.100.{n}"), range(3 * LIMIT)))
    assert statuses.count(201) == LIMIT, statuses
    assert statuses.count(429) == 2 * LIMIT, statuses
    time.sleep(0.5)  # the access log is written after the response
    chat_lines = access_log.read_text().splitlines()[served_before:]
    workers = {m.group(1) for m in re.finditer(r"<(\d+)>", "\n".join(chat_lines))}
    assert len(workers) == 2, f"one worker served every chat request: {workers}"
