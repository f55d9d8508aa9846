"""pipelines.dates.ArabicDatePipeline: UTC dates from raw stamps, problems counted, nothing dropped."""

import pytest
from scrapy.utils.test import get_crawler

from newscrawl.items import Article
from pipelines.dates import ArabicDatePipeline


@pytest.fixture
def pipeline():
    crawler = get_crawler(settings_dict={})
    crawler.stats.open_spider()
    return ArabicDatePipeline.from_crawler(crawler)


STAMP = "GMT 10:18 2025 الثلاثاء ,22 إبريل / نيسان"


def article(published: str | None, updated: str | None = None, related=None) -> Article:
    return Article(url="http://x/40/1-a", site="arabstoday", published_raw=published, updated_raw=updated,
                   related=related)


def test_publisher_stamps(pipeline):
    related = [{"title": "t", "stamp": "GMT 03:01 2025 الثلاثاء ,22 إبريل / نيسان"}]
    item = pipeline.process_item(article(STAMP, "آخر تحديث GMT12:58:10", related))
    assert item["published_at"] == "2025-04-22T10:18:00+00:00"
    assert item["updated_at"] == "2025-04-22T12:58:10+00:00"
    assert item["related"][0]["published_at"] == "2025-04-22T03:01:00+00:00"
    assert item["date_issues"] is None


def test_weekday_mismatch_keeps_the_date_and_reports(pipeline):
    item = pipeline.process_item(article("GMT 10:18 2025 الأحد ,22 إبريل / نيسان"))
    assert item["published_at"] == "2025-04-22T10:18:00+00:00"
    assert item["date_issues"] == [{"field": "published_raw", "raw": "GMT 10:18 2025 الأحد ,22 إبريل / نيسان",
                                    "issue": "weekday_mismatch"}]
    assert pipeline.stats.get_value("dates/weekday_mismatch") == 1


def test_month_pair_mismatch_is_not_guessed(pipeline):
    item = pipeline.process_item(article("GMT 10:18 2025 الثلاثاء ,22 إبريل / أيار", "آخر تحديث GMT12:58:10"))
    assert item["published_at"] is None and item["updated_at"] is None
    issues = {i["issue"] for i in item["date_issues"]}
    assert {"month_pair_mismatch", "unparsed", "incomplete"} <= issues
    assert pipeline.stats.get_value("dates/month_pair_mismatch") == 1
    assert pipeline.stats.get_value("dates/unparsed") == 1


def test_update_earlier_than_publication_is_not_moved_to_another_day(pipeline):
    item = pipeline.process_item(article(STAMP, "آخر تحديث GMT 09:25:56"))
    assert item["published_at"] == "2025-04-22T10:18:00+00:00"
    assert item["updated_at"] is None
    assert item["date_issues"][0]["issue"] == "update_before_publish"


def test_garbage_never_drops_the_item(pipeline, caplog):
    item = pipeline.process_item(article("GMT 99:99 2025 الثلاثاء ,22 إبريل / نيسان"))
    assert item["published_at"] is None and item["url"] == "http://x/40/1-a"
    assert pipeline.stats.get_value("dates/unparsed") == 1
    assert "GMT 99:99" in caplog.text and "http://x/40/1-a" in caplog.text
