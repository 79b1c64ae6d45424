"""`clonewatch update-data` against a real HTTP server on loopback."""

from __future__ import annotations

import functools
import http.server
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from clonewatch.data import data_path
from clonewatch.names.words import WORD_FREQUENCY_FILE, read_table
from clonewatch.probe.rdap import bundled_bootstrap

Cli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "www"
    root.mkdir()
    (root / "psl.dat").write_bytes(data_path("public_suffix_list.dat").read_bytes())
    (root / "confusables.txt").write_bytes(data_path("confusables.txt").read_bytes())
    (root / "dns.json").write_bytes(bundled_bootstrap().read_bytes())
    (root / "junk.txt").write_text("<html>not a list</html>\n", encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", tmp_path
    finally:
        server.shutdown()
        server.server_close()


def update_from(
    cli: Cli,
    served: tuple[str, Path],
    confusables: str,
    rdap: str = "dns.json",
    *,
    allow_private: bool = True,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    base, tmp_path = served
    out = tmp_path / "data"
    out.mkdir()
    result = cli(
        "update-data",
        *(["--allow-private"] if allow_private else []),
        "--psl-url",
        f"{base}/psl.dat",
        "--confusables-url",
        f"{base}/{confusables}",
        "--rdap-url",
        f"{base}/{rdap}",
        "--data-dir",
        str(out),
    )
    return result, out


def test_update_data_downloads_checks_and_replaces(cli: Cli, served: tuple[str, Path]) -> None:
    result, out = update_from(cli, served, "confusables.txt")
    assert result.returncode == 0, result.stderr
    assert (out / "public_suffix_list.dat").read_bytes() == data_path("public_suffix_list.dat").read_bytes()
    assert (out / "confusables.txt").stat().st_size > 100_000
    assert (out / "rdap_dns.json").read_bytes() == bundled_bootstrap().read_bytes()
    assert result.stdout.count("entries") == 3


def test_update_data_rebuilds_the_word_frequency_table(cli: Cli, served: tuple[str, Path]) -> None:
    pytest.importorskip("wordfreq", reason="the word table is built from wordfreq (a dev dependency)")
    base, tmp_path = served
    out = tmp_path / "data"
    out.mkdir()
    result = cli(
        "update-data", "--allow-private", "--psl-url", f"{base}/psl.dat", "--confusables-url",
        f"{base}/confusables.txt", "--rdap-url", f"{base}/dns.json", "--data-dir", str(out), "--words",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("entries") == 4
    table = read_table(out / WORD_FREQUENCY_FILE)
    assert table.entry("house")["en"] >= 5.0
    assert table.entry("nachrichten")["de"] >= 4.0
    assert table.entry("zzqxv") == {}
    # a Latin token in Hebrew or Russian text is a name quoted there, not a word of the language
    # (``ynet`` at Zipf 4.2 in wordfreq's Hebrew list made a famous outlet's name an ordinary word)
    assert "he" not in table.entry("ynet") and "ru" not in table.entry("facebook")
    assert table.entry("facebook")["en"] >= 4.0 and table.entry("novosti")["ru"] >= 4.0


def test_update_data_refuses_a_file_that_is_not_a_list(cli: Cli, served: tuple[str, Path]) -> None:
    result, out = update_from(cli, served, "junk.txt")
    assert result.returncode == 1
    assert "junk.txt" in result.stderr
    assert not (out / "confusables.txt").exists()


def test_update_data_refuses_a_bootstrap_file_without_services(cli: Cli, served: tuple[str, Path]) -> None:
    result, out = update_from(cli, served, "confusables.txt", rdap="junk.txt")
    assert result.returncode == 1
    assert "junk.txt" in result.stderr and "rdap_dns.json" in result.stderr
    assert not (out / "rdap_dns.json").exists()


def test_update_data_refuses_a_loopback_server_unless_allowed(cli: Cli, served: tuple[str, Path]) -> None:
    result, out = update_from(cli, served, "confusables.txt", allow_private=False)
    assert result.returncode == 1
    assert "download failed (refused: 127.0.0.1 resolves to 127.0.0.1)" in result.stderr
    assert not any(out.iterdir())


def test_update_data_reports_an_unreachable_server(cli: Cli, tmp_path: Path) -> None:
    url = "http://127.0.0.1:9/psl.dat"
    result = cli("update-data", "--allow-private", "--psl-url", url, "--data-dir", str(tmp_path))
    assert result.returncode == 1
    assert "download failed" in result.stderr


def test_update_data_reports_a_directory_it_cannot_write(cli: Cli, served: tuple[str, Path]) -> None:
    base, tmp_path = served
    missing = tmp_path / "missing"
    result = cli("update-data", "--allow-private", "--psl-url", f"{base}/psl.dat", "--data-dir", str(missing))
    assert result.returncode == 1
    assert result.stderr.startswith("clonewatch: error: [Errno 2] No such file or directory: ")
    assert str(missing) in result.stderr and len(result.stderr.splitlines()) == 1
