"""ValidationPipeline: the last gate before the feed; every drop has a counted reason."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from newscrawl.items import item_values

REQUIRED_FIELDS: tuple[str, ...] = ("url", "title", "body")
OPTIONAL_FIELDS: tuple[str, ...] = ("subtitle", "author", "dateline", "image_url", "image_caption",
                                    "summary", "published_raw", "updated_raw", "published_at",
                                    "updated_at")


class ValidationPipeline:
    """Drop an item without ``url``, ``title`` or ``body`` (stat ``validation/dropped/missing_<f>``),
    or with a field longer than its limit (``validation/dropped/too_long_<field>``): a 7,000-character
    title is an unclosed tag that swallowed the page, not a title.

    Limits are characters per field, ``NEWSCRAWL_MAX_FIELD_LENGTHS`` over the project's
    ``NEWSCRAWL_MAX_FIELD_LENGTHS_BASE``; ``related.title`` is the title of each related entry; a
    limit of 0 or null turns that check off. Missing optional fields are counted
    (``validation/missing/<field>``), never dropped.
    """

    def __init__(self, stats: StatsCollector, max_lengths: dict[str, int] | None = None) -> None:
        self.stats = stats
        self.max_lengths = {name: int(limit) for name, limit in (max_lengths or {}).items() if limit}
        self.missing: Counter[str] = Counter()  # flushed to stats at close: no stats call per field
        self.passed = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidationPipeline:
        limits = crawler.settings.getwithbase("NEWSCRAWL_MAX_FIELD_LENGTHS")
        return cls(crawler.stats, {name: limits[name] for name in limits})

    def process_item(self, item: Any) -> Any:
        adapter = item_values(item)
        for name in REQUIRED_FIELDS:
            if not adapter.get(name):
                self._drop(f"missing_{name}", adapter)
        for name, limit in self.max_lengths.items():
            length = longest(adapter, name)
            if length > limit:
                self._drop(f"too_long_{name}", adapter,
                           f"{length} characters, more than NEWSCRAWL_MAX_FIELD_LENGTHS[{name!r}]={limit}")
        self.missing.update(name for name in OPTIONAL_FIELDS if not adapter.get(name))
        self.passed += 1
        return item

    def _drop(self, reason: str, adapter: Mapping[str, Any], detail: str = "") -> None:
        self.stats.inc_value(f"validation/dropped/{reason}")
        detail = f" ({detail})" if detail else ""
        raise DropItem(f"{reason}{detail}: {adapter.get('url') or '(no url)'}")

    def close_spider(self) -> None:
        for name, count in self.missing.items():
            self.stats.inc_value(f"validation/missing/{name}", count)
        if self.passed:
            self.stats.inc_value("validation/passed", self.passed)


def longest(adapter: Mapping[str, Any], name: str) -> int:
    """Length of the text at ``name`` (``field``, or ``field.key`` in each entry of a list of objects,
    the longest of them); 0 when there is none."""
    field, _, key = name.partition(".")
    value = adapter.get(field)
    if not key:
        return len(value) if isinstance(value, str) else 0
    texts = [entry.get(key) for entry in value or () if isinstance(entry, dict)]
    return max((len(text) for text in texts if isinstance(text, str)), default=0)
