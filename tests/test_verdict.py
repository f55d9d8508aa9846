"""The exit-status contract: decide() from stats, and each check of the Spidermon suite on the stats
a run leaves (the end-to-end rows are in tests/test_exit_status.py)."""

from __future__ import annotations

import re
from typing import Any, ClassVar

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler
from spidermon import MonitorSuite
from spidermon.contrib.scrapy.runners import SpiderMonitorRunner

import newscrawl.settings as project_settings
from newscrawl.monitors import RecordVerdict, RunVerdictSuite, VerdictMonitor
from newscrawl.verdict import FAILED, PARTIAL, RULES, decide, record_fatal
from tests.conftest import ROOT

#: What a complete, healthy run leaves in its stats (as VerdictStats, FeedHealth and Spidermon do).
HEALTHY: dict[str, Any] = {
    "finish_reason": "finished",
    "downloader/request_count": 30, "downloader/response_count": 30,
    "item_scraped_count": 10, "articles/found": 10,
    "verdict/processing_errors": 0, "verdict/errors_logged": 0, "feeds/checked": 1,
    "spidermon/validation/fields/errors": 0, "spidermon/validation/items": 10,
    "sections/requested/arabstoday/syria": 1, "sections/listed/arabstoday/syria": 12,
    **{f"spidermon_field_coverage/Article/{f}": 1.0 for f in ("url", "title", "body", "published_at")},
}


def run_checks(stats: dict[str, Any], suite: type[MonitorSuite] = RunVerdictSuite,
               **settings: Any) -> dict[str, Any]:
    """Run the suite as Spidermon does at engine stop, on these stats; the stats after it."""
    base = {k: v for k, v in vars(project_settings).items() if k.isupper()}
    crawler = get_crawler(Spider, settings_dict={**base, "FEEDS": {"x.jsonl": {"format": "jsonlines"}},
                                                 **settings})
    crawler.stats.open_spider()
    for key, value in stats.items():
        crawler.stats.set_value(key, value)
    spider = Spider(name="checks")
    spider.crawler = crawler
    SpiderMonitorRunner(spider=spider).run(suite(crawler=crawler), stats=crawler.stats.get_stats(),
                                           crawler=crawler, spider=spider, stats_history=[], job=None)
    return crawler.stats.get_stats()


def verdict_of(stats: dict[str, Any], **settings: Any) -> Any:
    return decide(run_checks(stats, **settings))


def test_a_healthy_run_is_complete():
    verdict = verdict_of(HEALTHY)
    assert verdict.status == 0 and verdict.rule == "complete"
    assert verdict.line().startswith("exit status 0 (complete): every check passed (12 checks)")


@pytest.mark.parametrize(("change", "rule", "status", "words"), [
    ({"verdict/fatal": "Redis unreachable for 120 s"}, "fatal", FAILED, "Redis unreachable"),
    ({"downloader/response_count": 0, "downloader/exception_type_count/x.ConnectionRefusedError": 30},
     "no_response", FAILED, "no response to any of 30 requests (ConnectionRefusedError ×30)"),
    ({"feeds/problem/0": "feed out.jsonl: 3 of 10 exported articles are not in a stored file"},
     "feed", FAILED, "3 of 10"),
    ({"feedexport/failed_count/RecordedFTPFeedStorage": 1}, "feed", FAILED, "could not be stored"),
    ({"state/error": "state file s.sqlite: disk I/O error"}, "state", FAILED, "disk I/O error"),
    ({"sections/listed/arabstoday/syria": 0, "sections/failed/arabstoday/syria": "page 1: too_large"},
     "sections", PARTIAL, "arabstoday/syria (page 1: too_large)"),
    ({"failures/http_404": 2}, "failures", PARTIAL, "2 pages failed for good (http_404 ×2)"),
    ({"verdict/processing_errors": 8, "spider_exceptions/count": 8, "spider_exceptions/DatabaseError": 8},
     "errors", PARTIAL, "DatabaseError ×8"),
    ({"verdict/errors_logged": 1, "verdict/first_error": "scrapy.utils.signal: Error caught"},
     "errors", PARTIAL, "Error caught"),
    ({"spidermon/validation/fields/errors": 2, "spidermon/validation/fields/errors/min_length": 2,
      "spidermon/validation/fields/errors/min_length/title": 2, "validation/dropped/schema": 2},
     "validation", PARTIAL, "2 records failed validation and were not exported (schema title: min_length"),
    ({"validation/dropped/too_long_title": 1}, "validation", PARTIAL, "too_long_title ×1"),
    ({"spidermon/validation/items": 9}, "validation", PARTIAL, "1 of 10 exported records not validated"),
    ({"spidermon_field_coverage/Article/title": 0.5}, "coverage", PARTIAL, "title 50.0% < 100%"),
    ({"finish_reason": "shutdown"}, "finish_reason", PARTIAL, "shutdown"),
])
def test_each_check_fails_with_its_rule_and_a_one_line_reason(change, rule, status, words):
    verdict = verdict_of(HEALTHY | change)
    assert (verdict.status, verdict.rule) == (status, rule), verdict
    assert words in verdict.reason and "\n" not in verdict.line()


def test_a_missing_counter_fails_instead_of_passing():
    """Without VerdictStats the error counters are missing: the checks fail, they do not skip."""
    stats = {k: v for k, v in HEALTHY.items() if not k.startswith("verdict/")}
    verdict = verdict_of(stats)
    assert verdict.status == PARTIAL and verdict.rule == "errors"
    assert "errors were not counted ('verdict/processing_errors' missing" in verdict.reason


def test_a_missing_validation_counter_fails():
    verdict = verdict_of({k: v for k, v in HEALTHY.items() if k != "spidermon/validation/fields/errors"})
    assert verdict.rule == "validation" and "were not validated" in verdict.reason


def test_a_missing_feed_check_fails():
    verdict = verdict_of({k: v for k, v in HEALTHY.items() if k != "feeds/checked"})
    assert verdict.rule == "feed" and "not checked" in verdict.reason


class _SkippingMonitor(VerdictMonitor):
    __test__ = False  # a Spidermon monitor (a unittest.TestCase), run by the suite, not by pytest
    rule = "coverage"

    def test_skips(self) -> None:
        self.skipTest("stat missing")


class _SkippingSuite(MonitorSuite):
    monitors: ClassVar[list[type]] = [_SkippingMonitor]
    monitors_finished_actions: ClassVar[list[type]] = [RecordVerdict]


def test_a_skipped_check_counts_as_failed_unless_it_may_skip():
    verdict = decide(run_checks(HEALTHY, suite=_SkippingSuite))
    assert verdict.rule == "coverage" and "was skipped (stat missing)" in verdict.reason
    _SkippingMonitor.may_skip = True
    try:
        assert decide(run_checks(HEALTHY, suite=_SkippingSuite)).status == 0
    finally:
        _SkippingMonitor.may_skip = False


def test_quiet_incremental_run_passes_and_counts_what_it_saw():
    """Nothing exported, everything known unchanged: coverage has nothing to measure (a justified
    skip) and NEWSCRAWL_MIN_ITEMS counts the articles seen, not exported."""
    quiet = HEALTHY | {"item_scraped_count": 0, "incremental/skipped_unchanged": 10}
    quiet = {k: v for k, v in quiet.items() if not k.startswith("spidermon_field_coverage/")}
    assert verdict_of(quiet, NEWSCRAWL_MIN_ITEMS=1).status == 0
    nothing = quiet | {"articles/found": 0}
    verdict = verdict_of(nothing, NEWSCRAWL_MIN_ITEMS=1)
    assert verdict.rule == "min_items" and "0 articles seen" in verdict.reason


def test_failures_limit_as_a_share_of_the_pages_requested():
    stats = HEALTHY | {"failures/http_503": 2, "downloader/request_count": 110, "retry/count": 10}
    assert verdict_of(stats, NEWSCRAWL_MAX_FAILURES="2%").status == 0  # 2 of 100 pages
    assert verdict_of(stats, NEWSCRAWL_MAX_FAILURES="1%").rule == "failures"
    assert verdict_of(stats, NEWSCRAWL_MAX_FAILURES="").status == 0  # no limit


def test_status_1_rules_win_over_status_3_and_every_failed_rule_is_listed():
    verdict = verdict_of(HEALTHY | {"failures/http_404": 1, "state/error": "state file s: locked"})
    assert verdict.status == FAILED and verdict.rule == "state"
    assert list(verdict.failed) == ["state", "failures"]
    assert verdict.line().endswith("[also failed: failures]")


def test_checks_that_did_not_run_fail_the_run():
    verdict = decide(dict(HEALTHY))  # no verdict/checked: the suite never ran
    assert verdict.status == FAILED and verdict.rule == "unchecked"


def test_record_fatal_keeps_the_first_reason_on_one_line():
    crawler = get_crawler(Spider)
    crawler.stats.open_spider()
    record_fatal(crawler.stats, "database gone:\n  connection refused")
    record_fatal(crawler.stats, "second")
    assert crawler.stats.get_value("verdict/fatal") == "database gone: connection refused"
    assert crawler.stats.get_value("verdict/fatal_count") == 2


def test_the_readme_table_is_the_contract():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Exit status"):]
    rows = re.findall(r"^\| `(\d)` \| `(\w+)` \|", section, flags=re.MULTILINE)
    assert [(int(s), k) for s, k in rows] == [(0, "complete")] + [(r.status, r.key) for r in RULES]


# --- item validation against the JSON Schema (Spidermon's pipeline, jsonschema-rs underneath) -----


def _record(**change: Any) -> Any:
    from newscrawl.items import ARTICLE_FIELDS, Article

    record = dict.fromkeys(ARTICLE_FIELDS)
    record.update(url="https://www.arabstoday.net/40/095935-x", article_id="095935", site="arabstoday",
                  section="syria", title="عنوان", body="نص", language="ar", change="new",
                  crawled_at="2025-04-22T10:18:00+00:00", story_id="0123456789abcdef")
    record.update(change)
    return Article(record)


def test_schema_validation_drops_an_invalid_record_with_counted_reasons():
    from scrapy.exceptions import DropItem

    from pipelines.schema import SchemaValidationPipeline

    crawler = get_crawler(Spider)
    crawler.stats.open_spider()
    pipeline = SchemaValidationPipeline.from_crawler(crawler)
    pipeline.open_spider()
    assert pipeline.process_item(_record())["title"] == "عنوان"
    with pytest.raises(DropItem, match=r"schema \(change: enum, title: min_length\)"):
        pipeline.process_item(_record(title="", change=None))
    stats = crawler.stats.get_stats()
    assert stats["spidermon/validation/items"] == 2 and stats["validation/dropped/schema"] == 1
    assert stats["spidermon/validation/fields/errors"] == 2
    assert stats["spidermon/validation/fields/errors/min_length/title"] == 1


def test_the_fast_validator_agrees_with_the_jsonschema_package():
    from jsonschema import Draft202012Validator

    from newscrawl.schema import article_schema
    from pipelines.schema import FastSchemaValidator

    reference = Draft202012Validator(article_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    fast = FastSchemaValidator(article_schema())
    for record in (_record(), _record(title=""), _record(url="not a url"), _record(language="en"),
                   _record(related=[{"title": "t", "url": None, "stamp": None, "published_at": None}]),
                   _record(crawled_at="yesterday"), _record(other_urls=[]), _record(article_id="x1")):
        data = dict(record)
        assert fast.validate(data)[0] == reference.is_valid(data), data
