"""Capture records: JSON form and content-addressed screenshots."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from clonewatch.probe.capture import BrowserCapture, Navigation, save_png


def capture(png: bytes | None) -> BrowserCapture:
    return BrowserCapture(
        start_url="http://front.test/",
        final_url="http://spiegel.ltd/",
        navigations=(
            Navigation("http://front.test/", 200, "initial"),
            Navigation("http://spiegel.ltd/", 200, "javascript"),
        ),
        status=200,
        title="Der Spiegel",
        html="<html></html>",
        png=png,
        phash="c3c3c3c3c3c3c3c3" if png else None,
        refused=(("http://10.0.0.1/x", "private"),),
        error=None,
        elapsed=1.23456,
    )


def test_to_dict_is_json_ready_and_names_the_screenshot_by_hash() -> None:
    record = capture(b"png bytes").to_dict()
    assert json.loads(json.dumps(record)) == record
    assert record["png_sha256"] == hashlib.sha256(b"png bytes").hexdigest()
    assert record["navigations"][1] == {
        "url": "http://spiegel.ltd/",
        "status": 200,
        "mechanism": "javascript",
    }
    assert record["refused"] == [{"url": "http://10.0.0.1/x", "reason": "private"}]
    assert record["elapsed"] == 1.235


def test_save_png_is_content_addressed(tmp_path: Path) -> None:
    first = save_png(capture(b"same"), tmp_path / "shots")
    second = save_png(capture(b"same"), tmp_path / "shots")
    assert first == second and first is not None and first.read_bytes() == b"same"
    assert [path.name for path in (tmp_path / "shots").iterdir()] == [first.name]
    assert save_png(capture(None), tmp_path) is None


def test_save_png_from_many_visits_of_the_same_picture_at_once(tmp_path: Path) -> None:
    """Two vantages' browsers may show the same page at the same moment: every save succeeds, and
    one file is left (each writer had a partial file of its own; a shared one was renamed away
    under the second writer)."""
    from concurrent.futures import ThreadPoolExecutor

    shots = tmp_path / "shots"
    picture = capture(b"same picture " * 50_000)
    for _ in range(20):
        for leftover in shots.glob("*"):
            leftover.unlink()
        with ThreadPoolExecutor(8) as pool:
            saved = list(pool.map(lambda _: save_png(picture, shots), range(8)))
        assert len(set(saved)) == 1 and saved[0] is not None
        assert [path.name for path in shots.iterdir()] == [saved[0].name]
