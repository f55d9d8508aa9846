"""A back-fill of several sites killed with SIGKILL at observed points and resumed: nothing lost,
nothing fetched again that was already exported, the ids left generated lazily and fairly.

The kills happen when the replica reports it has served a number of article pages (its own
counters, ``/__replica__/stats.json``), never after a sleep, so a slow machine only makes it slower.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from newscrawl.backfill import FairFeeder, SiteIds
from newscrawl.state import StateStore
from tests.conftest import ROOT, start_replica

SITES = ("arabstoday", "emiratesvoice", "omantoday")
BATCH = 5  # records per feed file: a batch is stored (and recorded in the state) when full


def fetch_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.load(response)


# --- the pure parts ---------------------------------------------------------------------------------
def test_site_ids_leave_out_the_settled_ones() -> None:
    ids = SiteIds(10, 20, settled=[9, 10, 12, 20, 21])
    assert list(ids) == [11, 13, 14, 15, 16, 17, 18, 19]
    assert len(ids) == 8


def test_fair_feeder_takes_sites_in_turn_within_a_cap() -> None:
    async def scenario() -> list[tuple[str, int]]:
        feeder = FairFeeder({"a": range(5), "b": range(100, 102), "c": []}, cap=2)
        got: list[tuple[str, int]] = []
        values = feeder.values()
        for _ in range(4):
            got.append(await anext(values))
        assert [feeder.outstanding(k) for k in "abc"] == [2, 2, 0]
        waiting = asyncio.ensure_future(anext(values))
        await asyncio.sleep(0)
        assert not waiting.done()  # every site at its cap: nothing until one finishes
        feeder.done("a", 999)  # not handed out: ignored
        await asyncio.sleep(0)
        assert not waiting.done()
        feeder.done("b", 100)  # b has no id left to give, a is still at its cap
        for _ in range(3):
            await asyncio.sleep(0)
        assert not waiting.done()
        feeder.done("a", 0)
        got.append(await waiting)
        assert got[-1] == ("a", 2)
        for key, value in got[1:]:
            feeder.done(key, value)
        async for pair in values:
            got.append(pair)
            feeder.done(*pair)
        return got

    got = asyncio.run(scenario())
    assert got[:4] == [("a", 0), ("b", 100), ("a", 1), ("b", 101)]
    assert sorted(got) == sorted([("a", n) for n in range(5)] + [("b", 100), ("b", 101)])


def test_state_settles_exported_and_missing_ids(tmp_path: Path) -> None:
    from newscrawl.state import ArticleState

    store = StateStore(tmp_path / "s.sqlite")
    store.mark_exported([ArticleState("emiratesvoice:4/100012", "u1", None, "f"),
                         ArticleState("emiratesvoice:w-3/100020", "u2", None, "f"),
                         ArticleState("emiratesvoicex:4/100013", "u3", None, "f"),  # another family
                         ArticleState("arabstoday:4/100014", "u4", None, "f")])
    store.record_missing("emiratesvoice", [100015, 100016])
    store.record_missing("emiratesvoice", [100016])
    assert sorted(store.settled_ids("emiratesvoice")) == [100012, 100015, 100016, 100020]
    assert sorted(store.settled_ids("arabstoday")) == [100014]
    store.close()


# --- kill and resume, end to end --------------------------------------------------------------------
def _served(paths: dict[str, dict[str, dict[str, int]]]) -> tuple[set[str], set[tuple[str, int]]]:
    """What the replica served: article pages (200) as state keys ``site:section/id``, and by-id
    look-ups as ``(site, id)``. ``paths``: site -> path -> outcome -> count."""
    pages, lookups = set(), set()
    for site, served in paths.items():
        for path, outcomes in served.items():
            page = re.match(r"^/((?:w-)?\d+)/(\d+)(?:-|/|$)", path)
            if page and outcomes.get("200"):
                pages.add(f"{site}:{page[1]}/{page[2]}")
            lookup = re.match(r"^/article/(\d+)$", path)
            if lookup:
                lookups.add((site, int(lookup[1])))
    return pages, lookups


def _state_keys(path: Path) -> set[str]:
    if not path.exists():
        return set()
    with sqlite3.connect(path) as db:
        return {key for (key,) in db.execute("SELECT key FROM articles")}


def _settled(path: Path) -> set[tuple[str, int]]:
    """(family, id) of every id the state settles: exported articles and ids known missing."""
    with sqlite3.connect(path) as db:
        missing = set(db.execute("SELECT family, id FROM missing_ids"))
    exported = {(key.partition(":")[0], int(key.rpartition("/")[2])) for key in _state_keys(path)}
    return exported | missing


def _records(folder: Path) -> list[tuple[str, dict[str, Any]]]:
    """(file name, record) of every complete line of every feed file (a killed run ends mid-line)."""
    records = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                records.append((path.name, json.loads(line)))
            except ValueError:
                continue
    return records


@pytest.fixture
def network(tmp_path: Path):
    replica = start_replica("--site", ",".join(SITES), "--articles", "20", "--seed", "5")
    try:
        hosts = fetch_json(replica.url + "/__replica__/network.json")
        (tmp_path / "hosts.json").write_text(json.dumps(hosts), encoding="utf-8")
        yield replica, {key: spec["base_url"] for key, spec in hosts["sites"].items()}
    finally:
        replica.stop()


def test_multi_site_backfill_killed_twice_resumes_without_loss_or_refetch(tmp_path: Path, network) -> None:
    replica, bases = network
    manifests = {key: fetch_json(base + "/__replica__/manifest.json")["articles"]
                 for key, base in bases.items()}
    generated = [int(a["article_id"]) for articles in manifests.values() for a in articles
                 if int(a["article_id"]) >= 100_000]
    id_from, id_to = min(generated), max(generated)
    expected = {a["url"] for articles in manifests.values() for a in articles
                if id_from <= int(a["article_id"]) <= id_to}
    feeds, state, jobdir = tmp_path / "feeds", tmp_path / "state.sqlite", tmp_path / "job"
    feeds.mkdir()

    def stats(reset: bool) -> dict[str, Any]:
        """Every site's replica counters (article pages summed, paths by site), reset if asked."""
        merged: dict[str, Any] = {"served": 0, "paths": {}}
        for key, base in bases.items():
            data = fetch_json(base + "/__replica__/stats.json?paths=1" + ("&reset=1" if reset else ""))
            merged["served"] += data["requests"]["article"].get("200", 0)
            merged["paths"][key] = data.get("paths", {})
        return merged

    def command(run: int) -> list[str]:
        return [sys.executable, "-m", "scrapy", "crawl", "arabstoday", "-a", f"site={','.join(SITES)}",
                "-a", f"hosts=@{tmp_path / 'hosts.json'}", "-a", "discover=backfill",
                "-a", f"id_from={id_from}", "-a", f"id_to={id_to}", "-a", f"state={state}",
                "-s", f"JOBDIR={jobdir}", "-o", f"{feeds}/run{run}-%(batch_id)03d.jsonl",
                "-s", f"FEED_EXPORT_BATCH_ITEM_COUNT={BATCH}", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
                "-s", "LOG_LEVEL=INFO"]

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    exported_at_kill: list[set[str]] = []  # state keys (stored exports) when each kill happened
    settled_at_kill: list[set[tuple[str, int]]] = []  # ids settled then (exported or missing)
    served_in_run: list[tuple[set[str], set[tuple[str, int]]]] = []  # pages, look-ups of each run
    stats(reset=True)
    for run, kill_after in ((1, 12), (2, 15)):
        with open(tmp_path / f"run{run}.log", "w") as log:
            proc = subprocess.Popen(command(run), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            # the observed point: this many article pages served by the replica in this run
            while proc.poll() is None and stats(reset=False)["served"] < kill_after:
                time.sleep(0.02)  # a polling interval, not a synchronization
            assert proc.poll() is None, "the crawl ended before the kill point"
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
        exported_at_kill.append(_state_keys(state))
        settled_at_kill.append(_settled(state))
        served_in_run.append(_served(stats(reset=True)["paths"]))
    assert 0 < len(exported_at_kill[1]) < len(expected)  # the kills did cut the back-fill

    last = subprocess.run(command(3), cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert last.returncode == 0, last.stdout[-3000:] + last.stderr[-3000:]
    # the killed run's scheduler queue (JOBDIR) was thrown away, not read back (newscrawl/jobdir.py)
    assert "'jobdir/queue_discarded': 1" in last.stderr
    served_in_run.append(_served(stats(reset=True)["paths"]))

    # nothing lost: every article of the range is in a feed and in the state, nothing foreign
    records = _records(feeds)
    assert {r["url"] for _, r in records} == expected
    assert len(_state_keys(state)) == len(expected)
    # nothing asked again that was settled before a kill: no later run fetched those article pages
    # (stored in a feed and the state) nor looked up those ids (exported, or known to be missing)
    for k in range(2):
        later_pages = set().union(*(pages for pages, _ in served_in_run[k + 1:]))
        later_lookups = set().union(*(lookups for _, lookups in served_in_run[k + 1:]))
        assert not exported_at_kill[k] & later_pages, f"pages fetched again after kill {k + 1}"
        assert settled_at_kill[k] > {(key.partition(":")[0], int(key.rpartition("/")[2]))
                                     for key in exported_at_kill[k]}  # missing ids settled too
        assert not settled_at_kill[k] & later_lookups, f"ids looked up again after kill {k + 1}"
    # exported twice only what a kill left in an unstored batch: the killed runs' last two files
    counts = Counter(r["url"] for _, r in records)
    unstored = set()
    for run in (1, 2):
        files = sorted(name for name in {n for n, _ in records} if name.startswith(f"run{run}-"))
        unstored |= set(files[-2:])
    for url, n in counts.items():
        if n > 1:
            assert any(name in unstored for name, r in records if r["url"] == url), url
    # the resumed run asked only for the ids left, and said how many (the progress total)
    assert "'backfill/settled_skipped': " in last.stderr
    in_range = {(family, n) for family, n in settled_at_kill[1] if id_from <= n <= id_to}
    match = re.search(r"'progress/expected_articles': (\d+)", last.stderr)
    assert match and int(match[1]) == len(SITES) * (id_to - id_from + 1) - len(in_range)
    left = {(site, n) for site in SITES for n in range(id_from, id_to + 1)} - settled_at_kill[1]
    assert served_in_run[2][1] <= left, (served_in_run[2][1] - left, last.stderr[-3000:])  # nothing settled
    assert len(left) == int(match[1])  # and it announced exactly the ids left
