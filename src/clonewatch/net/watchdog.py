"""One thread that ends requests which outlive their deadline, for every request of the process.

A socket's timeout bounds each read, not the whole exchange: a server can trickle a status line,
headers or body forever, a byte at a time. The watchdog shuts such a socket down at its deadline,
so the blocked read returns at once. One thread and a heap of deadlines serve every request (a
timer thread per request cost a thread start each time).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time


class Watchdog:
    """``arm(sock, deadline)`` returns a ticket; ``disarm(ticket)`` when the request is done."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int]] = []
        self._armed: dict[int, socket.socket] = {}
        self._tickets = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def arm(self, sock: socket.socket, deadline: float) -> int:
        with self._wake:
            ticket = next(self._tickets)
            self._armed[ticket] = sock
            heapq.heappush(self._heap, (deadline, ticket))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="clonewatch-watchdog", daemon=True)
                self._thread.start()
            if self._heap[0][1] == ticket:
                self._wake.notify()
        return ticket

    def disarm(self, ticket: int) -> None:
        with self._wake:
            self._armed.pop(ticket, None)

    def _run(self) -> None:
        with self._wake:
            while True:
                while self._heap and self._heap[0][1] not in self._armed:
                    heapq.heappop(self._heap)  # done before its deadline
                if not self._heap:
                    self._wake.wait()
                    continue
                deadline, ticket = self._heap[0]
                left = deadline - time.monotonic()
                if left > 0:
                    self._wake.wait(left)
                    continue
                heapq.heappop(self._heap)
                sock = self._armed.pop(ticket, None)
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)


WATCHDOG = Watchdog()
