"""pipelines.schema: each record against the JSON Schema of Article; what fails is counted by field and
kind of error, and the record is dropped with a one-line reason (tests/test_verdict.py: the verdict's
side of it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import scrapy
from itemadapter import ItemAdapter
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newscrawl.items import ARTICLE_FIELDS, Article
from newscrawl.schema import article_schema
from pipelines.schema import ERRORS_STAT, FastSchemaValidator, SchemaValidationPipeline, record_of

URL = "https://www.arabstoday.net/40/095935-x"


def record(**change: Any) -> dict[str, Any]:
    data: dict[str, Any] = dict.fromkeys(ARTICLE_FIELDS)
    data.update(url=URL, article_id="095935", site="arabstoday", section="syria", title="عنوان", body="نص",
                language="ar", change="new", crawled_at="2025-04-22T10:18:00+00:00",
                story_id="0123456789abcdef")
    data.update(change)
    return data


@pytest.fixture(scope="module")
def validator() -> FastSchemaValidator:
    return FastSchemaValidator(article_schema())


@pytest.mark.parametrize(("change", "errors"), [
    ({}, {}),
    ({"title": ""}, {"title": ["min_length"]}),
    ({"other_urls": []}, {"other_urls": ["min_items"]}),
    ({"crawled_at": "yesterday"}, {"crawled_at": ["pattern", "format"]}),
    ({"related": [{"title": "t", "url": "not a url", "stamp": None, "published_at": None}]},
     {"related.0.url": ["pattern", "format"]}),
    ({"related": [{"title": "t", "stamp": None, "published_at": None}]}, {"related.0.url": ["required"]}),
    ({"unknown_field": 1}, {"(record)": ["additional_properties"]}),
])
def test_errors_are_named_by_field_path_and_kind(validator, change, errors):
    ok, found = validator.validate(record(**change))
    assert (ok, dict(found)) == (not errors, errors)


def test_a_missing_field_is_named_as_required(validator):
    data = record()
    del data["title"]
    assert dict(validator.validate(data)[1]) == {"title": ["required"]}


def test_what_is_no_record_at_all_is_an_error_of_the_record(validator):
    assert dict(validator.validate([])[1]) == {"(record)": ["type"]}


@pytest.fixture
def crawler():
    crawler = get_crawler(Spider)
    crawler.stats.open_spider()
    return crawler


def test_the_error_count_is_zero_once_open_and_a_valid_record_passes_unchanged(crawler):
    pipeline = SchemaValidationPipeline.from_crawler(crawler)
    pipeline.open_spider()
    assert crawler.stats.get_value(ERRORS_STAT) == 0  # present: the pipeline ran, and found nothing
    item = Article(record())
    assert pipeline.process_item(item) is item
    assert crawler.stats.get_value(ERRORS_STAT) == 0
    assert crawler.stats.get_value("validation/dropped/schema") is None


def test_an_invalid_record_is_dropped_with_its_errors_sorted_by_field(crawler):
    pipeline = SchemaValidationPipeline.from_crawler(crawler)
    pipeline.open_spider()
    with pytest.raises(DropItem) as drop:
        pipeline.process_item(Article(record(title="", crawled_at="yesterday", change=None)))
    assert str(drop.value) == f"schema (change: enum, crawled_at: pattern/format, title: min_length): {URL}"
    stats = crawler.stats.get_stats()
    assert stats["validation/dropped/schema"] == 1
    assert stats[ERRORS_STAT] == 4
    assert stats["spidermon/validation/fields/errors/format/crawled_at"] == 1
    assert stats["spidermon/validation/fields/errors/min_length/title"] == 1


def test_a_dropped_record_without_url_says_so(crawler):
    pipeline = SchemaValidationPipeline.from_crawler(crawler)
    pipeline.open_spider()
    with pytest.raises(DropItem, match=r"^schema \(url: type\): \(no url\)$"):
        pipeline.process_item(Article(record(url=None)))


def test_spidermons_options_still_apply(crawler):
    """process_item replaces Spidermon's: its add_errors_to_items and drop_items_with_errors options
    keep their meaning (the project's pipeline drops; a direct user may keep and annotate instead)."""
    pipeline = SchemaValidationPipeline(validators={"dict": [FastSchemaValidator(article_schema())]},
                                        stats=crawler.stats, add_errors_to_items=True)
    item = record(title="")
    assert pipeline.process_item(item) is item
    assert item["_validation"] == {"title": ["min_length"]}
    assert crawler.stats.get_value("validation/dropped/schema") is None


# --- the record validated: ItemAdapter.asdict's dict, without asking every string ---------------------
class Inner(scrapy.Item):
    name = scrapy.Field()


@dataclass
class Point:
    x: int
    y: list[str]


class Text(str):
    """A str subclass (lxml's smart strings are one): not a leaf by type, still kept as is."""


def test_record_of_is_itemadapters_asdict() -> None:
    item = Article(url="http://h/1/100-a", title=Text("عنوان"), body="نص", article_id="100",
                   related=[{"title": "t", "url": None, "stamp": None, "nested": Inner(name="n")}],
                   date_issues=({"field": "updated_raw", "issue": "incomplete"},),
                   other_urls=["http://m/1/100-a"], story_id=None, language="ar")
    item["crawled_at"] = Point(1, ["a"])  # any item type, anywhere
    expected = ItemAdapter(item).asdict()
    record = record_of(item)
    assert record == expected
    assert type(record["date_issues"]) is tuple and type(record["related"]) is list
    assert record["related"][0]["nested"] == {"name": "n"}
    assert record["crawled_at"] == {"x": 1, "y": ["a"]}
    assert record["related"][0] is not item["related"][0]  # a copy: validation never touches the item
