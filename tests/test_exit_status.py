"""One test per row of issue 11's table, through the real engine: the exact exit status, the rule
and reason the run gives, and that nothing is lost (what was exported is right; what was not is
exported by the next run with the same state).

The replica serves the site; :class:`tests.hostile.HostileProxy` stands in front of it when a test
needs a page made oversized or requests held until the test lets them through. Read-only files are
real, two ways: by their mode, for a crawl run without the capabilities that let root ignore file
permissions (a non-root user's situation); and immutable (``chattr +i``, the issue's), which not even
root may write.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from newscrawl.sites import get_site
from newscrawl.state import StateStore
from tests.conftest import (
    FAST_FAULTS,
    ROOT,
    CrawlResult,
    RunningReplica,
    manifest_of,
    replica_stats,
    run_crawl,
    start_replica,
    static_sections,
)
from tests.hostile_proxy import HostileProxy, corrupt_pages, immutable, without_file_overrides
from tests.servers import free_port, wait_until
from tests.verdicts import assert_verdict, last_line

FIELDS = ("title", "subtitle", "author", "body", "published_at", "updated_raw")


@pytest.fixture(scope="module")
def site() -> Any:
    running = start_replica("--articles", "80", "--seed", "5")
    yield running
    running.stop()


def report_of(result: CrawlResult) -> dict[str, Any]:
    path = result.feeds["items.jsonl"].with_name("items.report.json")
    return json.loads(path.read_text(encoding="utf-8"))


def by_path(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Records by URL path (the proxy and the replica name the same article on different ports)."""
    return {re.sub(r"^https?://[^/]+", "", item["url"]): item for item in items}


def assert_right(items: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    """Exactly the expected articles, once each, with the manifest's fields."""
    got = by_path(items)
    assert len(got) == len(items)
    want = by_path(expected)
    assert set(got) == set(want)
    for path, article in want.items():
        item = got[path]
        assert item["title"] == article["title"] and item["body"] == "\n\n".join(article["body"])
        assert item["published_at"] == article["published_at"], path


def assert_refused(result: CrawlResult, words: str) -> str:
    """Status 1 before crawling: one ``scrapy: error:`` line, no traceback, no feed file."""
    assert result.returncode == 1, result.log[-3000:]
    lines = [line for line in result.log.splitlines() if line.startswith("scrapy: error:")]
    assert len(lines) == 1 and words in lines[0], result.log[-3000:]
    assert last_line(result.log) == lines[0], result.log[-3000:]  # what cron mails, stderr's last line
    assert "Traceback" not in result.log
    assert all(not path.exists() for path in result.feeds.values())
    return lines[0]


def served(replica: RunningReplica) -> int:
    return replica_stats(replica)["total"]


def fill_state(tmp_path: Path, site: RunningReplica, state: Path) -> CrawlResult:
    """A first run (two sections) that leaves a state with articles in it."""
    first = run_crawl(tmp_path / "first", "-a", f"base_url={site.url}", "-a", "sections=syria,economy",
                      "-a", f"state={state}")
    assert first.returncode == 0, first.log[-3000:]
    assert first.items()
    return first


# --- status 1 -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_nothing_listening_at_base_url_is_1_and_the_next_run_gets_everything(tmp_path, site):
    state = tmp_path / "state.sqlite"
    down = run_crawl(tmp_path / "down", "-a", f"base_url=http://127.0.0.1:{free_port()}",
                     *static_sections(), "-a", f"state={state}", *FAST_FAULTS)
    assert_verdict(down, 1, "no_response", "ConnectionRefusedError")
    assert down.items() == []

    up = run_crawl(tmp_path / "up", "-a", f"base_url={site.url}", *static_sections(), "-a", f"state={state}")
    assert up.returncode == 0, up.log[-3000:]
    assert_right(up.items(), manifest_of(site))


@contextmanager
def read_only(path: Path, how: str) -> Iterator[dict[str, Any]]:
    """``path`` read-only for the ``with`` block, ``how``: ``mode`` (chmod; yields the ``run_crawl``
    keywords of a crawl for which file permissions apply) or ``chattr`` (immutable, even to root)."""
    if how == "chattr":
        with immutable(path):
            yield {}
        return
    mode = path.stat().st_mode
    path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        yield {"preexec_fn": without_file_overrides}
    finally:
        path.chmod(mode)


@pytest.mark.slow
@pytest.mark.parametrize("how", ["mode", "chattr"])
@pytest.mark.parametrize("what", ["file", "directory"])
def test_read_only_state_is_refused_before_crawling(tmp_path, site, what, how):
    state_dir = tmp_path / "state"
    state = state_dir / "state.sqlite"
    first = fill_state(tmp_path, site, state)
    before = state.read_bytes()
    replica_stats(site, reset=True)
    with read_only(state if what == "file" else state_dir, how) as popen:
        refused = run_crawl(tmp_path / "ro", "-a", f"base_url={site.url}", *static_sections(),
                            "-a", f"state={state}", **popen)
    assert_refused(refused, f"state file {state} cannot be written")
    assert served(site) == 0  # refused before crawling: not one request
    assert state.read_bytes() == before

    after = run_crawl(tmp_path / "after", "-a", f"base_url={site.url}", *static_sections(),
                      "-a", f"state={state}")
    assert after.returncode == 0, after.log[-3000:]
    exported_first = set(by_path(first.items()))
    assert_right(after.items(), [a for a in manifest_of(site) if by_path([a]).keys() - exported_first])


@pytest.mark.parametrize("how", ["mode", "chattr"])
def test_feed_into_an_unwritable_directory_is_refused_before_crawling(tmp_path, site, how):
    out = tmp_path / "out"
    out.mkdir()
    replica_stats(site, reset=True)
    with read_only(out, how) as popen:
        refused = run_crawl(out / "daily", "-a", f"base_url={site.url}", *static_sections(), **popen)
    line = assert_refused(refused, f"directory {out} is not writable")
    assert line.endswith("nothing was crawled")
    assert served(site) == 0
    assert list(out.iterdir()) == []


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["damaged", "not_sqlite", "foreign"])
def test_corrupt_or_foreign_state_is_refused_in_one_line(tmp_path, site, kind):
    state = tmp_path / "state.sqlite"
    if kind == "damaged":  # a real state with a few corrupted pages in the middle
        fill_state(tmp_path, site, state)
        corrupt_pages(state)
    elif kind == "not_sqlite":
        state.write_bytes(b"\x00\x01 not a database " * 200)
    else:
        db = sqlite3.connect(state)
        db.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
        db.commit()
        db.close()
    before = state.read_bytes()
    replica_stats(site, reset=True)
    refused = run_crawl(tmp_path / "run", "-a", f"base_url={site.url}", *static_sections(),
                        "-a", f"state={state}")
    words = {"damaged": "is damaged (SQLite quick_check:", "not_sqlite": "is not a SQLite database",
             "foreign": "is a SQLite database of something else (tables: moz_places)"}[kind]
    assert_refused(refused, words)
    assert served(site) == 0
    assert state.read_bytes() == before


@pytest.mark.slow
def test_feed_storage_failing_at_the_end_is_1_and_the_state_is_not_advanced(tmp_path, site):
    state = tmp_path / "state.sqlite"
    feed = f"ftp://user:secret@127.0.0.1:{free_port()}/items.jsonl"  # nothing listening: the upload fails
    failed = run_crawl(tmp_path / "ftp", "-a", f"base_url={site.url}", "-a", "sections=syria,economy",
                       "-a", f"state={state}", "-s", f"NEWSCRAWL_REPORT={tmp_path / 'ftp.report.json'}",
                       "-o", feed, feeds=())
    assert_verdict(failed, 1, "feed", "could not be stored",
                   report=json.loads((tmp_path / "ftp.report.json").read_text()))
    store = StateStore(state)
    assert store.count() == 0  # nothing recorded as exported: it is in no stored feed
    store.close()

    again = run_crawl(tmp_path / "again", "-a", f"base_url={site.url}", "-a", "sections=syria,economy",
                      "-a", f"state={state}")
    assert again.returncode == 0, again.log[-3000:]
    assert_right(again.items(), [a for a in manifest_of(site) if a["section"] in ("syria", "economy")])


@pytest.mark.slow
def test_two_runs_on_one_state_the_second_fails_fast_naming_the_first_or_waits(tmp_path, site):
    state = tmp_path / "state.sqlite"
    proxy = HostileProxy(site.url)
    proxy.gate.clear()  # the first run's requests wait until the test lets them through
    args = ["-a", f"base_url={proxy.url}", *static_sections(), "-a", f"state={state}",
            "-s", "DOWNLOAD_TIMEOUT=600"]  # held requests must not time out, however busy the machine
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    scrapy = [sys.executable, "-m", "scrapy", "crawl", "arabstoday"]
    first_log, waiting_log = tmp_path / "first.log", tmp_path / "waiting.log"
    with first_log.open("w") as out1, waiting_log.open("w") as out2:
        first = subprocess.Popen([*scrapy, *args, "-O", str(tmp_path / "first.jsonl")], cwd=ROOT, env=env,
                                 stdout=out1, stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: proxy.count() or first.poll() is not None, 300, "the first run's request")
            assert first.poll() is None, first_log.read_text()[-3000:]
            held = proxy.count()

            second = run_crawl(tmp_path / "second", *args)
            assert_refused(second, f"is in use by another run (pid {first.pid} on ")
            assert proxy.count() == held  # the second run sent nothing

            waiting = subprocess.Popen([*scrapy, *args, "-s", "NEWSCRAWL_STATE_WAIT=600",
                                        "-O", str(tmp_path / "waiting.jsonl")], cwd=ROOT, env=env,
                                       stdout=out2, stderr=subprocess.STDOUT)
            wait_until(lambda: "waiting up to 600 s" in waiting_log.read_text() or waiting.poll() is not None,
                       300, "the third run to wait for the state")
            assert waiting.poll() is None, waiting_log.read_text()[-3000:]
        finally:
            proxy.gate.set()
        try:
            assert first.wait(timeout=600) == 0, first_log.read_text()[-3000:]
            assert waiting.wait(timeout=600) == 0, waiting_log.read_text()[-3000:]
        finally:
            for proc in (first, waiting):
                proc.kill()
            proxy.stop()
    assert_right(_lines(tmp_path / "first.jsonl"), manifest_of(site))
    assert _lines(tmp_path / "waiting.jsonl") == []  # it ran after the first: everything known


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


# --- status 3 -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_listing_over_download_maxsize_is_3_for_its_section_and_retried_next_run(tmp_path, site):
    arabstoday = get_site("arabstoday")
    proxy = HostileProxy(site.url)
    proxy.padding[arabstoday.listing_path(arabstoday.section("economy"))] = 1_500_000
    state = tmp_path / "state.sqlite"
    args = ("-a", f"base_url={proxy.url}", *static_sections(), "-a", f"state={state}",
            "-s", "DOWNLOAD_MAXSIZE=1000000")
    try:
        partial = run_crawl(tmp_path / "partial", *args)
        report = report_of(partial)
        verdict = assert_verdict(partial, 3, "sections", "1 of 8 requested sections", report)
        assert "arabstoday/economy (page 1: too_large)" in verdict["reason"]
        economy = report["sections"]["arabstoday/economy"]
        assert economy == {"articles_listed": 0, "failed": "page 1: too_large"}
        others = [a for a in manifest_of(site) if a["section"] != "economy"]
        assert_right(partial.items(), others)

        proxy.padding.clear()
        complete = run_crawl(tmp_path / "complete", *args)
        assert complete.returncode == 0, complete.log[-3000:]
        assert_right(complete.items(), [a for a in manifest_of(site) if a["section"] == "economy"])
    finally:
        proxy.stop()


def test_a_changed_page_layout_is_3_by_field_coverage(tmp_path, site):
    """The listings' date markup changes (a layout the selectors do not know): every record loses
    its publication date, and the coverage floor of published_at says so."""
    proxy = HostileProxy(site.url)
    proxy.rewrite[b'class="news-date"'] = b'class="entry-time"'
    try:
        changed = run_crawl(tmp_path / "changed", "-a", f"base_url={proxy.url}",
                            "-a", "sections=syria,economy",
                            "-s", f"LOG_FILE={tmp_path / 'crawl.log'}")
    finally:
        proxy.stop()
    assert changed.returncode == 3, (tmp_path / "crawl.log").read_text()[-3000:]
    verdict = report_of(changed)["verdict"]
    assert verdict["rule"] == "coverage" and "published_at 0.0% < 90%" in verdict["reason"]
    assert changed.log == f"scrapy: {verdict['line']}\n"  # the log in a file: one line for cron to mail
    last = (tmp_path / "crawl.log").read_text(encoding="utf-8").splitlines()[-1]
    assert last.endswith(f" ERROR: Verdict: {verdict['line']}"), last  # and the log file ends with it
    items = changed.items()
    assert items and all(item["published_at"] is None and item["title"] for item in items)


# --- status 0 -------------------------------------------------------------------------------------


def readme_cron_args() -> list[str]:
    """The arguments of the README's hourly cron line (``scrapy crawl`` and what follows)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("# crontab: every hour, one feed file per run"):]
    line = block[:block.index("```")].replace("\\\n", " ")
    command = next(part for part in line.split("&&") if "scrapy crawl" in part)
    words = shlex.split(command)
    return words[words.index("crawl") + 2:]


@pytest.mark.slow
def test_quiet_incremental_hour_of_the_readme_cron_line_is_0_and_silent(tmp_path, site):
    """The README's hourly line, run in a fresh directory: the first hour exports everything, the
    next one (nothing changed) exports nothing, exits 0 and prints nothing for cron to mail."""
    args = readme_cron_args()
    assert "NEWSCRAWL_MIN_ITEMS=1" in args and any(a.startswith("state=") for a in args)
    assert not (tmp_path / "logs").exists()  # a fresh checkout: the crawl makes logs/ (and state/)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SCRAPY_SETTINGS_MODULE": "newscrawl.settings"}
    hours = []
    for hour in (1, 2):
        proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "arabstoday", *args,
                               "-a", f"base_url={site.url}", *static_sections()],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
        log = (tmp_path / "logs" / "crawl.log").read_text(encoding="utf-8")
        assert proc.returncode == 0, (proc.stderr + log)[-3000:]
        assert proc.stdout + proc.stderr == ""  # cron mails nothing
        feeds = sorted((tmp_path / "exports" / "arabstoday").glob("*.jsonl"))
        assert len(feeds) == hour
        hours.append(_lines(feeds[-1]))
    assert_right(hours[0], manifest_of(site))
    assert hours[1] == []
    report = json.loads(sorted((tmp_path / "exports" / "arabstoday").glob("*.report.json"))[-1].read_text())
    assert report["verdict"]["status"] == 0
    assert report["articles"]["skipped_unchanged"] == len(manifest_of(site))
    assert log.splitlines()[-1].endswith(f" INFO: Verdict: {report['verdict']['line']}")  # last line
