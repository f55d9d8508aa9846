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
    # one issue per stamp: the reason the publication stamp is not a date, and the update stamp's
    assert [(i["field"], i["issue"]) for i in item["date_issues"]] == [
        ("published_raw", "month_pair_mismatch"), ("updated_raw", "incomplete")]
    assert pipeline.stats.get_value("dates/month_pair_mismatch") == 1
    assert pipeline.stats.get_value("dates/unparsed") is None


def test_update_earlier_than_publication_is_not_moved_to_another_day(pipeline):
    item = pipeline.process_item(article(STAMP, "آخر تحديث GMT 09:25:56"))
    assert item["published_at"] == "2025-04-22T10:18:00+00:00"
    assert item["updated_at"] is None
    assert item["date_issues"][0]["issue"] == "update_before_publish"


def test_garbage_never_drops_the_item(pipeline, caplog):
    item = pipeline.process_item(article("GMT 99:99 2025 الثلاثاء ,22 إبريل / نيسان"))
    assert item["published_at"] is None and item["url"] == "http://x/40/1-a"
    raw = "GMT 99:99 2025 الثلاثاء ,22 إبريل / نيسان"
    assert item["date_issues"] == [{"field": "published_raw", "raw": raw, "issue": "invalid_date"}]
    assert pipeline.stats.get_value("dates/invalid_date") == 1
    assert "GMT 99:99" in caplog.text and "http://x/40/1-a" in caplog.text


def test_no_date_material_is_unparsed(pipeline):
    item = pipeline.process_item(article("قبل قليل"))
    assert [i["issue"] for i in item["date_issues"]] == ["unparsed"]
    assert pipeline.stats.get_value("dates/unparsed") == 1


def test_each_raw_stamp_gets_exactly_one_issue(pipeline):
    bad = "GMT 19:18 2025 الجمعة ,32 إبريل / نيسان"
    related = [{"title": "a", "stamp": bad}, {"title": "b", "stamp": bad}, {"title": "c", "stamp": STAMP}]
    item = pipeline.process_item(article(bad, "آخر تحديث GMT12:58:10", related))
    assert item["date_issues"] == [
        {"field": "published_raw", "raw": bad, "issue": "invalid_date"},
        {"field": "updated_raw", "raw": "آخر تحديث GMT12:58:10", "issue": "incomplete"},  # no date to join
        {"field": "related", "raw": bad, "issue": "invalid_date"},  # listed twice, recorded once
    ]
    assert pipeline.stats.get_value("dates/invalid_date") == 2
    assert [e["published_at"] for e in item["related"]] == [None, None, "2025-04-22T10:18:00+00:00"]


def test_update_at_the_same_minute_as_publication_is_kept(pipeline):
    # An update stamp equal to the publication time is not "before" it (>=, not >).
    item = pipeline.process_item(article(STAMP, "آخر تحديث GMT 10:18:00"))
    assert item["updated_at"] == item["published_at"] == "2025-04-22T10:18:00+00:00"
    assert item["date_issues"] is None


def test_update_one_second_before_publication_is_refused(pipeline):
    item = pipeline.process_item(article(STAMP, "آخر تحديث GMT 10:17:59"))
    assert item["updated_at"] is None
    assert [i["issue"] for i in item["date_issues"]] == ["update_before_publish"]


def test_zoneless_stamps_are_read_in_the_sites_zone(pipeline):
    # emiratesvoice prints local (Asia/Dubai, UTC+4) stamps: the site's zone is the default zone of
    # every stamp of the article (published, updated and related).
    local = "22 أبريل 2025 14:18"
    related = [{"title": "r", "stamp": "22 أبريل 2025 13:00"}]
    item = pipeline.process_item(Article(url="http://x/1", site="emiratesvoice", published_raw=local,
                                         updated_raw="22 أبريل 2025 15:00", related=related))
    assert item["published_at"] == "2025-04-22T10:18:00+00:00"
    assert item["updated_at"] == "2025-04-22T11:00:00+00:00"
    assert item["related"][0]["published_at"] == "2025-04-22T09:00:00+00:00"
    assert item["date_issues"] is None


def test_a_full_update_stamp_is_used_as_printed(pipeline):
    item = pipeline.process_item(article(STAMP, "GMT 09:00 2025 الأربعاء ,23 إبريل / نيسان"))
    assert item["updated_at"] == "2025-04-23T09:00:00+00:00" and item["date_issues"] is None


def test_missing_or_empty_stamps_are_no_issue(pipeline):
    related = [{"title": "no stamp"}, {"title": "empty", "stamp": ""}]
    item = pipeline.process_item(article(None, "", related))
    assert item["published_at"] is None and item["updated_at"] is None
    assert [e["published_at"] for e in item["related"]] == [None, None]
    assert item["date_issues"] is None
    item = pipeline.process_item(article("", None))
    assert item["published_at"] is None and item["date_issues"] is None
    assert [k for k in pipeline.stats.get_stats() if k.startswith("dates/")] == []


def test_an_item_without_url_still_gets_its_issue_logged(pipeline, caplog):
    item = pipeline.process_item(Article(site="arabstoday", published_raw="garbage"))
    assert [i["issue"] for i in item["date_issues"]] == ["unparsed"]
    assert [r.getMessage() for r in caplog.records] == ["Date issue unparsed in published_raw 'garbage' of "]


def test_each_issue_is_logged_with_its_field_stamp_and_url(pipeline, caplog):
    related = [{"title": "r", "stamp": "garbage 1"}]
    pipeline.process_item(article(STAMP, "garbage 2", related))
    lines = [r.getMessage() for r in caplog.records]
    assert "Date issue unparsed in updated_raw 'garbage 2' of http://x/40/1-a" in lines
    assert "Date issue unparsed in related 'garbage 1' of http://x/40/1-a" in lines
