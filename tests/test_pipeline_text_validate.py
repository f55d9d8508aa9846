"""pipelines.text.TextCleaningPipeline and pipelines.validate.ValidationPipeline, item by item."""

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newscrawl import settings as project_settings
from newscrawl.items import Article
from pipelines.text import TextCleaningPipeline
from pipelines.validate import ValidationPipeline, longest

LIMITS = {"NEWSCRAWL_MAX_FIELD_LENGTHS_BASE": project_settings.NEWSCRAWL_MAX_FIELD_LENGTHS_BASE}


def _crawler(**settings):
    crawler = get_crawler(settings_dict={**LIMITS, **settings})
    crawler.stats.open_spider()
    return crawler


def article(**fields) -> Article:
    base = {"url": "http://x/40/1-a", "site": "arabstoday", "title": "عنوان", "body": "فقرة"}
    return Article(**(base | fields))


def test_control_characters_leave_every_field():
    pipeline = TextCleaningPipeline.from_crawler(crawler := _crawler())
    item = pipeline.process_item(article(
        title="\x1b[31mعاجل\x1b[0m: خبر\x00", body="فقرة\x07 أولى\n\nفقرة\tثانية", subtitle="\x00\x1b",
        published_raw="GMT 10:18\r\n2025", other_urls=["http://x/\x7f1"],
        related=[{"title": "خبر\x9b1m مرتبط", "url": None, "stamp": "GMT\x0010:18"},
                 {"title": "سطر\nثان", "url": None, "stamp": None}],
    ))
    assert item["title"] == "عاجل: خبر"
    assert item["body"] == "فقرة أولى\n\nفقرة ثانية"  # the paragraph break kept, the tab a space
    assert item["subtitle"] is None  # nothing but controls: nothing
    assert item["published_raw"] == "GMT 10:18  2025"
    assert item["other_urls"] == ["http://x/1"]
    assert item["related"] == [{"title": "خبر مرتبط", "url": None, "stamp": "GMT10:18"},
                               {"title": "سطر ثان", "url": None, "stamp": None}]
    assert crawler.stats.get_value("text/control_characters_removed") == 6


def test_clean_fields_are_the_same_objects():
    pipeline = TextCleaningPipeline.from_crawler(crawler := _crawler())
    related = [{"title": "خبر", "url": "http://x/1", "stamp": None}]
    item = pipeline.process_item(article(related=related, other_urls=None))
    assert item["related"] is related
    assert crawler.stats.get_value("text/control_characters_removed") is None


def test_subtitle_equal_to_the_title_is_dropped():
    pipeline = TextCleaningPipeline.from_crawler(crawler := _crawler())
    item = pipeline.process_item(article(title="عنوان واحد", subtitle="عنوان واحد"))
    assert item["subtitle"] is None
    assert crawler.stats.get_value("text/subtitle_equal_title") == 1
    kept = pipeline.process_item(article(title="عنوان واحد", subtitle="عنوان آخر"))
    assert kept["subtitle"] == "عنوان آخر"
    assert crawler.stats.get_value("text/subtitle_equal_title") == 1


def test_noise_paragraphs_leave_the_body():
    pipeline = TextCleaningPipeline.from_crawler(crawler := _crawler())
    body = "\n\n".join(["فقرة أولى", "الإسم *", "شروط النشر: عدم الإساءة", "العرب اليوم -",
                        "فقرة ثانية", "جميع الحقوق محفوظة 2025", "Security Code*"])
    item = pipeline.process_item(article(body=body))
    assert item["body"] == "فقرة أولى\n\nفقرة ثانية"
    assert crawler.stats.get_value("text/noise_paragraphs_removed") == 5
    only_noise = pipeline.process_item(article(body="الإسم *\n\nتعليق *"))
    assert only_noise["body"] is None
    # the label followed by anything else is article text
    kept = pipeline.process_item(article(body="العرب اليوم - XX\n\nالعرب اليوم - وكالات"))
    assert kept["body"] == "العرب اليوم - XX\n\nالعرب اليوم - وكالات"


def test_brand_label_prefix_leaves_title_and_caption():
    pipeline = TextCleaningPipeline.from_crawler(_crawler())
    item = pipeline.process_item(article(title="العرب اليوم - محادثات أميركية",
                                         image_caption="العرب اليوم - رئيس الأركان", subtitle=None))
    assert item["title"] == "محادثات أميركية"
    assert item["image_caption"] == "رئيس الأركان"
    assert pipeline.process_item(article(title="العرب اليوم -"))["title"] is None
    # another site's label is text of this site's page, kept
    assert pipeline.process_item(article(title="صوت الإمارات - خبر"))["title"] == "صوت الإمارات - خبر"


def test_absurd_lengths_are_validation_failures():
    pipeline = ValidationPipeline.from_crawler(crawler := _crawler())
    ok = article(title="ع" * 500, body="ب" * 200_000, related=[{"title": "ر" * 500}])
    assert pipeline.process_item(ok) is ok
    with pytest.raises(DropItem, match=r"too_long_title \(7144 characters, more than "
                                       r"NEWSCRAWL_MAX_FIELD_LENGTHS\['title'\]=500\): http://x/40/1-a"):
        pipeline.process_item(article(title="ع" * 7144))
    with pytest.raises(DropItem, match="too_long_related.title"):
        pipeline.process_item(article(related=[{"title": "ر"}, {"title": "ر" * 501}]))
    with pytest.raises(DropItem, match="too_long_body"):
        pipeline.process_item(article(body="ب" * 200_001))
    stats = crawler.stats.get_stats()
    assert {k: v for k, v in stats.items() if k.startswith("validation/dropped/")} == {
        "validation/dropped/too_long_title": 1, "validation/dropped/too_long_related.title": 1,
        "validation/dropped/too_long_body": 1}


def test_length_limits_are_settings():
    crawler = _crawler(NEWSCRAWL_MAX_FIELD_LENGTHS='{"title": 0, "body": 10}')  # as -s gives it
    pipeline = ValidationPipeline.from_crawler(crawler)
    assert pipeline.max_lengths["url"] == 2048 and "title" not in pipeline.max_lengths
    long_title = article(title="ع" * 7144)
    assert pipeline.process_item(long_title) is long_title
    with pytest.raises(DropItem, match="too_long_body"):
        pipeline.process_item(article(body="ب" * 11))


def test_required_fields_are_checked_first():
    pipeline = ValidationPipeline.from_crawler(crawler := _crawler())
    with pytest.raises(DropItem, match=r"^missing_title: http://x/40/1-a$"):
        pipeline.process_item(article(title=None, body="ب" * 300_000))
    with pytest.raises(DropItem, match=r"^missing_url: \(no url\)$"):
        pipeline.process_item(article(url=""))
    assert crawler.stats.get_value("validation/dropped/missing_title") == 1


def test_missing_optional_fields_and_passed_items_are_counted_at_close():
    pipeline = ValidationPipeline.from_crawler(crawler := _crawler())
    pipeline.process_item(article(subtitle="عنوان فرعي", author="ريتا مهنا", summary="ملخص"))
    pipeline.process_item(article(subtitle="عنوان فرعي"))
    with pytest.raises(DropItem):
        pipeline.process_item(article(body=None))
    assert crawler.stats.get_value("validation/passed") is None  # flushed at close only
    pipeline.close_spider()
    stats = crawler.stats.get_stats()
    assert {k: v for k, v in stats.items() if k.startswith(("validation/missing/", "validation/passed"))} == {
        "validation/passed": 2, "validation/missing/author": 1, "validation/missing/summary": 1,
        "validation/missing/dateline": 2, "validation/missing/image_url": 2,
        "validation/missing/image_caption": 2, "validation/missing/published_raw": 2,
        "validation/missing/updated_raw": 2, "validation/missing/published_at": 2,
        "validation/missing/updated_at": 2}


def test_nothing_passed_nothing_counted():
    pipeline = ValidationPipeline.from_crawler(crawler := _crawler())
    pipeline.close_spider()
    assert crawler.stats.get_stats() == {}


def test_longest():
    from itemadapter import ItemAdapter

    adapter = ItemAdapter(article(related=[{"title": "abc"}, {"title": None}, "x", {"title": "abcde"}]))
    assert longest(adapter, "related.title") == 5
    assert longest(adapter, "title") == 5 and longest(adapter, "subtitle") == 0
    assert longest(ItemAdapter(article(related=None)), "related.title") == 0
