"""The database sink (``-s NEWSCRAWL_DATABASE=URL``): every exported article upserted into SQL tables.

The database is one more feed of the crawl, so it has the feeds' guarantee and fits the machinery
that relies on it. :class:`DatabaseAddon` adds a feed whose storage is :class:`DatabaseFeedStorage`:
the feed exporter writes each item to the batch's temporary JSON Lines file, exactly as to a feed
file, and storing a batch (every ``NEWSCRAWL_DATABASE_BATCH`` items, and the rest when the spider
closes) upserts its records in one transaction (:func:`newscrawl.database.store_articles`). The
incremental state (and in distributed mode the frontier's leases) waits until every feed holding an
article is stored, so an article is recorded as exported only once its batch is committed; a killed
run's articles are exported again by the next run, and the upserts make that harmless.

:class:`DatabaseSink` connects and migrates the schema when the spider opens. A database that cannot
be reached then, or fails a batch later, ends the crawl with ``verdict/fatal`` (status 1) and a
one-line reason; the articles of a failed batch are not recorded in the state.
"""

from __future__ import annotations

import json
import logging
from typing import IO, Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.extensions.feedexport import BlockingFeedStorage
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from scrapy.utils.asyncio import run_in_thread
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future

from newscrawl.incremental import identity_of

logger = logging.getLogger(__name__)

SCHEME = "newscrawl-database"
FATAL_STAT = "verdict/fatal"
CLOSE_REASON = "database_unavailable"


class DatabaseAddon:
    """Scrapy add-on: with ``NEWSCRAWL_DATABASE`` set, the database feed and :class:`DatabaseSink`.

    It runs once the spider has chosen its feeds (``-o``/``-O``, a preset), and adds the database
    beside them. The feed's URI names the database without its password (Scrapy logs feed URIs);
    the storage reads the real URL from the setting.
    """

    def update_settings(self, settings: BaseSettings) -> None:
        url = settings.get("NEWSCRAWL_DATABASE")
        if not url:
            return
        _raise(settings, "EXTENSIONS", {"newscrawl.sink.DatabaseSink": 400})
        _raise(settings, "FEED_STORAGES", {SCHEME: "newscrawl.sink.DatabaseFeedStorage"})
        batch = max(1, settings.getint("NEWSCRAWL_DATABASE_BATCH", 500))
        uri = f"{SCHEME}:{_safe_name(url).replace('%', '%%')}#batch-%(batch_id)d"
        _raise(settings, "FEEDS", {uri: {"format": "jsonlines", "encoding": "utf-8",
                                         "batch_item_count": batch, "store_empty": False}})


def _raise(settings: BaseSettings, name: str, entries: dict[str, Any]) -> None:
    """Add ``entries`` to the dict setting ``name``, keeping what is there and its priority."""
    priority = max(settings.getpriority(name) or 0, SETTINGS_PRIORITIES["addon"])
    settings.set(name, settings.getdict(name) | entries, priority=priority)


def _safe_name(url: str) -> str:
    try:
        from newscrawl.database import database_url, redacted

        return redacted(database_url(url))
    except Exception:  # noqa: BLE001 - no SQLAlchemy, or not a URL: the sink reports it when it opens
        return "database"


class DatabaseSink:
    """The database of the crawl: connected and migrated when the spider opens, failures made fatal."""

    def __init__(self, crawler: Crawler) -> None:
        self.url = crawler.settings.get("NEWSCRAWL_DATABASE")
        if not self.url:
            raise NotConfigured
        self.crawler = crawler
        self.engine: Any = None  # sqlalchemy Engine, once open
        self.name = _safe_name(self.url)
        self._stopping = False
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DatabaseSink:
        return cls(crawler)

    async def spider_opened(self, spider: Any) -> None:
        try:
            from newscrawl.database import MIGRATIONS, DatabaseError, open_database
        except ImportError as exc:  # the optional extra is not installed
            self.fatal(f"NEWSCRAWL_DATABASE needs the database extra ({exc}): pip install -e '.[database]'")
            raise CloseSpider(CLOSE_REASON) from None
        try:
            self.engine = await run_in_thread(open_database, self.url)
        except DatabaseError as exc:
            self.fatal(str(exc))
            raise CloseSpider(CLOSE_REASON) from None
        self.crawler.stats.set_value("database/schema_version", MIGRATIONS[-1][0])
        logger.info("Database sink: %s", self.name)

    def engine_stopped(self) -> None:
        if self.engine is not None:
            self.engine.dispose()

    def fatal(self, reason: str) -> None:
        """Record the run's failure (the first reason wins) and stop the crawl."""
        stats = self.crawler.stats
        if not stats.get_value(FATAL_STAT):
            stats.set_value(FATAL_STAT, reason)
        logger.error("%s", reason)
        engine = self.crawler.engine
        if self._stopping or engine is None or engine.spider is None:
            return
        self._stopping = True
        closing = deferred_from_coro(engine.close_spider_async(reason=CLOSE_REASON))
        closing.addErrback(lambda failure: failure.trap(RuntimeError))  # it had closed already

    def store(self, records: list[tuple[str, dict[str, Any]]]) -> Any:
        """Upsert one batch in one transaction (in a worker thread); :class:`~newscrawl.database.Stored`."""
        from newscrawl.database import DatabaseError, one_line, store_articles

        if self.engine is None:
            raise DatabaseError(f"database {self.name} is not open")
        try:
            with self.engine.begin() as conn:
                return store_articles(conn, records)
        except Exception as exc:  # noqa: BLE001 - any driver error: the batch is not stored
            raise DatabaseError(f"database {self.name} failed: {one_line(exc)}") from None


def database_sink(crawler: Crawler) -> DatabaseSink | None:
    for ext in crawler.extensions.middlewares:
        if isinstance(ext, DatabaseSink):
            return ext
    return None


class DatabaseFeedStorage(BlockingFeedStorage):
    """A batch of the database feed: the exporter's JSON Lines file, upserted when the batch closes.

    ``stored`` says whether the batch was committed (:func:`newscrawl.feeds.slot_stored`).
    """

    def __init__(self, uri: str, crawler: Crawler, *, feed_options: dict[str, Any] | None = None) -> None:
        self.uri = uri
        self.crawler = crawler
        self.stored = False
        self.result: Any = None  # what the upsert did (newscrawl.database.Stored)
        self._sink: DatabaseSink | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, uri: str, *,
                     feed_options: dict[str, Any] | None = None) -> DatabaseFeedStorage:
        return cls(uri, crawler, feed_options=feed_options)

    async def store(self, file: IO[bytes]) -> None:  # type: ignore[override]
        sink = database_sink(self.crawler)
        stats = self.crawler.stats
        try:
            if sink is None:
                raise RuntimeError("the database sink is not enabled")
            self._sink = sink
            await maybe_deferred_to_future(super().store(file))
        except Exception as exc:
            stats.inc_value("database/batches_failed")
            if sink is not None:
                sink.fatal(f"{exc}; the articles of this batch are not recorded as exported and"
                           f" will be exported again by the next run")
            raise
        self.stored = True
        stats.inc_value("database/batches")
        for name in ("rows", "revisions", "stale"):
            stats.inc_value(f"database/{name}", getattr(self.result, name))

    def _store_in_thread(self, file: IO[bytes]) -> None:
        file.seek(0)
        records = []
        for line in file:
            if line.strip():
                record = json.loads(line)
                records.append((identity_of(record), record))
        file.close()
        assert self._sink is not None
        self.result = self._sink.store(records)
