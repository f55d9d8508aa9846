"""The site spider: section listings → pagination → article pages, driven by a site definition."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Any
from urllib.parse import urlencode, urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from newscrawl.arguments import CrawlArguments
from newscrawl.dates import parse_date
from newscrawl.extract import (
    ListingEntry,
    article_identity,
    article_key,
    listing_entries,
    load_article,
    next_page_url,
)
from newscrawl.feeds import apply_feed_preset
from newscrawl.incremental import IncrementalState, identity_of
from newscrawl.sites import get_site
from newscrawl.sites.base import Section
from newscrawl.state import StateStore


class ArabsTodaySpider(scrapy.Spider):
    """Crawl «العرب اليوم» (or a sister site of its CMS): every section, every page, every article.

    Arguments (``-a name=value``):

    * ``site`` (str, default ``arabstoday``): key of the site definition in ``newscrawl.sites``.
    * ``source`` (``live`` | ``replica``, default ``live``): ``replica`` starts the embedded replica
      of the publisher on a free loopback port inside the crawl and crawls it.
    * ``base_url`` (URL, default: the site's own): crawl a running replica or a mirror instead.
    * ``sections`` (comma list of section keys, default all): e.g. ``syria,economy,writers``.
    * ``max_pages`` (int ≥ 1, default unlimited): listing pages followed per section.
    * ``since`` (ISO date, default none): stop paginating a section at entries published before it.
    * ``limit`` (int ≥ 1, default unlimited): request at most this many articles.
    * ``replica_articles`` (int, default 300) and ``replica_seed`` (int, default 1): size and
      content seed of the embedded replica (``source=replica`` only).
    * ``state`` (path, default the ``NEWSCRAWL_STATE`` setting, none): SQLite file of the incremental
      state; only new or changed articles are exported, failures of the last run are retried first.
    * ``full`` (bool, default 0): ignore the stored state (everything is exported, state refreshed).
    """

    name = "arabstoday"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args = CrawlArguments.from_kwargs(kwargs)
        super().__init__(*args, **kwargs)
        self.site = get_site(self.args.site)
        keys = self.args.sections or tuple(s.key for s in self.site.sections)
        self.crawl_sections: tuple[Section, ...] = tuple(self.site.section(k) for k in keys)
        self.base_url = self.args.base_url or self.site.base_url
        self.allowed_domains = [self._domain(self.base_url)]
        self._requested_ids: set[tuple[str, str]] = set()
        self._replica_port: Any = None
        self.incremental: IncrementalState | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ArabsTodaySpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        apply_feed_preset(crawler.settings)
        if spider.args.source == "replica" or spider.args.base_url:
            # A local replica or mirror: no politeness delays against our own loopback server.
            for name, value in (("AUTOTHROTTLE_ENABLED", False), ("DOWNLOAD_DELAY", 0),
                                ("CONCURRENT_REQUESTS_PER_DOMAIN", 16)):
                if crawler.settings.getpriority(name) <= crawler.settings.getpriority("BOT_NAME"):
                    crawler.settings.set(name, value, priority="spider")
        state_path = spider.args.state or crawler.settings.get("NEWSCRAWL_STATE")
        if state_path:
            spider.incremental = IncrementalState(crawler, StateStore(state_path), full=spider.args.full)
        crawler.signals.connect(spider._stop_replica, signal=signals.spider_closed)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        if self.args.source == "replica" and not self.args.base_url:
            self.base_url = self._start_replica()
            self.allowed_domains = [self._domain(self.base_url)]
        if self.incremental:
            for failure in self.incremental.store.failures():
                entry = ListingEntry(**failure.meta["entry"]) if "entry" in failure.meta else None
                self.crawler.stats.inc_value("failures/retried_from_last_run")
                yield self._request(failure.url, entry, priority=10)
        for section in self.crawl_sections:
            yield self._listing_request(section, page=1)

    def parse_listing(self, response: Response, section: Section, page: int) -> Any:
        """Follow each article entry of a listing page, then the next page."""
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("listing/not_html")
            return
        stop = False
        for entry in listing_entries(response, self.site, section):
            if self.args.since and self._older_than_since(entry):
                stop = True
                continue
            request = self._article_request(entry)
            if request is not None:
                yield request
        next_url = next_page_url(response, self.site)
        if next_url and not stop and (self.args.max_pages is None or page < self.args.max_pages):
            yield scrapy.Request(next_url, callback=self.parse_listing, errback=self.on_error,
                                 cb_kwargs={"section": section, "page": page + 1})

    def parse_article(self, response: Response, entry: ListingEntry) -> Any:
        """One article page → one :class:`~newscrawl.items.Article`."""
        if self.incremental and self.incremental.not_modified(response):
            return
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("article/not_html")
            self.logger.warning("Not an HTML page, no article: %s", response.url)
            return
        item = load_article(response, self.site, entry)
        if self.incremental:
            self.incremental.seen_response(identity_of(item), response)
        yield item

    def on_error(self, failure: Failure) -> None:
        """A request that failed for good (after retries): count it and keep it for the next run."""
        request = failure.request
        reason = _failure_reason(failure)
        self.crawler.stats.inc_value(f"failures/{reason}")
        self.logger.warning("Failed for good (%s): %s", reason, request.url)
        if self.incremental:
            entry = request.cb_kwargs.get("entry")
            meta = {"entry": asdict(entry)} if entry else {}
            attempts = request.meta.get("retry_times", 0) + 1
            self.incremental.store.record_failure(request.url, reason, attempts, meta)

    # -- helpers -----------------------------------------------------------------------------------

    def _listing_request(self, section: Section, page: int) -> scrapy.Request:
        url = self.base_url + self.site.listing_path(section)
        if page > 1:
            url += "?" + urlencode({self.site.page_param: page})
        return scrapy.Request(url, callback=self.parse_listing, errback=self.on_error,
                              cb_kwargs={"section": section, "page": page})

    def _article_request(self, entry: ListingEntry) -> scrapy.Request | None:
        key = article_key(self.site, entry.url)
        if key is None:
            self.crawler.stats.inc_value("listing/not_an_article_link")
            return None
        if key in self._requested_ids:
            self.crawler.stats.inc_value("listing/duplicate_article_link")
            return None
        if self.args.limit is not None and len(self._requested_ids) >= self.args.limit:
            return None
        self._requested_ids.add(key)
        extra: dict[str, Any] = {}
        if self.incremental:
            decided = self.incremental.request_kwargs(article_identity(self.site, entry.url), entry)
            if decided is None:
                return None
            extra = decided
        return self._request(entry.url, entry, **extra)

    def _request(self, url: str, entry: ListingEntry | None, **kwargs: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_error,
                              cb_kwargs={"entry": entry}, **kwargs)

    def _older_than_since(self, entry: ListingEntry) -> bool:
        parsed = parse_date(entry.stamp or "")
        return parsed.date is not None and self.args.since is not None and parsed.date < self.args.since

    def _start_replica(self) -> str:
        from newscrawl.replica import Catalogue, listen

        catalogue = Catalogue(articles=self.args.replica_articles, seed=self.args.replica_seed)
        self._replica_port = listen(catalogue, port=0, host="127.0.0.1")
        url = f"http://127.0.0.1:{self._replica_port.getHost().port}"
        self.logger.info("Embedded replica serving %s (%d articles, seed %d)", url,
                         self.args.replica_articles, self.args.replica_seed)
        return url

    def _stop_replica(self, spider: scrapy.Spider) -> None:
        if self._replica_port is not None:
            self._replica_port.stopListening()

    @staticmethod
    def _domain(url: str) -> str:
        return urlsplit(url).hostname or ""


def _failure_reason(failure: Failure) -> str:
    """A short, stable name for why a request failed: ``http_503``, ``TimeoutError``, …"""
    from scrapy.spidermiddlewares.httperror import HttpError

    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    return type(failure.value).__name__
