"""Progress of a crawl: one concise log line every ``NEWSCRAWL_PROGRESS_INTERVAL`` seconds (default 10).

    Progress: 412 pages, 388 articles exported (41.3/s), 2 failed, 64% of 610 articles, ETA 0:00:05

Pages are responses received; articles exported are items that reached the feeds; the rate is that of
the last interval; failures are pages that failed for good (``failures/<reason>``). When the crawl
knows how many articles it will handle — the stat ``progress/expected_articles``, set by whatever
knows it (the embedded replica, a back-fill id range, sitemap totals; several sites add up) — the line
adds the share done and an ETA. An article is done once it was exported, dropped, skipped as unchanged,
failed for good or found missing. A last line is logged when the crawl closes. ``0`` turns it off.
Scrapy's own 60-second ``LogStats`` line is left as it is.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector
from scrapy.utils.asyncio import create_looping_call

logger = logging.getLogger(__name__)

INTERVAL_SETTING = "NEWSCRAWL_PROGRESS_INTERVAL"
EXPECTED_STAT = "progress/expected_articles"
#: Stats that each count articles finished one way or another (with every ``failures/…`` stat).
DONE_STATS: tuple[str, ...] = (
    "item_scraped_count",  # exported
    "item_dropped_count",  # dropped by a pipeline (validation, unchanged, duplicate)
    "incremental/skipped_unchanged",  # not downloaded: unchanged since the last run
    "backfill/missing_id",  # an id with no article
)
FAILURES_PREFIX = "failures/"


@dataclass(frozen=True)
class Counts:
    """What the stats say at one moment."""

    pages: int
    exported: int
    failures: int
    done: int
    expected: int | None
    at: float  # monotonic seconds

    @classmethod
    def of(cls, stats: StatsCollector, at: float) -> Counts:
        values = stats.get_stats()
        failures = sum(v for k, v in values.items() if k.startswith(FAILURES_PREFIX) and isinstance(v, int))
        expected = values.get(EXPECTED_STAT)
        return cls(pages=values.get("response_received_count", 0),
                   exported=values.get("item_scraped_count", 0), failures=failures,
                   done=sum(values.get(k, 0) for k in DONE_STATS) + failures,
                   expected=int(expected) if expected else None, at=at)


def progress_line(now: Counts, before: Counts, start: float) -> str:
    """The progress line of ``now``, with rates over the interval since ``before``."""
    span = max(now.at - before.at, 1e-9)
    rate = (now.exported - before.exported) / span
    line = f"{now.pages} pages, {now.exported} articles exported ({rate:.1f}/s), {now.failures} failed"
    if now.expected:
        share = min(now.done / now.expected, 1.0)
        line += f", {share:.0%} of {now.expected} articles"
        done_rate = (now.done - before.done) / span or now.done / max(now.at - start, 1e-9)
        remaining = max(now.expected - now.done, 0)
        if remaining and done_rate > 0:
            line += f", ETA {_duration(remaining / done_rate)}"
    return line


def _duration(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


class Progress:
    """The extension: logs :func:`progress_line` every interval, and once more when the crawl closes."""

    def __init__(self, stats: StatsCollector, interval: float) -> None:
        self.stats = stats
        self.interval = interval
        self.task: Any = None
        self.start = self.last = Counts(0, 0, 0, 0, None, time.monotonic())

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        interval = crawler.settings.getfloat(INTERVAL_SETTING)
        if interval <= 0:
            raise NotConfigured
        extension = cls(crawler.stats, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.start = self.last = Counts.of(self.stats, time.monotonic())
        self.task = create_looping_call(self.log)
        self.task.start(self.interval, now=False)

    def log(self, final: bool = False) -> None:
        now = Counts.of(self.stats, time.monotonic())
        before = self.start if final else self.last  # the last line: rates over the whole crawl
        line = progress_line(now, before, self.start.at)
        logger.info("Progress%s: %s", " (finished)" if final else "", line)
        self.last = now

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        self.log(final=True)
