"""Sending SMS through a pluggable backend, like Django's e-mail backends.

A gateway backend is a class with `send(self, *, to: str, text: str) -> None` that raises
on failure (then the notice is retried with backoff); set SMS_BACKEND to its dotted path.
The defaults write to a file (SMS_FILE_PATH, one JSON line per message) or the log."""

import json
import logging
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str) -> None: ...


class FileSmsBackend:
    """Appends each message as a JSON line to SMS_FILE_PATH (development and tests)."""

    def send(self, *, to: str, text: str) -> None:
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"to": to, "text": text, "at": timezone.now().isoformat()}) + "\n")


class ConsoleSmsBackend:
    """Logs each message (no delivery)."""

    def send(self, *, to: str, text: str) -> None:
        logger.info("SMS to %s: %s", to, text)


def sms_backend() -> SmsBackend:
    """The configured SMS backend (SMS_BACKEND)."""
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    return backend
