"""Test settings: fast hashers, locmem email, no login throttling except where a test enables it."""

from .base import *  # noqa: F403
from .base import BASE_DIR, INSTALLED_APPS, REST_FRAMEWORK, env

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A worker process started by a test may be pointed at a real SMTP server.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
AXES_ENABLED = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PRIVATE_STORAGE_ROOT = BASE_DIR / "var" / "test-private"
MEDIA_ROOT = PRIVATE_STORAGE_ROOT
# Throttling is tested explicitly; the rest of the suite must not trip over it.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "anon": env("API_THROTTLE_ANON", default="100000/min"),
        "user": env("API_THROTTLE_USER", default="100000/min"),
        "chat": env("API_THROTTLE_CHAT", default="100000/min"),
        "chat_conversation": env("API_THROTTLE_CHAT_CONVERSATION", default="100000/min"),
    },
}

# A test's rows live in its own uncommitted transaction, which a second connection cannot
# see; the overlapped writes are tested with committed data (tests/control/test_scoring.py).
CONTROL_SCORING_OVERLAP_WRITES = env.bool("CONTROL_SCORING_OVERLAP_WRITES", default=False)

# Tasks run in-process unless a test starts a real worker (tests/conftest.py).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)

# Static files straight from the source folders; no collectstatic needed outside production.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# A local OpenID provider stands in for ID-porten (lanekassen_ai.idporten_local); tests
# point the client's endpoints at the live server (tests/control/test_student_login.py).
INSTALLED_APPS = [*INSTALLED_APPS, "lanekassen_ai.idporten_local_app.LocalOidcProviderConfig"]
OIDC_LOGIN_URL = "/openid/testid/"
OIDC_IDTOKEN_PROCESSING_HOOK = "lanekassen_ai.idporten_local.idtoken_add_pid"
OIDC_RP_CLIENT_ID = "lanekassen-test"
OIDC_RP_CLIENT_SECRET = "test-only-client-secret"  # noqa: S105
# Webhook retries in tests: fractions of a second, so retry and recovery tests stay fast.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=2)
WEBHOOK_LEASE_SECONDS = env.float("WEBHOOK_LEASE_SECONDS", default=3)
WEBHOOK_RETRY_BACKOFF_SECONDS = env.float("WEBHOOK_RETRY_BACKOFF_SECONDS", default=0.2)
WEBHOOK_RETRY_BACKOFF_MAX_SECONDS = env.float("WEBHOOK_RETRY_BACKOFF_MAX_SECONDS", default=1)
WEBHOOK_RELAY_GRACE_SECONDS = env.float("WEBHOOK_RELAY_GRACE_SECONDS", default=0)
