"""Scheduled crawls: incremental state across runs, and SIGKILL-and-resume with JOBDIR."""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import (
    ROOT,
    RunningReplica,
    manifest_of,
    replica_stats,
    run_crawl,
    start_replica,
    static_sections,
)
from tests.exports import schema_errors
from tests.servers import wait_until


def _article_downloads(replica: RunningReplica) -> int:
    """Article pages the replica sent in full (200) since its counters were last reset."""
    return replica_stats(replica)["requests"]["article"].get("200", 0)


@pytest.mark.slow
def test_second_run_exports_nothing_and_third_exactly_the_changes(tmp_path):
    state = tmp_path / "state.sqlite"
    replica = start_replica("--articles", "150", "--seed", "21")
    port = replica.url.rsplit(":", 1)[1]
    args = ("-a", f"base_url={replica.url}", "-a", f"state={state}", *static_sections())
    try:
        first = run_crawl(tmp_path / "1", *args)
        assert first.returncode == 0, first.log[-3000:]
        base = {a["url"]: a for a in manifest_of(replica)}
        assert {i["url"] for i in first.items()} == set(base)
        assert {i["change"] for i in first.items()} == {"new"}

        replica_stats(replica, reset=True)
        second = run_crawl(tmp_path / "2", *args)
        assert second.returncode == 0, second.log[-3000:]
        assert second.items() == []
        assert _article_downloads(replica) == 0  # not one unchanged article page downloaded again
    finally:
        replica.stop()

    # The publisher changes 6 articles (content or update stamp only) and publishes 4 new ones.
    changed = start_replica("--articles", "150", "--seed", "21", "--changed", "6", "--added", "4",
                            "--port", port)
    try:
        third = run_crawl(tmp_path / "3", *args)
        assert third.returncode == 0, third.log[-3000:]
        now = {a["url"]: a for a in manifest_of(changed)}
        expected = {url for url, a in now.items() if a["revision"] != "base"}
        assert len(expected) == 10
        assert expected == {url for url, a in now.items()
                            if url not in base or (a["etag"], a["body"], a["updated_raw"])
                            != (base[url]["etag"], base[url]["body"], base[url]["updated_raw"])}
        items = {i["url"]: i for i in third.items()}
        assert set(items) == expected
        for url, item in items.items():
            assert item["change"] == ("new" if now[url]["revision"] == "added" else "updated")
            assert item["body"] == "\n\n".join(now[url]["body"])
            assert item["updated_raw"] == now[url]["updated_raw"]
        assert _article_downloads(changed) == 10  # the others answered 304 Not Modified
        report = json.loads((tmp_path / "3" / "items.report.json").read_text())
        assert report["articles"]["new"] == 4 and report["articles"]["updated"] == 6
        assert report["articles"]["skipped_unchanged"] == len(now) - 10

        full = run_crawl(tmp_path / "4", *args, "-a", "full=1")
        assert full.returncode == 0, full.log[-3000:]
        assert {i["url"] for i in full.items()} == set(now)  # full=1 ignores the state
    finally:
        changed.stop()


def _served_or_ended(replica: RunningReplica, proc: subprocess.Popen[bytes], pages: int) -> bool:
    return _article_downloads(replica) >= pages or proc.poll() is not None


def _read_feed_lines(folder: Path) -> list[dict]:
    """Every complete record of every feed file of the runs (a killed run may end mid-line)."""
    records = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
    assert schema_errors(records) == []  # every complete record fits the shipped schema
    return records


@pytest.mark.slow
def test_sigkill_at_several_points_then_resume_loses_nothing(tmp_path):
    """Kill a crawl with SIGKILL three times, each once the replica has served a given number of
    article pages to that run (an observable point, not a time), then resume: nothing is lost."""
    replica = start_replica("--articles", "400", "--seed", "8")
    feeds, jobdir, state = tmp_path / "feeds", tmp_path / "job", tmp_path / "state.sqlite"
    feeds.mkdir()

    def command(run: int) -> list[str]:
        return [sys.executable, "-m", "scrapy", "crawl", "arabstoday", "-a", f"base_url={replica.url}",
                *static_sections(), "-a", f"state={state}", "-s", f"JOBDIR={jobdir}",
                "-o", f"{feeds}/run{run}-%(batch_id)03d.jsonl", "-s", "FEED_EXPORT_BATCH_ITEM_COUNT=20",
                "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "DOWNLOAD_DELAY=0.01"]

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        expected = {a["url"] for a in manifest_of(replica)}
        for run, kill_after in enumerate((45, 25, 70), start=1):  # article pages served to this run
            replica_stats(replica, reset=True)
            proc = subprocess.Popen(command(run), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            try:
                served = functools.partial(_served_or_ended, replica, proc, kill_after)
                wait_until(served, 300, f"{kill_after} article pages served")
                assert proc.poll() is None, "the crawl ended before its kill point"
                proc.send_signal(signal.SIGKILL)  # killed mid-crawl, feeds half-written
            finally:
                proc.kill()
                proc.wait(timeout=60)
        seen_before_last = {r["url"] for r in _read_feed_lines(feeds)}
        assert 0 < len(seen_before_last & expected) < len(expected)  # the kills did cut the crawl

        last = subprocess.run(command(9), cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert last.returncode == 0, last.stderr[-3000:]
        records = _read_feed_lines(feeds)
        counts = Counter(r["url"] for r in records)
        assert set(counts) == expected  # none missing, nothing foreign
        duplicates = sum(n - 1 for n in counts.values())
        # Only records in a batch file that a kill left unstored can come again: at most one
        # batch (20 records) per kill.
        assert duplicates <= 20 * 3, duplicates
        print(f"kills=3 articles={len(expected)} duplicates={duplicates}")
    finally:
        replica.stop()
