"""`make run`'s embedded default: the local settings on SQLite, as a fresh checkout has them.
The test suite runs on PostgreSQL, so this is where a migration or a statement that only
PostgreSQL understands would show."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Django's test client in a process of its own, on the SQLite database: a conversation, a
# message and the reply (the catalogue is loaded, no model is trained: the reply path's
# statements run all the same), then the messages the page polls.
CHAT_ROUND_TRIP = textwrap.dedent(
    """
    import json

    import django

    django.setup()
    from django.test import Client

    client = Client()
    created = client.post(
        "/api/v1/chat/conversations/", {"assistant": "kunde"}, content_type="application/json"
    ).json()
    url = f"/api/v1/chat/conversations/{created['id']}/messages/"
    headers = {"HTTP_X_CONVERSATION_TOKEN": created["token"]}
    for text in ("når kommer pengene", "hei igjen"):
        posted = client.post(url, {"text": text}, content_type="application/json", **headers)
        assert posted.status_code == 201, posted.content
    print(json.dumps(client.get(url, **headers).json()["messages"][-1]))
    """
)


def _sqlite_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    return env | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "lanekassen_ai.settings.local",
        "DJANGO_ALLOWED_HOSTS": "testserver",
    }


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
    )


def test_a_fresh_sqlite_database_takes_every_migration(tmp_path: Path) -> None:
    env = _sqlite_env(tmp_path)
    migrated = _run(["manage.py", "migrate", "--noinput"], env)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    pending = _run(["manage.py", "migrate", "--check"], env)
    assert pending.returncode == 0, pending.stdout + pending.stderr


def test_the_chat_replies_on_sqlite(tmp_path: Path) -> None:
    env = _sqlite_env(tmp_path)
    for command in (["migrate", "--noinput"], ["load_intents"]):
        done = _run(["manage.py", *command], env)
        assert done.returncode == 0, done.stderr[-3000:]
    run = _run(["-c", CHAT_ROUND_TRIP], env)
    assert run.returncode == 0, run.stderr[-3000:]
    last = json.loads(run.stdout.strip().splitlines()[-1])
    assert last["sender"] == "bot" and last["text"]
