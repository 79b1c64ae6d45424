"""Words and codes that combosquatting names glue to a brand label (``pravda-ua``, ``bild-news``)."""

from __future__ import annotations

from clonewatch.match.edits import LOOKALIKES
from clonewatch.names.words import ARTICLES, ARTICLES_BY_LANGUAGE

# ISO 3166-1 alpha-2 country codes and ISO 639-1 language codes that name a country or language
# an operation targets or poses as; glued to a brand with a hyphen they read as "the UA edition".
COUNTRY_CODES = frozenset(
    """ad ae af ag al am ao ar at au az ba bb bd be bf bg bh bi bj bn bo br bs bt bw by bz ca cd cf
    cg ch ci cl cm cn co cr cu cv cy cz de dj dk dm do dz ec ee eg er es et eu fi fj fr ga gb gd ge
    gh gm gn gr gt gw gy hk hn hr ht hu id ie il in iq ir is it jm jo jp ke kg kh km kn kp kr kw kz
    la lb lc li lk lr ls lt lu lv ly ma mc md me mg mk ml mm mn mr mt mu mv mw mx my mz na ne ng ni
    nl no np nz om pa pe pg ph pk pl ps pt pw py qa ro rs ru rw sa sb sc sd se sg si sk sl sm sn so
    sr ss st sv sy sz td tg th tj tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vn vu ws ye
    za zm zw""".split()
)
LANGUAGE_CODES = frozenset(
    "ar be bg cs da de el en es et fi fr he hi hu it ka lt lv nl pl pt ro ru sk sl sq sr sv tr uk".split()
)

# Words of news and web vocabulary in the watched outlets' languages (dictionaries, not one
# operation's indicators: what an operation favoured lives in its campaign profile). News words
# read naturally even without a hyphen (``bildnews``, ``spiegelonline``); the rest (places, web and
# account words, fillers) only with one (``joomla-america`` reads as an edition, ``joomlaamerica``
# as another business).
NEWS_WORDS = frozenset(
    """news novosti novyny novini nachrichten aktuell aktuelle heute zeitung online live today daily
    info infos actu actualite actualites journal notizie oggi wiadomosci informacje dzis noticias
    now latest breaking top press presse post times tv radio media report reports update updates
    official real express weekly magazin magazine""".split()
)
OTHER_WORDS = frozenset(
    """new world global int international national europe euro web site net portal hub blog the my
    go get app apps mobile mail login secure account verify id cdn static cloud support service
    services help plus pro premium free politics politik sport sports business finance economy eco
    tech war edition version mirror copy archive leaks leak exclusive special review digital print
    mag zine""".split()
)
AFFIX_WORDS = NEWS_WORDS | OTHER_WORDS
CONCAT_MIN_BRAND = 6
# Labels shorter than CONCAT_MIN_BRAND take glued news words of this length or more (``bildnews``).
SHORT_CONCAT_MIN_WORD = 4
GENERIC_MIN_BRAND = 10


def is_affix_token(
    token: str,
    *,
    hyphenated: bool,
    brand_len: int,
    suffix_fragments: frozenset[str],
    namespace: bool = False,
    extra_words: frozenset[str] = frozenset(),
) -> bool:
    """Whether ``token`` glued to a brand label of ``brand_len`` characters makes a combosquat.
    Short brands take no words without a hyphen, so ``weltweit``, ``bildung`` and ``sportbild``
    stay clean while ``bild-news``, ``bild24`` and ``bildde`` do not. A namespace brand (a genuine
    domain that is itself a public suffix, like gouv.fr) takes any agency name with a hyphen."""
    if not token:
        return False
    if token.isdigit():
        return len(token) <= 4
    if token in suffix_fragments:
        return hyphenated or len(token) >= 2
    if hyphenated:
        return (
            token in AFFIX_WORDS
            or token in extra_words
            or token in COUNTRY_CODES
            or token in LANGUAGE_CODES
            or ((namespace or brand_len >= GENERIC_MIN_BRAND) and 2 <= len(token) <= 20 and token.isalnum())
        )
    return token in NEWS_WORDS and (brand_len >= CONCAT_MIN_BRAND or len(token) >= SHORT_CONCAT_MIN_WORD)


def is_article(token: str, *, before: bool, language: str | None = None) -> bool:
    """``die`` + ``zeit``: an article glued in front of a title reads as the title (with
    ``language``, only an article of that language: ``derzeit`` is German, ``thezeit`` is not)."""
    if not before:
        return False
    return token in (ARTICLES_BY_LANGUAGE.get(language, ()) if language else ARTICLES)


def distinctive_length(label: str) -> int:
    """Length of a brand label without one generic word at either end (``grazia``magazine): edits
    are budgeted on the part that identifies the brand."""
    for word in AFFIX_WORDS:
        for rest in (label.removeprefix(word), label.removesuffix(word)):
            core = rest.strip("-")
            if rest != label and len(core) >= 4:
                return len(core)
    return len(label)


def core_span(label: str) -> tuple[int, int] | None:
    """The distinctive part of a label made of it and one news or web word at either end
    (``cbs``news, ``t``-online, the``federalist``), as (start, end) without the hyphen between;
    None when there is no such word, or a word at each end (``euro``news: the pair is the name)."""
    best: tuple[int, int, int] | None = None
    for word in AFFIX_WORDS:
        if len(word) >= len(label):
            continue
        if label.endswith(word) and (core := label[: -len(word)].rstrip("-")):
            found = (0, len(core), len(word))
        elif label.startswith(word) and (core := label[len(word) :].lstrip("-")):
            found = (len(label) - len(core), len(label), len(word))
        else:
            continue
        if best is None or found[2] > best[2]:
            best = found
    if best is None:
        return None
    start, end, _ = best
    core = label[start:end]
    if any(core.startswith(word) or core.endswith(word) for word in AFFIX_WORDS):
        return None
    return start, end


def looks_like_fragment(token: str, fragments: frozenset[str]) -> bool:
    """``qov`` for ``gov``: a genuine-suffix fragment of three or more letters with one look-alike glyph."""
    for fragment in fragments:
        if len(fragment) >= 3 and len(fragment) == len(token):
            diffs = [(a, b) for a, b in zip(fragment, token, strict=True) if a != b]
            if len(diffs) == 1 and frozenset(diffs[0]) in LOOKALIKES:
                return True
    return False


def suffix_fragments(suffix: str) -> frozenset[str]:
    """The genuine suffix written into a label, whole or cut short: ``com.ua`` -> comua, com, ua, co."""
    parts = suffix.split(".")
    joined = "".join(parts)
    found = {joined, *parts}
    found.update(joined[:i] for i in range(1, len(joined)))
    return frozenset(f for f in found if f)
