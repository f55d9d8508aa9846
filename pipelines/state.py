"""StatePipeline: export only what is new or changed since the last run (``-a state=PATH``)."""

from __future__ import annotations

from typing import Any, NoReturn

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.frontier_keys import FATAL_STAT, RedisUnavailable
from newscrawl.identities import IdentitySet
from newscrawl.incremental import identity_of


class StatePipeline:
    """Mark each item ``new`` or ``updated`` (field ``change``); drop one exported before unchanged.

    Also drops a second copy of the same article within one run (``state/duplicate_in_run``), which
    happens when a resumed crawl (JOBDIR) meets an article both in its saved queue and in a listing.
    Without a state store, only the in-run duplicate check applies. With the shared Redis store
    (distributed mode) the export is claimed atomically first, so of several processes holding the
    same article version only one exports it (``state/claimed_elsewhere`` counts the others).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self._seen = IdentitySet()  # compact: no Python object per article

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        key = identity_of(adapter)
        if not self._seen.add(key):
            self.stats.inc_value("state/duplicate_in_run")
            raise DropItem(f"duplicate_in_run: {adapter['url']}", log_level="INFO")
        incremental = getattr(self.crawler.spider, "incremental", None)
        change = incremental.classify(key, adapter) if incremental else "new"
        self.stats.inc_value(f"state/{change}")
        if change == "unchanged":
            raise DropItem(f"unchanged: {adapter['url']}", log_level="DEBUG")
        if incremental and incremental.story_claim is not None:  # distributed mode, not blocking
            return self._claimed_with_story(incremental, key, adapter, item, change)
        if incremental and not self._claim(incremental, key, adapter):
            self._claimed_elsewhere(adapter)
        adapter["change"] = change
        return item

    async def _claimed_with_story(self, incremental: Any, key: str, adapter: ItemAdapter, item: Any,
                                  change: str) -> Any:
        """The item once claimed with its story decided (one round trip, awaited: the crawl goes on)."""
        try:
            won = await incremental.claim_with_story(key, adapter)
        except RedisUnavailable as exc:
            self._unavailable(exc, adapter)
        if not won:
            self._claimed_elsewhere(adapter)
        adapter["change"] = change
        return item

    def _claimed_elsewhere(self, adapter: ItemAdapter) -> NoReturn:
        # distributed mode: another live process exports this article (or just did)
        self.stats.inc_value("state/claimed_elsewhere")
        raise DropItem(f"claimed_elsewhere: {adapter['url']}", log_level="INFO")

    def _claim(self, incremental: Any, key: str, adapter: ItemAdapter) -> bool:
        try:
            return incremental.claim(key, adapter)
        except RedisUnavailable as exc:
            self._unavailable(exc, adapter)

    def _unavailable(self, exc: RedisUnavailable, adapter: ItemAdapter) -> NoReturn:
        """The shared state is gone: nothing more can be exported (the run stops, status 1)."""
        self.stats.inc_value("state/unavailable")
        if not self.stats.get_value(FATAL_STAT):
            self.stats.set_value(FATAL_STAT, str(exc))
            _close(self.crawler, "state_unavailable")
        raise DropItem(f"state_unavailable: {adapter['url']}", log_level="INFO") from None


def _close(crawler: Crawler, reason: str) -> None:
    from scrapy.utils.defer import deferred_from_coro

    if crawler.engine is not None and crawler.engine.spider is not None:
        deferred_from_coro(crawler.engine.close_spider_async(reason=reason))
