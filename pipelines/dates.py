"""ArabicDatePipeline: fill ``published_at`` / ``updated_at`` from the raw Arabic stamps.

Rule for the time-only update stamp (``آخر تحديث GMT12:58:10``): it is combined with the UTC date
of the publication stamp. If that makes the update earlier than the publication, nothing on the page
says which later day it belongs to, so ``updated_at`` stays null and ``update_before_publish`` is
recorded — the pipeline never guesses a day. A full update stamp (date and time) is used as printed.

Each raw stamp that has a problem gets exactly one issue in ``date_issues`` (and one ``dates/<code>``
count): why it gave no value, else why its value could not be used, else the warning about the value
it kept (see :func:`_stamp_issue`). A stamp repeated in the related list is recorded once.
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

        published_raw = adapter.get("published_raw")
        published = _parse_stamp(published_raw, site.timezone) if published_raw else None
        published_at = _utc_datetime(published)
        adapter["published_at"] = _iso(published_at)
        self._issue(issues, "published_raw", published_raw, _stamp_issue(published, published_at), url)

        updated_raw = adapter.get("updated_raw")
        updated = _parse_stamp(updated_raw, site.timezone) if updated_raw else None
        updated_at, problem = _updated_at(updated, published_at)
        adapter["updated_at"] = _iso(updated_at)
        self._issue(issues, "updated_raw", updated_raw, _stamp_issue(updated, updated_at, problem), url)

        for entry in adapter.get("related") or []:
            stamp = entry.get("stamp")
            parsed = _parse_stamp(stamp, site.timezone) if stamp else None
            entry["published_at"] = _iso(_utc_datetime(parsed))
            self._issue(issues, "related", stamp, _stamp_issue(parsed, parsed and parsed.value), url)
        adapter["date_issues"] = issues or None
        return item

    def _issue(self, issues: list[dict[str, str]], field: str, raw: str | None, code: str | None,
               url: str) -> None:
        """Record one issue for a stamp (a stamp repeated in the related list is recorded once)."""
        if code is None or raw is None or any(i["field"] == field and i["raw"] == raw for i in issues):
            return
        issues.append({"field": field, "raw": raw, "issue": code})
        self.stats.inc_value(f"dates/{code}")
        logger.warning("Date issue %s in %s %r of %s", code, field, raw, url)


def _stamp_issue(result: DateResult | None, used: Any, problem: str | None = None) -> str | None:
    """The one issue of a stamp, or None: why it gave no value (the parser's deciding code, else
    ``unparsed``); else why its value could not be used (``problem``, else ``incomplete``: a partial
    or zoneless value); else the parser's warning about a value it kept (``weekday_mismatch``…)."""
    if result is None:
        return None
    if result.value is None:
        return result.issues[-1] if result.issues else "unparsed"
    if not used:
        return problem or "incomplete"
    return result.issues[0] if result.issues else None


def _updated_at(updated: DateResult | None,
                published_at: datetime | None) -> tuple[datetime | None, str | None]:
    """The update time in UTC, and the reason when a readable stamp gives none: a full stamp is used
    as printed; a time alone takes the publication's UTC date unless that puts it before publication."""
    if updated is None or not updated.value or not updated.utc:
        return None, None
    if updated.kind == "datetime":
        return updated.datetime, None
    if updated.kind == "time" and updated.time and published_at:
        candidate = combine_date_time(published_at.date(), updated.time)
        return (candidate, None) if candidate >= published_at else (None, "update_before_publish")
    return None, None


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
