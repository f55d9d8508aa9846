"""The run report: what a crawl exported, skipped, dropped and failed, and its verdict.

:func:`build_report` is pure; :class:`RunReport` is the Scrapy extension that feeds it from stats and
signals once the engine has stopped (feeds stored, state saved, the run's checks done by Spidermon,
:mod:`newscrawl.monitors`), writes ``<feed>.report.json`` beside the first local feed (or
``NEWSCRAWL_REPORT``), logs a summary and the verdict in one line (which rule decided the exit
status, :mod:`newscrawl.verdict`), and sends :data:`newscrawl.signals.report_built`.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawl.feeds import feed_slots
from newscrawl.items import ARTICLE_FIELDS, item_values
from newscrawl.signals import report_built
from newscrawl.verdict import COMPLETE, decide

logger = logging.getLogger(__name__)


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
        # every requested section: the article entries its listing pages named, why it failed
        "sections": {
            name: {"articles_listed": stats.get(f"sections/listed/{name}", 0),
                   "failed": stats.get(f"sections/failed/{name}")}
            for name in sorted(k[len("sections/requested/"):] for k in stats
                               if k.startswith("sections/requested/"))
        },
        "articles_found": stats.get("articles/found", 0) + stats.get("discovery/known_skipped", 0),
        "verdict": decide(stats).as_dict(),
    }


class RunReport:
    """Scrapy extension writing the run report with the run's verdict, once the engine has stopped."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_REPORT_ENABLED", True):
            raise NotConfigured
        self.crawler = crawler
        self.path = settings.get("NEWSCRAWL_REPORT") or None
        self.sections: Counter[str] = Counter()
        self.changes: Counter[str] = Counter()
        self.fields: Counter[str] = Counter()
        self.items = 0
        self.reason = ""
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        # After Spidermon's engine_stopped checks (EXTENSIONS order): the verdict is known then.
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunReport:
        return cls(crawler)

    def item_scraped(self, item: Any) -> None:
        adapter = item_values(item)
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
        self.reason = reason
        self.path = self.path or self._beside_first_feed()  # the slots are gone after the close

    def engine_stopped(self) -> None:
        settings = self.crawler.settings
        stats = self.crawler.stats.get_stats()
        report = build_report(stats | {"finish_reason": stats.get("finish_reason", self.reason)},
                              self.sections, self.changes, self.fields, self.items)
        report["thresholds"] = {
            "min_items": settings.getint("NEWSCRAWL_MIN_ITEMS"),
            "min_coverage": settings.getdict("NEWSCRAWL_MIN_COVERAGE"),
            "max_failures": str(settings.get("NEWSCRAWL_MAX_FAILURES") or "") or None,
            "max_errors": settings.getint("NEWSCRAWL_MAX_ERRORS"),
            # every failed rule of the verdict, "rule: reason" (the run history counts them)
            "breaches": [f"{rule}: {reason}" for rule, reason in report["verdict"]["failed"].items()],
            "passed": report["verdict"]["status"] == COMPLETE,
        }
        path = self.path
        try:
            self._write(report, path)
        except OSError as exc:
            logger.error("The run report could not be written to %s: %s", path, exc)
            path = None
        articles = report["articles"]
        logger.info(
            "Run report: %d exported (%d new, %d updated), %d skipped as unchanged, %d failed pages,"
            " %d dropped items, %d date issues%s",
            articles["exported"], articles["new"], articles["updated"], articles["skipped_unchanged"],
            sum(report["failures"].values()), sum(report["dropped"].values()),
            sum(report["date_issues"].values()), f"; report: {path}" if path else "",
        )
        self.crawler.signals.send_catch_log(report_built, report=report, path=path)
        # last, after what the report's listeners log (the history, its page): the log ends with the
        # verdict (a LOG_FILE, scrapyd's job log, the journal of a systemd unit)
        verdict = report["verdict"]
        logger.log(logging.INFO if verdict["status"] == COMPLETE else logging.ERROR,
                   "Verdict: %s", verdict["line"])

    def _write(self, report: dict[str, Any], path: str | None) -> None:
        """The JSON report at ``path``, and beside it the pages that failed for good
        (``<feed>.failures.jsonl``: url, reason, attempts)."""
        if not path:
            return
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        failed = getattr(self.crawler.spider, "failures", None) or []
        if failed:
            failures_path = Path(path).with_name(Path(path).name.replace(".report.json", "")
                                                 + ".failures.jsonl")
            failures_path.write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in failed),
                                     encoding="utf-8")
            report["failures_file"] = str(failures_path)
        Path(path).write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str),
                              encoding="utf-8")


