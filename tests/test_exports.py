"""The four export formats through `scrapy crawl`: schema-valid, nulls kept apart from text, CSV lists
readable one line per entry, one date issue per raw stamp, an optional byte order mark for CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from newscrawl.exporters import ArticleCsvItemExporter
from newscrawl.items import ARTICLE_FIELDS, Article
from tests.conftest import CrawlResult, run_crawl
from tests.exports import read_csv, read_json, read_jsonl, read_xml, schema_errors

FEEDS = ("items.jsonl", "items.json", "items.csv", "items.xml")


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    """Every fault kind of the replica: nulls, bad stamps (date issues), related lists, in all formats."""
    tmp = tmp_path_factory.mktemp("exports")
    result = run_crawl(tmp, "-a", "source=replica", "-a", "replica_faults=all",
                       "-a", "sections=syria,economy,writers", "-s", "DOWNLOAD_TIMEOUT=3",
                       "-s", "NEWSCRAWL_RETRY_BACKOFF_BASE=0.05", feeds=FEEDS)
    assert result.returncode == 3, result.log[-3000:]  # the oversized pages failed for good
    assert result.feeds["items.jsonl"].exists(), result.log[-3000:]
    return result


@pytest.fixture(scope="module")
def records(faulty: CrawlResult) -> list[dict[str, Any]]:
    return read_jsonl(faulty.feeds["items.jsonl"])


def test_a_replica_crawl_exports_schema_valid_records_in_every_format(faulty, records):
    assert len(records) > 50
    # the export exercised the nullable and nested parts of the schema, not only plain fields
    assert any(r["date_issues"] for r in records) and any(r["related"] for r in records)
    assert any(r["subtitle"] is None for r in records)
    for name in FEEDS:
        readers = {".jsonl": read_jsonl, ".json": read_json, ".csv": read_csv, ".xml": read_xml}
        assert schema_errors(readers[Path(name).suffix](faulty.feeds[name])) == [], name


def test_xml_leaves_nulls_out_and_reads_back_as_the_jsonl(faulty, records):
    raw = faulty.feeds["items.xml"].read_text(encoding="utf-8")
    assert ">None<" not in raw
    assert read_xml(faulty.feeds["items.xml"]) == records  # an absent element is exactly a null
    root = etree.parse(str(faulty.feeds["items.xml"])).getroot()
    for node, record in zip(root.iterchildren("item"), records, strict=True):
        assert [c.tag for c in node] == [f for f in ARTICLE_FIELDS if record[f] is not None]


def test_csv_lists_are_one_line_per_entry_and_read_back(faulty, records):
    rows = read_csv(faulty.feeds["items.csv"])
    for row, record in zip(rows, records, strict=True):
        for entry in record["related"] or []:
            entry["published_at"] = None  # a related entry's published_at is not written to CSV
        assert row == record
    raw = faulty.feeds["items.csv"].read_text(encoding="utf-8")
    assert "[{" not in raw and "'field'" not in raw  # no Python repr of a list of dicts
    issue = next(i for r in records for i in r["date_issues"] or [])
    assert f"{issue['field']} | {issue['issue']} | {issue['raw']}" in raw


def test_each_raw_stamp_has_exactly_one_issue(records):
    issues = [(r["url"], i["field"], i["raw"]) for r in records for i in r["date_issues"] or []]
    assert issues and len(issues) == len(set(issues))
    codes = {i["issue"] for r in records for i in r["date_issues"] or []}
    assert "invalid_date" in codes  # bad_dates stamps name why, not "unparsed" besides


@pytest.mark.slow
def test_csv_byte_order_mark_is_optional(tmp_path: Path):
    marked = run_crawl(tmp_path / "bom", "-a", "source=replica", "-a", "replica_articles=20",
                       "-a", "sections=syria", "-s", "NEWSCRAWL_CSV_BOM=1", feeds=("items.csv",))
    assert marked.returncode == 0, marked.log[-3000:]
    data = marked.feeds["items.csv"].read_bytes()
    assert data.startswith(b"\xef\xbb\xbfurl,other_urls,") and data.count(b"\xef\xbb\xbf") == 1
    plain = run_crawl(tmp_path / "plain", "-a", "source=replica", "-a", "replica_articles=20",
                      "-a", "sections=syria", feeds=("items.csv",))
    assert plain.returncode == 0, plain.log[-3000:]
    assert plain.feeds["items.csv"].read_bytes().startswith(b"url,other_urls,")
    ids = [sorted(r["article_id"] for r in read_csv(result.feeds["items.csv"])) for result in (marked, plain)]
    assert ids[0] == ids[1] != []  # the mark is not part of the first column's name


def test_an_appended_csv_gets_no_second_mark(tmp_path: Path):
    path = tmp_path / "out.csv"
    for _ in range(2):
        with path.open("ab") as handle:
            exporter = ArticleCsvItemExporter(handle, bom=True, fields_to_export=["url", "title"])
            exporter.start_exporting()
            exporter.export_item(Article(url="http://x/1/2-a", title="عنوان"))
            exporter.finish_exporting()
    assert path.read_bytes().count(b"\xef\xbb\xbf") == 1
