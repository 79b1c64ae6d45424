"""The dashboard as a reviewer uses it, in real Chromium: log in, filter, review, read the evidence;
hostile strings stay text; forms without the CSRF token and decisions by viewers are refused."""

from __future__ import annotations

from typing import Any

from clonewatch.testing.dashboard import HOSTILE_REGISTRAR, HOSTILE_TITLE, DashboardWorld, LocalDashboard
from tests.web.conftest import log_in


def rows(page: Any) -> list[str]:
    return [text.strip() for text in page.locator("table.queue a.domain").all_inner_texts()]


def test_log_in_filter_the_queue_review_a_finding_and_see_the_evidence(
    browser_page: Any, dashboard: LocalDashboard, world: DashboardWorld
) -> None:
    page, base = browser_page, dashboard.url
    log_in(page, base, "ana")
    assert rows(page) == ["spiegel.ltd", "blld.live", "bildd.lol"]  # newest first
    counts = page.locator(".counts").inner_text()
    assert (
        "Bild 2" in counts and "Der Spiegel 1" in counts and "clone 1" in counts and "not probed 1" in counts
    )

    page.select_option("select[name=brand]", "Bild")
    page.click(".filters button[type=submit]")
    page.wait_for_url("**/?*brand=Bild*")
    assert rows(page) == ["blld.live", "bildd.lol"]
    page.select_option("select[name=verdict]", "clone")
    page.click(".filters button[type=submit]")
    assert rows(page) == ["bildd.lol"]
    page.fill("input[name=q]", "spiegel")
    page.select_option("select[name=brand]", "")
    page.select_option("select[name=verdict]", "")
    page.click(".filters button[type=submit]")
    assert rows(page) == ["spiegel.ltd"]

    page.goto(f"{base}/")
    page.click("a.domain >> text=bildd.lol")
    page.wait_for_url(f"{base}/domains/bildd.lol")
    images = page.locator(".shots img")
    assert images.count() == 3
    for index in range(3):  # every screenshot loads, from the blob store by hash
        assert images.nth(index).evaluate("img => img.complete && img.naturalWidth") == 320
    sources = [images.nth(i).get_attribute("src") for i in range(3)]
    assert sources == [
        f"/blobs/{world.screenshot}",
        f"/blobs/{world.genuine_screenshot}",
        f"/blobs/{world.vantage_screenshot}",  # what the browser through the vantage de was shown
    ]
    assert page.locator(".shots figure.vantage figcaption").inner_text().startswith("This domain through de")
    labels = page.locator(".chain h3").all_inner_texts()
    assert labels == ["HTTP client", "Chromium, through de"]  # the direct browser recorded no navigation
    hops = page.locator(".chain").first.locator("li.hop")
    assert hops.count() == 3
    assert [hops.nth(i).locator(".host").inner_text() for i in range(3)] == [
        "hop.lol",
        "tds.lol",
        "bildd.lol",
    ]
    assert "http →" in hops.nth(0).inner_text() and "198.51.100.4" in hops.nth(0).inner_text()
    assert "javascript →" in hops.nth(1).inner_text()
    rdap = page.locator("table.rdap").inner_text()
    assert "Registrar" in rdap and "Abuse e-mail" in rdap
    assert "ns1.evil-dns.lol" in page.content()

    page.fill(".review-box input[name=comment]", "same template as the Bild clones")
    page.click(".review-box button[value=clone]")
    page.wait_for_url(f"{base}/domains/bildd.lol")
    assert page.locator(".standing").inner_text() == "clone"
    decisions = page.locator("table.decisions").inner_text()
    assert "ana" in decisions and "same template as the Bild clones" in decisions
    (decision,) = world.store.decisions("bildd.lol")
    assert (decision.decision, decision.who) == ("clone", "ana")

    page.goto(f"{base}/?review=unreviewed")
    assert rows(page) == ["spiegel.ltd", "blld.live"]
    page.locator("tr", has_text="blld.live").locator("button[value=false-alarm]").click()
    page.wait_for_url(f"{base}/?review=unreviewed&page=1")
    assert rows(page) == ["spiegel.ltd"]
    assert world.store.standing_decisions(["false-alarm"]).keys() == {"blld.live"}


def test_hostile_title_registrar_and_url_are_shown_as_text(
    browser_page: Any, dashboard: LocalDashboard
) -> None:
    page, base = browser_page, dashboard.url
    log_in(page, base, "vera")
    page.goto(f"{base}/domains/bildd.lol")
    assert page.evaluate("() => window.pwned") is None
    assert page.dialogs == []
    assert page.locator("script").count() == 0
    assert page.locator("img").count() == 3  # the three screenshots, no injected image
    titles = page.locator("q.title").all_inner_texts()  # directly and through the vantage
    assert titles == [HOSTILE_TITLE.replace("\x1b", "\\x1b")] * 2  # markup as text, the escape made visible
    assert HOSTILE_REGISTRAR in page.locator("table.rdap").inner_text()
    assert "<script>window.pwned='url'</script>" in page.locator(".chain").first.inner_text()
    assert page.locator("a[href^=javascript]").count() == 0


def test_a_form_without_its_csrf_token_is_refused(
    browser_page: Any, dashboard: LocalDashboard, world: DashboardWorld
) -> None:
    page, base = browser_page, dashboard.url
    log_in(page, base, "ana")
    page.goto(f"{base}/domains/bildd.lol")
    token = page.locator(".review-box input[name=csrf]").input_value()
    url = f"{base}/domains/bildd.lol/decision"
    missing = page.request.post(url, form={"decision": "clone"}, max_redirects=0)
    forged = page.request.post(url, form={"decision": "clone", "csrf": token[:-2] + "xx"}, max_redirects=0)
    assert (missing.status, forged.status) == (403, 403)
    assert "CSRF" in missing.text()
    assert world.store.decisions("bildd.lol") == []
    # the token of another browser's cookie does not fit this browser's cookie
    page.context.clear_cookies()
    log_in(page, base, "ana")
    stale = page.request.post(url, form={"decision": "clone", "csrf": token}, max_redirects=0)
    assert stale.status == 403 and world.store.decisions("bildd.lol") == []
    good = page.locator("input[name=csrf]").first.input_value()
    done = page.request.post(url, form={"decision": "defensive", "csrf": good}, max_redirects=0)
    assert done.status == 303 and [d.decision for d in world.store.decisions("bildd.lol")] == ["defensive"]


def test_a_viewer_reads_but_cannot_decide(
    browser_page: Any, dashboard: LocalDashboard, world: DashboardWorld
) -> None:
    page, base = browser_page, dashboard.url
    log_in(page, base, "vera")
    assert page.locator("form.decide").count() == 0
    page.goto(f"{base}/domains/bildd.lol")
    assert page.locator("form.decide").count() == 0
    token = page.locator("input[name=csrf]").first.input_value()
    refused = page.request.post(
        f"{base}/domains/bildd.lol/decision", form={"decision": "clone", "csrf": token}, max_redirects=0
    )
    assert refused.status == 403 and "analyst" in refused.text()
    assert world.store.decisions("bildd.lol") == []
    assert page.goto(f"{base}/users").status == 403


def test_an_admin_adds_a_user_who_can_then_log_in(browser_page: Any, dashboard: LocalDashboard) -> None:
    page, base = browser_page, dashboard.url
    log_in(page, base, "ada")
    page.goto(f"{base}/users")
    page.fill(".adduser input[name=name]", "nils")
    page.select_option(".adduser select[name=role]", "analyst")
    page.fill(".adduser input[name=password]", "a long enough one")
    page.click(".adduser button[type=submit]")
    page.wait_for_url(f"{base}/users")
    assert "nils" in page.locator("table").inner_text()
    page.click(".logout button")
    page.wait_for_url(f"{base}/login")
    log_in(page, base, "nils", "a long enough one")
    assert page.locator("form.decide").count() == 3


def test_wrong_password_and_the_session_cookie(browser_page: Any, dashboard: LocalDashboard) -> None:
    page, base = browser_page, dashboard.url
    page.goto(f"{base}/login")
    page.fill("input[name=name]", "ana")
    page.fill("input[name=password]", "wrong password")
    page.click("button[type=submit]")
    assert "Wrong name or password" in page.locator(".error").inner_text()
    assert page.goto(f"{base}/").url.startswith(f"{base}/login")
    log_in(page, base, "ana")
    cookies = {c["name"]: c for c in page.context.cookies()}
    for name in ("cw_session", "cw_csrf"):
        assert cookies[name]["httpOnly"] and cookies[name]["sameSite"] == "Strict"
    response = page.goto(f"{base}/")
    assert response is not None
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "frame-ancestors 'none'" in csp


def test_screenshots_are_served_only_by_hash_from_the_blob_store(
    browser_page: Any, dashboard: LocalDashboard, world: DashboardWorld
) -> None:
    page, base = browser_page, dashboard.url
    not_an_image = world.blobs.put(b"<html><script>alert(1)</script></html>")
    assert page.request.get(f"{base}/blobs/{world.screenshot}", max_redirects=0).status == 303  # log in first
    log_in(page, base, "vera")
    shot = page.request.get(f"{base}/blobs/{world.screenshot}")
    assert (shot.status, shot.headers["content-type"]) == (200, "image/png")
    for path in (
        f"/blobs/{not_an_image}",
        "/blobs/..%2f..%2fstore.db",
        "/blobs/" + "0" * 64,
        "/blobs/../store.db",
    ):
        assert page.request.get(base + path).status == 404, path


def test_campaign_page_shows_members_by_role_pivots_and_timeline(
    browser_page: Any, dashboard: LocalDashboard
) -> None:
    page, base = browser_page, dashboard.url
    log_in(page, base, "vera")
    page.goto(f"{base}/campaigns")
    page.click("text=c-1")
    page.wait_for_url(f"{base}/campaigns/c-1")
    text = page.locator("main").inner_text()
    assert "clone (1)" in text and "redirector (1)" in text
    assert "ns1.evil-dns.lol" in text and "bildd.lol joined as clone" in text
