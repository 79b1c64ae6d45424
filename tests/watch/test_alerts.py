from __future__ import annotations

import io
import json
import threading

from clonewatch.store import Store
from clonewatch.testing.receivers import WebhookReceiver
from clonewatch.watch.alerts import StdoutSink, WebhookSink, deliver_pending
from clonewatch.watch.http import HttpClient
from tests.store.conftest import match


def test_a_webhook_that_refuses_is_recorded_and_retried_later(store: Store) -> None:
    with WebhookReceiver() as hook:
        sink = WebhookSink(
            hook.url, HttpClient(allow_private=True), threading.Event(), retries=1, backoff=0.01
        )
        store.ingest_batch("nrd", 1, [match("bildd.lol")], alert_targets=[sink.target])
        hook.fail_next(500, count=2)
        assert deliver_pending(store, {sink.target: sink}) == 0
        (alert,) = store.pending_alerts()
        assert (alert.status, alert.attempts, alert.last_error) == ("failed", 1, f"{hook.url}: HTTP 500")
        hook.fail_next(400)  # a client error is not retried at once
        assert deliver_pending(store, {sink.target: sink}) == 0
        assert deliver_pending(store, {sink.target: sink}) == 1
        assert [body["domain"] for body in hook.bodies()] == ["bildd.lol"]
        assert deliver_pending(store, {sink.target: sink}) == 0


def test_stdout_alerts_and_targets_not_configured_wait(store: Store) -> None:
    out = io.StringIO()
    sink = StdoutSink(out)
    store.ingest_batch("nrd", 1, [match("bildd.lol")], alert_targets=["stdout", "https://hooks.example/x"])
    assert deliver_pending(store, {"stdout": sink}) == 1
    (line,) = out.getvalue().splitlines()
    record = json.loads(line)
    assert record["event"] == "flagged" and record["genuine"] == "bild.de" and record["verdict"] is None
    assert [a.target for a in store.pending_alerts()] == ["https://hooks.example/x"]


def test_webhooks_to_private_addresses_fail_without_retrying(store: Store) -> None:
    sink = WebhookSink("http://127.0.3.9:9/hook", HttpClient(), threading.Event(), retries=5, backoff=10)
    store.ingest_batch("nrd", 1, [match("bildd.lol")], alert_targets=[sink.target])
    assert deliver_pending(store, {sink.target: sink}) == 0
    (alert,) = store.pending_alerts()
    assert "--allow-private" in (alert.last_error or "")
