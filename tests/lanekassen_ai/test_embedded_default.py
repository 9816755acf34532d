"""`make run`'s embedded default: the local settings on SQLite, as a fresh checkout has them.
The test suite runs on PostgreSQL, so this is where a migration that only PostgreSQL
understands would show."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def test_a_fresh_sqlite_database_takes_every_migration(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "lanekassen_ai.settings.local",
    }
    manage = [sys.executable, "manage.py"]
    migrated = subprocess.run(
        [*manage, "migrate", "--noinput"], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
    )
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    pending = subprocess.run(
        [*manage, "migrate", "--check"], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
    )
    assert pending.returncode == 0, pending.stdout + pending.stderr
