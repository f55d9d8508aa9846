"""The crawl's stats collector (``STATS_CLASS``): Scrapy's, without a cost on every attribute read.

Scrapy 2.19's ``StatsCollector.__getattribute__`` wraps its methods to warn about the deprecated
``spider`` argument, and looks for a cached wrapper on *every* attribute access: a method call
whose body reads ``self._stats`` raises and catches an AttributeError each time. A crawl counts
40-odd stats per article page (Scrapy's downloader and scheduler, Spidermon's field coverage,
ours), so that was about 2 % of its CPU. This collector is Scrapy's ``MemoryStatsCollector`` with
plain attribute access: the same methods and stats, no deprecation warning for a ``spider=``
argument (which every method still accepts and ignores).
"""

from __future__ import annotations

from scrapy.statscollectors import MemoryStatsCollector


class StatsCollector(MemoryStatsCollector):
    """Scrapy's MemoryStatsCollector with ordinary attribute access (module docstring)."""

    __getattribute__ = object.__getattribute__
