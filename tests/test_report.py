"""newscrawl.report: the run report and its thresholds (pure functions)."""

from collections import Counter

from newscrawl.report import build_report, threshold_breaches


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


def test_thresholds():
    coverage = {"title": 1.0, "body": 1.0}
    assert threshold_breaches(_report(), 5, coverage, None) == []
    breaches = threshold_breaches(_report(title=8, failures=3), 20, coverage, 2)
    assert len(breaches) == 3
    assert any("title" in b and "80.00%" in b for b in breaches)
