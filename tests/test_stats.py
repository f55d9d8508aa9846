"""The project's stats collector: Scrapy's behaviour, plain attribute access."""

from __future__ import annotations

from scrapy import Spider
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from newscrawl import settings as project_settings
from newscrawl.stats import StatsCollector


def test_the_project_uses_it() -> None:
    assert project_settings.STATS_CLASS == "newscrawl.stats.StatsCollector"


def test_it_counts_as_scrapys_does() -> None:
    crawler = get_crawler(Spider, {})
    ours, scrapys = StatsCollector(crawler), MemoryStatsCollector(crawler)
    for stats in (ours, scrapys):
        stats.inc_value("a")
        stats.inc_value("a", 2)
        stats.inc_value("b", start=10)
        stats.max_value("m", 3)
        stats.max_value("m", 1)
        stats.min_value("n", 3)
        stats.min_value("n", 1)
        stats.set_value("s", "x")
        stats.inc_value("c", spider=None)  # the deprecated argument is still accepted
    assert ours.get_stats() == scrapys.get_stats() == {"a": 3, "b": 11, "m": 3, "n": 1, "s": "x", "c": 1}
    assert ours.get_value("a") == 3 and ours.get_value("z", 7) == 7
    assert type(ours).__getattribute__ is object.__getattribute__  # no per-access shim
