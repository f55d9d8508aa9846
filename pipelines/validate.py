"""ValidationPipeline: the last gate before the feed; every drop has a counted reason."""

from __future__ import annotations

from collections import Counter
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

REQUIRED_FIELDS: tuple[str, ...] = ("url", "title", "body")
OPTIONAL_FIELDS: tuple[str, ...] = ("subtitle", "author", "dateline", "image_url", "image_caption",
                                    "summary", "published_raw", "updated_raw", "published_at",
                                    "updated_at")


class ValidationPipeline:
    """Drop an item without ``url``, ``title`` or ``body`` (stat ``validation/dropped/missing_<f>``).

    Missing optional fields are counted (``validation/missing/<field>``), never dropped.
    """

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        self.missing: Counter[str] = Counter()  # flushed to stats at close: no stats call per field
        self.passed = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidationPipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        for name in REQUIRED_FIELDS:
            if not adapter.get(name):
                reason = f"missing_{name}"
                self.stats.inc_value(f"validation/dropped/{reason}")
                raise DropItem(f"{reason}: {adapter.get('url') or '(no url)'}")
        self.missing.update(name for name in OPTIONAL_FIELDS if not adapter.get(name))
        self.passed += 1
        return item

    def close_spider(self) -> None:
        for name, count in self.missing.items():
            self.stats.inc_value(f"validation/missing/{name}", count)
        if self.passed:
            self.stats.inc_value("validation/passed", self.passed)
