"""newscrawl.exporters: CSV cells that a spreadsheet would run are neutralized (OWASP CSV injection)."""

import csv
import io

import pytest
from scrapy.utils.test import get_crawler

from newscrawl.exporters import ArticleCsvItemExporter, neutralize_formula
from newscrawl.items import Article


@pytest.mark.parametrize(("value", "expected"), [
    ('=HYPERLINK("http://evil.example","انقر")', '\'=HYPERLINK("http://evil.example","انقر")'),
    ("+972 خبر", "'+972 خبر"),
    ("-5 درجات", "'-5 درجات"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("عنوان = عادي", "عنوان = عادي"),
    ("", ""),
    (None, None),
    (3, 3),
])
def test_neutralize_formula(value, expected):
    assert neutralize_formula(value) == expected


def _csv(settings: dict, **options) -> list[dict[str, str]]:
    crawler = get_crawler(settings_dict=settings)
    out = io.BytesIO()
    exporter = ArticleCsvItemExporter.from_crawler(crawler, out, fields_to_export=["title", "other_urls",
                                                                                 "related"], **options)
    exporter.start_exporting()
    exporter.export_item(Article(title="=1+1", other_urls=["-x", "y"],
                                 related=[{"stamp": "@خبر", "title": "x", "url": None}]))
    exporter.finish_exporting()
    return list(csv.DictReader(io.StringIO(out.getvalue().decode("utf-8"))))


def test_csv_cells_are_neutralized_by_default():
    assert _csv({}) == [{"title": "'=1+1", "other_urls": "'-x; y", "related": "'@خبر | x | "}]


def test_the_setting_or_the_feed_option_turns_it_off():
    raw = [{"title": "=1+1", "other_urls": "-x; y", "related": "@خبر | x | "}]
    assert _csv({"NEWSCRAWL_CSV_NEUTRALIZE_FORMULAS": False}) == raw
    assert _csv({}, neutralize_formulas=False) == raw
