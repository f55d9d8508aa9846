"""newscrawl.exporters: CSV cells that a spreadsheet would run are neutralized (OWASP CSV injection)."""

import csv
import io

import pytest
from scrapy.utils.test import get_crawler

from newscrawl.exporters import ArticleCsvItemExporter, neutralize_formula
from newscrawl.items import ARTICLE_FIELDS, Article


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


@pytest.mark.parametrize("fields", [list(ARTICLE_FIELDS), ["title", "url", "missing"], None])
@pytest.mark.parametrize("pair", [("ArticleJsonLinesItemExporter", "JsonLinesItemExporter"),
                                  ("ArticleJsonItemExporter", "JsonItemExporter")])
def test_json_exporters_write_scrapys_bytes(pair: tuple[str, str], fields: list[str] | None) -> None:
    """The JSON exporters' shortcut for Article fields writes what Scrapy's own exporters write."""
    import scrapy.exporters

    import newscrawl.exporters

    items = [_json_article(url="https://x/1", title="عنوان \"م\"", body="أ\n\nب", related=[{"title": "t"}],
                           other_urls=None, date_issues=[{"field": "f", "issue": "i", "raw": "r"}]),
             _json_article(url="https://x/2"), {"url": "https://x/3", "title": "a dict item"}]
    written = []
    for exporter_class in (getattr(newscrawl.exporters, pair[0]), getattr(scrapy.exporters, pair[1])):
        stream = io.BytesIO()
        exporter = exporter_class(stream, encoding="utf-8", fields_to_export=fields)
        exporter.start_exporting()
        for item in items:
            exporter.export_item(item)
        exporter.finish_exporting()
        written.append(stream.getvalue())
    assert written[0] == written[1]
    assert "عنوان".encode() in written[0]


def _json_article(**values: object) -> Article:
    item = Article()
    for name, value in values.items():
        item[name] = value
    return item
