"""Every way the spider finds articles besides section listings, and the network of sites it crawls.

:class:`DiscoveryMixin` is mixed into the site spider (``spiders/arabstoday.py``) so that the spider
keeps one article path — ``_article_request`` → ``parse_article`` → pipelines — whatever found the
URL. ``-a discover=`` chooses the way in:

* ``listings`` (default): the section listings, paginated (the spider's own code);
* ``rss``: the sites' RSS feeds (``SiteDefinition.rss_paths``; or one feed per section with
  ``-a sections=`` and one per tag with ``-a tags=``). The cheap path for hourly runs: with
  ``-a state=PATH`` an article the state already holds is not downloaded at all, so an unchanged feed
  costs one request per feed;
* ``sitemap``: ``robots.txt`` → sitemap index → sitemaps (gzipped or not), bounded by ``-a since=``/
  ``-a until=`` on ``<lastmod>``: an index entry whose ``lastmod`` is before ``since`` (or whose
  ``YYYY-MM`` file name lies outside the window) is not even fetched;
* ``backfill``: every id of ``-a id_from=``…``-a id_to=`` through ``SiteDefinition.article_by_id_path``
  (a redirect to the canonical URL), for the articles no sitemap covers.

Feeds and sitemaps are read with :mod:`newscrawl.xmlsafe` (size caps, no entities, malformed
documents refused and counted ``xml/<reason>``). In the three discovery modes an article the state
already has is skipped before download (``discovery/known_skipped``): they fetch what is missing;
updates of known articles are the listing crawl's job (listing fingerprints, ETags).

The mixin also holds the crawl's :class:`~newscrawl.network.Network` (``-a site=all``, ``-a hosts=``):
which site a URL belongs to, the primary URL an article is fetched and exported under, and the other
URLs (mirror hosts, AMP copies) it was met under, exported as ``other_urls``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy import signals
from scrapy.exceptions import DownloadCancelledError
from scrapy.http import Response
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.internet.defer import CancelledError
from twisted.python.failure import Failure
from w3lib.html import remove_tags

from newscrawl.backfill import FairFeeder, SiteIds
from newscrawl.callbacks import held
from newscrawl.dates import parse_date
from newscrawl.extract import ListingEntry, article_identity, article_key, clean_article_url
from newscrawl.identities import IdentitySet
from newscrawl.network import Network, SiteTarget, comparable_url
from newscrawl.sites import SITES, get_site, sites_for
from newscrawl.sites.base import Section, SiteDefinition
from newscrawl.stores import BackfillLedger
from newscrawl.text import normalize_space
from newscrawl.xmlsafe import (
    DEFAULT_MAX_XML_BYTES,
    MAX_XML_BYTES_SETTING,
    XmlDocument,
    XmlRefused,
    read_records,
)

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from newscrawl.arguments import CrawlArguments
    from newscrawl.incremental import IncrementalState

#: Priority of every request that finds articles (listing pages, feeds, sitemaps, by-id look-ups):
#: below the article pages' 0, so the scheduler sends every article already found before it reads
#: the next page that finds more. Its queue then holds a few pages' articles, not a whole section's
#: (with LIFO order and equal priorities, paginations run ahead and the queue grew with the site).
DISCOVERY_PRIORITY = -1
#: Missing ids a back-fill keeps before writing them to the state, if no feed batch is stored before
#: (a kill loses at most these: they are asked again, which costs a look-up, not an article).
MISSING_IDS_BATCH = 200
#: How deep sitemap indexes may nest (index → index → sitemap); deeper is a loop or a trap.
MAX_SITEMAP_DEPTH = 3
_MONTH_FILE = re.compile(r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{2})(?!\d)[^/]*$")
#: Elements of a feed item that date it: RSS 2.0, Atom, RSS 1.0 (Dublin Core), first found wins.
_FEED_DATES = ("pubDate", "published", "updated", "date")
#: Status codes of a by-id request handled in the callback (a redirect is the expected answer).
_BY_ID_STATUSES = [301, 302, 303, 307, 308, 404, 410]
#: Embedded replica of ``site=all`` (``source=replica``): one mirror host per site, a fifth of the
#: listed articles linked through a copy, so a demo crawl meets mirrors and AMP copies.
EMBEDDED_MIRRORS = 1
EMBEDDED_COPIES = 0.2


class DiscoveryMixin:
    """Discovery modes and the network of sites, for the site spider (see the module docstring)."""

    # provided by the spider
    args: CrawlArguments
    site: SiteDefinition
    base_url: str
    crawl_sections: tuple[Section, ...]
    crawler: Crawler
    incremental: IncrementalState | None
    logger: Any
    _replica_port: Any

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Any:
        spider = super().from_crawler(crawler, *args, **kwargs)  # type: ignore[misc]
        settings = crawler.settings
        spider.max_xml_bytes = settings.getint(MAX_XML_BYTES_SETTING, DEFAULT_MAX_XML_BYTES)
        default = settings.getpriority("BOT_NAME")
        if spider.network.many and settings.getpriority("CONCURRENT_REQUESTS") <= default:
            # Sites in parallel, each within its own host's limits (per-domain slots, delay,
            # AutoThrottle): the crawl-wide cap must not be what keeps them waiting on each other.
            per_host = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
            wanted = per_host * len(spider.network.targets)
            if wanted > settings.getint("CONCURRENT_REQUESTS"):
                settings.set("CONCURRENT_REQUESTS", wanted, priority="spider")
        # missing ids are written with each stored feed (batch) and before the state store closes
        # (engine_stopped), and every MISSING_IDS_BATCH ids in between
        crawler.signals.connect(spider.flush_missing_ids, signal=signals.feed_slot_closed)
        crawler.signals.connect(spider.flush_missing_ids, signal=signals.spider_closed)
        if spider.args.hosts and not (spider.args.source == "replica" or spider.args.base_url):
            # Sites moved to a replica or mirrors (as with base_url): no politeness delays there.
            for name, value in (("AUTOTHROTTLE_ENABLED", False), ("DOWNLOAD_DELAY", 0),
                                ("CONCURRENT_REQUESTS_PER_DOMAIN", 16)):
                if settings.getpriority(name) <= settings.getpriority("BOT_NAME"):
                    settings.set(name, value, priority="spider")
        if spider.args.discover == "backfill" and (
                settings.getpriority("NEWSCRAWL_MIN_COVERAGE") <= settings.getpriority("BOT_NAME")):
            # An article page prints no full publication date (publisher notes) and a back-filled
            # article has no listing stamp: published_at stays null, so it is no threshold here.
            coverage = dict(settings.getdict("NEWSCRAWL_MIN_COVERAGE"))
            coverage.pop("published_at", None)
            settings.set("NEWSCRAWL_MIN_COVERAGE", coverage, priority="spider")
        return spider

    # -- the network -------------------------------------------------------------------------------
    def network_of_crawl(self) -> Network:
        """The sites of ``-a site=`` and where each is crawled (``base_url``, ``hosts``)."""
        # identity -> URLs the crawl met it under, only while the article is pending: settled
        # articles (exported, unchanged, failed) are forgotten here and listed in _settled_ids
        self._seen_urls: dict[str, set[str]] = {}
        self._settled_ids = IdentitySet()
        self._sitemaps_requested: set[str] = set()
        self._backfill: FairFeeder[int] | None = None  # the running back-fill's ids
        self._missing_ids: dict[str, list[int]] = {}  # family -> ids found missing, not yet stored
        self.max_xml_bytes = DEFAULT_MAX_XML_BYTES  # the setting, once the crawler is known
        return Network.for_crawl(sites_for(self.args.site), self.args.sections, self.args.base_url,
                                 self.args.hosts)

    def site_of(self, url: str, entry: ListingEntry | None = None) -> SiteDefinition:
        """The site of an article or listing: the entry's, else by origin, else the first site."""
        if entry is not None and entry.site in SITES:
            return get_site(entry.site)
        target = self.network.target_of(url)
        return target.site if target else self.site

    def rendered_sections(self) -> tuple[Section, ...]:
        """The sections whose listings the crawl reads: none outside the listings mode, so a feed,
        sitemap or back-fill crawl never needs a browser (articles are plain pages)."""
        return self.crawl_sections if self.args.discover == "listings" else ()

    def sister_listing_requests(self) -> Iterator[scrapy.Request]:
        """First listing pages of the other sites of ``-a site=all`` (the first site's are the spider's)."""
        for target in self.network.targets[1:]:
            for section in target.sections:
                yield scrapy.Request(target.base_url + target.site.listing_path(section),
                                     callback=held(self.parse_listing), errback=self.on_error,  # type: ignore[attr-defined]
                                     cb_kwargs={"section": section, "page": 1}, priority=DISCOVERY_PRIORITY)

    def note_links(self, site: SiteDefinition, entries: list[ListingEntry],
                   keys: list[Any] | None = None) -> None:
        """Remember every URL a listing page names an article under, before any of it is requested,
        so the article's ``other_urls`` has the page's mirror and AMP links whatever their order.
        ``keys``: the entries' :func:`article_key`, when already computed."""
        stats = self.crawler.stats
        if keys is None:
            keys = [article_key(site, entry.url) for entry in entries]
        for entry, key in zip(entries, keys, strict=True):
            if key is None:
                continue
            self._note_url(site, entry.url)
            kind = self.network.is_copy(entry.url)
            if kind:
                stats.inc_value(f"network/{kind}_links")

    def fetch_url(self, site: SiteDefinition, url: str) -> str:
        """Where an article is fetched: its regular page on the site's primary origin."""
        fetched = self.network.primary_url(url)
        if fetched != url and self.network.is_copy(url):
            self.crawler.stats.inc_value("network/copies_fetched_from_primary")
        return fetched

    def finish_item(self, item: Any, site: SiteDefinition, response: Response) -> Any:
        """The exported URL on the primary origin, and the other URLs the article was met under."""
        url = self.network.primary_url(item["url"])
        item["url"] = url
        seen = self.settle_urls(site, url)
        seen.add(comparable_url(response.url))
        own = comparable_url(url)
        item["other_urls"] = sorted(u for u in seen if u != own) or None
        return item

    def start_embedded_network(self) -> str:
        """``source=replica``: every site of the crawl (and, for several, a mirror each and copy links)
        on loopback ports in this process, with feeds and sitemaps; returns the first site's URL."""
        from newscrawl.replica.discovery import DiscoveryOptions
        from newscrawl.replica.network import serve

        many = self.network.many
        network = serve(self.args.site, articles=self.args.replica_articles, seed=self.args.replica_seed,
                        mirrors=EMBEDDED_MIRRORS if many else 0, copies=EMBEDDED_COPIES if many else 0.0,
                        options=DiscoveryOptions(), faults=self.args.replica_faults)
        for served in network.sites:
            self.network.replace_target(served.site.key, served.primary.url, tuple(served.mirror_urls))
        self._replica_port = network  # stopListening() closes every port at spider close
        self.allowed_domains = self.network.allowed_domains
        self.allowed_origins = self.network.allowed_origins
        self.logger.info("Embedded replica serving %d site(s) from %s (%d articles each, seed %d)",
                         len(network.sites), network.url, self.args.replica_articles, self.args.replica_seed)
        return network.url

    # -- discovery: the start requests of each mode ------------------------------------------------
    async def discovery_start(self) -> AsyncIterator[scrapy.Request]:
        """The start requests of a discovery mode: feeds and robots.txt at once, by-id look-ups of a
        back-fill lazily (:meth:`backfill_requests`)."""
        for request in self.discovery_requests():
            yield request
        if self.args.discover == "backfill":
            async for request in self.backfill_requests():
                yield request

    def discovery_requests(self) -> Iterator[scrapy.Request]:
        mode = self.args.discover
        for target in self.network.targets:
            site, base = target.site, target.base_url
            if mode == "rss":
                for path in self._feed_paths(target):
                    yield self._xml_request(base + path, self.parse_feed, site)
            elif mode == "sitemap":
                yield scrapy.Request(base + "/robots.txt", callback=self.parse_robots,
                                     errback=self._robots_failed, dont_filter=True,
                                     cb_kwargs={"site_key": site.key}, priority=DISCOVERY_PRIORITY)

    def _xml_request(self, url: str, callback: Any, site: SiteDefinition, **cb_kwargs: Any) -> scrapy.Request:
        # The XML cap replaces DOWNLOAD_MAXSIZE for these documents (a sitemap may reach 50 MB).
        return scrapy.Request(url, callback=callback, errback=self.on_xml_error,
                              cb_kwargs={"site_key": site.key, **cb_kwargs},
                              meta={"download_maxsize": self.max_xml_bytes}, priority=DISCOVERY_PRIORITY)

    def _read_xml(self, response: Response, records: set[str], roots: set[str]) -> XmlDocument | None:
        try:
            document = read_records(response.body, records, roots, self.max_xml_bytes)
        except XmlRefused as refused:
            self.crawler.stats.inc_value(f"xml/{refused.reason}")
            self.logger.warning("Refused XML document %s: %s", response.url, str(refused)[:300])
            return None
        self.crawler.stats.inc_value("xml/documents")
        return document

    def on_xml_error(self, failure: Failure) -> None:
        """A feed or sitemap not downloaded: bigger than the cap (``xml/too_large``), or a failure."""
        if failure.check(DownloadCancelledError, CancelledError):
            self.crawler.stats.inc_value("xml/too_large")
            self.logger.warning("Refused XML document %s: larger than %s=%d bytes", failure.request.url,
                                MAX_XML_BYTES_SETTING, self.max_xml_bytes)
            return
        self.on_error(failure)  # type: ignore[attr-defined]

    def _discovered(self, entry: ListingEntry, site: SiteDefinition) -> scrapy.Request | None:
        """An article found by a feed, a sitemap or an id: requested unless the state already has it."""
        if self.args.sections and entry.section not in self.args.sections:  # -a sections= holds here too
            self.crawler.stats.inc_value("discovery/other_section")
            return None
        identity = article_identity(site, entry.url)
        if self.incremental is not None and not self.incremental.full:
            if self.incremental.known(identity) is not None:
                self.crawler.stats.inc_value("discovery/known_skipped")
                return None
        self._note_url(site, entry.url)
        return self._article_request(entry)  # type: ignore[attr-defined]

    def _note_url(self, site: SiteDefinition, url: str) -> None:
        """Remember a URL the article was met under, for its ``other_urls`` (not once it is settled:
        nothing would ever collect it)."""
        identity = article_identity(site, url)
        if identity not in self._settled_ids:
            self._seen_urls.setdefault(identity, set()).add(comparable_url(url))

    def settle_urls(self, site: SiteDefinition, url: str) -> set[str]:
        """The URLs noted for an article that is done with (exported, skipped, failed), forgotten."""
        identity = article_identity(site, url)
        self._settled_ids.add(identity)
        return self._seen_urls.pop(identity, set())

    def _entry(self, site: SiteDefinition, url: str, *, title: str | None = None, summary: str | None = None,
               thumbnail: str | None = None, stamp: str | None = None) -> ListingEntry:
        key = article_key(site, url)
        section = site.section_for_path(key[0]) if key else None
        return ListingEntry(url=clean_article_url(url), section=section.key if section else None,
                            title=title or None, summary=summary or None, thumbnail=thumbnail or None,
                            stamp=stamp or None, site=site.key, source=self.args.discover)

    def _in_window(self, day: date | None) -> bool:
        since, until = self.args.since, self.args.until
        if day is None:
            return True
        return not ((since and day < since) or (until and day > until))

    # -- RSS ---------------------------------------------------------------------------------------
    def parse_feed(self, response: Response, site_key: str) -> Iterator[scrapy.Request]:
        """RSS 2.0 items (Atom entries too): link, title, description, pubDate → a listing entry.

        ``published_raw`` of these articles is the item's ``pubDate`` as printed (RFC 822,
        ``Tue, 22 Apr 2025 10:18:00 GMT``), read by the date pipeline like a listing stamp.
        """
        site = get_site(site_key)
        document = self._read_xml(response, {"item", "entry"}, {"rss", "feed", "RDF"})
        if document is None:
            return
        stats = self.crawler.stats
        for record in document.records:
            link = record.get("link") or (record.get("alternate") or [None])[0] or record.get("guid")
            if not link:
                stats.inc_value("feed/items_without_link")
                continue
            stamp = next((record[k] for k in _FEED_DATES if record.get(k)), None)
            if (self.args.since or self.args.until) and not self._in_window(parse_date(stamp or "").date):
                stats.inc_value("feed/outside_window")
                continue
            stats.inc_value("feed/items")
            summary = record.get("description") or record.get("summary")
            if summary and "<" in summary:
                summary = remove_tags(summary)
            entry = self._entry(site, response.urljoin(link), title=normalize_space(record.get("title")),
                                summary=normalize_space(summary), thumbnail=record.get("enclosure"),
                                stamp=stamp)
            request = self._discovered(entry, site)
            if request is not None:
                yield request

    # -- sitemaps ----------------------------------------------------------------------------------
    def parse_robots(self, response: Response, site_key: str) -> Iterator[scrapy.Request]:
        """The sitemaps ``robots.txt`` names (Scrapy's reader), moved to where the site is crawled;
        the definition's ``sitemap_path`` when it names none."""
        site = get_site(site_key)
        named = sitemap_urls_from_robots(response.body, base_url=response.url)
        urls = [u for u in (self._localize(site, url) for url in named) if u is not None]
        if not urls:
            self.crawler.stats.inc_value("sitemap/none_in_robots")
            urls = [self._target_base(site) + site.sitemap_path]
        for url in dict.fromkeys(urls):
            yield from self._sitemap_request(url, site, depth=0)

    def _robots_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        site = get_site(failure.request.cb_kwargs["site_key"])
        self.crawler.stats.inc_value("sitemap/robots_failed")
        yield from self._sitemap_request(self._target_base(site) + site.sitemap_path, site, depth=0)

    def _sitemap_request(self, url: str, site: SiteDefinition, depth: int) -> Iterator[scrapy.Request]:
        if url in self._sitemaps_requested:
            self.crawler.stats.inc_value("sitemap/repeated")
            return
        self._sitemaps_requested.add(url)
        yield self._xml_request(url, self.parse_sitemap, site, depth=depth)

    def parse_sitemap(self, response: Response, site_key: str, depth: int) -> Iterator[scrapy.Request]:
        """A sitemap index (follow the files that can hold the window) or a urlset (its articles
        whose ``lastmod`` is in the window; ``news:publication_date`` becomes the listing stamp)."""
        site = get_site(site_key)
        document = self._read_xml(response, {"url", "sitemap"}, {"urlset", "sitemapindex"})
        if document is None:
            return
        stats = self.crawler.stats
        if document.root == "sitemapindex":
            for record in document.records:
                loc = self._localize(site, response.urljoin(record.get("loc", "")))
                if loc is None or not record.get("loc"):
                    stats.inc_value("sitemap/offsite")
                    continue
                if not self._file_may_hold_window(loc, _w3c_date(record.get("lastmod"))):
                    stats.inc_value("sitemap/files_skipped")
                    continue
                if depth + 1 >= MAX_SITEMAP_DEPTH:
                    stats.inc_value("sitemap/too_deep")
                    continue
                yield from self._sitemap_request(loc, site, depth + 1)
            return
        for record in document.records:
            loc = record.get("loc")
            if not loc:
                continue
            day = _w3c_date(record.get("lastmod")) or _w3c_date(record.get("publication_date"))
            if day is None and (self.args.since or self.args.until):
                stats.inc_value("sitemap/undated")
            if not self._in_window(day):
                stats.inc_value("sitemap/outside_window")
                continue
            stats.inc_value("sitemap/urls")
            entry = self._entry(site, response.urljoin(loc), title=normalize_space(record.get("title")),
                                stamp=record.get("publication_date"))
            if article_key(site, entry.url) is None:
                stats.inc_value("sitemap/not_an_article")
                continue
            request = self._discovered(entry, site)
            if request is not None:
                yield request

    def _file_may_hold_window(self, loc: str, lastmod: date | None) -> bool:
        """False when a sitemap file holds nothing of the window: its newest change (``lastmod``) is
        before ``since``, or its name is a month (``YYYY-MM``) wholly outside the window."""
        since, until = self.args.since, self.args.until
        if since and lastmod and lastmod < since:
            return False
        match = _MONTH_FILE.search(loc.split("?")[0])
        if match and 1 <= int(match["month"]) <= 12:
            year, month = int(match["year"]), int(match["month"])
            first = date(year, month, 1)
            last = date(year + month // 12, month % 12 + 1, 1)  # the day after the month
            if (since and last <= since) or (until and first > until):
                return False
        return True

    def _feed_paths(self, target: SiteTarget) -> list[str]:
        """The feeds of a site: its sections' (``-a sections=``) and tags' (``-a tags=``), else its own."""
        site = target.site
        paths = [site.section_feed_path(s) for s in target.sections] if self.args.sections else []
        paths += [site.tag_feed_path(tag) for tag in self.args.tags or ()]
        return paths or list(site.rss_paths)

    def _target_base(self, site: SiteDefinition) -> str:
        target = self.network.target(site.key)
        return target.base_url if target else site.base_url

    def _localize(self, site: SiteDefinition, url: str) -> str | None:
        """A URL of one of the site's origins moved to where the site is crawled (robots.txt and
        indexes of the live site name its own hosts); None for another site's or an unknown host."""
        target = self.network.target_of(url)
        if target is None or target.site.key != site.key:
            return None
        path = url.split("://", 1)[1]
        path = path[path.find("/"):] if "/" in path else "/"
        return target.base_url + path

    # -- back-fill (newscrawl/backfill.py) -----------------------------------------------------------
    def backfill_feeder(self) -> FairFeeder[int]:
        """Per site, the ids of ``id_from``…``id_to`` not settled yet in the state (exported, or known
        to have no article), taken from the sites in turn; their number is the progress total."""
        assert self.args.id_from is not None and self.args.id_to is not None
        store = self.incremental.store if self.incremental is not None and not self.incremental.full else None
        ledger = store if isinstance(store, BackfillLedger) else None
        stats, sources = self.crawler.stats, {}
        for target in self.network.targets:
            settled = ledger.settled_ids(target.site.family_key) if ledger else ()
            sources[target.site.key] = ids = SiteIds(self.args.id_from, self.args.id_to, settled)
            if ids.settled:
                stats.inc_value("backfill/settled_skipped", len(ids.settled))
        total = sum(len(ids) for ids in sources.values())
        if self.args.limit is not None:
            total = min(total, self.args.limit)
        stats.inc_value("progress/expected_articles", total)
        # enough look-ups per site to keep its host's slot busy (each is followed by its article)
        cap = max(2, 2 * self.crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 8))
        return FairFeeder(sources, cap)

    async def backfill_requests(self) -> AsyncIterator[scrapy.Request]:
        """The by-id look-ups, generated as the crawl goes (never all queued), the sites in turn."""
        self._backfill = self.backfill_feeder()
        async for site_key, number in self._backfill.values():
            if self.args.limit is not None and len(self._requested_ids) >= self.args.limit:  # type: ignore[attr-defined]
                return
            target = self.network.target(site_key)
            assert target is not None
            site = target.site
            article_id = f"{number:0{site.article_id_width}d}"
            yield scrapy.Request(
                target.base_url + site.article_by_id_path.format(id=article_id),
                callback=held(self.parse_by_id), errback=self._by_id_failed,
                cb_kwargs={"site_key": site.key, "article_id": article_id},
                meta={"dont_redirect": True, "handle_httpstatus_list": _BY_ID_STATUSES},
                priority=DISCOVERY_PRIORITY,
            )

    def _by_id_done(self, site_key: str, article_id: str) -> None:
        if self._backfill is not None:
            self._backfill.done(site_key, int(article_id))

    def _by_id_failed(self, failure: Failure) -> None:
        kwargs = failure.request.cb_kwargs
        self._by_id_done(kwargs["site_key"], kwargs["article_id"])
        self.on_error(failure)  # type: ignore[attr-defined]

    def _note_missing(self, site: SiteDefinition, article_id: str) -> None:
        """An id without an article: settled in the state (in batches), never asked again."""
        missing = self._missing_ids.setdefault(site.family_key, [])
        missing.append(int(article_id))
        if len(missing) >= MISSING_IDS_BATCH:
            self.flush_missing_ids()

    def flush_missing_ids(self, *args: Any, **kwargs: Any) -> None:
        store = self.incremental.store if self.incremental is not None else None
        if isinstance(store, BackfillLedger):
            for family, ids in self._missing_ids.items():
                if ids:
                    store.record_missing(family, ids)
        self._missing_ids = {}

    def parse_by_id(self, response: Response, site_key: str, article_id: str) -> Iterator[Any]:
        """The by-id answer: a redirect names the article's URL (requested like any found article);
        404/410 is an id with no article (``backfill/missing_id``); a 200 is the article itself."""
        self._by_id_done(site_key, article_id)
        site = get_site(site_key)
        stats = self.crawler.stats
        if response.status in (404, 410):
            stats.inc_value("backfill/missing_id")
            self._note_missing(site, article_id)
            return
        if response.status == 200:
            stats.inc_value("backfill/served_in_place")
            entry = self._entry(site, response.url)
            yield from self.parse_article(response, entry)  # type: ignore[attr-defined]
            return
        location = response.headers.get(b"Location")
        if not location:
            stats.inc_value("backfill/redirect_without_location")
            return
        url = self._localize(site, response.urljoin(location.decode("latin-1")))
        key = article_key(site, url) if url else None
        if url is None or key is None or key[1].lstrip("0") != article_id.lstrip("0"):
            stats.inc_value("backfill/unexpected_redirect")
            return
        stats.inc_value("backfill/found")
        request = self._discovered(self._entry(site, url), site)
        if request is not None:
            yield request


def _w3c_date(value: str | None) -> date | None:
    """The UTC date of a W3C datetime (``2025-04-22``, ``2025-04-22T14:38:49+04:00``), or None."""
    if not value:
        return None
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        parsed = parse_date(text)
        return parsed.date
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(UTC).date()
