"""The production settings and static files: what `bin/smoke-production` runs end to end,
pinned here in small pieces."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "lanekassen_ai.settings.production",
    "DJANGO_SECRET_KEY": "a-test-key-only-for-importing-the-settings-0123456789-abcdefghij",
    "DJANGO_ALLOWED_HOSTS": "example.invalid",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
    "CACHE_URL": "redis://127.0.0.1:6379/9",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/9",
}


def production_settings_import(**overrides: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    env.update({k: v for k, v in {**PRODUCTION_ENV, **overrides}.items() if v is not None})
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
    )


def test_collectstatic_with_the_manifest_storage_finds_every_referenced_file(tmp_path: Path) -> None:
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
    assert (tmp_path / "staticfiles.json").is_file()
    assert list(tmp_path.glob("vendor/chart-4.6.1.umd.min.*.js"))


def test_production_settings_use_the_redis_cache_from_cache_url() -> None:
    result = production_settings_import()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache"


@pytest.mark.parametrize("missing", ["CACHE_URL", "CELERY_BROKER_URL"])
def test_production_settings_load_without_and_fall_back_to_a_local_redis(missing: str) -> None:
    # interfaces.md: SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL are enough to load them.
    result = production_settings_import(**{missing: None})
    assert result.returncode == 0, result.stderr


def test_production_settings_refuse_a_cache_that_is_not_shared_between_processes() -> None:
    result = production_settings_import(CACHE_URL="locmemcache://")
    assert result.returncode != 0
    assert "CACHE_URL must be a Redis URL" in result.stderr
