"""Deliver the store's pending alerts: a JSON line to standard output or a file, or a webhook POST.

The store queues alerts (a domain first flagged; a verdict that turns to clone, redirector or
cloaked; a probed domain that joins a stored campaign) in the same transaction as the data that
raised them. Delivery reads the outbox, sends,
then records the result, so an alert is never sent again once recorded as sent.

Exactly-once and at-least-once: a crash between sending and recording would resend on restart.
The file sink closes that window: each line carries an ``idempotency_key`` and is fsynced before
the alert is recorded; on start the sink reads the keys already in the file and records those
alerts as sent without writing them again. Standard output and webhooks are at-least-once in
that window; the webhook body and its ``Idempotency-Key`` header carry the key so that the
receiver can drop a repeat.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TextIO

from clonewatch.errors import ClonewatchError, FetchBlocked
from clonewatch.store import CAMPAIGN_EVENT, Alert, CampaignRecord, Finding, Store
from clonewatch.watch.http import HttpClient

log = logging.getLogger(__name__)
STDOUT = "stdout"


class AlertFailed(ClonewatchError):
    """An alert could not be delivered this time (it stays in the outbox and is retried)."""


class AlertSink(Protocol):
    """Where alerts of one target go; ``target`` is the name stored with each queued alert."""

    @property
    def target(self) -> str: ...

    def send(self, payload: Mapping[str, Any]) -> None:
        """Deliver one alert, or raise AlertFailed."""
        ...


def idempotency_key(alert: Alert) -> str:
    return f"clonewatch-alert-{alert.id}-{alert.event}-{alert.domain}"


def payload(alert: Alert, finding: Finding | None, campaign: CampaignRecord | None = None) -> dict[str, Any]:
    """The alert as a JSON object: a Slack/Mattermost ``text`` line, then structured fields
    (for a ``campaign:<id>`` alert, the ``campaign`` and how the domain joined it)."""
    record: dict[str, Any] = {
        "text": _text(alert, finding, campaign),
        "alert_id": alert.id,
        "idempotency_key": idempotency_key(alert),
        "event": alert.event,
        "domain": alert.domain,
        "created_at": alert.created_at.isoformat(),
    }
    if finding is not None:
        record.update({key: value for key, value in finding.to_dict().items() if key != "domain"})
    if campaign is not None:
        record["campaign"] = _campaign(campaign, alert.domain)
    return record


def _campaign(campaign: CampaignRecord, domain: str) -> dict[str, Any]:
    member = next((m for m in campaign.members if m.domain == domain), None)
    return {
        "id": campaign.id,
        "size": len(campaign.active),
        "brands": list(campaign.brands),
        "confidence": campaign.confidence,
        "role": member.role if member else None,
        "via": member.via if member else None,
    }


def _text(alert: Alert, finding: Finding | None, campaign: CampaignRecord | None = None) -> str:
    what = f"{alert.domain}"
    if finding is not None:
        match = finding.match
        if match.unicode != match.domain:
            what += f" ({match.unicode})"
        what += f" imitates {match.genuine} ({match.brand}), score {match.score:.2f}"
        what += f": {', '.join(match.reasons)}"
    if alert.event.startswith("verdict:"):
        return f"clonewatch: {alert.domain} is now {alert.event.removeprefix('verdict:')} ({what})"
    if alert.event.startswith(CAMPAIGN_EVENT):
        joined = _campaign(campaign, alert.domain) if campaign is not None else {}
        how = f", {joined['role']} via {joined['via']}" if joined.get("via") else ""
        return f"clonewatch: new member of campaign {alert.event.removeprefix(CAMPAIGN_EVENT)}: {what}{how}"
    return f"clonewatch: new look-alike {what}"


class StdoutSink:
    """One JSON line per alert on standard output (at-least-once across a crash)."""

    target = STDOUT

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def send(self, payload: Mapping[str, Any]) -> None:
        stream = self._stream or sys.stdout
        stream.write(json.dumps(payload, ensure_ascii=False) + "\n")
        stream.flush()


class FileSink:
    """JSON lines appended to a file, each fsynced; exactly once per alert even across a crash."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser().resolve()
        self._written: set[str] = set()
        self._ready = False

    @property
    def target(self) -> str:
        return f"file:{self.path}"

    def _load(self) -> None:
        """Keys already in the file; a last line cut short by a crash is removed."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            data = b""
        end = data.rfind(b"\n") + 1
        if end < len(data):
            with self.path.open("r+b") as handle:
                handle.truncate(end)
        for line in data[:end].splitlines():
            try:
                key = json.loads(line).get("idempotency_key")
            except (ValueError, AttributeError):
                continue
            if isinstance(key, str):
                self._written.add(key)
        self._ready = True

    def send(self, payload: Mapping[str, Any]) -> None:
        try:
            if not self._ready:
                self._load()
            key = str(payload["idempotency_key"])
            if key in self._written:
                return
            line = (json.dumps(payload, ensure_ascii=False) + "\n").encode("utf-8")
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(descriptor, line)
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        except OSError as exc:
            raise AlertFailed(f"{self.path}: {exc.strerror}") from None
        self._written.add(key)


@dataclass(slots=True)
class WebhookSink:
    """HTTP POST of the JSON payload; 2xx is delivered. Retried with exponential backoff."""

    url: str
    client: HttpClient
    stop: threading.Event
    retries: int = 3
    backoff: float = 1.0
    max_backoff: float = 60.0

    @property
    def target(self) -> str:
        return self.url

    def send(self, payload: Mapping[str, Any]) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = {"Idempotency-Key": str(payload["idempotency_key"])}
        error = ""
        for attempt in range(self.retries + 1):
            try:
                response = self.client.post_json(self.url, body, headers)
            except FetchBlocked as exc:
                raise AlertFailed(str(exc)) from None  # retrying cannot help
            except ClonewatchError as exc:
                error = str(exc)
            else:
                if 200 <= response.status < 300:
                    return
                error = f"{self.url}: HTTP {response.status}"
                if response.status < 500 and response.status not in (408, 429):
                    break
            if attempt < self.retries and self.stop.wait(min(self.backoff * 2**attempt, self.max_backoff)):
                break
        raise AlertFailed(error)


def deliver_pending(store: Store, sinks: Mapping[str, AlertSink], *, max_attempts: int = 10) -> int:
    """Send every pending alert whose target is configured; returns how many were sent now."""
    sent = 0
    for alert in store.pending_alerts(max_attempts=max_attempts):
        sink = sinks.get(alert.target)
        if sink is None:
            continue  # queued for a target this run does not have: kept for a run that does
        campaign = None
        if alert.event.startswith(CAMPAIGN_EVENT):
            campaign = store.campaign(alert.event.removeprefix(CAMPAIGN_EVENT))
        try:
            sink.send(payload(alert, store.finding(alert.domain), campaign))
        except AlertFailed as exc:
            log.warning(
                "alert %d (%s %s) to %s failed: %s", alert.id, alert.event, alert.domain, alert.target, exc
            )
            store.record_alert(alert.id, sent=False, error=str(exc))
            continue
        if store.record_alert(alert.id, sent=True):
            sent += 1
    return sent
