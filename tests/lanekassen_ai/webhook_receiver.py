"""A real HTTP server on 127.0.0.1 that records the webhooks it receives, for tests and
the benchmark. It binds a free port, can be stopped and started again on the same port
(the receiver "down"), and can hold a request open to catch a worker mid-delivery."""

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


class WebhookReceiver:
    def __init__(self, *, port: int = 0) -> None:
        self.received: list[Received] = []
        self.status = 204
        self.hold_first = threading.Event()  # set: the first request waits for `release`
        self.got_request = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.port = port
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/lanekassen"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with receiver._lock:
                    first = not receiver.received
                    receiver.received.append(Received(headers=dict(self.headers.items()), body=body))
                receiver.got_request.set()
                if first and receiver.hold_first.is_set():
                    receiver.release.wait(30)
                    return  # the sender is gone by now; answer nothing
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def count(self) -> int:
        with self._lock:
            return len(self.received)
