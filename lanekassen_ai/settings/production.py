"""Production settings. Refuses to start without DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS,
DATABASE_URL, CACHE_URL (Redis) and CELERY_BROKER_URL."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import cache_from_url, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Throttle counts and login lockouts must be shared by every web worker: Redis, never
# per-process memory.
# The fixed entry points promise that SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL are enough
# to load these settings (collectstatic, check --deploy), so both default to a local Redis.
CACHES = {"default": cache_from_url(env("CACHE_URL", default="redis://127.0.0.1:6379/1"))}
if not CACHES["default"]["BACKEND"].endswith("RedisCache"):
    raise ImproperlyConfigured("CACHE_URL must be a Redis URL (redis://host:6379/1) in production.")
# Background work runs on workers, never inside a web request.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
if not CELERY_BROKER_URL:
    raise ImproperlyConfigured(
        "Set the CELERY_BROKER_URL environment variable (production runs tasks in workers)"
    )
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
