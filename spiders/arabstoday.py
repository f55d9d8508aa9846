"""The site spider: section listings → pagination → article pages, driven by a site definition."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict
from typing import Any
from urllib.parse import urlencode, urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from newscrawl.arguments import CrawlArguments
from newscrawl.callbacks import held
from newscrawl.dates import parse_date
from newscrawl.discovery import DISCOVERY_PRIORITY, DiscoveryMixin
from newscrawl.dispatch import DispatchMixin, listing_of
from newscrawl.distributed import enable as enable_distributed
from newscrawl.extract import (
    ListingEntry,
    article_identity,
    article_key,
    key_identity,
    listing_entries,
    load_article,
    next_page_url,
)
from newscrawl.feeds import apply_feed_preset, apply_user_agent, placeholder_contact_warning
from newscrawl.feedstore import check_feed_destinations
from newscrawl.identities import IdentitySet
from newscrawl.incremental import IncrementalState, identity_of
from newscrawl.render import (
    BrowserUnavailable,
    RenderPlan,
    check_chromium,
    chromium_path,
    crawl_hosts,
    enable_browser,
)
from newscrawl.selectors import page_root
from newscrawl.sites.base import Section
from newscrawl.stores import open_store

#: Request meta of a listing page: how many pages in a row before it listed nothing new.
STALE_PAGES_META = "newscrawl_stale_pages"
#: Request meta naming the section (``<site>/<section>``) a listing page belongs to.
SECTION_META = "newscrawl_section"


class ArabsTodaySpider(DispatchMixin, DiscoveryMixin, scrapy.Spider):
    """Crawl «العرب اليوم» (or a sister site of its CMS): every section, every page, every article.

    Arguments (``-a name=value``) are declared, with their types, defaults and help, in
    :data:`newscrawl.arguments.ARGUMENTS` (the README's table is generated from it).
    """

    name = "arabstoday"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args = CrawlArguments.from_kwargs(kwargs)
        super().__init__(*args, **kwargs)
        self.network = self.network_of_crawl()  # -a site= (a key, a list or all), base_url, hosts
        self.site = self.network.primary.site
        self.crawl_sections: tuple[Section, ...] = self.network.primary.sections
        self.render_plan = RenderPlan(self.site.render, frozenset())  # from the settings in from_crawler
        self.skipped_sections: tuple[str, ...] = ()  # browser sections left out: no browser here
        self.base_url = self.network.primary.base_url
        self.allowed_domains = self.network.allowed_domains
        self.allowed_origins = self.network.allowed_origins  # scheme, host and port (newscrawl.middlewares)
        # Per-article memory of the run, in compact exact sets (newscrawl/identities.py): flat at any N.
        self._requested_ids = IdentitySet()  # identities (site family, ids) of the requested articles
        self._listed: dict[tuple[str, str], IdentitySet] = {}  # (site, section) -> articles listed
        self.failures: list[dict[str, Any]] = []  # requests that failed for good, for the run report
        self._replica_port: Any = None
        self.incremental: IncrementalState | None = None
        self.distributed: Any = None  # newscrawl.frontier.DistributedCrawl when REDIS_URL is set
        self.max_listing_pages = 0  # NEWSCRAWL_MAX_LISTING_PAGES (0: no cap), read in from_crawler
        self.max_stale_pages = 0  # NEWSCRAWL_MAX_STALE_LISTING_PAGES (0: never stop for that)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ArabsTodaySpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        apply_feed_preset(crawler.settings)
        check_feed_destinations(crawler.settings)  # RunRefused: nothing is crawled
        warning = placeholder_contact_warning(crawler.settings)
        apply_user_agent(crawler.settings)
        if warning and spider.crawls_live:
            spider.logger.warning(warning)
        if spider.args.source == "replica" or spider.args.base_url:
            # A local replica or mirror: no politeness delays against our own loopback server.
            for name, value in (("AUTOTHROTTLE_ENABLED", False), ("DOWNLOAD_DELAY", 0),
                                ("CONCURRENT_REQUESTS_PER_DOMAIN", 16)):
                if crawler.settings.getpriority(name) <= crawler.settings.getpriority("BOT_NAME"):
                    crawler.settings.set(name, value, priority="spider")
        spider.max_listing_pages = crawler.settings.getint("NEWSCRAWL_MAX_LISTING_PAGES")
        spider.max_stale_pages = crawler.settings.getint("NEWSCRAWL_MAX_STALE_LISTING_PAGES")
        spider.distributed = enable_distributed(crawler, spider)  # None unless REDIS_URL/NEWSCRAWL_FRONTIER
        frontier = spider.distributed
        state_path = spider.args.state or crawler.settings.get("NEWSCRAWL_STATE")
        store = open_store(state_path, frontier and frontier.url, frontier and frontier.worker,
                           wait=crawler.settings.getfloat("NEWSCRAWL_STATE_WAIT"))
        if store is not None:  # SQLite by default; Redis, shared, in distributed mode
            spider.incremental = IncrementalState(crawler, store, full=spider.args.full)
        spider.render_plan = RenderPlan.for_crawl(spider.site, spider.rendered_sections(), crawler.settings)
        if spider.render_plan.active and spider.args.sections is None and not spider.render_plan.render_all:
            spider._skip_render_sections_without_browser(crawler)
        if spider.render_plan.active:  # only then: Chromium checked, scrapy-playwright installed
            replica = ("127.0.0.1",) if spider.args.source == "replica" else ()
            hosts = crawl_hosts([spider.base_url, spider.site.base_url, *spider.site.mirrors], replica)
            enable_browser(crawler.settings, spider.render_plan, hosts)
        crawler.signals.connect(spider._stop_replica, signal=signals.spider_closed)
        return spider

    @property
    def crawls_live(self) -> bool:
        """True when the crawl goes to the publisher's own hosts (no replica, mirror or other hosts)."""
        return self.args.source == "live" and not self.args.base_url and not self.args.hosts

    def _skip_render_sections_without_browser(self, crawler: Crawler) -> None:
        """A default crawl (no ``-a sections``) on a machine without Chromium still crawls every
        plain section: the browser sections are left out with a warning and a counted stat, instead
        of failing the whole crawl. Asking for them explicitly without a browser is an error."""
        try:
            check_chromium(*chromium_path(crawler.settings))
        except BrowserUnavailable as exc:
            self.skipped_sections = tuple(sorted(self.render_plan.sections))
            self.logger.warning("Leaving out section(s) %s, which need a browser: %s",
                                ", ".join(self.skipped_sections), exc)
            self.crawl_sections = tuple(s for s in self.crawl_sections if s.key not in self.skipped_sections)
            self.render_plan = RenderPlan.for_crawl(self.site, self.crawl_sections, crawler.settings)

    async def start(self) -> AsyncIterator[Any]:
        if self.skipped_sections:
            self.crawler.stats.set_value("render/sections_skipped_no_browser", len(self.skipped_sections))
        self.ensure_replica()
        if self.incremental:
            for failure in self.incremental.store.failures():
                entry = ListingEntry(**failure.meta["entry"]) if "entry" in failure.meta else None
                self.crawler.stats.inc_value("incremental/retried_failures")
                site = self.site_of(failure.url, entry)
                if article_key(site, failure.url) is not None:  # the listings will not request it again
                    self._requested_ids.add(article_identity(site, failure.url))
                    self.crawler.stats.inc_value("articles/found")
                yield self._request(failure.url, entry, priority=10)
        if self.distributed:  # seeds come from Redis (scrapy push-seeds), shared by every process
            for request in self.distributed.seed_requests():
                yield request
            return
        if self.args.discover != "listings":  # RSS feeds, sitemaps or article ids (newscrawl/discovery.py)
            async for request in self.discovery_start():
                yield request
            return
        for section in self.crawl_sections:
            yield self._section_start(self._listing_request(section, page=1))
        for request in self.sister_listing_requests():  # the other sites of -a site=all
            yield self._section_start(request)

    def parse_listing(self, response: Response, section: Section | None = None, page: int = 1) -> Any:
        """Follow each article entry of a listing page, then the next page (without ``section``: the
        section and page of the listing URL, as ``scrapy parse`` and the contracts call it).

        @url https://www.arabstoday.net/section/40
        @returns items 0 0
        @returns requests 2
        """
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("listing/not_html")
            return
        if section is None:
            listing = listing_of(self.site_of(response.url), response.url)
            if listing is None:
                self.logger.warning("Not a listing URL: %s", response.url)
                return
            section, page = listing
        stop = False
        root = page_root(response)
        site = self.site_of(response.url)
        seen = self._listed.setdefault((site.key, section.key), IdentitySet())
        new_entries = 0
        entries = listing_entries(response, site, section, root)  # each entry's site is the listing's
        keys = [article_key(site, entry.url) for entry in entries]  # once an entry (a regex match each)
        self.note_links(site, entries, keys)  # the page's mirror and AMP links, for other_urls
        section_id = response.meta.get(SECTION_META) or f"{site.key}/{section.key}"
        articles = sum(1 for key in keys if key is not None)
        self.crawler.stats.inc_value(f"sections/listed/{section_id}", articles)  # reached if > 0
        if self.incremental:  # their states at once: one round trip to a shared (Redis) state
            self.incremental.prefetch([key_identity(site, key) for key in keys if key is not None])
        for entry, key in zip(entries, keys, strict=True):
            if self.args.since and self._older_than_since(entry):
                stop = True
                continue
            if key is not None and seen.add(key_identity(site, key)):
                new_entries += 1
            request = self._article_request(entry, site, key)
            if request is not None:
                yield request
        yield from self._next_listing(response, site, section, page, root, stop, new_entries)

    def _next_listing(self, response: TextResponse, site: Any, section: Section, page: int, root: Any,
                      stop: bool, new_entries: int) -> Iterator[scrapy.Request]:
        """The section's next listing page, unless its pagination is over or must be cut short.

        Pagination ends at the last page (no next link), at ``-a max_pages``, at entries older than
        ``-a since``, after ``NEWSCRAWL_MAX_STALE_LISTING_PAGES`` pages in a row that list nothing new
        for the section (a trap repeating pages; one such page alone may be the listing shifting as
        articles are published during the crawl), and at ``NEWSCRAWL_MAX_LISTING_PAGES``: a listing
        that names new ids on every next page forever. That cap is a failure of the section
        (``failures/listing_page_cap``): what lies beyond it was not crawled.
        """
        stale = 0 if new_entries else response.meta.get(STALE_PAGES_META, 0) + 1
        if stale:
            self.crawler.stats.inc_value("listing/pages_without_new_entries")
        next_url = next_page_url(response, site, root)
        if not next_url or stop or (self.args.max_pages is not None and page >= self.args.max_pages):
            return
        if self.max_stale_pages and stale >= self.max_stale_pages:
            self.crawler.stats.inc_value("listing/stopped_no_new_entries")
            return
        if self.args.max_pages is None and self.max_listing_pages and page >= self.max_listing_pages:
            self.crawler.stats.inc_value("failures/listing_page_cap")
            self.logger.warning("Section %s of %s: stopped at the page cap (NEWSCRAWL_MAX_LISTING_PAGES=%d),"
                                " not followed: %s", section.key, site.key, self.max_listing_pages, next_url)
            return
        meta = {**self.render_plan.listing_meta(section), STALE_PAGES_META: stale,
                SECTION_META: response.meta.get(SECTION_META) or f"{site.key}/{section.key}"}
        yield scrapy.Request(next_url, callback=held(self.parse_listing), errback=self.on_error,
                             cb_kwargs={"section": section, "page": page + 1}, meta=meta,
                             priority=DISCOVERY_PRIORITY)

    def parse_article(self, response: Response, entry: ListingEntry | None = None) -> Any:
        """One article page → one :class:`~newscrawl.items.Article` (without ``entry``, no listing
        fields: the section comes from the URL).

        @url https://www.arabstoday.net/40/095935-%D9%85%D8%AD%D8%A7%D8%AF%D8%AB%D8%A7%D8%AA-%D8%A3%D9%85%D9%8A%D8%B1%D9%83%D9%8A%D8%A9
        @returns items 1 1
        @returns requests 0 0
        @filled url article_id site brand section title subtitle author dateline image_url body updated_raw
        """
        site = self.site_of(response.url, entry)
        if self.incremental and self.incremental.not_modified(response):
            self.settle_urls(site, response.url)
            return
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("article/not_html")
            self.logger.warning("Not an HTML page, no article: %s", response.url)
            self.settle_urls(site, response.url)
            return
        item = self.finish_item(load_article(response, site, entry), site, response)
        if self.incremental:
            self.incremental.seen_response(identity_of(item), response)
        yield item

    def on_error(self, failure: Failure) -> None:
        """A request that failed for good (after retries): count it and keep it for the next run."""
        request = failure.request
        reason = _failure_reason(failure)
        attempts = request.meta.get("retry_times", 0) + 1
        url = request.meta.get("redirect_urls", [request.url])[0]  # what was asked for, before redirects
        self.crawler.stats.inc_value(f"failures/{reason}")
        self.logger.warning("Failed for good (%s, %d attempts): %s", reason, attempts, request.url)
        self.failures.append({"url": url, "reason": reason, "attempts": attempts})
        if SECTION_META in request.meta:  # a listing page: its section may not be reached at all
            page = request.cb_kwargs.get("page", 1)
            self.crawler.stats.set_value(f"sections/failed/{request.meta[SECTION_META]}",
                                         f"page {page}: {reason}")
        entry = request.cb_kwargs.get("entry")
        if request.callback == self.parse_article:  # its other_urls notes will never be collected
            self.settle_urls(self.site_of(url, entry), url)
        if self.incremental and entry is not None:  # article pages are retried first next run
            self.incremental.record_failure(url, reason, attempts, {"entry": asdict(entry)})
        if self.distributed:  # its lease ends: nothing of it awaits a feed
            self.distributed.release(request)

    # -- helpers -----------------------------------------------------------------------------------

    def _section_start(self, request: scrapy.Request) -> scrapy.Request:
        """The first listing page of a section the run must reach (the verdict's ``sections`` rule:
        ``sections/requested/<site>/<section>``, then ``…/listed/…`` or ``…/failed/…``)."""
        section_id = f"{self.site_of(request.url).key}/{request.cb_kwargs['section'].key}"
        self.crawler.stats.set_value(f"sections/requested/{section_id}", 1)
        request.meta[SECTION_META] = section_id
        return request

    def _listing_request(self, section: Section, page: int) -> scrapy.Request:
        url = self.base_url + self.site.listing_path(section)
        if page > 1:
            url += "?" + urlencode({self.site.page_param: page})
        return scrapy.Request(url, callback=held(self.parse_listing), errback=self.on_error,
                              cb_kwargs={"section": section, "page": page},
                              meta=self.render_plan.listing_meta(section), priority=DISCOVERY_PRIORITY)

    def _article_request(self, entry: ListingEntry, site: Any = None,
                         key: tuple[str, str] | None | bool = False) -> scrapy.Request | None:
        """The request of a listed article, or None; ``site`` and ``key`` (its :func:`article_key`)
        when the caller has them already (a listing page computes each entry's once)."""
        site = self.site_of(entry.url, entry) if site is None else site
        key = article_key(site, entry.url) if key is False else key
        if key is None:
            self.crawler.stats.inc_value("listing/not_an_article_link")
            return None
        identity = key_identity(site, key)  # one article on every host, AMP copy or not
        if identity in self._requested_ids:
            self.crawler.stats.inc_value("listing/duplicate_article_link")
            return None
        if self.args.limit is not None and len(self._requested_ids) >= self.args.limit:
            self.settle_urls(site, entry.url)
            return None
        self._requested_ids.add(identity)
        self.crawler.stats.inc_value("articles/found")  # what the run saw, exported or known or not
        extra: dict[str, Any] = {}
        if self.incremental:
            decided = self.incremental.request_kwargs(identity, entry)
            if decided is None:
                self.settle_urls(site, entry.url)
                return None
            extra = decided
        return self._request(self.fetch_url(site, entry.url), entry, **extra)

    def _request(self, url: str, entry: ListingEntry | None, **kwargs: Any) -> scrapy.Request:
        meta = {**self.render_plan.article_meta(), **kwargs.pop("meta", {})}
        return scrapy.Request(url, callback=held(self.parse_article), errback=self.on_error,
                              cb_kwargs={"entry": entry}, meta=meta, **kwargs)

    def _older_than_since(self, entry: ListingEntry) -> bool:
        parsed = parse_date(entry.stamp or "")
        return parsed.date is not None and self.args.since is not None and parsed.date < self.args.since

    def ensure_replica(self) -> None:
        """``source=replica``: start the embedded replica (every site of the crawl, its feeds and
        sitemaps) on loopback ports, once; the crawl's sites move there."""
        if self.args.source != "replica" or self._replica_port is not None:
            return
        self.base_url = self.start_embedded_network()
        self._expect_replica({s.site.key: s.primary.catalogue for s in self._replica_port.sites})

    def _expect_replica(self, catalogues: dict[str, Any]) -> None:
        """How many articles the embedded replica lists in the crawled sections (the progress line's
        total), when the listings are read whole (no ``max_pages``/``since``; ``limit`` caps it)."""
        if self.args.discover != "listings" or self.args.max_pages or self.args.since:
            return
        total = 0
        for target in self.network.targets:
            sections = self.crawl_sections if target is self.network.primary else target.sections
            total += sum(len(catalogues[target.site.key].members(s)) for s in sections)
        if self.args.limit is not None:
            total = min(total, self.args.limit)
        self.crawler.stats.inc_value("progress/expected_articles", total)

    def _stop_replica(self, spider: scrapy.Spider) -> None:
        if self._replica_port is not None:
            self._replica_port.stopListening()

    @staticmethod
    def _domain(url: str) -> str:
        return urlsplit(url).hostname or ""


def _failure_reason(failure: Failure) -> str:
    """A short, stable name for why a request failed: ``http_503``, ``TimeoutError``, ``too_large``
    (bigger than ``DOWNLOAD_MAXSIZE``), or the ``reason`` our own exceptions carry (``bad_encoding``,
    ``offsite_redirect``), …"""
    from scrapy.exceptions import DownloadCancelledError
    from scrapy.spidermiddlewares.httperror import HttpError

    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    if failure.check(DownloadCancelledError) and "max size" in str(failure.value):
        return "too_large"
    reason = getattr(failure.value, "reason", None)
    return reason if isinstance(reason, str) else type(failure.value).__name__
