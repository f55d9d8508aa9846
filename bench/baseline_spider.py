"""The crawl baseline: follows the same section, pagination and article links, yields only URLs.

No loader, no pipelines, no report: what any Scrapy crawl of the same pages costs at least.
Run by bench/crawl.py as ``scrapy runspider bench/baseline_spider.py -a base_url=…``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy


class BaselineSpider(scrapy.Spider):
    name = "baseline"
    custom_settings = {
        "ITEM_PIPELINES": {},
        "EXTENSIONS": {"newscrawl.report.RunReport": None},
        "FEED_EXPORT_FIELDS": None,
    }

    def __init__(self, base_url: str, sections: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        self.section_paths = sections.split(",")

    async def start(self) -> AsyncIterator[Any]:
        for path in self.section_paths:
            yield scrapy.Request(self.base_url + path, callback=self.parse_listing)

    def parse_listing(self, response: scrapy.http.Response) -> Any:
        for href in response.css("div.news-item h3.news-title a::attr(href)").getall():
            yield response.follow(href, callback=self.parse_article)
        next_page = response.css("div.pagination a[rel=next]::attr(href)").get()
        if next_page:
            yield response.follow(next_page, callback=self.parse_listing)

    def parse_article(self, response: scrapy.http.Response) -> Any:
        yield {"url": response.url}
