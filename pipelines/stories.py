"""StoryPipeline: one story, one ``story_id``, across every site that republished it."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.frontier_keys import RedisUnavailable
from newscrawl.incremental import identity_of
from newscrawl.signature import signature
from newscrawl.state import StateError
from newscrawl.stories import Assignment, StoryBackend, StoryIndex, copy_mode
from newscrawl.stories_sqlite import memory_store

logger = logging.getLogger(__name__)

_STAT_NAMES = {"original": "original", "known": "known", "exact": "copy_exact", "near": "copy_near"}


class StoryPipeline:
    """Set ``story_id`` and ``copy_of`` (see :mod:`newscrawl.stories`).

    The index is the crawl's state when it has one (``-a state=``: SQLite; Redis in distributed
    mode), so later runs and other processes link their copies to the same stories; without a state
    it lasts the run. With ``NEWSCRAWL_STORY_COPIES=count`` a copy is left out of the feed and only
    counted (``stories/copies_left_out``). Stats: ``stories/original``, ``stories/copy_exact``,
    ``stories/copy_near``, ``stories/known``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.mode = copy_mode(crawler.settings.get("NEWSCRAWL_STORY_COPIES"))
        self.index: StoryIndex | None = None
        self._decided: dict[str, Assignment] = {}  # identity -> decided with its claim, not yet applied

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoryPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self._open()
        incremental = getattr(self.crawler.spider, "incremental", None)
        if incremental is not None and hasattr(incremental.store, "claim_with_story_async"):
            incremental.story_claim = self._claim_with_story

    async def _claim_with_story(self, key: str, item: Any, content_fp: str, force: bool) -> bool:
        """The state pipeline's claim (distributed mode), taken with the article's story decision in
        one round trip: the decision waits here for :meth:`process_item`, next in the pipelines
        (nothing may change the title or body in between). Lost: nothing decided, nothing written."""
        adapter = item if isinstance(item, ItemAdapter) else ItemAdapter(item)
        found = await self.crawler.spider.incremental.store.claim_with_story_async(
            key, content_fp, signature(adapter.get("title"), adapter.get("body")), force=force)
        if found is None:
            return False
        self._decided[key] = found
        return True

    def _open(self) -> StoryIndex:
        """The index: in the crawl's state when it has one, else in memory for this run."""
        incremental = getattr(self.crawler.spider, "incremental", None)
        backend: StoryBackend = incremental.store.stories() if incremental else memory_store()
        self.index = StoryIndex(backend)
        return self.index

    def close_spider(self) -> None:
        """Write the last decisions to the state (before it closes, once the engine stops)."""
        if self.index is not None:
            try:
                self.index.backend.flush()
            except sqlite3.Error as exc:
                self._state_failed(exc)

    def _state_failed(self, exc: sqlite3.Error) -> None:
        """The story index in the state file cannot be written: the state failed (status 1 by the
        ``state`` rule, one line, the crawl stops), as when the state itself cannot be."""
        incremental = getattr(self.crawler.spider, "incremental", None)
        if incremental is None:  # an index in memory: not the state
            raise exc
        where = getattr(incremental.store, "path", "of the crawl")
        incremental.failed(StateError(f"state file {where}: the story index could not be written: {exc}"))

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        index = self.index or self._open()
        identity = identity_of(adapter)
        try:
            found = self._decided.pop(identity, None) or index.assign(
                identity, signature(adapter.get("title"), adapter.get("body")))
        except RedisUnavailable:  # the shared index is gone: the run stops (verdict/fatal), unexported
            self.crawler.stats.inc_value("stories/unavailable")
            raise DropItem(f"stories_unavailable: {adapter['url']}", log_level="INFO") from None
        except sqlite3.Error as exc:  # the state file's index: the run stops (state rule), unexported
            self._state_failed(exc)
            self.crawler.stats.inc_value("stories/unavailable")
            raise DropItem(f"stories_unavailable: {adapter['url']}", log_level="INFO") from None
        adapter["story_id"] = found.story_id
        adapter["copy_of"] = found.copy_of
        stats = self.crawler.stats
        stats.inc_value(f"stories/{_STAT_NAMES[found.match]}")
        if found.is_copy:
            stats.inc_value("stories/copies")
            logger.debug("%s is a copy (%s, %.2f) of %s, story %s", identity, found.match, found.similarity,
                         found.copy_of, found.story_id)
            if self.mode == "count":
                stats.inc_value("stories/copies_left_out")
                raise DropItem(f"copy_of {found.copy_of}: {adapter['url']}", log_level="DEBUG")
        return item
