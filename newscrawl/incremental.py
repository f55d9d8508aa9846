"""Incremental crawling: decide what to download and what to export, from the durable state.

Scrapy glue around :class:`~newscrawl.state.StateStore`. The spider asks :meth:`request_kwargs`
before requesting an article; the state pipeline asks :meth:`classify` before exporting one; the
state is written only when a feed file (or batch) holding the article has been stored (the storage
says it succeeded, :func:`newscrawl.feeds.slot_stored`), so an article is never marked exported
before it is safely in a feed. A store that fails while in use (:class:`~newscrawl.state.StateError`)
ends the crawl: ``state/error`` holds the reason (the verdict's ``state`` rule, status 1).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro

from newscrawl.extract import ListingEntry, article_identity
from newscrawl.feeds import SpooledAwaitingStorage, slot_stored, slots_for, written_slots
from newscrawl.sites import SITES, get_site
from newscrawl.state import ArticleState, StateError, fingerprint
from newscrawl.stores import StateBackend

logger = logging.getLogger(__name__)

#: Request meta carrying the listing entry's fingerprint to whichever process downloads the article
#: (in distributed mode the listing and the article are often parsed by different processes).
LISTING_FP_META = "newscrawl_listing_fp"
#: One-line reason the state failed during the crawl (the verdict's ``state`` rule).
STATE_ERROR_STAT = "state/error"


def listing_fingerprint(entry: ListingEntry) -> str | None:
    """The fingerprint of an article's listing entry (its thumbnail by path, whatever the host).

    None for an article found by a feed, a sitemap or an id (``entry.source``): what they print is
    no listing entry, and a listing crawl must not take the difference for a change."""
    if getattr(entry, "source", "listing") != "listing":
        return None
    return fingerprint(entry.title, entry.summary, entry.stamp, without_origin(entry.thumbnail))


def content_fingerprint(item: Any) -> str:
    """The fingerprint of what an article says: its text fields, its update stamp and its image —
    the image by its path, not its host, so the same article served from another origin (another
    ``base_url``, a mirror) is unchanged."""
    return fingerprint(item.get("title"), item.get("subtitle"), item.get("body"), item.get("updated_raw"),
                       without_origin(item.get("image_url")), item.get("image_caption"), item.get("author"))


def legacy_content_fingerprint(item: Any) -> str:
    """The fingerprint earlier versions wrote to the state: with the image's full URL, host included.
    Still accepted as "unchanged", so upgrading does not export every article again as updated."""
    return fingerprint(item.get("title"), item.get("subtitle"), item.get("body"), item.get("updated_raw"),
                       item.get("image_url"), item.get("image_caption"), item.get("author"))


def without_origin(url: str | None) -> str | None:
    """``url`` without its scheme and host (``http://h:1/a/b.jpg?v=2`` → ``/a/b.jpg?v=2``)."""
    if not url or "//" not in url:
        return url
    start = url.find("//") + 2
    cut = min((pos for pos in (url.find(mark, start) for mark in "/?#") if pos != -1), default=len(url))
    return url[cut:] or "/"


class IncrementalState:
    """The state of one crawl. ``full=True`` ignores what is stored but still records what is exported."""

    def __init__(self, crawler: Crawler, store: StateBackend, full: bool = False) -> None:
        self.crawler = crawler
        self.store = store
        self.full = full
        # key -> validators and listing fp of a parsed article, until its item is exported or dropped
        self._responses: dict[str, dict[str, Any]] = {}
        # exported, until every feed holding them is stored; on disk, so memory stays flat at any N
        self._pending = SpooledAwaitingStorage()
        self._unstored = 0  # exported into a feed that failed to store, or not written to it
        self._exporting: dict[int, tuple[ArticleState, list[tuple[Any, int]]]] = {}  # id(item) -> …
        #: (key, item, content fp, force) -> claimed, awaited: set by the story pipeline when the store
        #: can take a claim and the article's story decision in one round trip (the Redis store).
        self.story_claim: Callable[[str, Any, str, bool], Awaitable[bool]] | None = None
        crawler.signals.connect(self._item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self._item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self._item_dropped, signal=signals.item_error)
        crawler.signals.connect(self._feed_slot_closed, signal=signals.feed_slot_closed)
        crawler.signals.connect(self._spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self._spider_opened, signal=signals.spider_opened)

    @property
    def stats(self) -> Any:
        """The crawl's stats, looked up late: Scrapy ≥2.19 sets them only once the crawl starts."""
        return self.crawler.stats

    # -- before download -------------------------------------------------------------------------

    def prefetch(self, keys: Iterable[str]) -> None:
        """The states of a listing page's articles, read at once (one round trip to a shared store)."""
        if not self.full:
            try:
                self.store.prefetch(keys)
            except StateError as exc:
                raise self._unusable(exc) from None

    def request_kwargs(self, key: str, entry: ListingEntry) -> dict[str, Any] | None:
        """Extra Request arguments for an article, or None when it must not be downloaded at all."""
        fp = listing_fingerprint(entry)  # carried in the request's meta to seen_response
        known = None if self.full else self.known(key)
        carry = {"meta": {LISTING_FP_META: fp}}
        if known is None:
            return carry
        # A row exported by a feed, sitemap or back-fill crawl has no listing fingerprint to compare:
        # its validators decide (a conditional request), as for an unchanged listing entry.
        unlisted = known.listing_fp is None and bool(known.etag or known.last_modified)
        if known.listing_fp != fp and not unlisted:
            self.stats.inc_value("incremental/listing_changed")
            return carry
        headers = {}
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        if not headers:
            self.stats.inc_value("incremental/skipped_unchanged")
            return None
        return {"headers": headers, "meta": {"handle_httpstatus_list": [304], LISTING_FP_META: fp}}

    def not_modified(self, response: Response) -> bool:
        """True (and counted) when the server answered 304 to a conditional request."""
        if response.status != 304:
            return False
        self.stats.inc_value("incremental/skipped_unchanged")
        self.stats.inc_value("incremental/not_modified")
        return True

    def seen_response(self, key: str, response: Response) -> None:
        info = self._responses.setdefault(key, {})
        if response.meta.get(LISTING_FP_META):
            info["listing_fp"] = response.meta[LISTING_FP_META]
        info["etag"] = _header(response, b"ETag")
        info["last_modified"] = _header(response, b"Last-Modified")

    # -- before export ---------------------------------------------------------------------------

    def classify(self, key: str, item: Any) -> str:
        """``new``, ``updated`` or ``unchanged`` (already exported with the same content)."""
        known = None if self.full else self.known(key)
        if known is None:
            return "new"
        same = known.content_fp in (content_fingerprint(item), legacy_content_fingerprint(item))
        return "unchanged" if same else "updated"

    def claim(self, key: str, item: Any) -> bool:
        """Take the right to export this version (atomic in the shared Redis store; see its claim)."""
        try:
            return self.store.claim(key, content_fingerprint(item), force=self.full)
        except StateError as exc:
            raise self._unusable(exc) from None

    async def claim_with_story(self, key: str, item: Any) -> bool:
        """:meth:`claim` through :attr:`story_claim` (the story pipeline's: the article's story is
        decided in the same round trip, awaited without blocking the crawl)."""
        assert self.story_claim is not None
        try:
            return await self.story_claim(key, item, content_fingerprint(item), self.full)
        except StateError as exc:
            raise self._unusable(exc) from None

    def known(self, key: str) -> ArticleState | None:
        """What the store has of an article (a failing store ends the crawl)."""
        try:
            return self.store.get(key)
        except StateError as exc:
            raise self._unusable(exc) from None

    def record_failure(self, url: str, reason: str, attempts: int, meta: dict[str, Any]) -> None:
        """Keep a page that failed for good, to be retried first by the next run."""
        try:
            self.store.record_failure(url, reason, attempts, meta)
        except StateError as exc:
            raise self._unusable(exc) from None

    def failed(self, exc: StateError) -> StateError:
        """The state failed in another component's hands (the story index it holds): as below."""
        return self._unusable(exc)

    def _unusable(self, exc: StateError) -> StateError:
        """Record why the state failed (once), end the crawl, and give the error back to raise."""
        if self.stats.get_value(STATE_ERROR_STAT) is None:
            self.stats.set_value(STATE_ERROR_STAT, " ".join(str(exc).split()))
            logger.error("The incremental state failed, the crawl stops: %s", exc)
            engine = getattr(self.crawler, "engine", None)
            if engine is not None and engine.spider is not None:
                deferred_from_coro(engine.close_spider_async(reason="state_failed"))
        return exc

    # -- after export: mark durable once the feed is stored ---------------------------------------

    def _item_scraped(self, item: Any, response: Response, spider: Any) -> None:
        key = identity_of(item)
        info = self._responses.pop(key, {})
        # Plain str copies: a field straight from an XPath is an lxml "smart string" that keeps its
        # whole page tree alive, and these states wait for the feed to be stored (~200 KB a page).
        state = ArticleState(key=key, url=_plain(item["url"]), listing_fp=info.get("listing_fp"),
                             content_fp=content_fingerprint(item),
                             updated_raw=_plain(item.get("updated_raw")),
                             etag=info.get("etag"), last_modified=info.get("last_modified"))
        slots = slots_for(self.crawler, item)
        if not slots:
            self.stats.inc_value("incremental/not_in_any_feed")
            return
        # The feed exporter writes the item to its open slots (every feed, the current batch of each)
        # in its own item_scraped handler, after this one: _item_written checks that it did.
        self._exporting[id(item)] = (state, slots)

    def _item_written(self, item: Any, **kwargs: Any) -> None:
        """After the feed exporter's ``item_scraped`` handler (connected once the spider opens): the
        state waits for the slots the item was written to; an item the exporter failed to write is
        never recorded (the next run exports it again; the ``feed`` rule fails this run)."""
        entry = self._exporting.pop(id(item), None)
        if entry is None:
            return
        state, before = entry
        slots = written_slots(before)
        if slots is None:
            self._unstored += 1
            self.stats.inc_value("incremental/not_written")
            return
        self._pending.add(state, slots)

    def _item_dropped(self, item: Any, **kwargs: Any) -> None:
        """A parsed article not exported (invalid, unchanged, a duplicate): nothing to keep for it."""
        adapter = ItemAdapter(item)
        if adapter.get("url") and adapter.get("site") in SITES:
            self._responses.pop(identity_of(adapter), None)

    def _feed_slot_closed(self, slot: Any) -> None:
        committed = unrecorded = 0
        failure: StateError | None = None
        for stored, lost in self._pending.closed(slot, slot_stored(slot)):
            if lost:
                self._unstored += len(lost)
                self.stats.inc_value("incremental/not_stored", len(lost))
            if stored and failure is None:
                try:
                    self.store.mark_exported(stored)
                    committed += len(stored)
                    continue
                except StateError as exc:
                    failure = exc
            unrecorded += len(stored)  # in a stored feed, not in the state: exported again next run
        try:
            if committed:
                self.stats.set_value("incremental/state_size", self.store.count())
        except StateError as exc:
            failure = failure or exc
        if failure is not None:
            self._unusable(failure)
        if unrecorded:
            self.stats.inc_value("incremental/not_recorded_state_failed", unrecorded)
        if committed:
            self.stats.inc_value("incremental/state_committed", committed)

    def _spider_opened(self, spider: Any) -> None:
        # The store is closed (and its lock let go) once the engine has stopped: feeds are stored
        # (and committed here) during spider_closed, whose handlers run concurrently; and last of
        # the engine_stopped handlers, which run in the order they were connected — after the
        # extensions' (connected before the spider opens): the run's checks, its report and the run
        # history kept in the state file.
        self.crawler.signals.connect(self._engine_stopped, signal=signals.engine_stopped)
        # Handlers run in the order they were connected: this one after the feed exporter's.
        self.crawler.signals.connect(self._item_written, signal=signals.item_scraped)

    def _spider_closed(self, spider: Any) -> None:
        try:
            self.stats.set_value("incremental/state_size", self.store.count())
        except StateError as exc:
            self._unusable(exc)

    def _engine_stopped(self) -> None:
        lost = self._pending.pending() + self._unstored
        self._pending.close()
        if lost:
            logger.warning("%d exported articles were not recorded: their feed was not stored", lost)
        self.store.close()


def identity_of(item: Any) -> str:
    """The state key of an exported item (see :func:`~newscrawl.extract.article_identity`)."""
    return article_identity(get_site(item["site"]), item["url"])


def _plain(value: Any) -> str | None:
    return None if value is None else str(value)  # str() of a str subclass is a plain str


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
