"""Refuse every non-loopback network connection in this interpreter (benchmark sandbox).

Put this directory on PYTHONPATH and Python imports it at start-up (``site`` imports ``sitecustomize``).
Worker processes inherit the patch: forked workers share the patched module, spawned and forkserver
workers start a fresh interpreter that imports this file again because PYTHONPATH is inherited.

Every refused attempt is appended to the file named by ``BENCH_NETBLOCK_LOG`` (if set) as
``pid<TAB>what<TAB>target``, so a benchmark can prove that the block fired.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
from collections.abc import Callable
from typing import Any

_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
MARKER = "_bench_netblock"


def _log(what: str, target: object) -> None:
    path = os.environ.get("BENCH_NETBLOCK_LOG")
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\t{what}\t{target!r}\n")
    except OSError:
        pass


def _host_is_local(host: object) -> bool:
    if host is None:
        return True  # getaddrinfo(None, port) means the local wildcard/loopback address
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.strip().rstrip(".").lower()
    if name in _LOCAL_NAMES or name.endswith(".localhost"):
        return True
    name = name.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _address_is_local(address: object) -> bool:
    if isinstance(address, str | bytes):  # AF_UNIX path or abstract socket
        return True
    if isinstance(address, tuple) and address:
        return _host_is_local(address[0])
    return False


def _refuse(what: str, target: object) -> OSError:
    _log(what, target)
    return ConnectionRefusedError(errno.ECONNREFUSED, f"network blocked by benchmark sandbox: {target!r}")


def _install() -> None:
    if getattr(socket.socket.connect, MARKER, False):
        return
    orig_connect = socket.socket.connect
    orig_connect_ex = socket.socket.connect_ex
    orig_sendto = socket.socket.sendto
    orig_create_connection = socket.create_connection
    orig_getaddrinfo = socket.getaddrinfo
    orig_gethostbyname = socket.gethostbyname
    orig_gethostbyname_ex = socket.gethostbyname_ex

    def connect(self: socket.socket, address: Any) -> None:
        if not _address_is_local(address):
            raise _refuse("connect", address)
        orig_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if not _address_is_local(address):
            _log("connect_ex", address)
            return errno.ECONNREFUSED
        return orig_connect_ex(self, address)

    def sendto(self: socket.socket, data: Any, *args: Any) -> int:
        address = args[-1] if args else None
        if args and not _address_is_local(address):
            raise _refuse("sendto", address)
        return orig_sendto(self, data, *args)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        if not _address_is_local(address):
            raise _refuse("create_connection", address)
        return orig_create_connection(address, *args, **kwargs)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _host_is_local(host):
            _log("getaddrinfo", host)
            raise socket.gaierror(
                socket.EAI_NONAME, f"name resolution blocked by benchmark sandbox: {host!r}"
            )
        return orig_getaddrinfo(host, *args, **kwargs)

    def gethostbyname(host: str) -> str:
        if not _host_is_local(host):
            _log("gethostbyname", host)
            raise socket.gaierror(
                socket.EAI_NONAME, f"name resolution blocked by benchmark sandbox: {host!r}"
            )
        return orig_gethostbyname(host)

    def gethostbyname_ex(host: str) -> tuple[str, list[str], list[str]]:
        if not _host_is_local(host):
            _log("gethostbyname_ex", host)
            raise socket.gaierror(
                socket.EAI_NONAME, f"name resolution blocked by benchmark sandbox: {host!r}"
            )
        return orig_gethostbyname_ex(host)

    patched: list[Callable[..., Any]] = [
        connect,
        connect_ex,
        sendto,
        create_connection,
        getaddrinfo,
        gethostbyname,
        gethostbyname_ex,
    ]
    for fn in patched:
        setattr(fn, MARKER, True)
    socket.socket.connect = connect  # type: ignore[assignment,method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[assignment,method-assign]
    socket.socket.sendto = sendto  # type: ignore[assignment,method-assign]
    socket.create_connection = create_connection
    socket.getaddrinfo = getaddrinfo
    socket.gethostbyname = gethostbyname
    socket.gethostbyname_ex = gethostbyname_ex


_install()
