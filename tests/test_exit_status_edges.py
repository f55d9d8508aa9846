"""More ways a run could lose data while exiting 0, tried as a hostile server or an unlucky user would:
an article page that is empty, a section whose listing is gone, a pipeline that raises, a value no
exporter can write, a full disk, SIGTERM and a second SIGINT mid-run, a log file that cannot be
written, checks that cannot run. Each must end with the contract's status and its one-line reason
(the report's and stderr's last line), and lose nothing: what was exported is in the state, what was
not is exported by the next run with the same state.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, CrawlResult, RunningReplica, manifest_of, run_crawl, start_replica
from tests.faulty import pipelines_with, spider_middlewares_with
from tests.hostile import Page, Publisher, Served, serve
from tests.hostile_proxy import HostileProxy, immutable
from tests.servers import wait_until
from tests.test_hostile_e2e import Tampered
from tests.verdicts import assert_verdict, contract_line, last_line, report_beside

IDS = ("000001", "000002", "000003")
SECTIONS = ("-a", "sections=syria,economy")


@pytest.fixture(scope="module")
def site() -> Iterator[RunningReplica]:
    running = start_replica("--articles", "60", "--seed", "7")
    yield running
    running.stop()


def crawl(tmp_path: Path, served: Served, *extra: str, **kwargs: Any) -> CrawlResult:
    """One section (three articles) of a small publisher on loopback."""
    return run_crawl(tmp_path, "-a", f"base_url={served.url}", "-a", "sections=syria", *extra, **kwargs)


def ids(result: CrawlResult) -> list[str]:
    return sorted(item["article_id"] for item in result.items())


def recorded(state: Path) -> set[str]:
    """URL paths of the articles the state holds as exported (read-only, as the next run would)."""
    if not state.exists():
        return set()
    with closing(sqlite3.connect(f"file:{state}?mode=ro", uri=True)) as db:
        return {path_of(url) for (url,) in db.execute("SELECT url FROM articles")}


def wanted(site: RunningReplica) -> set[str]:
    """URL paths of the replica's articles in SECTIONS."""
    return paths([a for a in manifest_of(site) if a["section"] in ("syria", "economy")])


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def paths(items: list[dict[str, Any]]) -> set[str]:
    return {path_of(item["url"]) for item in items}


def jsonl_lines(path: Path) -> list[dict[str, Any]]:
    """The complete records of a JSON Lines file that may end in a cut line (a full disk)."""
    records = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            pass
    return records


# --- a hostile server ------------------------------------------------------------------------------


@pytest.mark.slow
def test_an_empty_article_page_is_3_and_the_next_run_exports_it(tmp_path):
    """A 200 with an empty body where an article should be: not an article with no text."""
    publisher = Tampered({"000002": Page(b"")})
    state = tmp_path / "state.sqlite"
    with serve(publisher) as served:
        first = crawl(tmp_path / "first", served, "-a", f"state={state}")
        publisher.tampered = {}
        second = crawl(tmp_path / "second", served, "-a", f"state={state}")
    assert_verdict(first, 3, "validation", "missing_body ×1")
    assert ids(first) == ["000001", "000003"]
    assert_verdict(second, 0, "complete", "1 articles exported, 2 known unchanged")
    assert ids(second) == ["000002"]


def test_a_section_whose_listing_is_gone_is_3(tmp_path):
    """The listing answers 404 (the section was renamed): status 3 by the sections rule, naming it."""

    class Gone(Publisher):
        def listing(self, page: int) -> Page:
            return Page(b"not found", 404)

    with serve(Gone([list(IDS)])) as served:
        result = crawl(tmp_path, served)
    assert_verdict(result, 3, "sections", "arabstoday/syria (page 1: http_404)")
    assert result.items() == []


def test_a_spider_callback_raising_is_3_and_the_next_run_exports_its_article(tmp_path):
    """The callback raises where it would have given article 000002 (a bug, or a page it cannot
    handle): Scrapy logs it and goes on; the run is partial, the article not recorded."""
    state = tmp_path / "state.sqlite"
    with serve(Publisher([list(IDS)])) as served:
        first = crawl(tmp_path / "first", served, "-a", f"state={state}",
                      "-s", f"SPIDER_MIDDLEWARES={spider_middlewares_with(950)}",
                      "-s", "TEST_CALLBACK_FAIL_ARTICLE_IDS=000002")
        held = recorded(state)
        second = crawl(tmp_path / "second", served, "-a", f"state={state}")
    assert_verdict(first, 3, "errors", "1 spider callbacks or item pipelines raised (ValueError ×1)")
    assert ids(first) == ["000001", "000003"]
    assert held == paths(first.items())
    assert_verdict(second, 0, "complete", "1 articles exported, 2 known unchanged")
    assert ids(second) == ["000002"]


def test_fewer_articles_seen_than_min_items_is_3_and_known_ones_count(tmp_path):
    """NEWSCRAWL_MIN_ITEMS counts what the run saw: three articles are fewer than four (3), and the
    next hour's three known unchanged articles are three (0, nothing exported)."""
    state = tmp_path / "state.sqlite"
    with serve(Publisher([list(IDS)])) as served:
        few = crawl(tmp_path / "few", served, "-a", f"state={state}", "-s", "NEWSCRAWL_MIN_ITEMS=4")
        held = recorded(state)
        quiet = crawl(tmp_path / "quiet", served, "-a", f"state={state}", "-s", "NEWSCRAWL_MIN_ITEMS=3")
    assert_verdict(few, 3, "min_items", "3 articles seen, fewer than NEWSCRAWL_MIN_ITEMS=4")
    assert ids(few) == list(IDS)  # partial by the threshold, yet nothing lost: all exported, recorded
    assert held == paths(few.items())
    assert_verdict(quiet, 0, "complete", "0 articles exported, 3 known unchanged")
    assert quiet.items() == []


def test_a_closespider_limit_is_3_and_the_next_run_exports_the_rest(tmp_path, site):
    """CLOSESPIDER_ITEMCOUNT stops the crawl before it finished: partial by the finish reason; what it
    exported is recorded, the rest is exported by the next run."""
    state = tmp_path / "state.sqlite"
    stopped = run_crawl(tmp_path / "stopped", "-a", f"base_url={site.url}", *SECTIONS, "-a", f"state={state}",
                        "-s", "CLOSESPIDER_ITEMCOUNT=2", "-s", "CONCURRENT_REQUESTS=1")
    assert_verdict(stopped, 3, "finish_reason",
                   "the crawl was stopped before it finished (finish reason 'closespider_itemcount':"
                   " CLOSESPIDER_ITEMCOUNT; expected: finished)")
    first = paths(stopped.items())
    assert 0 < len(first) < len(wanted(site)) and recorded(state) == first

    rest = run_crawl(tmp_path / "rest", "-a", f"base_url={site.url}", *SECTIONS, "-a", f"state={state}")
    assert rest.returncode == 0, rest.log[-3000:]
    assert paths(rest.items()) == wanted(site) - first


def test_a_section_that_needs_a_missing_browser_is_refused_in_one_line(tmp_path):
    """A rendered section (``varieties``) asked for, and no browser where NEWSCRAWL_CHROMIUM says."""
    missing = tmp_path / "no" / "chromium"
    with serve(Publisher([list(IDS)])) as served:
        result = run_crawl(tmp_path, "-a", f"base_url={served.url}", "-a", "sections=varieties",
                           "-s", f"NEWSCRAWL_CHROMIUM={missing}")
    assert result.returncode == 1, result.log[-3000:]
    line = last_line(result.log)
    assert line.startswith("scrapy: error: section(s) varieties need a browser"), line
    assert f"Chromium cannot be started: {missing} does not exist (setting NEWSCRAWL_CHROMIUM)" in line
    assert [x for x in result.log.splitlines() if x.startswith("scrapy: error:")] == [line]
    assert "Traceback" not in result.log
    assert served.requests == [] and not result.feeds["items.jsonl"].exists()


class Held(Publisher):
    """Article pages wait for ``gate`` (the listing goes through): the crawl is mid-way until then."""

    def __init__(self, pages: list[list[str]]) -> None:
        super().__init__(pages)
        self.gate = threading.Event()

    def article(self, article_id: str) -> Page:
        self.gate.wait(timeout=600)
        return super().article(article_id)


def test_the_state_failing_during_the_crawl_is_1_and_the_next_run_exports_the_rest(tmp_path):
    """The state file (and its WAL) turns unwritable mid-run (a disk remounted read-only, a full disk):
    the feed is stored, the state cannot record it — status 1 by the state rule, and the next run
    exports again what the state does not hold."""
    state, feed, log = tmp_path / "state.sqlite", tmp_path / "items.jsonl", tmp_path / "crawl.log"
    publisher = Held([list(IDS)])
    with serve(publisher) as served:
        process = start_crawl(log, "-a", f"base_url={served.url}", "-a", "sections=syria",
                              "-a", f"state={state}", "-s", "DOWNLOAD_TIMEOUT=600", "-O", str(feed))
        try:
            asked = lambda: any(r.startswith("/40/") for r in served.requests)  # noqa: E731
            wait_until(lambda: asked() or process.poll() is not None, 300, "an article request")
            assert process.poll() is None, log.read_text()[-3000:]
            with ExitStack() as stack:
                for path in (state, state.with_name(state.name + "-wal")):
                    stack.enter_context(immutable(path))
                publisher.gate.set()
                status = process.wait(timeout=600)
        finally:
            publisher.gate.set()
            process.kill()
        result = CrawlResult(status, log.read_text(encoding="utf-8", errors="replace"), {"items.jsonl": feed})
        verdict = assert_verdict(result, 1, "state", f"state file {state}:")
        assert verdict["reason"].endswith("; 3 exported articles not recorded (exported again next run)")
        assert "Traceback" not in result.log
        assert ids(result) == list(IDS)  # the feed was stored
        held = recorded(state)
        assert held <= paths(result.items())

        again = crawl(tmp_path / "again", served, "-a", f"state={state}")
    assert_verdict(again, 0, "complete", f"{len(IDS) - len(held)} articles exported")
    assert paths(again.items()) == paths(result.items()) - held


# --- a user's pipeline, a feed exporter that cannot write ----------------------------------------------


@pytest.mark.slow
def test_a_pipeline_raising_on_one_item_is_3_and_the_next_run_exports_it(tmp_path):
    """After the state pipeline (which has seen the item): the item is not exported, not recorded."""
    state = tmp_path / "state.sqlite"
    with serve(Publisher([list(IDS)])) as served:
        first = crawl(tmp_path / "first", served, "-a", f"state={state}",
                      "-s", f"ITEM_PIPELINES={pipelines_with(460)}", "-s", "TEST_FAIL_ARTICLE_IDS=000002")
        second = crawl(tmp_path / "second", served, "-a", f"state={state}")
    assert_verdict(first, 3, "errors", "1 spider callbacks or item pipelines raised (ValueError ×1)")
    assert ids(first) == ["000001", "000003"]
    assert_verdict(second, 0, "complete", "1 articles exported, 2 known unchanged")
    assert ids(second) == ["000002"]


@pytest.mark.slow
def test_an_item_the_feed_exporter_cannot_write_is_1_and_never_recorded(tmp_path):
    """The exporter raises on one item (Scrapy logs it and goes on) and stores the file with the
    others: the state must not record the missing one as exported, or every later run calls it
    unchanged and it is never exported."""
    state = tmp_path / "state.sqlite"
    with serve(Publisher([list(IDS)])) as served:
        first = crawl(tmp_path / "first", served, "-a", f"state={state}",
                      "-s", f"ITEM_PIPELINES={pipelines_with(600)}",
                      "-s", "TEST_UNWRITABLE_ARTICLE_IDS=000002")
        second = crawl(tmp_path / "second", served, "-a", f"state={state}")
    assert_verdict(first, 1, "feed", "1 of 3 exported articles are not in a stored file")
    assert ids(first) == ["000001", "000003"]
    assert recorded(state) >= paths(first.items())
    assert_verdict(second, 0, "complete", "1 articles exported, 2 known unchanged")
    assert ids(second) == ["000002"]


@pytest.mark.slow
def test_a_pipeline_that_cannot_open_is_1_in_one_last_line(tmp_path):
    with serve(Publisher([list(IDS)])) as served:
        result = crawl(tmp_path, served, "-s", f"ITEM_PIPELINES={pipelines_with(460)}",
                       "-s", "TEST_FAIL_AT_OPEN=1")
    assert result.returncode == 1, result.log[-3000:]
    assert last_line(result.log) == ("scrapy: error: the crawl could not start: RuntimeError: the faulty"
                                     " pipeline cannot open (exit status 1)")
    assert served.requests == []


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 KB filesystem (tmpfs): a feed bigger than that fills it. Skips where mounting is not allowed."""
    where = tmp_path / "tiny"
    where.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(where)],
                          capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=True)


@pytest.mark.slow
def test_a_full_disk_under_the_feed_is_1_and_the_state_holds_only_what_was_stored(tmp_path, site, tiny_disk):
    state = tmp_path / "state.sqlite"
    feed = tiny_disk / "items.jsonl"
    report = tmp_path / "full.report.json"
    full = run_crawl(tmp_path / "full", "-a", f"base_url={site.url}", *SECTIONS, "-a", f"state={state}",
                     "-s", f"NEWSCRAWL_REPORT={report}", "-O", str(feed), feeds=())
    assert_verdict(full, 1, "feed", "not in a stored file", json.loads(report.read_text()))
    held = recorded(state)
    assert held <= paths(jsonl_lines(feed))  # never recorded unless in the stored file

    after = run_crawl(tmp_path / "after", "-a", f"base_url={site.url}", *SECTIONS, "-a", f"state={state}")
    assert after.returncode == 0, after.log[-3000:]
    assert paths(after.items()) == wanted(site) - held


# --- signals -----------------------------------------------------------------------------------------


def start_crawl(log: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", "arabstoday", *args], cwd=ROOT,
                                env=env, stdout=out, stderr=subprocess.STDOUT)


def stopped_mid_run(tmp_path: Path, site: RunningReplica, signals: tuple[int, ...]) -> tuple[int, str, Path]:
    """A crawl through a proxy that lets 8 requests through and holds the rest, so the crawl is
    mid-way when it gets ``signals`` (each sent once the previous one is in the log). Its status,
    its log and its feed file."""
    proxy = HostileProxy(site.url)
    proxy.pass_first = 8
    proxy.gate.clear()
    feed, log = tmp_path / "stopped.jsonl", tmp_path / "stopped.log"
    process = start_crawl(log, "-a", f"base_url={proxy.url}", *SECTIONS,
                          "-a", f"state={tmp_path / 'state.sqlite'}", "-s", "DOWNLOAD_TIMEOUT=600",
                          "-s", "CONCURRENT_REQUESTS=2", "-O", str(feed))  # the rest waits in the scheduler
    try:
        wait_until(lambda: proxy.count() > proxy.pass_first or process.poll() is not None, 300,
                   "a request held by the proxy")
        assert process.poll() is None, log.read_text()[-3000:]
        seen = ("shutting down gracefully", "forcing unclean shutdown")
        for n, sig in enumerate(signals):
            process.send_signal(sig)
            wait_until(lambda n=n: seen[n] in log.read_text() or process.poll() is not None, 300,
                       f"the crawl to log '{seen[n]}'")
        if len(signals) == 1:
            proxy.gate.set()  # a graceful stop finishes what is in flight
        status = process.wait(timeout=600)
    finally:
        process.kill()
        proxy.stop()
    return status, log.read_text(encoding="utf-8", errors="replace"), feed


@pytest.mark.slow
def test_sigterm_mid_run_is_3_and_the_next_run_exports_the_rest(tmp_path, site):
    status, log, feed = stopped_mid_run(tmp_path, site, (signal.SIGTERM,))
    verdict = report_beside(feed)["verdict"]
    assert status == 3 and verdict["rule"] == "finish_reason", log[-3000:]
    assert "finish reason 'shutdown': a SIGTERM or SIGINT" in verdict["reason"]
    assert last_line(log) == contract_line(verdict)
    first = jsonl_lines(feed)
    assert 0 < len(first) < len(wanted(site))  # stopped mid-way
    state = tmp_path / "state.sqlite"
    assert recorded(state) == paths(first)  # the feed was stored: what it holds is recorded

    rest = run_crawl(tmp_path / "rest", "-a", f"base_url={site.url}", *SECTIONS, "-a", f"state={state}")
    assert rest.returncode == 0, rest.log[-3000:]
    assert not paths(first) & paths(rest.items())
    assert paths(first) | paths(rest.items()) == wanted(site)


@pytest.mark.slow
def test_a_second_sigint_is_1_and_records_nothing_unstored(tmp_path, site):
    """Scrapy's forced, unclean shutdown: no checks run, so nothing vouches for the run (1); the state
    holds nothing that is not in the feed, and the next run exports what it does not hold."""
    status, log, feed = stopped_mid_run(tmp_path, site, (signal.SIGINT, signal.SIGINT))
    assert status == 1, log[-3000:]
    assert last_line(log) == ("scrapy: error: the crawl was stopped before it closed (a second SIGINT/SIGTERM"
                              " forces an unclean shutdown), so its checks did not run; articles it did"
                              " not record in the state are exported again by the next run (exit status 1"
                              " by rule unchecked)")
    state = tmp_path / "state.sqlite"
    held = recorded(state)
    assert held <= paths(jsonl_lines(feed)) if feed.exists() else not held

    rest = run_crawl(tmp_path / "rest", "-a", f"base_url={site.url}", *SECTIONS, "-a", f"state={state}")
    assert rest.returncode == 0, rest.log[-3000:]
    assert paths(rest.items()) == wanted(site) - held


# --- the log file, and checks that cannot run -----------------------------------------------------------


def test_a_log_file_that_cannot_be_written_is_1_in_one_line(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    with serve(Publisher([list(IDS)])) as served, immutable(logs):
        result = crawl(tmp_path / "run", served, "-s", f"LOG_FILE={logs / 'crawl.log'}")
    assert result.returncode == 1
    assert result.log == (f"scrapy: error: log file {logs / 'crawl.log'} cannot be written (Operation not"
                          " permitted); nothing was crawled\n")
    assert served.requests == []


def _without(setting: str, name: str) -> str:
    from newscrawl import settings

    return json.dumps({k: v for k, v in getattr(settings, setting).items() if k != name})


@pytest.mark.parametrize(("settings", "status", "rule", "words"), [
    # Spidermon's error-count monitor skips when its stat is missing; ours fails
    (("-s", f"EXTENSIONS={_without('EXTENSIONS', 'newscrawl.monitors.VerdictStats')}"), 3, "errors",
     "errors were not counted ('verdict/processing_errors' missing"),
    # …and its validation monitor too
    (("-s", f"ITEM_PIPELINES={_without('ITEM_PIPELINES', 'pipelines.schema.SchemaValidationPipeline')}"), 3,
     "validation", "the exported records were not validated"),
    # a monitor that refuses to run (NotConfigured) stops the suite: nothing vouches for the run
    (("-s", "SPIDERMON_ADD_FIELD_COVERAGE=0"), 1, "unchecked",
     "the run's checks could not run (NotConfigured"),
    (("-s", "SPIDERMON_ENABLED=0"), 1, "unchecked", "the run's checks (Spidermon monitors) did not run"),
], ids=["no_error_counter", "no_schema_validation", "coverage_not_configured", "spidermon_off"])
def test_a_check_that_cannot_run_never_passes(tmp_path, settings, status, rule, words):
    """Nothing is lost in these runs, but nothing vouches for them either: never status 0."""
    with serve(Publisher([list(IDS)])) as served:
        result = crawl(tmp_path, served, *settings)
    assert_verdict(result, status, rule, words)
    assert ids(result) == list(IDS)
