"""Several sites of the network on one replica: one loopback port per site and per mirror host.

The live network serves each site from its own host and the same content again from mirror hosts
(``mail.``, ``android.``…), often under another site's brand label. Ports stand in for hosts here:
the crawler tells origins apart by ``host:port`` exactly as it does by host name on the live
network, so its URL logic is the same (``-a hosts=`` tells it which port is which site; the mapping
is served at ``/__replica__/network.json`` on every port).

* Each site gets its own :class:`~newscrawl.replica.catalogue.Catalogue` (its definition's sections,
  its update-stamp style, a seed of its own: :func:`site_seed`) on its primary port.
* Each mirror port serves the same catalogue content with another site's label line.
* With ``copies`` > 0, listing pages of the primary link some articles through a copy: the entry
  itself points at the mirror host (``mirror``), or an extra entry block inside the list points at
  the AMP copy and the mirror's AMP copy (``amp``). ``/__replica__/copies.json`` lists, per canonical
  URL, the copy URLs the listings show: what a crawl should report as ``other_urls``.
* Every port also serves the discovery routes (:mod:`newscrawl.replica.discovery`).
* With ``republish`` > 0 (the default for several sites), sites republish each other's stories under
  their own ids (:mod:`newscrawl.replica.republish`); each manifest says which are copies of which.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass, field, replace
from typing import Any

from twisted.internet.interfaces import IListeningPort, IReactorTCP, IReactorTime
from twisted.web.server import Request

from newscrawl.replica import discovery, pages
from newscrawl.replica.catalogue import Catalogue, ExtraEntry, Head
from newscrawl.replica.faults import unit
from newscrawl.replica.republish import Republication
from newscrawl.replica.server import JSON, Handler, ReplicaResource, ReplicaSite, Response
from newscrawl.sites import SITES, sites_for
from newscrawl.sites.base import SiteDefinition

_LIST_START = '<div class="news-list">'
_LIST_END = '\n</div>\n<div class="pagination">'


#: Share of a site's articles republished from another site, when a replica serves several sites.
REPUBLISH_SHARE = 0.2


def site_seed(seed: int, key: str) -> int:
    """The content seed of a site: ``seed`` for «العرب اليوم» (so a one-site replica is unchanged),
    a fixed offset of it for each sister site, so that no two sites show the same articles."""
    return seed if key == "arabstoday" else seed + zlib.crc32(key.encode()) % 100_000


def mirror_brand(site: SiteDefinition, k: int) -> str:
    """The label the ``k``-th mirror of ``site`` prints: another site's, in registry order."""
    keys = list(SITES)
    other = SITES[keys[(keys.index(site.key) + 1 + k) % len(keys)]]
    return other.brand


@dataclass
class Origin:
    """One listening port: a site's primary host or one of its mirrors."""

    catalogue: Catalogue
    resource: ReplicaResource
    port: IListeningPort
    host: str

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port.getHost().port}"


@dataclass
class ServedSite:
    """A site of the replica: its primary origin and its mirrors."""

    site: SiteDefinition
    primary: Origin
    mirrors: list[Origin] = field(default_factory=list)

    @property
    def mirror_urls(self) -> list[str]:
        return [m.url for m in self.mirrors]


class ReplicaNetwork:
    """The sites one replica process serves; ``stopListening`` closes every port (spider shutdown)."""

    def __init__(self, sites: list[ServedSite]) -> None:
        self.sites = sites

    @property
    def url(self) -> str:
        """The first site's primary URL (the line the CLI prints)."""
        return self.sites[0].primary.url

    def hosts(self) -> dict[str, Any]:
        """``{"sites": {key: {base_url, mirrors, brand, mirror_brands, name}}}``: ``-a hosts=``'s input."""
        return {
            "sites": {
                s.site.key: {
                    "base_url": s.primary.url,
                    "mirrors": s.mirror_urls,
                    "name": s.site.name,
                    "brand": s.site.brand,
                    "mirror_brands": [m.catalogue.site.brand for m in s.mirrors],
                }
                for s in self.sites
            }
        }

    def stopListening(self) -> None:  # noqa: N802 - the IListeningPort name the spider calls
        for served in self.sites:
            for origin in (served.primary, *served.mirrors):
                origin.port.stopListening()


def serve(site_spec: str = "arabstoday", *, articles: int = 1000, seed: int = 0, mirrors: int = 0,
          copies: float = 0.0, republish: float | None = None,
          options: discovery.DiscoveryOptions | None = None, host: str = "127.0.0.1", port: int = 0,
          reactor: IReactorTCP | None = None, **catalogue_options: Any) -> ReplicaNetwork:
    """Serve the sites of ``site_spec`` (a key, a comma list or ``all``): the first on ``port``, every
    other site and mirror on a free port. ``catalogue_options`` go to each :class:`Catalogue`.

    ``republish``: the share of each site's articles that are copies of an earlier site's stories
    (:mod:`newscrawl.replica.republish`); default :data:`REPUBLISH_SHARE` when several sites are
    served, else none."""
    if reactor is None:
        from twisted.internet import reactor as installed  # import late: never install one by accident

        reactor = installed  # type: ignore[assignment]
    options = options or discovery.DiscoveryOptions()
    if not 0 <= copies <= 1:
        raise ValueError("copies must be a share between 0 and 1")
    network = ReplicaNetwork([])
    sites = sites_for(site_spec)
    if republish is None:
        republish = REPUBLISH_SHARE if len(sites) > 1 else 0.0

    def original(definition: SiteDefinition) -> Catalogue:  # a source of copies: as first published
        return Catalogue(articles=articles, seed=site_seed(seed, definition.key), site=definition,
                         republish=plan)

    plan = Republication(republish, seed, original)
    for k, site in enumerate(sites):
        def build(definition: SiteDefinition) -> Catalogue:
            return Catalogue(articles=articles, seed=site_seed(seed, definition.key), site=definition,
                             republish=plan, **catalogue_options)

        primary = _origin(build(site), options, network, host, port if k == 0 else 0, reactor)
        served = ServedSite(site, primary)
        for m in range(mirrors):
            label = replace(site, brand=mirror_brand(site, m))
            served.mirrors.append(_origin(build(label), options, network, host, 0, reactor))
        if copies:
            _add_copies(primary.resource, served, copies)
        network.sites.append(served)
    return network


def _origin(catalogue: Catalogue, options: discovery.DiscoveryOptions, network: ReplicaNetwork, host: str,
            port: int, reactor: IReactorTCP) -> Origin:
    clock: IReactorTime = reactor  # type: ignore[assignment]
    resource = ReplicaResource(catalogue, clock)
    resource.routes[:0] = discovery.routes(resource, options)

    def network_json(request: Request, match: re.Match[str], base: str) -> Response:
        body = json.dumps(network.hosts(), ensure_ascii=False, indent=1).encode("utf-8")
        return Response(content_type=JSON, body=body)

    resource.routes.insert(0, (re.compile(r"^/__replica__/network\.json$"), network_json))
    listening = reactor.listenTCP(port, ReplicaSite(resource), interface=host)
    return Origin(catalogue, resource, listening, host)


# --- copies of articles in listings ---------------------------------------------------------------
def copy_kind(cat: Catalogue, head: Head, rate: float) -> str | None:
    """``mirror`` (the entry links the mirror host), ``amp`` (an extra block links AMP copies) or None."""
    if not rate or head.section.render:
        return None
    draw = unit(cat.seed, "copies", head.article_id)
    if draw < rate / 2:
        return "mirror"
    return "amp" if draw < rate else None


def copy_urls(head: Head, kind: str | None, base: str, mirror: str | None) -> list[str]:
    """The URLs under which a listing shows the article besides (or instead of) its canonical one."""
    if kind == "mirror" and mirror:
        return [mirror + head.path]
    if kind in ("mirror", "amp"):  # without a mirror host, a "mirror" article gets the AMP block
        return [base + head.amp_path] + ([mirror + head.amp_path] if mirror else [])
    return []


def _add_copies(resource: ReplicaResource, served: ServedSite, rate: float) -> None:
    """Wrap the resource's listing handlers so their pages link copies; add ``copies.json``."""
    cat = resource.catalogue

    # fixed once the mirrors listen (they are added before this runs): not looked up per article
    mirror = served.mirror_urls[0] if served.mirrors else None

    def wrap(handler: Handler) -> Handler:
        def listing(request: Request, match: re.Match[str], base: str) -> Response:
            response = handler(request, match, base)
            if response.status != 200 or not response.body:
                return response
            html = response.body.decode("utf-8")
            start, end = html.find(_LIST_START), html.find(_LIST_END)
            if start < 0 or end < start:
                return response
            section = html[start:end]
            block = []
            for head in _listed_heads(cat, section, base):
                kind = copy_kind(cat, head, rate)
                urls = copy_urls(head, kind, base, mirror)
                if kind == "mirror" and mirror:
                    section = section.replace(f'href="{pages.attr(base + head.path)}"', f'href="{urls[0]}"')
                    continue
                art = cat.article(head.index)
                for url in urls:
                    entry = ExtraEntry("copy", url, head.title, art.summary, head.listing_stamp,
                                       head.thumb_path)
                    block.append(pages._entry_item("", entry))
            if block:
                section += '\n<div class="network-copies">\n' + "\n".join(block) + "\n</div>"
            body = (html[:start] + section + html[end:]).encode("utf-8")
            return replace(response, body=body)

        return listing

    listing_handlers = (resource.listing, resource.writers)
    resource.routes = [(pattern, wrap(h) if h in listing_handlers else h) for pattern, h in resource.routes]

    def copies_json(request: Request, match: re.Match[str], base: str) -> Response:
        data = {}
        for position in range(cat.total):
            head = cat.head(cat.index_at(position))
            urls = copy_urls(head, copy_kind(cat, head, rate), base, mirror)
            if urls:
                data[base + head.path] = urls
        return Response(content_type=JSON, body=json.dumps(data, ensure_ascii=False, indent=1).encode())

    resource.routes.insert(0, (re.compile(r"^/__replica__/copies\.json$"), copies_json))


_HREF = re.compile(r'<h3 class="news-title"><a href="([^"]+)">')


def _listed_heads(cat: Catalogue, section_html: str, base: str) -> list[Head]:
    """The articles a listing's entries link to (their canonical links), in page order, once each."""
    heads: dict[int, Head] = {}
    for href in _HREF.findall(section_html):
        if not href.startswith(base + "/"):
            continue
        parts = href[len(base):].split("/")
        if len(parts) < 3 or not parts[2]:
            continue
        found = cat.find(parts[1], parts[2].split("-", 1)[0])
        if found is not None and found.path == href[len(base):]:
            heads.setdefault(found.index, found)
    return list(heads.values())
