"""The spider's default callback, and the way Scrapy's tools reach a page of a site.

``scrapy parse URL`` calls a spider's ``parse``; here it dispatches the response, by the kind of its
URL, to the callback the crawl itself uses for that kind of page — an article page to
``parse_article`` (its item), a section listing to ``parse_listing`` (its article requests and next
page), a feed to ``parse_feed`` — with what the crawl would have passed, derived from the URL.
``crawl_url`` moves a URL of a site's own hosts to where this crawl fetches that site, which is how
the callbacks' contracts (live URLs) run against a replica (:mod:`newscrawl.contracts`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from scrapy import Request
from scrapy.http import Response

from newscrawl.network import Network, netloc, url_path
from newscrawl.sites import SITES, SiteDefinition
from newscrawl.sites.base import Section

if TYPE_CHECKING:
    from newscrawl.arguments import CrawlArguments

#: Hosts of every site of the network (and loopback, where replicas run): the URLs this project's
#: spider handles, so that ``scrapy parse URL`` finds it without ``--spider``.
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
KNOWN_NETLOCS = frozenset(netloc(origin) for site in SITES.values() for origin in site.origins)


def listing_of(site: SiteDefinition, url: str) -> tuple[Section, int] | None:
    """The section and page number of a listing page URL of ``site`` (``/section/40?page=2``), or None."""
    section = site.listing_section(url_path(url))
    if section is None:
        return None
    values = parse_qs(urlsplit(url).query).get(site.page_param, ["1"])
    return section, int(values[0]) if values[0].isdigit() and int(values[0]) >= 1 else 1


def is_feed(site: SiteDefinition, url: str) -> bool:
    """A feed URL of ``site``: its site feed, a section's feed or a tag's (the shapes in the definition)."""
    path = url_path(url).rstrip("/") or "/"
    if path in site.rss_paths or any(path == site.section_feed_path(s) for s in site.sections):
        return True
    prefix = site.tag_rss_path.split("{tag}", 1)[0]
    return path.startswith(prefix) and "/" not in path[len(prefix):] and len(path) > len(prefix)


def page_kind(site: SiteDefinition, url: str) -> tuple[str, tuple[Section, int] | None]:
    """``article``, ``listing`` (with its section and page), ``feed`` or ``other``: what ``url`` is."""
    if site.article_path_re.match(url_path(url)):
        return "article", None
    listing = listing_of(site, url)
    if listing is not None:
        return "listing", listing
    return ("feed" if is_feed(site, url) else "other"), None


class DispatchMixin:
    """``parse`` by URL kind, ``crawl_url`` and ``handles_request``, for the site spider."""

    # provided by the spider
    args: CrawlArguments
    network: Network
    crawler: Any
    logger: Any

    @classmethod
    def handles_request(cls, request: Request) -> bool:
        host = netloc(request.url)
        return host in KNOWN_NETLOCS or host.rsplit(":", 1)[0] in LOOPBACK

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """Any page of a crawled site, by the kind of its URL: an article gives its item, a listing
        page its article requests and next page, a feed its article requests.

        @url https://www.arabstoday.net/writers
        @returns items 0 0
        @returns requests 2
        """
        site = self.site_of(response.url)  # type: ignore[attr-defined]
        kind, listing = page_kind(site, response.url)
        if kind == "article":
            return self.parse_article(response)  # type: ignore[attr-defined]
        if kind == "listing" and listing is not None:
            return self.parse_listing(response, *listing)  # type: ignore[attr-defined]
        if kind == "feed":
            return self.parse_feed(response, site.key)  # type: ignore[attr-defined]
        self.crawler.stats.inc_value("dispatch/unknown_page")
        self.logger.warning("Not an article, listing or feed URL of %s: %s", site.key, response.url)
        return iter(())

    def crawl_url(self, url: str) -> str:
        """``url`` (of a site's own hosts) on the origin this crawl fetches that site from — a running
        replica (``base_url``, ``hosts``), or the embedded one (``source=replica``, started here if
        the crawl has not started it yet); unchanged for a URL of no site of the crawl."""
        self.ensure_replica()  # type: ignore[attr-defined]
        target = self.network.target_of(url)
        if target is None:
            return url
        parts = urlsplit(url)
        rest = parts.path + (f"?{parts.query}" if parts.query else "")
        return target.base_url + rest


def arguments_for_url(url: str, spargs: dict[str, Any]) -> dict[str, Any]:
    """The spider arguments of a tool run on one page (``scrapy parse``/``explain URL``), checked: a
    URL of no site's own hosts (a replica, a mirror) is crawled there — ``base_url`` is its origin —
    unless the arguments already say where the sites are; without ``sections``, the crawl is of the
    page's own section (so no browser starts for a page that needs none). Raises ArgumentError."""
    from newscrawl.arguments import CrawlArguments

    arguments = dict(spargs)
    placed = {"base_url", "hosts", "source"} & set(arguments)
    if not placed and netloc(url) not in KNOWN_NETLOCS:
        parts = urlsplit(url)
        arguments["base_url"] = f"{parts.scheme}://{parts.netloc}"
    args = CrawlArguments.from_kwargs(dict(arguments))
    if "sections" not in arguments:
        host = netloc(url)
        site = next((s for s in SITES.values() if host in {netloc(o) for o in s.origins}), args.sites[0])
        section = section_of_page(site, url)
        if section is not None:
            arguments["sections"] = section.key
    return arguments


def plain_sections(args: CrawlArguments) -> str:
    """``sections`` of every section of the crawl's sites whose listing needs no browser."""
    return ",".join(dict.fromkeys(s.key for site in args.sites for s in site.sections if not s.render))


def section_of_page(site: SiteDefinition, url: str) -> Section | None:
    """The section of an article or listing URL (None for other pages)."""
    kind, listing = page_kind(site, url)
    if listing is not None:
        return listing[0]
    match = site.article_path_re.match(url_path(url)) if kind == "article" else None
    return site.section_for_path(match["section"]) if match else None
