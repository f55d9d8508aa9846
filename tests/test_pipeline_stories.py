"""pipelines.stories.StoryPipeline: story_id and copy_of on each record, counted; copies left out on
request."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newscrawl.frontier_keys import RedisUnavailable
from newscrawl.incremental import IncrementalState
from newscrawl.items import Article
from newscrawl.replica import Catalogue
from newscrawl.signature import signature
from newscrawl.state import StateStore
from pipelines.stories import StoryPipeline

CAT = Catalogue(articles=8, seed=9)


def article(site: str, number: int, index: int, title: str | None = None) -> Article:
    """Catalogue article ``index`` as published by ``site`` under id ``number``."""
    art = CAT.article(index)
    return Article(url=f"http://127.0.0.1:1/40/{number:06d}-a", site=site, title=title or art.head.title,
                   body="\n\n".join(art.body))


def crawler_with(**settings):
    crawler = get_crawler(Spider, settings_dict=settings)
    crawler.stats.open_spider()
    crawler.spider = Spider("arabstoday")
    return crawler


def stories_stats(crawler) -> dict:
    return {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("stories/")}


def opened(crawler) -> StoryPipeline:
    pipeline = StoryPipeline.from_crawler(crawler)
    pipeline.open_spider()
    return pipeline


def test_original_copies_and_known_get_one_story_each_counted():
    crawler = crawler_with()
    pipeline = opened(crawler)
    first = pipeline.process_item(article("arabstoday", 1, 0))
    assert first["story_id"] == signature(first["title"], first["body"]).exact[:16]
    assert first["copy_of"] is None
    exact = pipeline.process_item(article("syria24", 7, 0))
    assert (exact["story_id"], exact["copy_of"]) == (first["story_id"], "arabstoday:40/000001")
    near = pipeline.process_item(article("omantoday", 9, 0, title=CAT.article(5).head.title))
    assert (near["story_id"], near["copy_of"]) == (first["story_id"], "arabstoday:40/000001")
    other = pipeline.process_item(article("arabstoday", 2, 1))
    assert other["copy_of"] is None and other["story_id"] not in (None, first["story_id"])
    again = pipeline.process_item(article("syria24", 7, 0))
    assert (again["story_id"], again["copy_of"]) == (first["story_id"], "arabstoday:40/000001")
    assert stories_stats(crawler) == {"stories/original": 2, "stories/copy_exact": 1, "stories/copy_near": 1,
                                      "stories/copies": 3, "stories/known": 1}


def test_a_copy_is_logged_at_debug_with_its_match(caplog):
    pipeline = opened(crawler_with())
    with caplog.at_level(logging.DEBUG, logger="pipelines.stories"):
        pipeline.process_item(article("arabstoday", 1, 0))
        assert not caplog.records  # an original is no copy
        pipeline.process_item(article("syria24", 7, 0))
    [record] = caplog.records
    assert record.levelno == logging.DEBUG
    story = signature(CAT.article(0).head.title, "\n\n".join(CAT.article(0).body)).exact[:16]
    assert record.getMessage() == ("syria24:40/000007 is a copy (exact, 1.00) of arabstoday:40/000001, "
                                   f"story {story}")


def test_count_mode_leaves_copies_out_of_the_feed_and_counts_them():
    crawler = crawler_with(NEWSCRAWL_STORY_COPIES="count")
    pipeline = opened(crawler)
    first = pipeline.process_item(article("arabstoday", 1, 0))
    with pytest.raises(DropItem) as drop:
        pipeline.process_item(article("syria24", 7, 0))
    assert str(drop.value) == "copy_of arabstoday:40/000001: http://127.0.0.1:1/40/000007-a"
    assert drop.value.log_level == "DEBUG"
    assert pipeline.process_item(article("arabstoday", 1, 0)) is not None  # the original itself: kept
    assert first["copy_of"] is None
    assert stories_stats(crawler) == {"stories/original": 1, "stories/copy_exact": 1, "stories/copies": 1,
                                      "stories/copies_left_out": 1, "stories/known": 1}


def test_export_mode_keeps_copies_in_the_feed():
    crawler = crawler_with(NEWSCRAWL_STORY_COPIES="export")
    pipeline = opened(crawler)
    pipeline.process_item(article("arabstoday", 1, 0))
    assert pipeline.process_item(article("syria24", 7, 0))["copy_of"] == "arabstoday:40/000001"
    assert "stories/copies_left_out" not in stories_stats(crawler)


def test_an_unknown_copy_mode_is_refused_naming_the_setting():
    with pytest.raises(ValueError, match="NEWSCRAWL_STORY_COPIES='drop': expected one of export, count"):
        StoryPipeline.from_crawler(crawler_with(NEWSCRAWL_STORY_COPIES="drop"))


def test_the_index_opens_on_the_first_item_when_the_spider_did_not_open_it():
    pipeline = StoryPipeline.from_crawler(crawler_with())
    pipeline.close_spider()  # nothing opened: nothing to flush
    first = pipeline.process_item(article("arabstoday", 1, 0))
    assert pipeline.process_item(article("syria24", 7, 0))["story_id"] == first["story_id"]


def test_with_a_state_a_later_run_links_its_copies_to_the_same_stories(tmp_path: Path):
    def run(*items: Article) -> list[Article]:
        crawler = crawler_with()
        store = StateStore(tmp_path / "state.sqlite")
        crawler.spider.incremental = IncrementalState(crawler, store)
        pipeline = opened(crawler)
        out = [pipeline.process_item(item) for item in items]
        pipeline.close_spider()  # the decisions written before the state closes
        store.close()
        return out

    [first] = run(article("arabstoday", 1, 0))
    [copy, other] = run(article("syria24", 7, 0), article("syria24", 8, 1))
    assert (copy["story_id"], copy["copy_of"]) == (first["story_id"], "arabstoday:40/000001")
    assert other["copy_of"] is None


def test_a_lost_shared_index_drops_the_record_unexported_and_counts_it():
    crawler = crawler_with()
    pipeline = opened(crawler)

    def gone(*args, **kwargs):
        raise RedisUnavailable("connection refused")

    pipeline.index.backend.atomically = gone
    with pytest.raises(DropItem, match=r"^stories_unavailable: http://127\.0\.0\.1:1/40/000001-a$") as drop:
        pipeline.process_item(article("arabstoday", 1, 0))
    assert drop.value.log_level == "INFO"
    assert stories_stats(crawler) == {"stories/unavailable": 1}


def test_a_state_whose_story_index_cannot_be_written_fails_the_state(tmp_path: Path):
    """The index in the state file fails (a full disk): the state failed (``state/error``, status 1 by
    the ``state`` rule), the record is dropped unexported, the last flush too fails in one line."""
    import sqlite3

    crawler = crawler_with()
    store = StateStore(tmp_path / "state.sqlite")
    crawler.spider.incremental = IncrementalState(crawler, store)
    crawler.engine = type("Closing", (), {"spider": None})()  # the engine closing its spider already
    pipeline = opened(crawler)

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    pipeline.index.backend.atomically = full
    pipeline.index.backend.flush = full
    try:
        with pytest.raises(DropItem, match=r"^stories_unavailable: http://127\.0\.0\.1:1/40/000001-a$"):
            pipeline.process_item(article("arabstoday", 1, 0))
        pipeline.close_spider()
    finally:
        store.close()
    assert crawler.stats.get_value("state/error") == (f"state file {tmp_path / 'state.sqlite'}: the story"
                                                      " index could not be written: database or disk is full")
    assert stories_stats(crawler) == {"stories/unavailable": 1}


def test_an_index_in_memory_that_fails_is_no_state_failure():
    pipeline = opened(crawler_with())

    def broken(*args, **kwargs):
        raise __import__("sqlite3").OperationalError("boom")

    pipeline.index.backend.flush = broken
    with pytest.raises(__import__("sqlite3").OperationalError):
        pipeline.close_spider()
