"""The spider's requests share one bound method per callback, so Scrapy's per-response check of the
callback (a generator returning a value? ``inspect.getsource`` + ``ast.parse``) is answered from its
cache instead of parsing the source again for every response."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest
from scrapy.crawler import Crawler
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils import misc
from scrapy.utils.request import request_from_dict

from newscrawl.callbacks import held
from newscrawl.extract import ListingEntry
from spiders.arabstoday import ArabsTodaySpider

BASE = "http://127.0.0.1:9"


@pytest.fixture
def spider() -> ArabsTodaySpider:
    """The spider as ``scrapy crawl`` builds it, without starting a reactor."""
    settings = Settings()
    settings.setmodule("newscrawl.settings", priority="project")
    crawler = Crawler(ArabsTodaySpider, settings)
    spider = ArabsTodaySpider.from_crawler(crawler, base_url=BASE, sections="syria")
    crawler.stats = MemoryStatsCollector(crawler)
    return spider


def _entry(number: int) -> ListingEntry:
    return ListingEntry(url=f"{BASE}/40/{number}-x", section="syria", title="عنوان", summary=None,
                        thumbnail=None, stamp=None)


def _requests(spider: ArabsTodaySpider) -> list[Any]:
    """Article and listing requests as the listings make them."""
    section = spider.site.section("syria")
    articles = [spider._article_request(_entry(n)) for n in (101, 102, 103)]
    listings = [spider._listing_request(section, page) for page in (1, 2)]
    return [*articles, *listings]


def test_requests_share_one_callback_object_equal_to_the_method(spider: ArabsTodaySpider) -> None:
    articles, listings = _requests(spider)[:3], _requests(spider)[3:]
    assert all(r.callback is articles[0].callback for r in articles)
    assert all(r.callback is listings[0].callback for r in listings)
    assert articles[0].callback == spider.parse_article  # the same callback for everything that compares
    assert listings[0].callback == spider.parse_listing
    assert held(spider.parse_by_id) is held(spider.parse_by_id) == spider.parse_by_id
    other = ArabsTodaySpider(base_url=BASE)
    assert held(other.parse_article) is not articles[0].callback  # per spider
    assert held(other.parse_article).__self__ is other


def test_jobdir_serialization_names_the_method(spider: ArabsTodaySpider) -> None:
    for request in _requests(spider):
        data = request.to_dict(spider=spider)
        assert data["callback"] == request.callback.__name__
        assert request_from_dict(data, spider=spider).callback == request.callback


def _sources_read(callbacks: list[Callable[[], Any]], monkeypatch: pytest.MonkeyPatch) -> int:
    """How many times Scrapy's own check (what ``warn_on_generator_with_return_value`` asks, for each
    response) reads a callback's source; ``callbacks``: what each response's request holds, dropped
    after its turn."""
    reads = []
    real = inspect.getsource

    def counting(obj: Any) -> str:
        reads.append(getattr(obj, "__name__", ""))  # not obj: holding it would keep the cache entry alive
        return real(obj)

    monkeypatch.setattr(misc.inspect, "getsource", counting)
    monkeypatch.setattr(misc, "_generator_callbacks_cache", type(misc._generator_callbacks_cache)(limit=128))
    for callback in callbacks:
        misc.is_generator_with_return_value(callback())
    return len(reads)


def test_scrapys_check_reads_each_callbacks_source_once(spider: ArabsTodaySpider,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    requests = _requests(spider)
    held_callbacks = [lambda r=r: r.callback for r in requests]
    assert _sources_read(held_callbacks, monkeypatch) == 2  # parse_article, parse_listing
    # what a new bound method per request cost: the source read again for every response
    plain = ArabsTodaySpider(base_url=BASE)  # no held callback: each request's own bound method
    fresh = [lambda: plain.parse_article for _ in requests]
    assert _sources_read(fresh, monkeypatch) == len(requests)


def test_the_check_answers_as_for_the_method(spider: ArabsTodaySpider) -> None:
    for shared, method in ((held(spider.parse_article), spider.parse_article),
                           (held(spider.parse_listing), spider.parse_listing)):
        assert misc.is_generator_with_return_value(shared) is misc.is_generator_with_return_value(method)
