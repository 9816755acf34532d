"""A real SMTP server on a free port of 127.0.0.1 for the notice tests, and the SMS file."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lanekassen_ai.local_smtp import MessageCollector, local_smtp_start


@pytest.fixture
def smtp_server(settings: Any, tmp_path: Path) -> Iterator[MessageCollector]:
    """Django's SMTP backend pointed at a local aiosmtpd server; SMS to a file in tmp_path.
    Yields the collector holding every message the server received."""
    controller, collector = local_smtp_start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.SMS_BACKEND = "lanekassen_ai.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    try:
        yield collector
    finally:
        controller.stop()
