"""The sites of one crawl and where each is served: any URL of the network mapped to its site.

The publisher serves the same article from many hosts (``www.``, the bare domain, ``mail.``,
``android.``, ``autodiscover.``, ``host.``) and as an AMP copy. A crawl must treat them as one article
and fetch it once, from one place. :class:`Network` knows, for each site of the crawl, its primary
origin (where articles are fetched and what exported URLs use) and every other origin of the same
content, so that:

* an article link to a mirror host or to an AMP copy is fetched as the regular page on the primary
  origin (the same content; AMP pages lack the update stamp, label and subtitle), and the link is
  kept as one of the article's ``other_urls``;
* the exported ``url`` is the canonical path on the primary origin, whichever host's page named it.

Tests and local runs point sites elsewhere with ``-a hosts=`` (see :func:`parse_hosts`): the replica
serves each site and each mirror on its own loopback port, so the URL logic is the live one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import safe_url_string

from newscrawl.sites import SiteDefinition
from newscrawl.sites.base import Section


class HostsError(ValueError):
    """A ``-a hosts=`` value that is not a mapping of known sites to URLs."""


def parse_hosts(value: Any) -> dict[str, dict[str, Any]] | None:
    """``-a hosts=``: inline JSON, or ``@path`` / a path of a JSON file, mapping site keys to where
    each is served: ``{"emiratesvoice": "http://127.0.0.1:8001"}`` or ``{"emiratesvoice":
    {"base_url": "http://127.0.0.1:8001", "mirrors": ["http://127.0.0.1:8002"]}}``. The replica
    writes this mapping at ``/__replica__/network.json``. Returns ``{key: {"base_url", "mirrors"}}``.
    """
    from newscrawl.sites import SITES

    if value in (None, ""):
        return None
    if isinstance(value, dict):
        data: Any = value
    else:
        text = str(value).strip()
        if not text.startswith("{"):
            path = Path(text.removeprefix("@"))
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise HostsError(f"cannot read {path}: {exc.strerror or exc}") from None
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise HostsError(f"not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise HostsError("expected a JSON object: site key -> base URL or {base_url, mirrors}")
    data = data.get("sites", data) if isinstance(data.get("sites"), dict) else data
    hosts: dict[str, dict[str, Any]] = {}
    for key, spec in data.items():
        if key not in SITES:
            raise HostsError(f"unknown site {key!r}; known sites: {', '.join(sorted(SITES))}")
        if isinstance(spec, str):
            spec = {"base_url": spec}
        if not isinstance(spec, dict) or not _is_http(spec.get("base_url")):
            raise HostsError(f"site {key!r}: expected an http(s) base URL or {{base_url, mirrors}}")
        mirrors = spec.get("mirrors") or []
        if not isinstance(mirrors, list) or not all(_is_http(m) for m in mirrors):
            raise HostsError(f"site {key!r}: mirrors must be a list of http(s) URLs")
        hosts[key] = {"base_url": str(spec["base_url"]).rstrip("/"),
                      "mirrors": [str(m).rstrip("/") for m in mirrors]}
    return hosts


def _is_http(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def url_path(url: str) -> str:
    """The path of an absolute URL (``urlsplit(url).path`` without its cost on long Arabic slugs)."""
    start = url.find("/", url.find("//") + 2) if "//" in url else 0
    if start < 0:
        return "/"
    end = len(url)
    for mark in "?#":
        pos = url.find(mark, start)
        if pos != -1:
            end = min(end, pos)
    return url[start:end]


def netloc(url: str) -> str:
    """``host[:port]`` of a URL, lower-cased: what tells two origins apart (the scheme does not).

    String search rather than ``urlsplit``, which costs ~50 µs on a long percent-encoded Arabic slug
    and runs for every article."""
    start = url.find("//")
    if start < 0:
        return ""
    start += 2
    end = len(url)
    for mark in "/?#":
        pos = url.find(mark, start)
        if pos != -1 and pos < end:
            end = pos
    return url[start:end].lower()


#: Port of a URL that names none.
DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(scheme: str, host: str | None, port: int | None) -> str:
    """``scheme://host:port``, lower-cased, the port always written (``https://a.example:443``): what
    the offsite check compares."""
    scheme = scheme.lower()
    return f"{scheme}://{(host or '').lower()}:{port or DEFAULT_PORTS.get(scheme, 0)}"


def origin_of(url: str) -> str:
    """The :func:`origin` of a URL."""
    parts = urlsplit(url)
    return origin(parts.scheme, parts.hostname, parts.port)


@dataclass(frozen=True)
class SiteTarget:
    """One site of a crawl: its definition, where it is crawled, and what is crawled of it."""

    site: SiteDefinition
    base_url: str  # primary origin: listings and articles are fetched here
    mirrors: tuple[str, ...]  # other origins of the same content (recognised, never fetched)
    sections: tuple[Section, ...]

    @property
    def origins(self) -> tuple[str, ...]:
        """The crawl's origins of this site first, then the definition's own (live) ones."""
        return tuple(dict.fromkeys((self.base_url, *self.mirrors, *self.site.origins)))


class Network:
    """The sites of a crawl, and the mapping of every origin of theirs to its site."""

    def __init__(self, targets: Iterable[SiteTarget]) -> None:
        self._index(tuple(targets))

    def _index(self, targets: tuple[SiteTarget, ...]) -> None:
        if not targets:
            raise ValueError("a crawl needs at least one site")
        self.targets = targets
        self._by_netloc: dict[str, SiteTarget] = {}
        for target in self.targets:  # the crawl's own origins win over another site's live ones
            for origin in (target.base_url, *target.mirrors):
                self._by_netloc.setdefault(netloc(origin), target)
        for target in self.targets:
            for origin in target.site.origins:
                self._by_netloc.setdefault(netloc(origin), target)
        self._by_key = {t.site.key: t for t in self.targets}

    @classmethod
    def for_crawl(cls, sites: Iterable[SiteDefinition], section_keys: tuple[str, ...] | None,
                  base_url: str | None, hosts: dict[str, dict[str, Any]] | None) -> Network:
        """The crawl's targets: each site where ``hosts`` (or, for one site, ``base_url``) puts it,
        else at its own base URL. ``section_keys`` keeps those sections of each site; with one site
        an unknown key is an error (KeyError, as before), with several a key needs one site that has it.
        """
        sites = tuple(sites)
        hosts = hosts or {}
        targets = []
        for site in sites:
            spec = hosts.get(site.key, {})
            base = base_url if base_url and len(sites) == 1 else spec.get("base_url") or site.base_url
            targets.append(SiteTarget(site, base.rstrip("/"), tuple(spec.get("mirrors", ())),
                                      _sections(site, section_keys, single=len(sites) == 1)))
        if section_keys and len(sites) > 1:
            known = {s.key for t in targets for s in t.sections}
            unknown = [k for k in section_keys if k not in known]
            if unknown:
                raise KeyError(f"unknown section(s) {', '.join(unknown)} for sites "
                               f"{', '.join(s.key for s in sites)}")
        return cls(targets)

    @property
    def primary(self) -> SiteTarget:
        return self.targets[0]

    @property
    def many(self) -> bool:
        return len(self.targets) > 1

    def target(self, key: str) -> SiteTarget | None:
        return self._by_key.get(key)

    def target_of(self, url: str) -> SiteTarget | None:
        """The site a URL belongs to, by its origin (None: not a host of this crawl's sites)."""
        return self._by_netloc.get(netloc(url))

    def replace_target(self, key: str, base_url: str, mirrors: tuple[str, ...]) -> None:
        """Move a site (the embedded replica binds its ports only when the crawl starts)."""
        self._index(tuple(SiteTarget(t.site, base_url, mirrors, t.sections) if t.site.key == key else t
                          for t in self.targets))

    @property
    def allowed_origins(self) -> frozenset[str]:
        """Every origin of the crawl's sites (:func:`origin`): what ``OriginOffsiteMiddleware`` lets
        through — scheme, host and port, where ``allowed_domains`` only knows host names."""
        return frozenset(origin_of(o) for t in self.targets for o in t.origins)

    @property
    def allowed_domains(self) -> list[str]:
        """Host names of every origin of the crawl's sites (``OffsiteMiddleware`` ignores ports)."""
        names = (urlsplit(o).hostname for t in self.targets for o in t.origins)
        return sorted({n for n in names if n})

    def primary_url(self, url: str) -> str:
        """An article URL moved to its site's primary origin, AMP prefix removed, percent-encoded.

        What an article is fetched as and exported under. A URL of no known origin is kept as is
        (a mirror the definitions do not know is not guessed at).
        """
        target = self.target_of(url)
        if target is None:
            return url
        amp = target.site.amp_prefix
        if (url.isascii() and "#" not in url and url.startswith(target.base_url + "/")
                and not (amp and url.startswith(target.base_url + amp + "/"))):
            return url  # the common case, already the regular page on the primary origin
        parts = urlsplit(safe_url_string(url))
        path = parts.path
        if amp and path.startswith(amp + "/") and target.site.article_path_re.match(path):
            path = path[len(amp):]
        base = urlsplit(target.base_url)
        return urlunsplit((base.scheme, base.netloc, path, parts.query, ""))

    def is_copy(self, url: str) -> str | None:
        """``mirror`` or ``amp`` when an article URL is not on its primary origin as a regular page."""
        target = self.target_of(url)
        if target is None:
            return None
        if netloc(url) != netloc(target.base_url):
            return "mirror"
        amp = target.site.amp_prefix
        return "amp" if amp and url_path(url).startswith(amp + "/") else None


def comparable_url(url: str) -> str:
    """An article URL in one spelling: percent-encoded, no query or fragment, no trailing slash.

    Variants a reader would call the same address (raw UTF-8 slug, tracking query, ``…/``) compare
    equal, so ``other_urls`` lists other *places* (hosts, AMP copies), not other spellings.
    """
    if not url.isascii():  # a raw UTF-8 slug: percent-encode it as browsers send it
        url = safe_url_string(url)
    # string search, not urlsplit: this runs for every link to an article (see netloc)
    cut = min((pos for pos in (url.find("?"), url.find("#")) if pos != -1), default=len(url))
    url = url[:cut]
    start = url.find("//") + 2 if "//" in url else 0
    slash = url.find("/", start)
    if slash == -1:
        return url.lower() + "/"
    return url[:slash].lower() + (url[slash:].rstrip("/") or "/")


def _sections(site: SiteDefinition, keys: tuple[str, ...] | None, single: bool) -> tuple[Section, ...]:
    if not keys:
        return tuple(site.sections)
    if single:
        return tuple(site.section(k) for k in keys)
    wanted = set(keys)
    return tuple(s for s in site.sections if s.key in wanted)
