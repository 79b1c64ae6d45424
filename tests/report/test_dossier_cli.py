"""`clonewatch export --format dossier`: takedown dossiers as HTML and as PDF printed by real
Chromium, from a store filled with real probe records. The PDF's text (pypdf) names the registrar,
the abuse contact and the evidence hashes; hostile registrar fields and page titles stay text in
both, and the HTML, opened in Chromium with JavaScript on, runs nothing and loads nothing."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import sync_playwright

from clonewatch.probe.browser import CHROMIUM
from clonewatch.report.dossier import evidence_sha256
from clonewatch.store import open_blobs
from clonewatch.testing.s3 import LocalS3
from tests.report.conftest import (
    CLOAKED,
    CLONE,
    GENUINE,
    HOSTILE_ABUSE,
    HOSTILE_REGISTRAR,
    HOSTILE_TITLE,
    PARKED,
    REDIRECTOR,
    TDS_HOP,
    VANTAGE,
    Cli,
    World,
)


@dataclass
class Dossiers:
    directory: Path
    stdout: str

    def html(self, name: str) -> str:
        return (self.directory / f"{name}.html").read_text(encoding="utf-8")

    def pdf_text(self, name: str) -> str:
        reader = pypdf.PdfReader(self.directory / f"{name}.pdf")
        return "\n".join(page.extract_text() for page in reader.pages)

    def pdf_bytes(self, name: str) -> bytes:
        return (self.directory / f"{name}.pdf").read_bytes()


@pytest.fixture(scope="module")
def dossiers(sqlite_db: str, world: World, tmp_path_factory: pytest.TempPathFactory) -> Dossiers:
    from tests.conftest import run_cli

    directory = tmp_path_factory.mktemp("dossiers")
    result = run_cli(
        "export", "--format", "dossier", "--db", sqlite_db, "-o", str(directory), "--blobs", str(world.blobs)
    )
    assert result.returncode == 0, result.stderr
    return Dossiers(directory, result.stdout)


def _squeezed(text: str) -> str:
    """PDF text without white space (a long hash wraps across lines in the table)."""
    return re.sub(r"\s+", "", text)


def test_a_dossier_per_domain_as_html_and_pdf(dossiers: Dossiers) -> None:
    names = {Path(line).name for line in dossiers.stdout.splitlines()}
    assert names == {
        f"{d}.{suffix}" for d in (CLONE, CLOAKED, REDIRECTOR, PARKED) for suffix in ("html", "pdf")
    }
    for domain in (CLONE, CLOAKED, REDIRECTOR, PARKED):
        assert dossiers.pdf_bytes(domain).startswith(b"%PDF-")


def test_the_pdf_names_registrar_abuse_contact_and_hashes(dossiers: Dossiers, world: World) -> None:
    evidence = world.evidence[REDIRECTOR]
    text = dossiers.pdf_text(REDIRECTOR)
    assert "Lab Registrar GmbH" in text and "abuse@registrar.test" in text
    assert "+49.301234567" in text
    assert world.address in text and "ns1.lab.test" in text
    squeezed = _squeezed(text)
    assert "hop-export.xyz/go" in squeezed and "meta-refresh" in text  # the redirect chain
    hashes = [
        evidence["screenshot"],
        evidence["http"]["social"]["body_sha256"],
        evidence["tls"]["sha256"],
        evidence_sha256(evidence),
    ]
    for sha in hashes:
        assert re.fullmatch(r"[0-9a-f]{64}", sha)
        assert sha in squeezed, sha
    assert GENUINE in text and "sends visitors on to spiegel-news.info" in text


def test_the_screenshots_are_embedded_from_the_blob_store(dossiers: Dossiers, world: World) -> None:
    html = dossiers.html(CLONE)
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(images) == 2  # the clone and the genuine site, side by side
    digests = {hashlib.sha256(base64.b64decode(data)).hexdigest() for data in images}
    evidence = world.evidence[CLONE]
    assert digests == {evidence["screenshot"], evidence["genuine_site"]["screenshot"]}


def test_the_cloaked_clone_shows_what_the_vantage_saw(dossiers: Dossiers, world: World) -> None:
    """Directly the clone is a garden diary; the dossier shows the article through de beside it,
    labelled with the vantage, its chain through the TDS hop, and the hash of each capture."""
    evidence = world.evidence[CLOAKED]
    seen = evidence["vantages"][VANTAGE]
    html = dossiers.html(CLOAKED)
    images = re.findall(r'alt="([^"]*)" src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    digests = {alt: hashlib.sha256(base64.b64decode(data)).hexdigest() for alt, data in images}
    assert digests == {
        f"screenshot of {CLOAKED}": evidence["screenshot"],
        f"screenshot of {CLOAKED} through {VANTAGE}": seen["screenshot"],
        f"screenshot of {GENUINE}": evidence["genuine_site"]["screenshot"],
    }
    assert seen["screenshot"] != evidence["screenshot"]
    assert f"{CLOAKED} through {VANTAGE}: “Der Spiegel" in html and f"{CLOAKED} (direct): “Garden" in html
    assert seen["proxy"] not in html  # the vantage is named, its proxy is not
    text = dossiers.pdf_text(CLOAKED)
    squeezed = _squeezed(text)
    assert f"Through the vantage point {VANTAGE}: redirect chain" in text
    assert f"Through the vantage point {VANTAGE}: the browser's navigations" in text
    assert _squeezed(f"http://{TDS_HOP}/r/9f2kQ?cid=7") in squeezed
    hashes = {
        f"screenshot through {VANTAGE}": seen["screenshot"],
        f"page body (social visitor through {VANTAGE})": evidence["http"][f"{VANTAGE}:social"]["body_sha256"],
        "screenshot": evidence["screenshot"],
    }
    for kind, sha in hashes.items():
        assert re.fullmatch(r"[0-9a-f]{64}", sha)
        assert _squeezed(kind + sha) in squeezed, kind
    assert f"the imitation is shown to visitors from {VANTAGE}" in text


def test_hostile_strings_stay_text_in_the_html(dossiers: Dossiers) -> None:
    html = dossiers.html(CLONE)
    assert "<script" not in html and "<img src=x" not in html and '"><img' not in html
    assert "&lt;script&gt;alert(&#34;registrar&#34;)&lt;/script&gt;" in html
    assert "\x1b" not in html and "\x07" not in html and "\\x1b[31m" in html
    assert "default-src 'none'" in html  # the document itself may load and run nothing
    assert "href=" not in html  # no adversary URL is a link


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            yield browser
        finally:
            browser.close()


def test_hostile_strings_are_inert_in_a_browser(dossiers: Dossiers, chromium: object) -> None:
    """JavaScript on, every request recorded and refused: no dialog, no request, and the hostile
    registrar, abuse contact and title are shown as the text they are."""
    context = chromium.new_context(java_script_enabled=True)  # type: ignore[attr-defined]
    requested: list[str] = []
    dialogs: list[str] = []

    def refuse(route: object) -> None:
        requested.append(route.request.url)  # type: ignore[attr-defined]
        route.abort()  # type: ignore[attr-defined]

    try:
        context.route("**/*", refuse)
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.set_content(dossiers.html(CLONE), wait_until="load")
        page.wait_for_timeout(300)
        text = page.inner_text("body")
        assert page.evaluate("document.querySelectorAll('script, [onerror], iframe, object').length") == 0
        assert page.evaluate("document.images.length") == 2  # the two embedded screenshots, nothing else
    finally:
        context.close()
    assert dialogs == [] and requested == []
    assert HOSTILE_REGISTRAR.replace("\x1b", "\\x1b") in text
    assert HOSTILE_ABUSE in text
    assert HOSTILE_TITLE.replace("\x1b", "\\x1b").replace("\x07", "\\x07") in text


def test_hostile_strings_are_text_in_the_pdf(dossiers: Dossiers) -> None:
    text = dossiers.pdf_text(CLONE)
    squeezed = _squeezed(text)
    assert _squeezed(HOSTILE_REGISTRAR.replace("\x1b", "\\x1b")) in squeezed
    assert _squeezed(HOSTILE_ABUSE) in squeezed
    assert b"/JavaScript" not in dossiers.pdf_bytes(CLONE) and b"/JS " not in dossiers.pdf_bytes(CLONE)


def test_a_campaign_dossier_holds_every_member(
    cli: Cli, sqlite_db: str, world: World, tmp_path: Path
) -> None:
    campaigns = cli("campaigns", "--db", sqlite_db, "--format", "jsonl")
    (campaign,) = [json.loads(line) for line in campaigns.stdout.splitlines()]
    result = cli(
        "export", "--format", "dossier", "--db", sqlite_db, "--campaign", campaign["id"], "-o", str(tmp_path),
        "--blobs", str(world.blobs),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    name = f"campaign-{campaign['id'].lower()}"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{name}.html", f"{name}.pdf"]
    text = pypdf.PdfReader(tmp_path / f"{name}.pdf")
    pages = "\n".join(page.extract_text() for page in text.pages)
    for domain in (CLONE, CLOAKED, REDIRECTOR, PARKED):
        assert domain in pages
    assert "address" in pages and world.address in pages  # what joins the members
    html = (tmp_path / f"{name}.html").read_text(encoding="utf-8")
    assert html.count('<section class="domain') == 4


def test_html_only_and_a_file_in_the_way(cli: Cli, sqlite_db: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli(
        "export", "--format", "dossier", "--db", sqlite_db, "--verdict", "clone", "--no-pdf", "-o", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [f"{CLONE}.html"]
    blocked = tmp_path / "file"
    blocked.write_text("x")
    refused = cli("export", "--format", "dossier", "--db", sqlite_db, "-o", str(blocked))
    assert refused.returncode == 2 and "not a directory" in refused.stderr


def test_the_screenshots_come_from_object_storage_too(
    cli: Cli, sqlite_db: str, world: World, s3: LocalS3, tmp_path: Path
) -> None:
    bucket = s3.make_bucket()
    with s3.use_env():
        remote = open_blobs(f"s3://{bucket}/evidence")
        for path in world.blobs.rglob("*"):
            if path.is_file():
                remote.put(path.read_bytes())
    result = cli(
        "export", "--format", "dossier", "--db", sqlite_db, "-o", str(tmp_path), "--no-pdf",
        "--blobs", f"s3://{bucket}/evidence", env=s3.env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    html = (tmp_path / f"{CLONE}.html").read_text(encoding="utf-8")
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    digests = {hashlib.sha256(base64.b64decode(data)).hexdigest() for data in images}
    evidence = world.evidence[CLONE]
    assert digests == {evidence["screenshot"], evidence["genuine_site"]["screenshot"]}
    missing = cli(
        "export", "--format", "dossier", "--db", sqlite_db, "-o", str(tmp_path / "x"),
        "--blobs", "s3://no-such-bucket/evidence", env=s3.env,
    )  # fmt: skip
    assert missing.returncode == 2
    assert missing.stderr.startswith("clonewatch: error: blob store s3://no-such-bucket/evidence: ")
    assert len(missing.stderr.strip().splitlines()) == 1
