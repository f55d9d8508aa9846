"""Every fault the replica can inject, through the real engine: the exact outcome of each.

Each test starts a replica with one fault kind (or the issue's mix), crawls it with `scrapy crawl`,
and checks the export against the manifest, which records what a correct crawler must export for
each faulty page (e.g. a null ``published_at`` for a garbage stamp).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from newscrawl.sites import get_site
from tests.conftest import (
    FAST_FAULTS,
    CrawlResult,
    RunningReplica,
    manifest_of,
    replica_stats,
    run_crawl,
    start_replica,
    static_sections,
)
from tests.verdicts import assert_verdict

pytestmark = pytest.mark.slow  # each test crawls a faulty replica: 5 to 25 s of wall time

FIELDS = ("section", "title", "subtitle", "author", "dateline", "image_url", "image_caption", "summary",
          "published_raw", "published_at", "updated_raw", "updated_at")


def crawl_with(tmp_path: Path, faults: str, articles: int = 60, seed: int = 3, *extra: str,
               status: int = 0) -> tuple[RunningReplica, CrawlResult, list[dict]]:
    """Crawl a replica injecting ``faults``, which must end with exit ``status``; the replica's own
    counters land in ``replica.served``. A timeout fault holds its answer far longer than the crawl's
    DOWNLOAD_TIMEOUT (FAST_FAULTS), so it is a timeout however slow the machine."""
    replica = start_replica("--articles", str(articles), "--seed", str(seed), "--faults", faults,
                            "--slow-seconds", "120")
    try:
        result = run_crawl(tmp_path, "-a", f"base_url={replica.url}", *static_sections(), *FAST_FAULTS,
                           *extra)
        if status == 0:
            assert_verdict(result, 0, "complete", "every check passed")
        assert result.returncode == status, result.log[-3000:]
        replica.manifest  # noqa: B018 - fetch it while the replica runs
        replica.served = replica_stats(replica) | {"paths": replica_stats_paths(replica)}
        return replica, result, result.items()
    finally:
        replica.stop()


def report_of(result: CrawlResult) -> dict:
    path = result.feeds["items.jsonl"].with_name("items.report.json")
    return json.loads(path.read_text(encoding="utf-8"))


def assert_exact_export(replica: RunningReplica, items: list[dict]) -> dict[str, dict]:
    """One item per expected article, no other item, every field as the manifest says."""
    counts = Counter(i["url"] for i in items)
    assert [u for u, n in counts.items() if n > 1] == []
    expected = {a["url"]: a for a in manifest_of(replica)}
    assert set(counts) == set(expected)
    by_url = {i["url"]: i for i in items}
    wrong = []
    for url, article in expected.items():
        item = by_url[url]
        want = {f: article[f if f != "published_raw" else "listing_stamp"] for f in FIELDS}
        want["body"] = "\n\n".join(article["body"])
        wrong += [(article["article_id"], f, item[f], v) for f, v in want.items() if item[f] != v]
    assert wrong == []
    return by_url


def replica_stats_paths(replica: RunningReplica) -> dict[str, dict[str, int]]:
    """Requests the replica served, by path and status (kept by crawl_with, or asked now)."""
    import urllib.request

    if replica.process.poll() is None:
        with urllib.request.urlopen(f"{replica.url}/__replica__/stats.json?paths=1", timeout=30) as resp:
            return json.load(resp).get("paths", {})
    return replica.served.get("paths", {})


def faulted(replica: RunningReplica, kind: str) -> list[dict]:
    hit = [a for a in manifest_of(replica, exported_only=False) if kind in a["faults"]]
    assert hit, f"the replica injected no {kind} fault"
    return hit


@pytest.mark.parametrize("kind", ["5xx", "timeout", "drop", "truncate"])
def test_transient_faults_are_retried_until_the_page_comes(tmp_path, kind):
    replica, result, items = crawl_with(tmp_path, f"{kind}=0.15")
    assert_exact_export(replica, items)
    hit = faulted(replica, kind)
    # each faulty page failed on its first 2 attempts (--fault-attempts), then came through
    assert replica.served["faults"][kind] >= 2 * len(hit)
    assert report_of(result)["failures"] == {}
    assert report_of(result)["requests"]["retries"] > 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_issue_mix_loses_no_article(tmp_path, seed):
    """10% 5xx, 5% timeouts, 5% dropped connections: every article of the manifest is exported."""
    replica, result, items = crawl_with(tmp_path, "5xx=0.1,timeout=0.05,drop=0.05", 150, seed)
    assert_exact_export(replica, items)


def test_malformed_html_gives_the_same_fields(tmp_path):
    replica, result, items = crawl_with(tmp_path, "malformed=0.2")
    faulted(replica, "malformed")
    assert_exact_export(replica, items)
    # the unclosed label <div> swallows the article: its own line is still the brand
    assert {item["brand"] for item in items} == {"العرب اليوم"}
    assert report_of(result)["dropped"] == {}


def test_windows_1256_pages_decode_to_the_original_text(tmp_path):
    replica, result, items = crawl_with(tmp_path, "encoding=0.4", 80)
    hit = faulted(replica, "encoding")
    declared = Counter(a["encoding"]["declared"] for a in hit)
    assert set(declared) >= {"header", "none", "mislabeled"}
    by_url = assert_exact_export(replica, items)
    for article in hit:  # decoded text equal to the original, whatever the declaration
        assert by_url[article["url"]]["title"] == article["title"]
        assert by_url[article["url"]]["body"] == "\n\n".join(article["body"])
    # the "none" pages are read with the first fallback that decodes them; the windows-1256 pages
    # served as charset=utf-8 (99% U+FFFD as declared) are re-read with it
    assert re.search(rf"'encoding/undeclared/cp1256': {declared['none']}\b", result.log)
    assert re.search(rf"'encoding/misdeclared/cp1256': {declared['mislabeled']}\b", result.log)


def test_duplicate_urls_give_one_item_per_canonical_article(tmp_path):
    replica, result, items = crawl_with(tmp_path, "duplicate_urls=0.2")
    hit = faulted(replica, "duplicate_urls")
    assert all(a["aliases"] for a in hit)
    assert_exact_export(replica, items)  # no duplicates, canonical URLs only
    assert "listing/duplicate_article_link" in result.log


def test_missing_fields_are_null_and_counted(tmp_path):
    replica, result, items = crawl_with(tmp_path, "missing_fields=0.3")
    hit = faulted(replica, "missing_fields")
    by_url = assert_exact_export(replica, items)
    for article in hit:
        field = {"image": "image_url", "dateline": "dateline", "updated": "updated_raw",
                 "subtitle": "subtitle"}[article["missing_field"]]
        assert by_url[article["url"]][field] is None
    # counted, not dropped: validation/missing/<field> equals the items exported without it
    for field in {"image_url", "dateline", "updated_raw", "subtitle"}:
        without = sum(1 for item in items if not item[field])
        counted = re.search(rf"'validation/missing/{field}': (\d+)", result.log)
        assert (int(counted[1]) if counted else 0) == without, field


def test_bad_date_stamps_are_reported_not_guessed(tmp_path):
    # a fifth of the stamps bad: published_at is below its coverage floor (90 %), a partial run
    replica, result, items = crawl_with(tmp_path, "bad_dates=0.2", 80, status=3)
    hit = faulted(replica, "bad_dates")
    assert_verdict(result, 3, "coverage", "below its floor (has the page layout changed?): published_at ")
    by_url = assert_exact_export(replica, items)  # published_at as printed, or null when unreadable
    for article in hit:
        item = by_url[article["url"]]
        issues = {i["issue"] for i in item["date_issues"] or [] if i["field"] == "published_raw"}
        expected = {"weekday_mismatch": "weekday_mismatch", "month_mismatch": "month_pair_mismatch"}
        if article["bad_date"]["kind"] in expected:
            assert expected[article["bad_date"]["kind"]] in issues
        else:
            assert issues, item["published_raw"]
    assert report_of(result)["date_issues"]


def test_redirect_links_in_listings_cost_nothing(tmp_path):
    """The replica's /go/ (offsite) and /loop/ links sit among listing entries: not article URLs of
    the site, so the spider does not follow them, and every article is still exported."""
    replica, result, items = crawl_with(tmp_path, "redirect_offsite=0.3,redirect_loop=0.3")
    assert_exact_export(replica, items)
    extra = replica.manifest["extra_links"]
    assert {link["kind"] for link in extra} >= {"redirect_offsite", "redirect_loop"}
    paths = replica_stats_paths(replica)
    assert not [p for p in paths if p.startswith(("/go/", "/loop/"))]
    assert "'listing/not_an_article_link'" in result.log


REDIRECT_SPIDER = """
import scrapy

class RedirectProbe(scrapy.Spider):
    name = "probe"
    def __init__(self, base_url, paths, **kw):
        super().__init__(**kw)
        self.base_url, self.paths = base_url, paths.split(",")
        self.allowed_domains = ["127.0.0.1"]
    async def start(self):
        for path in self.paths:
            yield scrapy.Request(self.base_url + path, errback=self.failed)
    def parse(self, response):
        yield {"url": response.url, "status": response.status}
    def failed(self, failure):
        self.crawler.stats.inc_value("probe/failed")
"""


def test_offsite_redirects_and_redirect_loops_are_refused_by_the_settings(tmp_path):
    """With the project's settings, a redirect to another host is filtered and a loop is given up."""
    replica = start_replica("--articles", "30", "--seed", "4", "--faults",
                            "redirect_offsite=0.5,redirect_loop=0.5")
    try:
        links = replica.manifest["extra_links"]
        offsite = next(link["url"] for link in links if link["kind"] == "redirect_offsite")
        loop = next(link["url"] for link in links if link["kind"] == "redirect_loop")
        spider = tmp_path / "probe.py"
        spider.write_text(REDIRECT_SPIDER)
        paths = ",".join(u[len(replica.url):] for u in (offsite, loop))
        import subprocess
        import sys

        from tests.conftest import ROOT
        proc = subprocess.run([sys.executable, "-m", "scrapy", "runspider", str(spider), "-a",
                               f"base_url={replica.url}", "-a", f"paths={paths}", "-O",
                               str(tmp_path / "out.jsonl"), "-s", "LOG_LEVEL=DEBUG"],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        log = proc.stderr
        assert proc.returncode == 0, log[-2000:]
        assert (tmp_path / "out.jsonl").read_text() == ""  # nothing came back from either
        assert "'offsite/filtered': 1" in log
        assert "Discarding" in log and "max redirections reached" in log
        served = replica_stats_paths(replica)
        loops = sum(sum(by_status.values()) for p, by_status in served.items() if p.startswith("/loop/"))
        assert 1 <= loops <= 6  # REDIRECT_MAX_TIMES=5: the first answer and 5 redirects at most
    finally:
        replica.stop()


def test_pagination_trap_is_stopped(tmp_path):
    """A trapped section answers every page past its last with the last page's entries and a next
    link: NEWSCRAWL_MAX_STALE_LISTING_PAGES (3) such pages in a row end it, and nothing is lost."""
    replica, result, items = crawl_with(tmp_path, "pagination_trap=1")
    assert_exact_export(replica, items)
    trapped = replica.manifest["trapped_sections"]
    assert len(trapped) == 1
    report = report_of(result)
    listed = [s for s in replica.manifest["sections"] if not get_site("arabstoday").section(s["key"]).render]
    pages = sum(s["pages"] for s in listed)
    # first attempts only (a retry is not another page), minus articles and robots.txt
    listing_requests = report["requests"]["total"] - report["requests"]["retries"] - len(items) - 1
    assert listing_requests == pages + 3  # the 3 stale pages past the trapped section's last
    assert report["listing"]["stopped_no_new_entries"] == 1
    assert report["listing"]["pages_without_new_entries"] == 3


def test_oversized_pages_are_refused_and_reported(tmp_path):
    replica, result, items = crawl_with(tmp_path, "oversized=2", status=3)
    hit = faulted(replica, "oversized")
    assert_exact_export(replica, items)  # every other article, and not those
    report = report_of(result)
    # pages lost for this run: partial, by the failures rule (the next run retries them first)
    pages = "1 page" if len(hit) == 1 else f"{len(hit)} pages"
    assert_verdict(result, 3, "failures", f"{pages} failed for good (too_large ×{len(hit)})", report)
    assert sum(report["failures"].values()) == len(hit)
    failures = [json.loads(line) for line in Path(report["failures_file"]).read_text().splitlines()]
    assert {f["url"] for f in failures} == {a["url"] for a in hit}
