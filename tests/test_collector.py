"""CollectorTuning: the garbage collector frozen and tuned for the crawl, restored after it."""

from __future__ import annotations

import gc

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from newscrawl.collector import CollectorTuning


def test_objects_are_frozen_and_thresholds_set_while_the_spider_runs() -> None:
    before = gc.get_threshold()
    crawler = get_crawler(settings_dict={"NEWSCRAWL_GC_FREEZE": True,
                                         "NEWSCRAWL_GC_THRESHOLD": [5000, 10, 10]})
    tuning = CollectorTuning.from_crawler(crawler)
    tuning.spider_opened(None)
    try:
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (5000, 10, 10)
    finally:
        tuning.spider_closed(None)
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before


def test_thresholds_alone_and_nothing_at_all() -> None:
    crawler = get_crawler(settings_dict={"NEWSCRAWL_GC_FREEZE": False, "NEWSCRAWL_GC_THRESHOLD": "900"})
    tuning = CollectorTuning.from_crawler(crawler)
    before = gc.get_threshold()
    tuning.spider_opened(None)
    assert gc.get_threshold()[0] == 900 and gc.get_freeze_count() == 0
    tuning.spider_closed(None)
    assert gc.get_threshold() == before
    with pytest.raises(NotConfigured):
        CollectorTuning.from_crawler(get_crawler(settings_dict={"NEWSCRAWL_GC_FREEZE": False,
                                                                "NEWSCRAWL_GC_THRESHOLD": []}))
    with pytest.raises(ValueError, match="NEWSCRAWL_GC_THRESHOLD"):
        CollectorTuning.from_crawler(get_crawler(settings_dict={"NEWSCRAWL_GC_THRESHOLD": [1, 2, 3, 4]}))
