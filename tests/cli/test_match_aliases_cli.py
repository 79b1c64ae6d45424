"""Issue 15 at the command line: brand aliases, other scripts, subdomain bodies, the exact label on any
suffix, data-driven noise control, the right brand, and the campaign profile on and off (invented brands)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from clonewatch.names.translit import romanizations, ukrainian_national

Cli = Callable[..., subprocess.CompletedProcess[str]]


def hits(cli: Cli, brands: Path, names: str, *extra: str) -> dict[str, dict[str, object]]:
    result = cli("match", "-", "--brands", str(brands), "--format", "jsonl", *extra, stdin=names.encode())
    assert result.returncode == 0, result.stderr
    return {r["domain"]: r for r in map(json.loads, result.stdout.splitlines())}


def test_aliases_in_a_brands_file_are_labels_of_the_brand(
    cli: Cli, brands_file: Callable[[str], Path]
) -> None:
    brands = brands_file("qz.example,Quorzel Zeitung,quorzelzeitung|квурцель\n")
    found = hits(cli, brands, "quorzelzeitung.top\nquorzelzeitunq.com\nkvurtsel.site\nquorzel.top\n")
    assert found["quorzelzeitung.top"]["alias"] == "quorzelzeitung"
    assert found["quorzelzeitung.top"]["genuine"] == "qz.example"
    assert "alias:quorzelzeitung" in found["quorzelzeitung.top"]["reasons"]  # type: ignore[operator]
    assert "quorzelzeitunq.com" in found  # an edit of an alias
    assert found["kvurtsel.site"]["alias"] == "kvurtsel"  # a Cyrillic alias, spelled in Latin
    assert "quorzel.top" not in found


def test_a_name_the_domain_abbreviates_is_written_out_as_an_alias(
    cli: Cli, brands_file: Callable[[str], Path]
) -> None:
    """``qztimes`` for The Quorzel Zeitung Times (initials before the last word in full; the leading
    article left out) and ``dqz`` for De Quorzel Zeitung (the article among the initials): the written
    out names are aliases, and a typo of one is a look-alike."""
    brands = brands_file(
        "qztimes.example,The Quorzel Zeitung Times\ndqz.example,De Quorzel Zeitung\n"
    )
    names = [
        "quorzelzeitungtimes.top",
        "quorzelzeitngtimes.com",
        "dequorzelzeitung.com",
        "thequorzelzeitungtimes.top",
    ]
    found = hits(cli, brands, "".join(f"{name}\n" for name in names))
    assert found["quorzelzeitungtimes.top"]["alias"] == "quorzelzeitungtimes"
    assert found["quorzelzeitngtimes.com"]["genuine"] == "qztimes.example"
    assert found["dequorzelzeitung.com"]["alias"] == "dequorzelzeitung"
    assert found["thequorzelzeitungtimes.top"]["genuine"] == "qztimes.example"


def test_an_umlaut_the_label_writes_out_is_also_matched_without_its_e(
    cli: Cli, brands_file: Callable[[str], Path]
) -> None:
    """Kröselblätt at kroeselblaett.example: ``kroselblatt`` is the other way to write its name in
    ASCII (the umlauts without their e), an alias; ``neue`` and ``frauen`` keep their ue."""
    brands = brands_file("kroeselblaett.example,Kröselblätt\nneuefrauen.example,Neue Frauen Zeitung\n")
    found = hits(cli, brands, "kroselblatt.top\nkroselblatt.com\nneufraun.top\n")
    assert found["kroselblatt.top"]["alias"] == "kroselblatt"
    assert found["kroselblatt.com"]["genuine"] == "kroeselblaett.example"
    assert "neufraun.top" not in found


def test_a_bundled_brand_named_in_a_brands_file_inherits_its_aliases(
    cli: Cli, brands_file: Callable[[str], Path]
) -> None:
    brands = brands_file("dw.com\nzn.ua\n")
    found = hits(cli, brands, "deutschewelle.top\ndzerkalotyzhnia.com\nzerkalonedeli.online\n")
    assert found["deutschewelle.top"]["genuine"] == "dw.com"
    assert found["dzerkalotyzhnia.com"]["alias"] == "dzerkalotyzhnia"
    assert found["zerkalonedeli.online"]["genuine"] == "zn.ua"


def test_a_body_on_a_subdomain_is_accepted_and_its_own_label_matched(
    cli: Cli, brands_file: Callable[[str], Path]
) -> None:
    brands = brands_file("verkehrsministerium.landesportal-xy.de\n")
    found = hits(
        cli, brands, "verkehrsministerium.top\nverkehrsministerium.landesportal-xy.de\nlandesportal-xy.de\n"
    )
    assert set(found) == {"verkehrsministerium.top"}


def test_brands_in_other_scripts_match_same_script_punycode_and_latin(
    cli: Cli, brands_file: Callable[[str], Path]
) -> None:
    brands = brands_file("xn--b1agmbhmsx2a7cj.xn--p1ai\nxn--grnwald-o2a.de\n")  # квурцельный.рф, grünwald.de
    found = hits(
        cli,
        brands,
        "квурцельный.com\nxn--b1agmbhmsx2a7cj.online\nkvurtselnyi.site\ngrünwald.com\ngruenwald.top\nxn--grnwald-o2a.net\n",
    )
    assert {"xn--b1agmbhmsx2a7cj.com", "xn--b1agmbhmsx2a7cj.online", "kvurtselnyi.site"} <= set(found)
    assert {"xn--grnwald-o2a.com", "gruenwald.top", "xn--grnwald-o2a.net"} <= set(found)


def test_the_exact_label_on_any_suffix_is_flagged_and_ordinary_words_score_low(
    cli: Cli, brands_file: Callable[[str], Path]
) -> None:
    brands = brands_file("quorzelnews.example\nharbour.example\n")
    found = hits(cli, brands, "quorzelnews.com.br\nquorzelnews.museum\nharbour.com\nharbour.top\n")
    assert found["quorzelnews.museum"]["reasons"] == ["suffix-swap"]
    assert found["harbour.com"]["reasons"] == ["suffix-swap", "common-label"]
    assert found["harbour.com"]["score"] < found["harbour.top"]["score"]  # type: ignore[operator]


@pytest.mark.parametrize(
    "name",
    [
        "harbour77.top",  # a numbered series on an ordinary word
        "quorzelnews123.top",  # three digits: a series, not an edition
        "quorzelnews7.top",  # one digit: a series too
        "harbours.top",  # another word a letter away
        "harbour-apps.top",  # an ordinary word with a non-news word
        "harbourmaster.com",  # an ordinary word inside a longer one
        "quorzelnews.example",  # the genuine domain itself
        "abcd.top",
        "harbour-news.com",  # an ordinary word with a news word needs an abused suffix
        "harbourexam.top",  # a suffix cut short glued without a hyphen (harbour.example: exam...)
        "abcc.com",  # a short label's doubled letter off the cheap suffixes
    ],
)
def test_negatives_stay_silent(cli: Cli, brands_file: Callable[[str], Path], name: str) -> None:
    brands = brands_file("quorzelnews.example\nharbour.example\nabc.example\nabc-sibling.example,abc\n")
    assert hits(cli, brands, f"{name}\nabc-sibling.example\n") == {}


def test_an_ordinary_word_with_a_news_word_on_an_abused_suffix(
    cli: Cli, brands_file: Callable[[str], Path]
) -> None:
    brands = brands_file("harbour.example\n")
    assert set(hits(cli, brands, "harbour-news.top\nharbour-news.com\nharbour-example.com\n")) == {
        "harbour-news.top",
        "harbour-example.com",
    }


def test_two_digits_on_a_distinctive_label_read_as_an_edition(
    cli: Cli, brands_file: Callable[[str], Path]
) -> None:
    brands = brands_file("quorzelnews.example\n")
    assert set(hits(cli, brands, "quorzelnews24.top\nquorzelnews7.top\n")) == {"quorzelnews24.top"}


def test_short_labels_take_a_doubled_letter_on_cheap_suffixes(
    cli: Cli, brands_file: Callable[[str], Path]
) -> None:
    brands = brands_file("qzv.example\n")
    found = hits(cli, brands, "qzvv.lol\nqzv.lol\nqzvv.com\nqzv77.lol\n")
    assert set(found) == {"qzvv.lol", "qzv.lol"}


def test_news_words_and_articles_glued_to_a_distinctive_label(
    cli: Cli, brands_file: Callable[[str], Path]
) -> None:
    brands = brands_file("quorzel.example\n")
    found = hits(
        cli, brands, "diequorzel.com\nquorzelnachrichten.com\nquorzel-novosti.site\nquorzels.example\n"
    )
    assert set(found) == {
        "diequorzel.com",
        "quorzelnachrichten.com",
        "quorzel-novosti.site",
        "quorzels.example",
    }


def test_gov_with_a_country_code_belongs_to_that_country(
    cli: Cli, brands_file: Callable[[str], Path]
) -> None:
    brands = brands_file("gov.xq\ngov.uk\n")  # xq: no such country; gov.uk is the UK's namespace
    found = hits(cli, brands, "tax-gov-uk.top\nsama-gov.top\nportal-gov-ua.top\n")
    assert set(found) == {"tax-gov-uk.top"}
    assert found["tax-gov-uk.top"]["genuine"] == "gov.uk"


def test_the_campaign_profile_is_opt_in(cli: Cli, brands_file: Callable[[str], Path]) -> None:
    brands = brands_file("quorzel.example\n")
    without = hits(cli, brands, "quorzel-kyiv.com\n")
    with_profile = hits(cli, brands, "quorzel-kyiv.com\n", "--profile", "doppelganger")
    assert without == {}
    assert with_profile["quorzel-kyiv.com"]["reasons"] == ["affix:kyiv", "suffix-swap"]
    unknown = cli("match", "-", "--brands", str(brands), "--profile", "nope", stdin=b"x.com\n")
    assert unknown.returncode == 2
    assert "unknown profile 'nope' (known: doppelganger)" in unknown.stderr


def test_generate_with_and_without_the_profile(cli: Cli) -> None:
    plain = cli("generate", "bild.de", "--limit", "50", "--format", "jsonl")
    profiled = cli("generate", "bild.de", "--limit", "50", "--format", "jsonl", "--profile", "doppelganger")
    assert plain.returncode == 0 and profiled.returncode == 0, plain.stderr + profiled.stderr
    plain_names = [json.loads(line)["domain"] for line in plain.stdout.splitlines()]
    profiled_names = [json.loads(line)["domain"] for line in profiled.stdout.splitlines()]
    assert "bild.ltd" in profiled_names[:10] and "bild.ltd" not in plain_names[:10]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Дзеркало тижня", "uk", "dzerkalotyzhnia"),  # Ukrainian national (2010)
        ("Новое время", "ru", "novoyevremya"),  # BGN/PCGN
        ("Новое время", "ru", "novoevremya"),  # ISO 9 (GOST 7.79 B) / common
        ("Καθημερινή", "el", "kathimerini"),
        ("מעריב", "he", "mryv"),
        ("მთავრობა", "ka", "mtavroba"),
        ("München", "de", "muenchen"),
    ],
)
def test_transliteration_of_each_script(text: str, language: str, expected: str) -> None:
    assert expected in romanizations(text, language)


def test_ukrainian_national_rules() -> None:
    assert ukrainian_national("Згорани Юрій Їжакевич") == "Zghorany Yurii Yizhakevych"
