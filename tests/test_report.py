"""newscrawl.report: the run report and its thresholds, pure and through the engine."""

import json
from collections import Counter

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newscrawl.report import build_report
from pipelines.validate import ValidationPipeline
from tests.conftest import run_crawl, static_sections


def _report(items=10, title=10, failures=0):
    stats = {"failures/http_503": failures, "validation/dropped/missing_body": 2,
             "dates/weekday_mismatch": 1, "incremental/skipped_unchanged": 4,
             "downloader/request_count": 30}
    fields = Counter({"url": items, "title": title, "body": items, "published_at": items})
    return build_report(stats, Counter({"syria": items}), Counter({"new": items - 1, "updated": 1}),
                        fields, items)


def test_report_counts():
    report = _report()
    assert report["articles"] == {"exported": 10, "new": 9, "updated": 1, "skipped_unchanged": 4,
                                  "by_section": {"syria": 10}}
    assert report["dropped"] == {"missing_body": 2}
    assert report["date_issues"] == {"weekday_mismatch": 1}
    assert report["coverage"]["title"] == 1.0 and report["coverage"]["subtitle"] == 0.0


# --- through the real engine ---------------------------------------------------------------------


@pytest.mark.slow
def test_report_beside_the_feed_and_exit_status_3_on_a_breach(tmp_path, replica):
    ok = run_crawl(tmp_path / "ok", "-a", f"base_url={replica.url}", *static_sections(),
                   "-a", "max_pages=1", "-s", "NEWSCRAWL_MIN_ITEMS=10")
    assert ok.returncode == 0, ok.log[-2000:]
    report = json.loads((tmp_path / "ok" / "items.report.json").read_text(encoding="utf-8"))
    assert report["articles"]["exported"] == len(ok.items()) > 10
    assert sum(report["articles"]["by_section"].values()) == len(ok.items())
    assert report["coverage"]["title"] == 1.0
    assert report["verdict"]["status"] == 0 and report["verdict"]["rule"] == "complete"
    assert report["thresholds"]["min_items"] == 10
    assert "Run report:" in ok.log and "Verdict: exit status 0 (complete)" in ok.log

    breach = run_crawl(tmp_path / "breach", "-a", f"base_url={replica.url}", *static_sections(),
                       "-a", "max_pages=1", "-s", "NEWSCRAWL_MIN_ITEMS=100000",
                       "-s", 'NEWSCRAWL_MIN_COVERAGE={"subtitle": 1.0}')
    assert breach.returncode == 3
    report = json.loads((tmp_path / "breach" / "items.report.json").read_text(encoding="utf-8"))
    verdict = report["verdict"]
    assert verdict["status"] == 3 and set(verdict["failed"]) == {"coverage", "min_items"}
    assert verdict["rule"] == "coverage" and "subtitle" in verdict["reason"]
    assert "fewer than NEWSCRAWL_MIN_ITEMS=100000" in verdict["failed"]["min_items"]
    assert f"Verdict: {verdict['line']}" in breach.log


def test_validation_drops_with_a_counted_reason():
    crawler = get_crawler(settings_dict={})
    pipeline = ValidationPipeline.from_crawler(crawler)
    crawler.stats.open_spider()
    with pytest.raises(DropItem, match="missing_body"):
        pipeline.process_item({"url": "http://x/1", "title": "t", "body": None})
    kept = pipeline.process_item({"url": "http://x/2", "title": "t", "body": "b"})
    assert kept["url"] == "http://x/2"
    pipeline.close_spider()
    stats = crawler.stats.get_stats()
    assert stats["validation/dropped/missing_body"] == 1
    assert stats["validation/missing/subtitle"] == 1 and stats["validation/passed"] == 1
