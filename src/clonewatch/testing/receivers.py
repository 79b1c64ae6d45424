"""Small loopback HTTP servers for the monitor's tests: a webhook receiver and a file server.

``WebhookReceiver`` records every POST (headers and JSON body) and answers with the statuses the
test queues (``fail_next(503)``), 200 otherwise. ``FileServer`` serves a directory (NRD lists over
HTTP) with ETag / If-None-Match, so a list that did not change is not sent again.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

RECEIVER_ADDRESS = "127.0.3.2"


@dataclass(frozen=True, slots=True)
class Received:
    path: str
    headers: dict[str, str]
    body: Any


class _Server:
    def __init__(self, address: str, handler: type[http.server.BaseHTTPRequestHandler]) -> None:
        self._server = http.server.ThreadingHTTPServer((address, 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class _Running:
    """Started on entering a with block, stopped on leaving it."""

    _server: _Server

    def __enter__(self) -> Self:
        self._server.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._server.stop()


class WebhookReceiver(_Running):
    """Collects webhook POSTs at ``url``; use as a context manager."""

    def __init__(self, address: str = RECEIVER_ADDRESS) -> None:
        self.received: list[Received] = []
        self._statuses: deque[int] = deque()
        self._lock = threading.Lock()
        self._server = _Server(address, self._handler())

    @property
    def url(self) -> str:
        return f"{self._server.base}/hook"

    def fail_next(self, status: int, count: int = 1) -> None:
        with self._lock:
            self._statuses.extend([status] * count)

    def bodies(self) -> list[Any]:
        with self._lock:
            return [item.body for item in self.received]

    def _record(self, item: Received) -> int:
        with self._lock:
            status = self._statuses.popleft() if self._statuses else 200
            if status == 200:
                self.received.append(item)
            return status

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(size)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                status = receiver._record(Received(self.path, dict(self.headers.items()), body))
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler


class FileServer(_Running):
    """Serves the files of ``directory`` at ``url(name)``, with ETags; counts full responses."""

    def __init__(self, directory: Path, address: str = RECEIVER_ADDRESS) -> None:
        self.directory = directory
        self.sent: list[str] = []
        self._server = _Server(address, self._handler())

    def url(self, name: str) -> str:
        return f"{self._server.base}/{name}"

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        files = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = files.directory / self.path.lstrip("/")
                if not path.is_file() or path.resolve().parent != files.directory.resolve():
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = path.read_bytes()
                etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                files.sent.append(path.name)
                self.send_response(200)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler
