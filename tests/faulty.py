"""An item pipeline that fails on purpose, for the exit-status tests (a user's buggy pipeline).

Enabled by adding ``tests.faulty.FaultyPipeline`` to ``ITEM_PIPELINES`` (:func:`pipelines_with`);
what it does is read from settings:

* ``TEST_FAIL_ARTICLE_IDS``: article ids on which ``process_item`` raises ``ValueError``;
* ``TEST_UNWRITABLE_ARTICLE_IDS``: article ids whose item gets a value no feed exporter can write
  (the exporter raises when it writes the item, after every pipeline passed it);
* ``TEST_FAIL_AT_OPEN``: ``open_spider`` raises ``RuntimeError`` (the crawl cannot start).
"""

from __future__ import annotations

import json
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings


def pipelines_with(order: int) -> str:
    """``ITEM_PIPELINES`` of the project with the faulty pipeline at ``order``, as a ``-s`` value."""
    from newscrawl import settings

    return json.dumps({**settings.ITEM_PIPELINES, "tests.faulty.FaultyPipeline": order})


class FaultyPipeline:
    def __init__(self, settings: BaseSettings) -> None:
        self.fail = set(settings.getlist("TEST_FAIL_ARTICLE_IDS"))
        self.unwritable = set(settings.getlist("TEST_UNWRITABLE_ARTICLE_IDS"))
        self.fail_at_open = settings.getbool("TEST_FAIL_AT_OPEN")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FaultyPipeline:
        return cls(crawler.settings)

    def open_spider(self) -> None:
        if self.fail_at_open:
            raise RuntimeError("the faulty pipeline cannot open")

    def process_item(self, item: Any) -> Any:
        article_id = ItemAdapter(item).get("article_id")
        if article_id in self.fail:
            raise ValueError(f"the faulty pipeline fails on article {article_id}")
        if article_id in self.unwritable:
            ItemAdapter(item)["summary"] = object()  # no exporter can serialize it
        return item
