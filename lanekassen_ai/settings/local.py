"""Developer and demo settings: `make run` uses these (SQLite, tasks in-process)."""

from .base import *  # noqa: F403
from .base import DEMO_SEED_STEPS, INSTALLED_APPS, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# Notices go through SMTP to the local server `make run` starts (manage.py local_smtp_server).
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = env.int("EMAIL_PORT", default=8025)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Static files straight from the source folders; no collectstatic needed outside production.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# No broker on `make run`: jobs run in a background thread, so the page that starts one
# returns at once and its progress bar (read from the database) moves.
JOBS_IN_PROCESS = env("JOBS_IN_PROCESS", default="thread")
# A local OpenID provider stands in for ID-porten (lanekassen_ai.idporten_local).
INSTALLED_APPS = [*INSTALLED_APPS, "lanekassen_ai.idporten_local_app.LocalOidcProviderConfig"]
OIDC_LOGIN_URL = "/openid/testid/"
OIDC_IDTOKEN_PROCESSING_HOOK = "lanekassen_ai.idporten_local.idtoken_add_pid"
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="lanekassen-local")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="local-only-client-secret")
_IDPORTEN_LOCAL = env("IDPORTEN_LOCAL_BASE_URL", default="http://127.0.0.1:8000")
OIDC_OP_AUTHORIZATION_ENDPOINT = f"{_IDPORTEN_LOCAL}/openid/authorize/"
OIDC_OP_TOKEN_ENDPOINT = f"{_IDPORTEN_LOCAL}/openid/token/"
OIDC_OP_USER_ENDPOINT = f"{_IDPORTEN_LOCAL}/openid/userinfo/"
OIDC_OP_JWKS_ENDPOINT = f"{_IDPORTEN_LOCAL}/openid/jwks/"
IDPORTEN_LOCAL_REDIRECT_URI = f"{_IDPORTEN_LOCAL}/mine-sider/oidc/callback/"
DEMO_SEED_STEPS = [
    *DEMO_SEED_STEPS,
    "lanekassen_ai.idporten_local.idporten_local_seed",
    "control.services.casework_demo.casework_demo_student_seed",
]
DEMO_LOGIN_NOTES = ["control.services.casework_demo.casework_demo_student_login"]
