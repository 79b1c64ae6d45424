"""Send a MISP event to a MISP instance: ``POST <base>/events/add`` through the network layer.

The request is the one PyMISP's ``add_event`` sends (the key in ``Authorization``, JSON both ways,
the event's JSON as the body), made by clonewatch's own client so that the address policy, the
certificate check and the caps apply; PyMISP's client would open its own connections (several on
construction alone). Redirects are not followed: a POST sent elsewhere is reported, not repeated.
What MISP answers is hostile text like any other: only the event's id and uuid are taken from a
success, and an error's message is made inert and cut short before it is shown.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clonewatch.errors import FetchFailed, FetchRefused, InputError, PushFailed
from clonewatch.inert import inert
from clonewatch.net import HttpClient, parse_web_url

ADD_EVENT = "events/add"
USER_AGENT = "clonewatch-export/0.1"
_KEY = re.compile(r"[!-~]+")  # one token of visible ASCII: what a header may carry
_SHOWN = 200


@dataclass(frozen=True, slots=True)
class PushedEvent:
    """What MISP said it stored: the event's id on that instance and its uuid."""

    url: str
    event_id: str | None
    uuid: str | None


def check_key(key: str, source: str) -> str:
    """The key stripped of surrounding white space; InputError (naming ``source``, never the key)
    when it is empty or not a single token of visible ASCII."""
    key = key.strip()
    if not key:
        raise InputError(f"{source}: empty (it should hold the MISP automation key)")
    if not _KEY.fullmatch(key):
        raise InputError(f"{source}: not a MISP key (one line of visible ASCII without spaces)")
    return key


def read_key_file(path: Path) -> str:
    """The MISP key held in ``path``; InputError when the file is missing, unreadable, empty or
    holds something else (the message names the file, never what it holds)."""
    try:
        text = path.read_bytes().decode("ascii")
    except FileNotFoundError:
        raise InputError(f"{path}: no such key file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a MISP key (one line of visible ASCII without spaces)") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the key file ({exc.strerror or type(exc).__name__})") from None
    return check_key(text, str(path))


def events_url(base: str) -> str:
    """The add-event address under a MISP base URL (which may sit in a sub-directory);
    FetchRefused when ``base`` is not an http(s) URL or carries a query."""
    parts, _ = parse_web_url(base)
    if parts.query or parts.fragment:
        raise FetchRefused(f"not a MISP base URL (it has a query or fragment): {base[:80]}")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}/{ADD_EVENT}"


def push_event(event_json: str, base: str, key: str, *, client: HttpClient) -> PushedEvent:
    """Add ``event_json`` to the MISP instance at ``base``. FetchRefused when the address may not be
    reached, FetchFailed when the request does not complete, PushFailed when MISP answers with an
    error status or without an event."""
    url = events_url(base)
    headers = {
        "Authorization": check_key(key, "the MISP key"),
        "Accept": "application/json",
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }
    try:
        response = client.request("POST", url, headers=headers, body=event_json.encode("utf-8"))
    except FetchRefused as exc:
        raise FetchRefused(f"{url}: refused, {exc}", metadata=exc.metadata) from None
    except FetchFailed as exc:
        raise FetchFailed(f"{url}: {exc}") from None
    if response.status in range(300, 400):
        where = inert((response.header("location") or "nowhere")[:_SHOWN])
        raise PushFailed(f"MISP answered HTTP {response.status} (sent to {where}): give the address it names")
    if not 200 <= response.status < 300:
        raise PushFailed(f"MISP answered HTTP {response.status}{_why(response.body)}")
    if response.cut is not None:
        raise PushFailed(f"MISP's answer was cut short ({response.cut}): the event may have been stored")
    event = _event(response.body)
    if event is None:
        raise PushFailed(f"MISP answered HTTP {response.status} without an event{_why(response.body)}")
    return PushedEvent(url, _text(event.get("id")), _text(event.get("uuid")))


def _event(body: bytes) -> dict[str, Any] | None:
    """The ``Event`` of MISP's answer (or the answer itself when it is the bare event)."""
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    if not isinstance(answer, dict) or "errors" in answer:
        return None
    event = answer.get("Event", answer)
    return event if isinstance(event, dict) and ("id" in event or "uuid" in event) else None


def _text(value: Any) -> str | None:
    return inert(str(value))[:_SHOWN] if isinstance(value, str | int) and str(value) else None


def _why(body: bytes) -> str:
    """``: <MISP's message>`` from an error answer (its ``message``, ``name`` or ``errors``), else
    the start of the body, inert and cut short; empty when there is nothing."""
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    if isinstance(answer, dict):
        parts = [answer.get("message") or answer.get("name"), answer.get("errors")]
        said = "; ".join(p if isinstance(p, str) else json.dumps(p, ensure_ascii=False) for p in parts if p)
    else:
        said = body[:_SHOWN].decode("utf-8", "replace")
    said = " ".join(inert(said).split())
    return f": {said[:_SHOWN]}" if said else ""
