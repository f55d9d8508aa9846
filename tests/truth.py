"""What a crawl must export for a replica article: every field of the record, from the manifest.

End-to-end tests compare whole records with :func:`record_mismatches`, so a field the extraction
gets wrong (or a field added to the record and not to the comparison) fails them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from newscrawl.items import ARTICLE_FIELDS
from newscrawl.replica import corpus

#: Exported fields the manifest has no value for: tests compare them with what they must agree with
#: (story_id: the manifest's stories; crawled_at: the run's start and finish).
NOT_IN_MANIFEST = frozenset({"story_id", "crawled_at"})

_STAMP = re.compile(r"GMT (\d\d):(\d\d) (\d{4}) (\S+) ,(\d\d) (\S+) / (.+)")


def stamp_instant(stamp: str | None) -> str | None:
    """The instant of a stamp the replica printed (``GMT 10:18 2025 الثلاثاء ,22 إبريل / نيسان``),
    read back with the replica's own tables: what a related entry's published_at must be."""
    if stamp is None:
        return None
    match = _STAMP.fullmatch(stamp)
    assert match, stamp
    hour, minute, year, weekday, day, egyptian, levantine = match.groups()
    month = corpus.MONTHS.index((egyptian, levantine)) + 1
    when = datetime(int(year), month, int(day), int(hour), int(minute), tzinfo=UTC)
    assert corpus.WEEKDAYS[when.weekday()] == weekday, stamp
    return when.isoformat()


def expected_record(article: dict[str, Any], site: str, brand: str,
                    other_urls: list[str] | None = None) -> dict[str, Any]:
    """Every field but :data:`NOT_IN_MANIFEST` of the record a first crawl (no state) exports for a
    manifest ``article`` of an undamaged page that is the original of its story."""
    return {
        "url": article["url"],
        "other_urls": sorted(other_urls) if other_urls else None,
        "article_id": article["article_id"],
        "site": site,
        "brand": brand,
        "section": article["section"],
        "title": article["title"],
        "subtitle": article["subtitle"],
        "author": article["author"],
        "dateline": article["dateline"],
        "image_url": article["image_url"],
        "image_caption": article["image_caption"],
        "body": "\n\n".join(article["body"]),
        "summary": article["summary"],
        "published_raw": article["listing_stamp"],
        "updated_raw": article["updated_raw"],
        "published_at": article["published_at"],
        "updated_at": article["updated_at"],
        "date_issues": None,
        "related": [{"title": r["title"], "url": r["url"], "stamp": r["stamp"],
                     "published_at": stamp_instant(r["stamp"])} for r in article["related"]] or None,
        "language": "ar",
        "change": "new",
        "copy_of": None,
    }


def record_mismatches(item: dict[str, Any], expected: dict[str, Any]) -> list[tuple[str, str, Any, Any]]:
    """(url, field, exported, expected) for each field that differs; every field is compared."""
    assert set(expected) | NOT_IN_MANIFEST == set(ARTICLE_FIELDS) == set(item), sorted(item)
    got = dict(item)
    if got["other_urls"]:
        got["other_urls"] = sorted(got["other_urls"])
    return [(expected["url"], name, got[name], value)
            for name, value in expected.items() if got[name] != value]
