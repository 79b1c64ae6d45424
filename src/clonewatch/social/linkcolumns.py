"""Keys for a column of distinct links at once: links already in normal form (most of a feed) are
keyed with pyarrow string kernels, host by host; the rest go one by one through LinkKeys."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from clonewatch.names import DomainName
from clonewatch.social.coordinate import Level
from clonewatch.social.links import host_name

if TYPE_CHECKING:
    import numpy.typing as npt

    from clonewatch.social.shares import LinkKeys

    Ints = npt.NDArray[np.int64]

# The pattern of links.normalise_url's fast path, with named parts for pyarrow.
PLAIN = (
    r"^(?P<scheme>https?)://(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)+)"
    r"(?P<path>/[A-Za-z0-9._~/!$&'()*+,;=:@-]*)?$"
)


def keys_of_links(raw: Any, links: LinkKeys) -> tuple[Ints, Ints, list[str], list[str]]:
    """For each distinct raw link (a pyarrow string array): its key index and normalised-URL index
    (-1 when it does not count), the keys and the URLs. Same keys as ``links.of`` gives."""
    import pyarrow as pa
    import pyarrow.compute as pc

    count = len(raw)
    key_of = np.full(count, -1, dtype=np.int64)
    url_of = np.full(count, -1, dtype=np.int64)
    plain = np.zeros(count, dtype=bool)
    keys: list[str] = []
    urls: list[str] = []
    if links.redirects is None and count:
        parts = pc.extract_regex(raw, PLAIN)
        matched = pc.is_valid(parts)
        hosts = pc.dictionary_encode(pc.struct_field(parts, "host"))
        names = hosts.dictionary.to_pylist()
        host_key, host_ok = _host_keys([*names, None], links)  # the last entry stands for "no host"
        host_index = np.asarray(
            hosts.indices.fill_null(len(names)).to_numpy(zero_copy_only=False), dtype=np.int64
        )
        plain = np.asarray(matched.to_numpy(zero_copy_only=False), dtype=bool) & host_ok[host_index]
        path = pc.struct_field(parts, "path")
        url = pc.if_else(pc.equal(pc.fill_null(path, ""), ""), pc.binary_join_element_wise(raw, "/", ""), raw)
        counted = plain & (host_key[host_index] != "")
        rows = np.flatnonzero(counted)
        if links.level is Level.URL:
            key_text = pc.take(url, pa.array(rows))
        else:
            key_text = pa.array(host_key[host_index[rows]].tolist(), type=pa.string())
        encoded_keys = pc.dictionary_encode(key_text)
        keys = encoded_keys.dictionary.to_pylist()
        key_of[rows] = np.asarray(encoded_keys.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
        if links.level is Level.URL:
            urls, url_of[rows] = keys, key_of[rows]
        else:
            encoded_urls = pc.dictionary_encode(pc.take(url, pa.array(rows)))
            urls = encoded_urls.dictionary.to_pylist()
            url_of[rows] = np.asarray(encoded_urls.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    if plain.all():
        return key_of, url_of, keys, urls
    key_index = {key: i for i, key in enumerate(keys)}
    url_index = {url: i for i, url in enumerate(urls)}
    texts = raw.to_pylist()
    for i in np.flatnonzero(~plain).tolist():
        link, key = links.of(texts[i].strip())
        if link is not None and key is not None:
            key_of[i] = key_index.setdefault(key, len(key_index))
            url_of[i] = url_index.setdefault(link.url, len(url_index))
    return key_of, url_of, list(key_index), list(url_index)


def _host_keys(hosts: list[str | None], links: LinkKeys) -> tuple[Any, Any]:
    """Per distinct host: the key its links take at a domain or brand level, "url" at the URL
    level ("" when its links do not count), and whether the host is in normal form."""
    keys = np.full(len(hosts), "", dtype=object)
    ok = np.zeros(len(hosts), dtype=bool)
    for i, host in enumerate(hosts):
        name = host_name(host) if host else None
        if not isinstance(name, DomainName) or name.ascii != host:
            continue
        ok[i] = True
        hit = links.match_host(name) if links.needs_match else None
        if links.only_lookalikes and hit is None:
            continue
        if links.level is Level.DOMAIN:
            keys[i] = name.registrable
        elif links.level is Level.BRAND:
            keys[i] = hit.genuine if hit is not None else ""
        else:
            keys[i] = "url"
    return keys, ok
