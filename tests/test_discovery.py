"""Discovery without listings: RSS feeds sharing the scheduled crawls' state, sitemaps bounded by
``since``/``until``, and a back-fill over article ids — each a real crawl of the replica."""

from __future__ import annotations

import json
import urllib.request
from datetime import date
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest

from newscrawl.dates import parse_date
from newscrawl.sites import get_site
from tests.conftest import CrawlResult, RunningReplica, run_crawl, start_replica

SITE = get_site("arabstoday")
STATIC = ",".join(s.key for s in SITE.sections if not s.render)
RENDERED = {s.key for s in SITE.sections if s.render}


def fetch_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.load(response)


def article_downloads(replica: RunningReplica) -> dict[str, int]:
    """Article responses the replica served since the last call (the counters are reset)."""
    return fetch_json(replica.url + "/__replica__/stats.json?reset=1")["requests"]["article"]


def crawl_ok(tmp_path: Path, *args: str) -> CrawlResult:
    result = run_crawl(tmp_path, *args)
    assert result.returncode == 0, result.log[-3000:]
    return result


def test_rfc822_pubdates_are_read() -> None:
    parsed = parse_date("Tue, 22 Apr 2025 10:18:00 GMT")
    assert parsed.value == "2025-04-22T10:18:00+00:00"
    assert parse_date("Tue, 22 Apr 2025 14:18:00 +0400").value == "2025-04-22T10:18:00+00:00"


# --- RSS ------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_rss_shares_the_state_and_fetches_only_new_articles(tmp_path: Path) -> None:
    """A listing crawl fills the state; the feeds then download nothing it has, and after the site
    publishes M articles (replica restarted on the same port with ``--added M``) exactly those."""
    replica = start_replica("--articles", "120", "--seed", "7")
    state = tmp_path / "state.sqlite"
    port = replica.url.rsplit(":", 1)[1]
    try:
        base = ("-a", f"base_url={replica.url}", "-a", f"sections={STATIC}", "-a", f"state={state}")
        first = crawl_ok(tmp_path / "listings", *base)
        assert len(first.items()) == len([a for a in replica.articles if a["section"] not in RENDERED])
        article_downloads(replica)

        unchanged = crawl_ok(tmp_path / "rss1", *base, "-a", "discover=rss")
        assert unchanged.items() == []
        assert article_downloads(replica) == {}  # not one article page
        assert "'discovery/known_skipped'" in unchanged.log
    finally:
        replica.stop()

    replica = start_replica("--port", port, "--articles", "120", "--seed", "7", "--added", "6")
    try:
        added = crawl_ok(tmp_path / "rss2", *base, "-a", "discover=rss")
        new = {a["url"]: a for a in replica.articles
               if a["revision"] == "added" and a["section"] not in RENDERED}
        assert new and sorted(i["url"] for i in added.items()) == sorted(new)
        assert article_downloads(replica) == {"200": len(new)}
        for item in added.items():
            truth = new[item["url"]]
            assert item["change"] == "new" and item["title"] == truth["title"]
            # published_raw of an RSS-found article is the item's pubDate, RFC 822
            assert item["published_raw"].endswith(" GMT") and item["published_at"] == truth["published_at"]
            assert item["summary"] == truth["summary"] and item["section"] == truth["section"]
        # and back to the listing crawl: what the feeds exported is only checked (304), not fetched
        article_downloads(replica)
        listings = crawl_ok(tmp_path / "listings2", *base)
        assert listings.items() == [] and "200" not in article_downloads(replica)
    finally:
        replica.stop()


# --- sitemaps -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gzip_replica() -> Any:
    running = start_replica("--articles", "150", "--seed", "9", "--gzip-sitemaps")
    yield running
    running.stop()


def test_site_feed_twice_downloads_nothing_the_second_time(tmp_path: Path,
                                                           gzip_replica: RunningReplica) -> None:
    state = tmp_path / "state.sqlite"
    args = ("-a", f"base_url={gzip_replica.url}", "-a", "discover=rss", "-a", f"state={state}")
    first = crawl_ok(tmp_path / "one", *args)
    newest = [a["url"] for a in gzip_replica.articles[:50]]  # /ar/rss: the 50 newest (the seed is the oldest)
    assert sorted(i["url"] for i in first.items()) == sorted(newest)
    article_downloads(gzip_replica)
    second = crawl_ok(tmp_path / "two", *args)
    assert second.items() == [] and article_downloads(gzip_replica) == {}


def _modified(article: dict[str, Any]) -> date:
    return parsedate_to_datetime(article["last_modified"]).date()


def test_sitemap_window_exports_exactly_the_manifest_window(tmp_path: Path,
                                                            gzip_replica: RunningReplica) -> None:
    days = sorted({_modified(a) for a in gzip_replica.articles})
    since, until = days[1], days[-2]  # a window inside the replica's days (and far after the 2018 seed)
    result = crawl_ok(tmp_path, "-a", f"base_url={gzip_replica.url}", "-a", "discover=sitemap",
                      "-a", f"since={since}", "-a", f"until={until}")
    window = {a["url"]: a for a in gzip_replica.articles if since <= _modified(a) <= until}
    items = result.items()
    assert 0 < len(window) < len(gzip_replica.articles) and sorted(i["url"] for i in items) == sorted(window)
    assert "'sitemap/files_skipped': 1" in result.log  # 2018-06.xml.gz: its lastmod is before since
    for item in items:  # the sitemap's news:publication_date stands in for the listing stamp
        assert item["published_at"] == window[item["url"]]["published_at"]
        assert item["section"] == window[item["url"]]["section"]


def test_sitemap_without_bounds_reaches_every_article(tmp_path: Path, gzip_replica: RunningReplica) -> None:
    """Every article, the client-side section's included: a sitemap crawl needs no browser."""
    result = crawl_ok(tmp_path, "-a", f"base_url={gzip_replica.url}", "-a", "discover=sitemap")
    assert sorted(i["url"] for i in result.items()) == sorted(a["url"] for a in gzip_replica.articles)
    assert {i["section"] for i in result.items()} >= RENDERED
    assert "render/browser_requests" not in result.log


def test_sitemap_keeps_to_the_sections(tmp_path: Path, gzip_replica: RunningReplica) -> None:
    result = crawl_ok(tmp_path, "-a", f"base_url={gzip_replica.url}", "-a", "discover=sitemap",
                      "-a", "sections=syria,writers")
    wanted = sorted(a["url"] for a in gzip_replica.articles if a["section"] in ("syria", "writers"))
    assert sorted(i["url"] for i in result.items()) == wanted


# --- back-fill ------------------------------------------------------------------------------------
def test_backfill_walks_an_id_range(tmp_path: Path, gzip_replica: RunningReplica) -> None:
    ids = sorted(int(a["article_id"]) for a in gzip_replica.articles)
    low, high = ids[10], ids[40]
    result = crawl_ok(tmp_path, "-a", f"base_url={gzip_replica.url}", "-a", "discover=backfill",
                      "-a", f"id_from={low}", "-a", f"id_to={high}")
    wanted = {a["url"]: a for a in gzip_replica.articles if low <= int(a["article_id"]) <= high}
    assert sorted(i["url"] for i in result.items()) == sorted(wanted)
    assert f"'backfill/missing_id': {high - low + 1 - len(wanted)}" in result.log
    for item in result.items():
        assert item["article_id"] == wanted[item["url"]]["article_id"]
        assert item["published_raw"] is None  # an article page prints no full publication date


def test_monthly_sitemap_files_outside_the_window_are_skipped_by_name() -> None:
    from types import SimpleNamespace

    from newscrawl.discovery import DiscoveryMixin

    def may_hold(loc: str, since: date | None, until: date | None, lastmod: date | None = None) -> bool:
        spider = SimpleNamespace(args=SimpleNamespace(since=since, until=until))
        return DiscoveryMixin._file_may_hold_window(spider, loc, lastmod)  # type: ignore[arg-type]

    january = "http://h/sitemaps/2025-01.xml.gz"
    assert not may_hold(january, date(2025, 3, 1), None)  # all of January is before since
    assert not may_hold(january, None, date(2024, 12, 31))  # all of it after until
    assert may_hold("http://h/sitemaps/2025-02.xml", date(2025, 2, 15), None)  # the window starts in it
    assert may_hold(january, date(2025, 1, 31), date(2025, 1, 31))
    assert not may_hold("http://h/sitemaps/news.xml", date(2025, 3, 1), None, lastmod=date(2025, 2, 1))
    assert may_hold("http://h/sitemaps/news.xml", date(2025, 3, 1), None)  # no name, no lastmod: read it
