"""A real SMTP server on 127.0.0.1 for `make run` and the tests (aiosmtpd): it accepts every
message, keeps it in memory and, if given a folder, writes it there as an .eml file."""

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class MessageCollector:
    """aiosmtpd handler: every message received, parsed, in arrival order."""

    folder: Path | None = None
    messages: list[EmailMessage] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
            if self.folder is not None:
                self.folder.mkdir(parents=True, exist_ok=True)
                (self.folder / f"{len(self.messages):05d}.eml").write_bytes(envelope.content)
        return "250 Message accepted for delivery"


def local_smtp_start(*, port: int = 0, folder: Path | None = None) -> tuple[Controller, MessageCollector]:
    """Start the server on 127.0.0.1 (a free port when `port` is 0); stop it with
    `controller.stop()`."""
    collector = MessageCollector(folder=folder)
    controller = Controller(collector, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    return controller, collector
