"""`clonewatch generate` as a user runs it, and its output fed back to `clonewatch match`."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

Cli = Callable[..., subprocess.CompletedProcess[str]]


def records(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_generate_jsonl_for_two_brands(cli: Cli) -> None:
    result = cli("generate", "spiegel.de", "bild.de", "--limit", "50", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    rows = records(result.stdout)
    assert len(rows) == 100
    assert {row["genuine"] for row in rows} == {"spiegel.de", "bild.de"}
    first = rows[0]
    assert set(first) >= {"domain", "unicode", "brand", "genuine", "score", "reasons", "fuzzer", "rank"}
    assert first["brand"] == "Der Spiegel"
    # .com ranks first; spiegel is an ordinary German word, and .com no abused suffix (issue 15)
    assert (first["domain"], first["reasons"]) == ("spiegel.com", ["suffix-swap", "common-label"])


def test_generated_names_fed_to_match_get_the_same_reasons(cli: Cli) -> None:
    generated = cli("generate", "t-online.de", "--limit", "400", "--format", "jsonl")
    rows = records(generated.stdout)
    names = "".join(f"{row['domain']}\n" for row in rows)
    matched = cli("match", "-", "--format", "jsonl", stdin=names.encode())
    hits = {row["domain"]: row for row in records(matched.stdout)}
    assert len(hits) == len(rows)
    for row in rows:
        assert hits[row["domain"]]["reasons"] == row["reasons"], row["domain"]
        assert hits[row["domain"]]["genuine"] == row["genuine"]


def test_generate_with_own_brands_and_chosen_fuzzers(cli: Cli, brands_file: Callable[[str], object]) -> None:
    brands = brands_file("heimat-news.de,Heimat News\n")
    result = cli(
        "generate", "--watchlist", "--brands", str(brands), "--fuzzers", "repetition", "--limit", "20",
        "--format", "csv",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "rank,score,domain,unicode,brand,genuine,reasons,fuzzer"
    assert len(lines) == 21
    assert all(",repetition" in line for line in lines[1:])


def test_bad_domain_and_unknown_fuzzer_are_exit_2(cli: Cli) -> None:
    bad = cli("generate", "not a domain")
    assert bad.returncode == 2
    assert "'not a domain' is not a domain name" in bad.stderr
    unknown = cli("generate", "spiegel.de", "--fuzzers", "typo")
    assert unknown.returncode == 2
    assert "unknown fuzzer 'typo'" in unknown.stderr
    nothing = cli("generate")
    assert nothing.returncode == 2


def test_generate_registered_against_a_real_resolver(cli: Cli, local_dns: object) -> None:
    resolver = local_dns.resolver  # type: ignore[attr-defined]
    result = cli(
        "generate", "bild.de", "--limit", "2500", "--registered", "--resolver", resolver,
        "--dns-timeout", "0.5", "--format", "jsonl",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = {row["domain"]: row for row in records(result.stdout)}
    assert len(rows) == 2500  # the exact label on every TLD and co.*/com.* first (issue 15), then edits
    assert rows["bildd.lol"]["status"] == "registered"
    assert rows["bildd.lol"]["a"] == ["127.0.0.10"]
    assert rows["blld.live"]["status"] == "registered"
    assert rows["bild.top"]["status"] == "wildcard"
    assert rows["bild.cfd"]["status"] == "error" and rows["bild.cfd"]["error"] == "SERVFAIL"
    assert rows["bild.sbs"]["status"] == "error" and rows["bild.sbs"]["error"] == "timeout"
    assert rows["bild.lol"]["status"] == "unregistered"
    registered = [row for row in rows.values() if row["status"] == "registered"]
    assert {row["domain"] for row in registered} == {"bildd.lol", "blld.live"}
    assert "checked 2,500 names" in result.stderr.splitlines()[-1]


def test_bad_resolver_is_exit_2(cli: Cli) -> None:
    result = cli("generate", "bild.de", "--registered", "--resolver", "127.0.0.1:notaport")
    assert result.returncode == 2
    assert "bad resolver" in result.stderr


def test_ctrl_c_during_dns_checks_stops_cleanly(local_dns: object) -> None:
    import signal
    import time

    from tests.conftest import CLONEWATCH

    resolver = local_dns.resolver  # type: ignore[attr-defined]
    process = subprocess.Popen(
        [str(CLONEWATCH), "generate", "bild.de", "--limit", "50000", "--registered", "--resolver", resolver,
         "--concurrency", "4", "--format", "jsonl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    time.sleep(8.0)  # past start-up even on a loaded machine (4 s was not, under the parallel suite)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    text = stderr.decode()
    assert "Traceback" not in text
    assert "interrupted after checking" in text.splitlines()[-1]
    assert stdout.count(b"\n") < 50000


def test_country_code_tlds_come_before_the_other_generic_ones(cli: Cli) -> None:
    """After .com, the abused and the popular suffixes, the exact label goes on every country code
    before the remaining generic TLDs, many of them closed .brand registries (``.abbott``)."""
    result = cli("generate", "quorzelblatt.de", "--limit", "1500", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    exact = [
        row["domain"].split(".", 1)[1]  # type: ignore[union-attr]
        for row in records(result.stdout)
        if str(row["domain"]).startswith("quorzelblatt.") and str(row["domain"]).count(".") == 1
    ]
    ws, abbott = exact.index("ws"), exact.index("abbott")
    assert ws < abbott
    # from the first country code on that neither abuse statistics nor popularity put earlier
    tail = exact[exact.index("ad") :]
    lengths = [len(tld) == 2 for tld in tail]
    assert lengths == sorted(lengths, reverse=True) and sum(lengths) > 200


def test_namespaces_sold_as_country_registries_are_in_the_exact_label_block(cli: Cli) -> None:
    """``eu.com``, ``us.org``, ``gb.net``: a company's second level sold as a country's registry
    takes the exact label before any edit, like ``co.*`` and ``com.*``; a hosting namespace does not."""
    result = cli("generate", "quorzelblatt.de", "--limit", "3000", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    domains = [str(row["domain"]) for row in records(result.stdout)]
    first_edit = min(i for i, domain in enumerate(domains) if not domain.startswith("quorzelblatt."))
    for name in ("quorzelblatt.eu.com", "quorzelblatt.us.org", "quorzelblatt.gb.net", "quorzelblatt.co.uk"):
        assert domains.index(name) < first_edit, name
    assert "quorzelblatt.blogspot.com" not in domains[:first_edit]
