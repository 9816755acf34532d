"""Health of the services the application depends on."""

import logging
from typing import Any

from django.conf import settings
from django.db import connection
from kombu import Connection

logger = logging.getLogger(__name__)


def health_check_all() -> dict[str, Any]:
    """Check the database and, when one is configured, the Celery broker.

    Returns ``{"ok": bool, "checks": {name: {"ok": bool, "detail": str}}}``. Details name
    the kind of failure only, never connection strings or credentials.
    """
    checks: dict[str, dict[str, Any]] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = {"ok": True, "detail": connection.vendor}
    except Exception as exc:  # any failure means unhealthy; the kind is enough to act on
        logger.warning("health: database check failed: %s", exc)
        checks["database"] = {"ok": False, "detail": type(exc).__name__}

    if settings.CELERY_BROKER_URL:
        try:
            with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
                checks["broker"] = {"ok": True, "detail": conn.transport_cls}
        except Exception as exc:  # unreachable broker, refused, DNS: all unhealthy
            logger.warning("health: broker check failed: %s", exc)
            checks["broker"] = {"ok": False, "detail": type(exc).__name__}
    else:
        checks["broker"] = {"ok": True, "detail": "in-process (no broker configured)"}
    return {"ok": all(c["ok"] for c in checks.values()), "checks": checks}
