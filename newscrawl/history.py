"""Run history and the picture of each run: every run's report kept, ``<feed>.report.html`` written.

:class:`RunHistory` hangs on :data:`newscrawl.signals.report_built`. It keeps the run's report, with
the articles per publication day it counted, where the crawl keeps its other durable data: the
database of ``NEWSCRAWL_DATABASE`` (table ``runs``, shared by the workers of a distributed crawl),
else the incremental state (``-a state=``: a ``runs`` table in the SQLite file, a list in Redis). A
run with neither keeps only its JSON report. It then writes the HTML page of the run
(:mod:`newscrawl.report_html`) beside the JSON report, with the trend over the last
``NEWSCRAWL_HISTORY_RUNS`` runs of the spider. ``scrapy runs`` prints the history as a table.
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import Any, Protocol

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawl.report_html import render_page
from newscrawl.signals import report_built
from newscrawl.sink import database_sink

logger = logging.getLogger(__name__)


class RunStore(Protocol):
    def add_run(self, spider: str, report: dict[str, Any]) -> None: ...

    def last_runs(self, limit: int, spider: str | None = None) -> list[dict[str, Any]]: ...


class DatabaseRuns:
    """The ``runs`` table of the article database."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine

    def add_run(self, spider: str, report: dict[str, Any]) -> None:
        from newscrawl.database import add_run

        with self.engine.begin() as conn:
            add_run(conn, spider, report)

    def last_runs(self, limit: int, spider: str | None = None) -> list[dict[str, Any]]:
        from newscrawl.database import last_runs

        with self.engine.connect() as conn:
            return last_runs(conn, limit, spider)


def html_path(report_path: str) -> Path:
    """``<feed>.report.html`` beside ``<feed>.report.json`` (any other name: ``.html`` appended)."""
    path = Path(report_path)
    return path.with_suffix(".html") if path.suffix == ".json" else path.with_name(path.name + ".html")


class RunHistory:
    """Scrapy extension: keep the run's report, write its HTML page (``NEWSCRAWL_HISTORY_*``)."""

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("NEWSCRAWL_HISTORY_ENABLED", True):
            raise NotConfigured
        self.crawler = crawler
        self.limit = max(1, crawler.settings.getint("NEWSCRAWL_HISTORY_RUNS", 20))
        self.days: Counter[str] = Counter()
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.report_built, signal=report_built)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunHistory:
        return cls(crawler)

    def item_scraped(self, item: Any) -> None:
        published = ItemAdapter(item).get("published_at")
        self.days[str(published)[:10] if published else ""] += 1  # ISO 8601 UTC: the date comes first

    def store(self) -> RunStore | None:
        sink = database_sink(self.crawler)
        if sink is not None:
            return DatabaseRuns(sink.engine) if sink.engine is not None else None
        incremental = getattr(self.crawler.spider, "incremental", None)
        return incremental.store if incremental is not None else None

    def report_built(self, report: dict[str, Any], path: str | None) -> None:
        spider = self.crawler.spider.name
        requested = [section.key for section in getattr(self.crawler.spider, "crawl_sections", ())]
        record = {**report, "spider": spider, "published_days": dict(sorted(self.days.items())),
                  "sections_requested": requested}
        earlier: list[dict[str, Any]] = []
        store = self.store()
        if store is not None:
            try:
                earlier = store.last_runs(self.limit - 1, spider)
                store.add_run(spider, record)
                self.crawler.stats.set_value("history/kept", 1)
            except Exception as exc:  # noqa: BLE001 - the history is lost for this run, not the crawl
                logger.error("The run history could not be kept: %s", str(exc).splitlines()[0])
        if path:
            page = html_path(path)
            title = f"newscrawl run report: {spider}, {str(record.get('start_time', ''))[:19]} UTC"
            page.write_text(render_page(record, earlier, title), encoding="utf-8")
            logger.info("Run report page: %s", page)
