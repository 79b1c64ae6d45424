"""A loopback stand-in for a MISP instance's ``/events/add``: it records every request (method,
path, headers, body) and answers the way MISP does, with the stored event under ``Event`` (an id
it counts, the uuid the event came with), or with the status and JSON error the test queues.
Over HTTPS when given a certificate (from the lab CA of :mod:`clonewatch.testing.web`)."""

from __future__ import annotations

import http.server
import json
import ssl
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class MispServer:
    """``with MispServer() as misp:`` serves on 127.0.0.1 at ``misp.base``; ``misp.requests`` holds
    what came; ``misp.answer_next(403, {...})`` queues an error answer."""

    def __init__(self, certificate: tuple[Path, Path] | None = None, host: str = "127.0.0.1") -> None:
        self.requests: list[Request] = []
        self._answers: deque[tuple[int, bytes]] = deque()
        self._lock = threading.Lock()
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        if certificate is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*certificate)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        scheme = "https" if certificate is not None else "http"
        self.base = f"{scheme}://{host}:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def answer_next(self, status: int, body: Any) -> None:
        with self._lock:
            self._answers.append((status, json.dumps(body).encode()))

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, request: Request) -> tuple[int, bytes]:
        with self._lock:
            self.requests.append(request)
            if self._answers:
                return self._answers.popleft()
            try:
                sent = json.loads(request.body)
            except ValueError:
                return 400, b'{"name": "Bad Request", "message": "not JSON"}'
            event = sent.get("Event", sent) if isinstance(sent, dict) else {}
            stored = {"id": str(len(self.requests)), "uuid": event.get("uuid"), "info": event.get("info")}
            return 200, json.dumps({"Event": stored}).encode()

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _serve(self) -> None:
                size = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(size)
                request = Request(self.command, self.path, dict(self.headers.items()), body)
                status, answer = server._answer(request)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_POST = do_GET = do_PUT = _serve

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler
