"""ArabicDatePipeline: fill ``published_at`` / ``updated_at`` from the raw Arabic stamps.

Rule for the time-only update stamp (``آخر تحديث GMT12:58:10``): it is combined with the UTC date
of the publication stamp. If that makes the update earlier than the publication, nothing on the page
says which later day it belongs to, so ``updated_at`` stays null and ``update_before_publish`` is
recorded — the pipeline never guesses a day. A full update stamp (date and time) is used as printed.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import lru_cache
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from newscrawl.dates import DateResult, combine_date_time, parse_date
from newscrawl.sites import get_site

logger = logging.getLogger(__name__)


class ArabicDatePipeline:
    """Normalize dates to ISO 8601 UTC; problems go to ``date_issues`` and ``dates/<issue>`` stats."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArabicDatePipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        site = get_site(adapter["site"])  # set by load_article, every item has it
        issues: list[dict[str, str]] = []
        url = adapter.get("url") or ""

        published = self._parse("published_raw", adapter.get("published_raw"), site.timezone, url, issues)
        published_at = _utc_datetime(published)
        if published and published.value and published_at is None:
            self._issue(issues, "published_raw", adapter["published_raw"], "incomplete", url)
        adapter["published_at"] = _iso(published_at)

        adapter["updated_at"] = None
        updated = self._parse("updated_raw", adapter.get("updated_raw"), site.timezone, url, issues)
        if updated and updated.value:
            if updated.kind == "datetime" and updated.utc:
                adapter["updated_at"] = _iso(updated.datetime)
            elif updated.kind == "time" and updated.utc and updated.time and published_at:
                candidate = combine_date_time(published_at.date(), updated.time)
                if candidate >= published_at:
                    adapter["updated_at"] = _iso(candidate)
                else:
                    self._issue(issues, "updated_raw", adapter["updated_raw"], "update_before_publish", url)
            else:
                self._issue(issues, "updated_raw", adapter["updated_raw"], "incomplete", url)

        for entry in adapter.get("related") or []:
            stamp = entry.get("stamp")
            parsed = self._parse("related", stamp, site.timezone, url, issues)
            entry["published_at"] = _iso(_utc_datetime(parsed))
        adapter["date_issues"] = issues or None
        return item

    def _parse(self, field: str, raw: str | None, tz: str, url: str,
               issues: list[dict[str, str]]) -> DateResult | None:
        if not raw:
            return None
        result = _parse_stamp(raw, tz)
        codes = list(result.issues)
        if result.value is None and "unparsed" not in codes:
            codes.insert(0, "unparsed")  # every unreadable stamp counts under dates/unparsed too
        for code in codes:
            self._issue(issues, field, raw, code, url)
        return result

    def _issue(self, issues: list[dict[str, str]], field: str, raw: str, code: str, url: str) -> None:
        issues.append({"field": field, "raw": raw, "issue": code})
        self.stats.inc_value(f"dates/{code}")
        logger.warning("Date issue %s in %s %r of %s", code, field, raw, url)


@lru_cache(maxsize=8192)
def _parse_stamp(raw: str, tz: str) -> DateResult:
    """parse_date, remembered: the same stamps come back on every page (related and latest lists),
    and a zone-stated stamp's value does not depend on when it is read. DateResult is immutable."""
    return parse_date(raw, default_tz=tz)


def _utc_datetime(result: DateResult | None) -> datetime | None:
    """The UTC datetime of a full stamp, None for partial, zoneless or unparsed ones."""
    if result and result.kind == "datetime" and result.utc:
        return result.datetime
    return None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None
