"""Many DNS queries over one UDP socket, encoded and matched without a DNS library on the hot path.

Most look-alike candidates do not exist, and an NXDOMAIN answer needs nothing but its header: the
query is packed by hand, answers are matched to queries by ID and echoed question, and only
answers that carry records are handed to dnspython for parsing.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import socket
import struct
from dataclasses import dataclass
from typing import Any

import dns.asyncquery
import dns.flags
import dns.message
import dns.rdatatype

_HEADER = struct.Struct("!HHHHHH")
_RECURSION_DESIRED = 0x0100
_TRUNCATED = 0x0200
_CLASS_IN = 1


@dataclass(frozen=True, slots=True)
class RawAnswer:
    """An answer's rcode and record count, and its wire form for parsing when there are records."""

    rcode: int
    answers: int
    wire: bytes


def encode_question(name: str, rdtype: int) -> bytes:
    """The question section for an ASCII name; ValueError for a name DNS cannot carry."""
    labels = name.rstrip(".").split(".")
    parts = []
    for label in labels:
        raw = label.encode("ascii")
        if not 0 < len(raw) < 64:
            raise ValueError(f"bad label in {name!r}")
        parts.append(bytes((len(raw),)) + raw)
    wire = b"".join(parts) + b"\x00" + struct.pack("!HH", rdtype, _CLASS_IN)
    if len(wire) > 259:
        raise ValueError(f"name too long: {name!r}")
    return wire


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, client: UdpClient) -> None:
        self.client = client

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        self.client.received(data)

    def error_received(self, exc: Exception) -> None:
        self.client.failed(exc)


class UdpClient:
    """Sends queries to one server from one socket and hands each answer to the query that asked.
    A truncated answer is asked again over TCP."""

    def __init__(self, server: str, port: int) -> None:
        self.server = server
        self.port = port
        self._transport: asyncio.DatagramTransport | None = None
        self._waiting: dict[int, tuple[bytes, asyncio.Future[bytes]]] = {}
        self._ids = itertools.cycle(random.sample(range(65536), 65536))

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        family = socket.AF_INET6 if ":" in self.server else socket.AF_INET
        transport, _ = await loop.create_datagram_endpoint(
            lambda: _Protocol(self), remote_addr=(self.server, self.port), family=family
        )
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self._transport = transport

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
        for _, future in self._waiting.values():
            if not future.done():
                future.cancel()

    async def query(self, name: str, rdtype: int, timeout: float) -> RawAnswer:
        """The server's answer; TimeoutError when none comes in time."""
        if self._transport is None:
            raise RuntimeError("UdpClient.open() first")
        question = encode_question(name, rdtype)
        query_id = next(self._ids)
        while query_id in self._waiting:
            query_id = next(self._ids)
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._waiting[query_id] = (question.lower(), future)
        try:
            self._transport.sendto(_HEADER.pack(query_id, _RECURSION_DESIRED, 1, 0, 0, 0) + question)
            wire = await asyncio.wait_for(future, timeout)
        finally:
            self._waiting.pop(query_id, None)
        _, flags, _, answers, _, _ = _HEADER.unpack_from(wire)
        if flags & _TRUNCATED:
            message = dns.message.make_query(name, dns.rdatatype.RdataType.make(rdtype))
            response = await dns.asyncquery.tcp(message, self.server, timeout=timeout, port=self.port)
            return RawAnswer(response.rcode(), len(response.answer), response.to_wire())
        return RawAnswer(flags & 0x000F, answers, wire)

    def received(self, data: bytes) -> None:
        if len(data) < _HEADER.size:
            return
        query_id, flags, questions, _, _, _ = _HEADER.unpack_from(data)
        waiting = self._waiting.get(query_id)
        if waiting is None or questions != 1 or not flags & 0x8000:
            return
        question, future = waiting
        echoed = data[_HEADER.size : _HEADER.size + len(question)].lower()
        if echoed == question and not future.done():
            future.set_result(data)

    def failed(self, exc: Exception) -> None:
        for _, future in self._waiting.values():
            if not future.done():
                future.set_exception(exc)


def records_of(answer: RawAnswer, rdtype: int) -> list[str]:
    """The records of one type in an answer's answer section, as text."""
    if not answer.answers:
        return []
    message = dns.message.from_wire(answer.wire)
    return [item.to_text() for rrset in message.answer if rrset.rdtype == rdtype for item in rrset]
