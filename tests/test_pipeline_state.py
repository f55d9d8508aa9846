"""pipelines.state.StatePipeline: new, updated or unchanged; one copy per run; claims in distributed mode."""

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
