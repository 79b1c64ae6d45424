"""Real saved news pages as a world for the judge: genuine outlets, clones made from them, and
look-alike names serving another outlet's page.

The pages come from a tarball of ``<outlet><n>.html`` files (``../shared/data/realpages_dev.tar.gz``;
third-party content, used in tests and benchmarks only, never copied into the project). An
outlet's front page is its first page; a clone copies one of its pages (the front page, or another
page of the outlet), makes every URL absolute on the genuine host, and replaces the title, the
headlines and the paragraphs with a fabricated story, the way the operation's clones did. A
different-outlet suspect is another outlet's page served as saved on a look-alike name of the
first (its relative URLs then point at the look-alike's own host).
"""

from __future__ import annotations

import re
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from clonewatch.names import DomainName, default_psl, parse_host

HEADLINE = "Leaked memo: officials admit the sanctions have failed"
STORY = (
    "Documents seen by this newspaper show that the sanctions hurt ordinary families far more "
    "than anyone in government had admitted.",
    "Senior officials privately warned that energy prices would double before the winter, a "
    "source close to the ministry said on condition of anonymity.",
    "The memo, dated last month, describes a plan to hide the figures from voters until after "
    "the election, according to two people who have read it.",
    "Economists contacted on Sunday said the numbers in the memo matched their own estimates of "
    "the damage done to small businesses and farmers.",
    "A spokesman declined to comment on the leaked paper but did not deny that it was genuine.",
)
MIN_WORDS = 100
_NUMBERED = re.compile(r"^(?P<outlet>.+\.[a-z]{2,})(?P<n>\d+)\.html$")
_OG_URL = re.compile(rb"<meta[^>]{0,200}?property=[\"']og:url[\"'][^>]{0,200}?content=[\"']([^\"']+)", re.I)
_CANONICAL = re.compile(rb"<link[^>]{0,200}?rel=[\"']canonical[\"'][^>]{0,200}?href=[\"']([^\"']+)", re.I)
_URL_ATTRS = ("href", "src", "data-src", "poster", "action")
_SRCSETS = ("srcset", "data-srcset")


@dataclass(frozen=True, slots=True)
class RealPage:
    """One saved page: its file name, the outlet's registrable domain, its place among the outlet's pages."""

    name: str
    outlet: str
    index: int
    html: bytes


@dataclass(frozen=True, slots=True)
class Outlet:
    """A genuine outlet of the corpus: its domain, host, pages (the first is its front page)."""

    domain: str
    pages: tuple[RealPage, ...]

    @property
    def domains(self) -> tuple[str, ...]:
        """Its domain, and the domains its own pages give as their address (og:url): its owner's."""
        declared = (_declared_outlet(page.html, canonical=False) for page in self.pages)
        return tuple(dict.fromkeys([self.domain, *(d for d in declared if d is not None)]))

    @property
    def host(self) -> str:
        return f"www.{self.domain}"

    @property
    def url(self) -> str:
        return f"http://{self.host}/"

    @property
    def lookalike(self) -> str:
        """A look-alike name of the outlet: its label with a news word on a cheap suffix."""
        label = self.domain.split(".", 1)[0]
        return f"{label}-news.lol"


def read_pages(tarball: Path) -> list[RealPage]:
    """Every page of the tarball whose outlet can be told: from its file name (``nj.com2.html``),
    else from its own og:url or canonical link. Pages of no outlet are left out."""
    pages: list[RealPage] = []
    with tarfile.open(tarball) as archive:
        for member in sorted(archive.getmembers(), key=lambda m: m.name):
            if not member.isfile() or not member.name.endswith(".html"):
                continue
            handle = archive.extractfile(member)
            if handle is None:
                continue
            body = handle.read()
            name = Path(member.name).name
            numbered = _NUMBERED.match(name)
            outlet = _registrable(numbered.group("outlet")) if numbered else _declared_outlet(body)
            if outlet is not None:
                index = int(numbered.group("n")) if numbered else 0
                pages.append(RealPage(name, outlet, index, body))
    return pages


def outlets(pages: list[RealPage]) -> list[Outlet]:
    """The outlets, each with its pages in order (numbered pages first, then by name)."""
    grouped: dict[str, list[RealPage]] = {}
    for page in pages:
        grouped.setdefault(page.outlet, []).append(page)
    return [
        Outlet(domain, tuple(sorted(found, key=lambda p: (p.index == 0, p.index, p.name))))
        for domain, found in sorted(grouped.items())
    ]


def clone_page(page: RealPage, genuine_url: str, *, own_url: str | None = None) -> bytes:
    """The page as a clone serves it: URLs absolute on the genuine site, a fabricated story; with
    ``own_url`` its canonical link and og:url give the clone's own address, not the genuine one."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(page.html.decode("utf-8", "replace"))
    if own_url is not None:
        for node in tree.css('link[rel="canonical"], meta[property="og:url"]'):
            node.attrs["href" if node.tag == "link" else "content"] = own_url
    for node in tree.css(", ".join(f"[{a}]" for a in (*_URL_ATTRS, *_SRCSETS))):
        for attr in _URL_ATTRS:
            value = node.attributes.get(attr)
            if value and not value.strip().startswith(("#", "javascript:", "data:", "mailto:")):
                node.attrs[attr] = _join(genuine_url, value)
        for attr in _SRCSETS:
            value = node.attributes.get(attr)
            if value:
                node.attrs[attr] = ", ".join(
                    " ".join([_join(genuine_url, item.split()[0]), *item.split()[1:]])
                    for item in value.split(",")
                    if item.split()
                )
    title = tree.css_first("title")
    if title is not None:
        old = title.text()
        suffix = re.split(r"\s[-|:·]\s", old, maxsplit=1)
        title.inner_html = HEADLINE + (f" - {suffix[-1].strip()}" if len(suffix) > 1 else "")
    for node in tree.css("h1, h2"):
        node.inner_html = HEADLINE
    for i, node in enumerate(p for p in tree.css("p") if len(p.text().split()) >= 8):
        node.inner_html = STORY[i % len(STORY)]
    return (tree.html or "").encode("utf-8")


@dataclass(frozen=True, slots=True)
class Case:
    """One suspect next to one genuine outlet, and whether it is a clone of it."""

    kind: str  # "clone-..." (a clone of the genuine outlet) or "other-outlet..." (not one)
    genuine: Outlet
    suspect_host: str
    suspect_url: str
    html: bytes
    source: str  # the page file it was made from

    @property
    def is_clone(self) -> bool:
        return self.kind.startswith("clone")


def clone_cases(corpus: list[Outlet], *, self_addressed: bool = False) -> Iterator[Case]:
    """Each outlet's front page cloned, and its second page cloned when it has one and it is an
    article (a saved error page of a few words is nothing an operation would copy). With
    ``self_addressed`` the clones give their own address as canonical and og:url."""
    for outlet in corpus:
        host = outlet.lookalike
        for n, page in enumerate(outlet.pages[:2]):
            if n > 0 and words(page.html) < MIN_WORDS:
                continue
            kind = "clone-same-page" if n == 0 else "clone-other-page"
            own = f"http://{host}/" if self_addressed else None
            html = clone_page(page, outlet.url, own_url=own)
            yield Case(
                kind + ("-self-addressed" if own else ""), outlet, host, f"http://{host}/", html, page.name
            )


def other_outlet_cases(corpus: list[Outlet], *, pages_each: int = 2, copied: bool = False) -> Iterator[Case]:
    """Every ordered pair of different outlets: the other's pages on a look-alike of the first, as
    saved (relative URLs then point at the look-alike), or with ``copied`` as a clone of the other
    outlet serves them (URLs absolute on the other outlet, a fabricated story)."""
    made: dict[str, bytes] = {}
    for genuine in corpus:
        for other in corpus:
            if other.domain == genuine.domain:
                continue
            for page in other.pages[:pages_each]:
                host = genuine.lookalike
                html = page.html
                if copied:
                    html = made.get(page.name) or made.setdefault(page.name, clone_page(page, other.url))
                kind = "other-outlet-copied" if copied else "other-outlet"
                yield Case(kind, genuine, host, f"http://{host}/", html, page.name)


def words(html: bytes) -> int:
    """Words of visible text in a page."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html.decode("utf-8", "replace"))
    body = tree.body
    if body is None:
        return 0
    body.strip_tags(["script", "style", "noscript", "template"])
    return len(body.text(separator=" ").split())


def _join(base: str, ref: str) -> str:
    try:
        return urljoin(base, ref.strip())
    except ValueError:
        return ref


def _declared_outlet(body: bytes, *, canonical: bool = True) -> str | None:
    for pattern in (_OG_URL, _CANONICAL) if canonical else (_OG_URL,):
        found = pattern.search(body[:200_000])
        if found is not None:
            host = urlsplit(found.group(1).decode("ascii", "replace")).hostname
            if host:
                return _registrable(host)
    return None


def _registrable(host: str) -> str | None:
    name = parse_host(host, default_psl())
    return name.registrable if isinstance(name, DomainName) else None
