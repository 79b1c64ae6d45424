"""The dashboard over what a real watch run stored: the probe lab's sites probed with Chromium
screenshots into a blob directory, then reviewed in Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clonewatch.match import Match
from clonewatch.store import DirectoryBlobs, Store
from clonewatch.testing.dashboard import PASSWORD, LocalDashboard
from clonewatch.web import WebSettings
from tests.probe_lab import LAB, Cli, Lab
from tests.web.conftest import log_in


def test_a_watched_redirector_and_clone_show_their_chain_and_screenshots(
    cli: Cli, lab: Lab, tmp_path: Path, browser_page: Any
) -> None:
    suspects = dict(lab.world.suspects())
    clone = next(name for name, kind in suspects.items() if kind == "clone")
    redirector = next(name for name, kind in suspects.items() if kind == "redirector")
    db = f"sqlite:///{tmp_path / 'watch.db'}"
    with Store.open(db) as store:  # flagged already: the watch run probes what is due
        found = [
            Match(name, name, "Der Spiegel", "spiegel.de", 0.9, ("suffix",)) for name in (clone, redirector)
        ]
        store.ingest_batch("test", 1, found)
    feed = tmp_path / "names.txt"
    feed.write_text("example.org\n")
    config = tmp_path / "watch.toml"
    config.write_text('[probe]\nblobs = "blobs"\nscreenshots = true\n')
    run = cli(
        "watch", "--config", str(config), "--feed", str(feed), "--once", "--resolver", lab.dns.resolver,
        "--allow-private", "--brands", str(lab.brands), "--db", db,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "2 probed" in run.stderr
    added = cli("users", "add", "ana", "--role", "analyst", "--db", db, stdin=f"{PASSWORD}\n".encode())
    assert added.returncode == 0, added.stderr

    with (
        Store.open(db) as store,
        LocalDashboard(WebSettings(store=store, blobs=DirectoryBlobs(tmp_path / "blobs"))) as web,
    ):
        page, base = browser_page, web.url
        log_in(page, base, "ana")
        page.goto(f"{base}/domains/{redirector}")
        plain = page.locator(".chain").first
        hosts = plain.locator(".hop .host").all_inner_texts()
        assert hosts[0] == redirector and hosts[1].startswith("hop-a") and hosts[2].startswith("hop-b")
        arrows = plain.locator(".hop .arrow").all_inner_texts()
        assert arrows[:3] == ["http →", "meta-refresh →", "javascript →"]
        assert LAB in plain.inner_text()  # the hops' address (the lab's)

        page.goto(f"{base}/domains/{clone}")
        shot = page.locator(".shots img").first
        assert shot.get_attribute("src", timeout=5000).startswith("/blobs/")  # type: ignore[union-attr]
        assert shot.evaluate("img => img.complete && img.naturalWidth") > 0
        assert "RDAP record" in page.locator("table.rdap").inner_text()  # (watch has no lab RDAP server)
        stored = store.finding(clone)
        assert stored is not None and page.locator(".verdict").first.inner_text() == stored.verdict
        page.click(".review-box button[value=clone]")
        page.wait_for_url(f"{base}/domains/{clone}")
        assert [d.decision for d in store.decisions(clone)] == ["clone"]
