"""Field coverage counts of newscrawl.monitors.Monitoring: Spidermon's own, on the same items."""

from __future__ import annotations

from typing import Any

import pytest
from scrapy.utils.test import get_crawler
from spidermon.contrib.scrapy.extensions import Spidermon

from newscrawl.items import Article
from newscrawl.monitors import Monitoring
from spiders.arabstoday import ArabsTodaySpider


class _Spider:
    """What item_scraped reads of the spider: its crawler."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler


def _article(**values: Any) -> Article:
    item = Article()
    for name in Article.fields:
        item[name] = values.get(name)
    return item


ITEMS = [
    _article(url="https://x/1", title="عنوان", body="نص", other_urls=[],
             related=[{"title": "t", "url": None}],
             language="ar", subtitle="", author="N/A", dateline="-", image_url="-x", date_issues=[]),
    _article(url="https://x/2", title="N/A", summary=0, change=False, copy_of=" "),
    _article(url="https://x/3", related={"title": "a dict: Spidermon's own path"}, story_id={}),
    {"url": "https://x/4", "title": "a dict item", "body": None},
]


PROJECT = {"SPIDERMON_ENABLED": True, "SPIDERMON_FIELD_COVERAGE_SKIP_NONE": True}  # as newscrawl/settings.py


@pytest.mark.parametrize("settings", [
    {},
    {"SPIDERMON_FIELD_COVERAGE_SKIP_NONE": False},
    {"SPIDERMON_FIELD_COVERAGE_SKIP_FALSY": False, "SPIDERMON_FIELD_COVERAGE_SKIP_VALUES": ["-", 0]},
    {"SPIDERMON_LIST_FIELDS_COVERAGE_LEVELS": 1},
])
def test_field_coverage_counts_are_spidermons(settings: dict[str, Any]) -> None:
    counted = []
    for extension in (Spidermon, Monitoring):
        crawler = get_crawler(ArabsTodaySpider, {**PROJECT, **settings})
        crawler.stats.open_spider()
        spider = _Spider(crawler)
        ext = extension(crawler=crawler)
        for item in ITEMS:
            ext.item_scraped(item, None, spider)
        counted.append(list(crawler.stats.get_stats().items()))
    assert counted[0] == counted[1]
    assert ("spidermon_item_scraped_count", 4) in counted[1]
    assert ext._coverage.enabled is ("SPIDERMON_LIST_FIELDS_COVERAGE_LEVELS" not in settings)
