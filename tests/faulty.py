"""An item pipeline that fails on purpose, for the exit-status tests (a user's buggy pipeline).

Enabled by adding ``tests.faulty.FaultyPipeline`` to ``ITEM_PIPELINES`` (:func:`pipelines_with`);
what it does is read from settings:

* ``TEST_FAIL_ARTICLE_IDS``: article ids on which ``process_item`` raises ``ValueError``;
* ``TEST_UNWRITABLE_ARTICLE_IDS``: article ids whose item gets a value no feed exporter can write
  (the exporter raises when it writes the item, after every pipeline passed it);
* ``TEST_FAIL_AT_OPEN``: ``open_spider`` raises ``RuntimeError`` (the crawl cannot start).

:class:`FaultySpiderMiddleware` (``SPIDER_MIDDLEWARES``, :func:`spider_middlewares_with`) makes the
spider's callback raise ``ValueError`` once it has produced the article of an id in
``TEST_CALLBACK_FAIL_ARTICLE_IDS`` (a spider callback with a bug: Scrapy sends ``spider_error``).
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


def spider_middlewares_with(order: int) -> str:
    """``SPIDER_MIDDLEWARES`` of the project with the faulty spider middleware at ``order``."""
    from newscrawl import settings

    middlewares = getattr(settings, "SPIDER_MIDDLEWARES", {})
    return json.dumps({**middlewares, "tests.faulty.FaultySpiderMiddleware": order})


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


class FaultySpiderMiddleware:
    """The callback's output raises where it would have given the article of a failing id: its
    article is lost for this run, as it is when a callback raises."""

    def __init__(self, settings: BaseSettings) -> None:
        self.fail = set(settings.getlist("TEST_CALLBACK_FAIL_ARTICLE_IDS"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FaultySpiderMiddleware:
        return cls(crawler.settings)

    async def process_spider_output(self, response: Any, result: Any) -> Any:
        async for output in result:
            if ItemAdapter.is_item(output) and ItemAdapter(output).get("article_id") in self.fail:
                raise ValueError(f"the faulty callback fails on article {ItemAdapter(output)['article_id']}")
            yield output
