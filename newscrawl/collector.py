"""Python's cyclic garbage collector, tuned for a long crawl (``NEWSCRAWL_GC_FREEZE``,
``NEWSCRAWL_GC_THRESHOLD``).

Measured on a 2,000-article crawl of the replica (BENCHMARKS.md, "Cheaper per page"): the collector
took ~11 % of the crawl process's CPU, most of it in full collections, each of which walks every
object of the process — Scrapy, Twisted, numpy and the project's modules, loaded once and alive
until the end. :func:`gc.freeze` at spider open moves those objects out of the collector's sight
(they are still freed by reference counting); a larger first threshold makes the collector run
less often between pages. Memory is not changed: what is frozen was alive anyway.
"""

from __future__ import annotations

import gc
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


def gc_thresholds(values: list[Any]) -> tuple[int, ...]:
    """``NEWSCRAWL_GC_THRESHOLD`` read: up to three whole numbers, none negative (empty: Python's own).
    ValueError, naming the setting, for anything else (the crawl command checks it before crawling)."""
    try:
        thresholds = tuple(int(str(n).strip()) for n in values if str(n).strip())
    except ValueError:
        thresholds = (-1,)
    if len(thresholds) > 3 or any(n < 0 for n in thresholds):
        raise ValueError(f"NEWSCRAWL_GC_THRESHOLD={','.join(map(str, values))!r}: expected up to 3 whole "
                         "numbers, none negative (e.g. 5000,10,10), or empty for Python's own")
    return thresholds


class CollectorTuning:
    """Extension: freeze the objects alive at spider open, set the collector's thresholds; both undone
    at spider close (several crawls may run in one process: tests, ``scrapy check``)."""

    def __init__(self, freeze: bool, thresholds: tuple[int, ...]) -> None:
        self.freeze = freeze
        self.thresholds = thresholds
        self._previous: tuple[int, ...] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CollectorTuning:
        thresholds = gc_thresholds(crawler.settings.getlist("NEWSCRAWL_GC_THRESHOLD"))
        freeze = crawler.settings.getbool("NEWSCRAWL_GC_FREEZE")
        if not freeze and not thresholds:
            raise NotConfigured
        extension = cls(freeze, thresholds)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Any) -> None:
        if self.thresholds:
            self._previous = gc.get_threshold()
            gc.set_threshold(*self.thresholds)
        if self.freeze:
            gc.collect()  # what is garbage now is not frozen with the rest
            gc.freeze()

    def spider_closed(self, spider: Any) -> None:
        if self.freeze:
            gc.unfreeze()
        if self._previous is not None:
            gc.set_threshold(*self._previous)
            self._previous = None
