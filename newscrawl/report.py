"""The run report: what a crawl exported, skipped, dropped and failed, and whether that is enough.

:func:`build_report` and :func:`threshold_breaches` are pure; :class:`RunReport` is the Scrapy
extension that feeds them from stats and signals, writes ``<feed>.report.json`` beside the first
local feed (or ``NEWSCRAWL_REPORT``), logs a summary, and marks the run failed on a breach so the
``crawl`` command exits non-zero (status 3) for a scheduler to see.

Spidermon was considered: it has monitors and notification actions but no way to change the
process exit status, and its monitoring extra pulls in cloud SDKs; these thresholds are a few lines.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawl.feeds import feed_slots
from newscrawl.items import ARTICLE_FIELDS
from newscrawl.signals import report_built

logger = logging.getLogger(__name__)

REPORT_FAILED_STAT = "report/threshold_breaches"


def build_report(stats: dict[str, Any], sections: Counter[str], changes: Counter[str],
                 fields: Counter[str], items: int) -> dict[str, Any]:
    """The report of one run from Scrapy's stats and the per-item counters."""
    def prefixed(prefix: str) -> dict[str, int]:
        return {k[len(prefix):]: v for k, v in sorted(stats.items()) if k.startswith(prefix)}

    return {
        "spider_finished": str(stats.get("finish_reason", "")),
        "start_time": str(stats.get("start_time", "")),
        "finish_time": str(stats.get("finish_time", "")),
        "articles": {
            "exported": items,
            "new": changes.get("new", 0),
            "updated": changes.get("updated", 0),
            "skipped_unchanged": stats.get("incremental/skipped_unchanged", 0)
            + stats.get("state/unchanged", 0),
            "by_section": dict(sorted(sections.items())),
        },
        "failures": prefixed("failures/"),
        "dropped": prefixed("validation/dropped/") | {
            k: v for k, v in (("duplicate_in_run", stats.get("state/duplicate_in_run", 0)),) if v
        },
        "date_issues": prefixed("dates/"),
        "coverage": {name: round(fields.get(name, 0) / items, 4) if items else 0.0
                     for name in ARTICLE_FIELDS},
        "requests": {
            "total": stats.get("downloader/request_count", 0),
            "retries": stats.get("retry/count", 0),
            "responses_by_status": prefixed("downloader/response_status_count/"),
        },
        # browser_requests / plain_requests, load-more clicks (newscrawl.render); empty: none counted
        "render": prefixed("render/"),
        # pagination: pages_without_new_entries, stopped_no_new_entries (traps), links not followed
        "listing": prefixed("listing/"),
        # original / copy_exact / copy_near / known / copies / copies_left_out (pipelines/stories.py)
        "stories": prefixed("stories/"),
    }


def threshold_breaches(report: dict[str, Any], min_items: int, min_coverage: dict[str, float],
                       max_failures: int | None) -> list[str]:
    """Human-readable breaches of the configured thresholds (empty: the run is fine)."""
    breaches = []
    exported = report["articles"]["exported"]
    if exported < min_items:
        breaches.append(f"exported {exported} articles, fewer than NEWSCRAWL_MIN_ITEMS={min_items}")
    if exported:
        for name, minimum in min_coverage.items():
            got = report["coverage"].get(name, 0.0)
            if got < float(minimum):
                breaches.append(f"coverage of {name} is {got:.2%}, below {float(minimum):.2%}")
    failed = sum(report["failures"].values())
    if max_failures is not None and failed > max_failures:
        breaches.append(f"{failed} pages failed, more than NEWSCRAWL_MAX_FAILURES={max_failures}")
    return breaches


class RunReport:
    """Scrapy extension writing the run report and enforcing the thresholds (``NEWSCRAWL_*``)."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_REPORT_ENABLED", True):
            raise NotConfigured
        self.crawler = crawler
        self.path = settings.get("NEWSCRAWL_REPORT") or None
        self.min_items = settings.getint("NEWSCRAWL_MIN_ITEMS", 0)
        self.min_coverage = settings.getdict("NEWSCRAWL_MIN_COVERAGE")
        max_failures = settings.get("NEWSCRAWL_MAX_FAILURES")
        self.max_failures = None if max_failures in (None, "") else int(max_failures)
        self.sections: Counter[str] = Counter()
        self.changes: Counter[str] = Counter()
        self.fields: Counter[str] = Counter()
        self.items = 0
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunReport:
        return cls(crawler)

    def item_scraped(self, item: Any) -> None:
        adapter = ItemAdapter(item)
        self.items += 1
        self.sections[adapter.get("section") or "(none)"] += 1
        self.changes[adapter.get("change") or "new"] += 1
        self.fields.update(name for name in ARTICLE_FIELDS if adapter.get(name) not in (None, "", []))

    def _beside_first_feed(self) -> str | None:
        """``<feed>.report.json`` beside the first local feed file this run wrote (URI templates
        such as ``%(time)s`` resolved, as the feed exporter resolved them)."""
        for slot in feed_slots(self.crawler):
            parts = urlsplit(str(slot.uri))
            if parts.scheme in ("", "file"):
                feed = Path(unquote(parts.path) if parts.scheme else str(slot.uri))
                return str(feed.with_name(feed.stem + ".report.json"))
        return None

    def spider_closed(self, spider: Any, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        report = build_report(stats | {"finish_reason": reason}, self.sections, self.changes,
                              self.fields, self.items)
        breaches = threshold_breaches(report, self.min_items, self.min_coverage, self.max_failures)
        report["thresholds"] = {"min_items": self.min_items, "min_coverage": self.min_coverage,
                                "max_failures": self.max_failures, "breaches": breaches,
                                "passed": not breaches}
        path = self.path or self._beside_first_feed()
        failed = getattr(spider, "failures", None) or []
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        if path and failed:  # url, reason, attempts of every page that failed for good
            failures_path = Path(path).with_name(Path(path).name.replace(".report.json", "")
                                                 + ".failures.jsonl")
            failures_path.write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in failed),
                                     encoding="utf-8")
            report["failures_file"] = str(failures_path)
        if path:
            Path(path).write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str),
                                  encoding="utf-8")
        articles = report["articles"]
        logger.info(
            "Run report: %d exported (%d new, %d updated), %d skipped as unchanged, %d failed pages,"
            " %d dropped items, %d date issues%s",
            articles["exported"], articles["new"], articles["updated"], articles["skipped_unchanged"],
            sum(report["failures"].values()), sum(report["dropped"].values()),
            sum(report["date_issues"].values()), f"; report: {path}" if path else "",
        )
        self.crawler.stats.set_value(REPORT_FAILED_STAT, len(breaches))
        for breach in breaches:
            logger.error("Threshold breached: %s", breach)
        self.crawler.signals.send_catch_log(report_built, report=report, path=path)


