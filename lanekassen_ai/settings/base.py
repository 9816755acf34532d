"""Settings shared by every environment. Environment-specific modules import from here."""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env is optional; real deployments set the environment directly.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-never-use-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "csp",
    "lanekassen_ai",
    "control",
    "chat",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lanekassen_ai.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lanekassen_ai.middleware.BokmalFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lanekassen_ai.middleware.AuditContextMiddleware",
    # Before any view (and before the CSRF check reads the form): NUL bytes, oversized bodies.
    "lanekassen_ai.middleware.HostileInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Last, so it sees the outcome of every authentication attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lanekassen_ai.urls"
WSGI_APPLICATION = "lanekassen_ai.wsgi.application"
ASGI_APPLICATION = "lanekassen_ai.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lanekassen_ai.navigation.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server and a background task read and write at the same time.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Students log in with ID-porten (OpenID Connect, code flow) through mozilla-django-oidc;
# the `pid` claim is mapped to the Customer (control.oidc). Production sets the endpoints
# from ID-porten's discovery document (docs/operations.md); local and test settings point
# them at the local provider.
AUTHENTICATION_BACKENDS.append("control.oidc.StudentOIDCBackend")
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid profile")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "student:oidc-callback"
LOGIN_REDIRECT_URL_FAILURE = "/mine-sider/login/?feil=1"

# Bokmål first; nynorsk and English through Django i18n.
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norsk bokmål")), ("nn", _("Norsk nynorsk")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded documents and model artifacts live outside the web root and are never served
# by URL; views stream them after a permission check.
PRIVATE_STORAGE_ROOT = Path(env("PRIVATE_STORAGE_ROOT", default=str(BASE_DIR / "var" / "private")))
MEDIA_ROOT = PRIVATE_STORAGE_ROOT
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# How many reverse proxies in front of the application append to X-Forwarded-For. 0: none,
# the header is ignored and the socket's peer is the client (lanekassen_ai/client_ip.py).
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)

REST_FRAMEWORK = {
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous API call gets 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "lanekassen_ai.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "lanekassen_ai.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="120/min"),
        "user": env("API_THROTTLE_USER", default="1200/min"),
        # The public chat's writes (start, message, choice) per client; polling is not counted.
        "chat": env("API_THROTTLE_CHAT", default="30/min"),
        # The same writes per conversation, whoever sends them.
        "chat_conversation": env("API_THROTTLE_CHAT_CONVERSATION", default="20/min"),
    },
    "EXCEPTION_HANDLER": "lanekassen_ai.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lånekassen AI API",
    "DESCRIPTION": "Residence control casework and the chat assistants.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc come from the drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `status`; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "ControlCaseStatusEnum": "control.models.casework.ControlCase.Status",
        "ControlCampaignStatusEnum": "control.models.casework.ControlCampaign.Status",
        "ModelVersionStatusEnum": "control.models.risk.RiskModelVersion.Status",
        "ConversationStateEnum": "chat.models.conversations.Conversation.State",
        "ConversationLanguageEnum": "chat.models.conversations.Conversation.Language",
        "AgentStateEnum": "chat.models.queues.AgentStatus.State",
        "ControlOutcomeEnum": "control.models.applications.ControlOutcome",
        "WebhookDeliveryStatusEnum": "lanekassen_ai.models.WebhookDelivery.Status",
        "WebhookAttemptOutcomeEnum": "lanekassen_ai.models.WebhookDeliveryAttempt.Outcome",
        "IntentActionEnum": "chat.models.knowledge.Intent.Action",
        "IntentTrainingRunStatusEnum": "chat.models.knowledge.IntentTrainingRun.Status",
        "ReviewItemStatusEnum": "chat.models.conversations.ReviewItem.Status",
        "ReviewBulkActionEnum": "chat.api.modeller.ReviewBulkAction",
    },
}

# Notices to students: e-mail through Django's e-mail backend (SMTP in production), SMS
# through lanekassen_ai.sms (a gateway backend in production).
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Lånekassen <ikke-svar@lanekassen.invalid>")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_TIMEOUT = 10
SMS_BACKEND = env("SMS_BACKEND", default="lanekassen_ai.sms.FileSmsBackend")
# Residence control: the reminder goes out this many days before the documentation
# deadline (a beat task, control.documentation_notices); an appeal should be decided within
# CONTROL_APPEAL_HANDLING_DAYS of arriving.
CONTROL_REMINDER_DAYS_BEFORE_DEADLINE = env.int("CONTROL_REMINDER_DAYS_BEFORE_DEADLINE", default=7)
CONTROL_APPEAL_HANDLING_DAYS = env.int("CONTROL_APPEAL_HANDLING_DAYS", default=21)
# A confirmed campaign's documentation letters go out on a schedule (a beat task,
# control.campaign_letters) over at most CONTROL_LETTER_SCHEDULE_DAYS working days, each day
# within the chat's capacity (lanekassen_ai.letter_capacity) or, where the chat cannot
# judge (not installed, no forecast, no learnt letter effect), CONTROL_LETTERS_PER_DAY_DEFAULT.
CONTROL_LETTERS_PER_DAY_DEFAULT = env.int("CONTROL_LETTERS_PER_DAY_DEFAULT", default=200)
CONTROL_LETTER_SCHEDULE_DAYS = env.int("CONTROL_LETTER_SCHEDULE_DAYS", default=15)
# The staffing plan the chat's letter capacity assumes: chats per agent and service level.
CHAT_PLAN_CONCURRENCY = env.int("CHAT_PLAN_CONCURRENCY", default=1)
CHAT_PLAN_TARGET_SERVICE_LEVEL = env.float("CHAT_PLAN_TARGET_SERVICE_LEVEL", default=0.8)
SMS_FILE_PATH = env("SMS_FILE_PATH", default=str(BASE_DIR / "var" / "sms.jsonl"))

# Celery: without a broker, tasks run in-process (the embedded default for `make run`).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 55 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A web request that queues a job must not hang on a dead broker: connect for at most
# 2 s, retry publishing twice within half a second, then answer 503 (lanekassen_ai.services.jobs).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.3,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    # Redis hands an unacknowledged task to another worker after this long; the jobs'
    # own leases (JOBS_LEASE_SECONDS) recover a dead worker's run much sooner.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60 + 5 * 60),
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = CELERY_BROKER_CONNECTION_TIMEOUT

# Long jobs (scoring runs, campaign selections, retraining) hold a lease renewed at every
# step; a beat job re-queues one whose heartbeat is older than the lease, and fails it
# after JOBS_MAX_ATTEMPTS tries. Without a broker tasks run in-process: "inline" (before
# the call returns) or "thread" (in a background thread, so a page returns at once).
JOBS_LEASE_SECONDS = env.int("JOBS_LEASE_SECONDS", default=10 * 60)
JOBS_MAX_ATTEMPTS = env.int("JOBS_MAX_ATTEMPTS", default=3)
JOBS_IN_PROCESS = env("JOBS_IN_PROCESS", default="inline")
CONTROL_SCORING_CHUNK_SIZE = env.int("CONTROL_SCORING_CHUNK_SIZE", default=100_000)
# On PostgreSQL a chunk's rows are written on a second connection while the next chunk's
# reasons are computed (control/services/scoring.py).
CONTROL_SCORING_OVERLAP_WRITES = env.bool("CONTROL_SCORING_OVERLAP_WRITES", default=True)
CONTROL_SELECTION_CHUNK_SIZE = env.int("CONTROL_SELECTION_CHUNK_SIZE", default=1000)


def cache_from_url(url: str) -> dict:
    """A CACHES entry from a cache URL. django-environ passes `?key_prefix=` on in lower
    case, which Django ignores; here it becomes the KEY_PREFIX Django reads."""
    config = environ.Env.cache_url_config(url)
    if "key_prefix" in config:
        config["KEY_PREFIX"] = config.pop("key_prefix")
    return config


CACHES = {"default": cache_from_url(env("CACHE_URL", default="locmemcache://"))}

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "lanekassen_ai.client_ip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp): scripts and styles only from our
# own static files (vendored, no CDN), no inline script or style; a page that ever needs
# one gives it the request's nonce ({{ request.csp_nonce }}; the nonce is in the header only
# on responses that used it). The public chat page widens
# frame-ancestors to CHAT_FRAME_ANCESTORS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# `seed_demo` runs these after creating the demo users; each is idempotent and takes
# a keyword `stdout` for progress.
DEMO_SEED_STEPS: list[str] = []
DEMO_SEED_STEPS.append("control.services.demo.control_demo_seed")
DEMO_SEED_STEPS.append("control.services.casework_demo.casework_demo_seed")  # after control
DEMO_SEED_STEPS.append("chat.services.demo.chat_demo_seed")
DEMO_SEED_STEPS.append("chat.services.demo_traffic.chat_traffic_demo_seed")  # after the catalogue

# Chat: assistants only logged-in employees may use (the public `/chat/` is open to all),
# and the sites allowed to embed the chat page in an iframe (CSP frame-ancestors).
CHAT_LOGIN_REQUIRED_ASSISTANTS = ["una"]
CHAT_FRAME_ANCESTORS = env.list("CHAT_FRAME_ANCESTORS", default=[])

# Webhooks (lanekassen_ai.services.webhooks): a try waits this long for the receiver; after
# a failed try the next waits BACKOFF · 2^(tries-1) seconds (capped); after MAX_ATTEMPTS
# tries the delivery is dead. The relay re-sends what is due and untouched for GRACE.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10)
WEBHOOK_LEASE_SECONDS = env.float("WEBHOOK_LEASE_SECONDS", default=60)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=12)
WEBHOOK_RETRY_BACKOFF_SECONDS = env.float("WEBHOOK_RETRY_BACKOFF_SECONDS", default=10)
WEBHOOK_RETRY_BACKOFF_MAX_SECONDS = env.float("WEBHOOK_RETRY_BACKOFF_MAX_SECONDS", default=3600)
WEBHOOK_RELAY_GRACE_SECONDS = env.float("WEBHOOK_RELAY_GRACE_SECONDS", default=30)
WEBHOOK_BATCH_SIZE = env.int("WEBHOOK_BATCH_SIZE", default=50)
# Senders queued or running at once per subscription (slots in the broker's Redis).
WEBHOOK_SENDERS_PER_SUBSCRIPTION = env.int("WEBHOOK_SENDERS_PER_SUBSCRIPTION", default=4)
# How long an Idempotency-Key's first answer is kept (the hourly cleanup deletes older ones).
IDEMPOTENCY_KEY_TTL_HOURS = env.float("IDEMPOTENCY_KEY_TTL_HOURS", default=24)
