"""pipelines.state.StatePipeline: new, updated or unchanged; one copy per run; claims in distributed mode."""

import logging

import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newscrawl.incremental import IncrementalState, content_fingerprint
from newscrawl.items import Article
from newscrawl.state import ArticleState, StateStore
from pipelines.state import StatePipeline

URL = "http://127.0.0.1:1/40/000001-a"
KEY = "arabstoday:40/000001"


def article(**fields) -> Article:
    return Article(**({"url": URL, "site": "arabstoday", "title": "عنوان", "body": "فقرة"} | fields))


@pytest.fixture
def crawler():
    crawler = get_crawler(Spider)
    crawler.stats.open_spider()
    crawler.spider = Spider("arabstoday")
    return crawler


def stats_of(crawler, prefix: str = "state/") -> dict:
    return {k: v for k, v in crawler.stats.get_stats().items() if k.startswith(prefix)}


def test_without_a_state_every_article_is_new_once_per_run(crawler):
    pipeline = StatePipeline.from_crawler(crawler)
    first = pipeline.process_item(article())
    assert first["change"] == "new"
    with pytest.raises(DropItem, match=f"^duplicate_in_run: {URL}/$"):
        pipeline.process_item(article(url=URL + "/"))  # the same article under another spelling
    other = pipeline.process_item(article(url="http://127.0.0.1:1/40/000002-b"))
    assert other["change"] == "new"
    assert stats_of(crawler) == {"state/new": 2, "state/duplicate_in_run": 1}


@pytest.fixture
def incremental(crawler, tmp_path):
    store = StateStore(tmp_path / "state.sqlite")
    crawler.spider.incremental = IncrementalState(crawler, store)
    yield crawler.spider.incremental
    store.close()


def test_with_a_state_new_updated_and_unchanged(crawler, incremental):
    incremental.store.mark_exported([ArticleState(KEY, URL, None, content_fingerprint(article()))])
    with pytest.raises(DropItem, match=f"^unchanged: {URL}$"):
        StatePipeline.from_crawler(crawler).process_item(article())
    changed = StatePipeline.from_crawler(crawler).process_item(article(body="فقرة جديدة"))
    assert changed["change"] == "updated"
    new = StatePipeline.from_crawler(crawler).process_item(article(url="http://127.0.0.1:1/40/000002-b"))
    assert new["change"] == "new"
    assert stats_of(crawler) == {"state/unchanged": 1, "state/updated": 1, "state/new": 1}


def test_an_article_claimed_by_another_process_is_not_exported(crawler, incremental):
    incremental.claim = lambda key, item: False  # the shared store says another process exports it
    with pytest.raises(DropItem, match=f"^claimed_elsewhere: {URL}$"):
        StatePipeline.from_crawler(crawler).process_item(article())
    assert stats_of(crawler) == {"state/new": 1, "state/claimed_elsewhere": 1}


def test_claims_are_asked_with_the_articles_identity(crawler, incremental):
    asked = []
    incremental.claim = lambda key, item: asked.append((key, item["url"])) or True
    assert StatePipeline.from_crawler(crawler).process_item(article())["change"] == "new"
    assert asked == [(KEY, URL)]


def test_drops_are_logged_at_their_level(crawler, incremental):
    """A duplicate or a claimed article is worth an INFO line; an unchanged one (the normal incremental
    result) only DEBUG — never Scrapy's default WARNING."""
    from scrapy.logformatter import LogFormatter

    crawler.spider._set_crawler(crawler)
    levels = {}

    def level_of(pipeline: StatePipeline, item: Article) -> None:
        with pytest.raises(DropItem) as raised:
            pipeline.process_item(item)
        reason = str(raised.value).split(":")[0]
        levels[reason] = LogFormatter().dropped(item, raised.value, None, crawler.spider)["level"]

    pipeline = StatePipeline.from_crawler(crawler)
    pipeline.process_item(article())
    level_of(pipeline, article())
    incremental.store.mark_exported([ArticleState(KEY, URL, None, content_fingerprint(article()))])
    level_of(StatePipeline.from_crawler(crawler), article())
    incremental.claim = lambda key, item: False
    level_of(StatePipeline.from_crawler(crawler), article(body="نص آخر"))
    assert levels == {"duplicate_in_run": logging.INFO, "unchanged": logging.DEBUG,
                      "claimed_elsewhere": logging.INFO}


class _Engine:
    """What _close needs of the engine: the open spider, and close_spider_async (recorded)."""

    def __init__(self, spider: Spider) -> None:
        self.spider = spider
        self.closed: list[str] = []

    async def close_spider_async(self, reason: str) -> None:
        self.closed.append(reason)


def test_a_lost_shared_state_stops_the_run_once(crawler, incremental):
    """Distributed mode: the Redis state is gone (after its bounded wait). The run is failed (status 1,
    ``verdict/fatal``) and closed once; every article meanwhile is dropped, not exported unclaimed."""
    import asyncio

    from newscrawl.frontier_keys import FATAL_STAT, RedisUnavailable

    def gone(key, item):
        raise RedisUnavailable("Redis at redis://127.0.0.1:1/0 unreachable for 30 s")

    incremental.claim = gone
    crawler.engine = _Engine(crawler.spider)
    pipeline = StatePipeline.from_crawler(crawler)

    async def crawl() -> None:  # inside a running loop, as in a crawl
        for url in (URL, "http://127.0.0.1:1/40/000002-b"):
            with pytest.raises(DropItem, match=f"^state_unavailable: {url}$") as raised:
                pipeline.process_item(article(url=url))
            assert raised.value.log_level == "INFO"
        await asyncio.sleep(0)  # the close coroutine runs

    asyncio.run(crawl())
    assert crawler.engine.closed == ["state_unavailable"]
    assert crawler.stats.get_value(FATAL_STAT) == "Redis at redis://127.0.0.1:1/0 unreachable for 30 s"
    assert stats_of(crawler) == {"state/new": 2, "state/unavailable": 2}


def test_a_lost_state_after_another_fatal_reason_keeps_the_first(crawler, incremental):
    from newscrawl.frontier_keys import FATAL_STAT, RedisUnavailable

    def gone(key, item):
        raise RedisUnavailable("gone")

    incremental.claim = gone
    crawler.engine = _Engine(crawler.spider)
    crawler.stats.set_value(FATAL_STAT, "the feed could not be stored")
    with pytest.raises(DropItem):
        StatePipeline.from_crawler(crawler).process_item(article())
    assert crawler.stats.get_value(FATAL_STAT) == "the feed could not be stored"
    assert crawler.engine.closed == []


def test_no_close_asked_of_an_engine_without_spider(crawler, incremental):
    """The engine already closing its spider (or not started): the lost state only fails the run."""
    from newscrawl.frontier_keys import FATAL_STAT, RedisUnavailable

    def gone(key, item):
        raise RedisUnavailable("gone")

    incremental.claim = gone
    crawler.engine = _Engine(None)
    with pytest.raises(DropItem):
        StatePipeline.from_crawler(crawler).process_item(article())
    assert crawler.engine.closed == [] and crawler.stats.get_value(FATAL_STAT) == "gone"
    crawler.engine = None
    with pytest.raises(DropItem):
        StatePipeline.from_crawler(crawler).process_item(article())
