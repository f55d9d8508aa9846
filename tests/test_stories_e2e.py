"""Story recognition through the real engine: a ``site=all`` crawl of the replica, whose sites
republish each other's stories (exact copies, a new title, an added paragraph) beside decoys that
only share a standard paragraph, scored pairwise against the manifest; then two runs sharing a
state; then copies left out of the feed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from newscrawl.incremental import identity_of
from newscrawl.replica.republish import score_grouping
from newscrawl.sites import SITES
from tests.conftest import ROOT, CrawlResult, RunningReplica, run_crawl, start_replica

ARTICLES = 40  # per site: about 400 articles, a fifth of them copies
STATIC = {s.key for site in SITES.values() for s in site.sections if not s.render}
FIRST_SITES = list(SITES)[:5]


def fetch_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def replica() -> Any:
    running = start_replica("--site", "all", "--articles", str(ARTICLES), "--seed", "17", "--mirrors", "1",
                            "--copies", "0.2")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def hosts_file(replica: RunningReplica, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hosts") / "hosts.json"
    path.write_text(json.dumps(fetch_json(replica.url + "/__replica__/network.json")), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def truth(hosts_file: Path) -> dict[str, dict[str, Any]]:
    """Every article of every site by canonical URL: its manifest entry (``story``, ``republished``)."""
    found = {}
    for key, spec in json.loads(hosts_file.read_text(encoding="utf-8"))["sites"].items():
        for article in fetch_json(spec["base_url"] + "/__replica__/manifest.json")["articles"]:
            found[article["url"]] = {**article, "site": key}
    return found


def crawl(tmp: Path, hosts_file: Path, *args: str, sites: str = "all") -> CrawlResult:
    """``site=`` crawl of the replica, every section read without a browser."""
    keys = list(SITES) if sites == "all" else sites.split(",")
    sections = sorted({s.key for key in keys for s in SITES[key].sections if not s.render})
    result = run_crawl(tmp, "-a", f"site={sites}", "-a", f"hosts=@{hosts_file}",
                       "-a", "sections=" + ",".join(sections), *args)
    assert result.returncode == 0, result.log[-3000:]
    return result


def score(items: list[dict[str, Any]], truth: dict[str, dict[str, Any]]) -> Any:
    return score_grouping({i["url"]: i["story_id"] for i in items}, {u: t["story"] for u, t in truth.items()})


@pytest.fixture(scope="module")
def one_run(tmp_path_factory: pytest.TempPathFactory, hosts_file: Path) -> CrawlResult:
    return crawl(tmp_path_factory.mktemp("one"), hosts_file)


def test_the_replica_republishes_and_has_decoys(truth: dict[str, dict[str, Any]]) -> None:
    kinds = [t["republished"]["kind"] for t in truth.values() if t["republished"]]
    assert {"exact", "title", "paragraph"} <= set(kinds) and len(kinds) > 50
    stories: dict[str, set[str]] = {}
    for url, t in truth.items():
        stories.setdefault(t["story"], set()).add(url)
    assert max(len(urls) for urls in stories.values()) >= 3  # stories republished by several sites
    decoys = [t for t in truth.values() if t["boilerplate"] and not t["republished"]]
    assert len({t["story"] for t in decoys}) > 50  # many different stories ending the same way


def test_one_run_groups_every_republished_story(one_run: CrawlResult,
                                                truth: dict[str, dict[str, Any]]) -> None:
    items = one_run.items()
    assert len(items) == len({i["url"] for i in items}) == len([u for u, t in truth.items()
                                                                if t["section"] in STATIC])
    result = score(items, truth)
    assert result.true_pairs > 80
    assert result.precision >= 0.99 and result.recall >= 0.98, result
    # in each story, the first-seen copy has copy_of null and every other record names it
    by_story: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_story.setdefault(item["story_id"], []).append(item)
    identities = {identity_of(i) for i in items}
    for members in by_story.values():
        firsts = [m for m in members if m["copy_of"] is None]
        assert len(firsts) == 1, members
        assert {m["copy_of"] for m in members if m["copy_of"]} <= identities
    log = one_run.log
    assert "'stories/copy_exact'" in log and "'stories/copy_near'" in log


@pytest.mark.slow
def test_two_runs_with_a_state_link_later_copies_to_earlier_stories(
        tmp_path: Path, hosts_file: Path, truth: dict[str, dict[str, Any]], one_run: CrawlResult) -> None:
    state = tmp_path / "state.sqlite"
    first = crawl(tmp_path / "1", hosts_file, "-a", f"state={state}", sites=",".join(FIRST_SITES))
    second = crawl(tmp_path / "2", hosts_file, "-a", f"state={state}")
    earlier, later = first.items(), second.items()
    assert {i["site"] for i in earlier} == set(FIRST_SITES)
    assert not {i["url"] for i in earlier} & {i["url"] for i in later}  # the first run's are unchanged
    assert len(earlier) + len(later) == len(one_run.items())
    result = score(earlier + later, truth)
    assert result.precision >= 0.99 and result.recall >= 0.98, result
    first_ids = {i["story_id"] for i in earlier}
    linked = [i for i in later if i["story_id"] in first_ids]
    assert len(linked) > 20  # copies met in the second run joined stories of the first
    first_identities = {i["copy_of"] or identity_of(i) for i in earlier}
    assert all(i["copy_of"] in first_identities for i in linked)


@pytest.mark.slow
def test_exact_copies_get_the_same_story_id_without_a_state(
        tmp_path: Path, hosts_file: Path, truth: dict[str, dict[str, Any]], one_run: CrawlResult) -> None:
    """Copies left out this time (NEWSCRAWL_STORY_COPIES=count): one record per story, copies counted;
    and a story whose copies are all identical has the id it had in the other run."""
    result = crawl(tmp_path, hosts_file, "-s", "NEWSCRAWL_STORY_COPIES=count")
    items = result.items()
    assert all(i["copy_of"] is None for i in items)
    crawled = {u: t for u, t in truth.items() if t["section"] in STATIC}
    assert len(items) == len({t["story"] for t in crawled.values()})
    report = json.loads((tmp_path / "items.report.json").read_text(encoding="utf-8"))
    assert report["stories"]["copies_left_out"] == len(crawled) - len(items)
    exact_only = {t["story"] for t in crawled.values()} - {
        t["story"] for t in crawled.values() if t["republished"] and t["republished"]["kind"] != "exact"}
    before = {truth[i["url"]]["story"]: i["story_id"] for i in one_run.items()}
    now = {truth[i["url"]]["story"]: i["story_id"] for i in items}
    assert len(exact_only) > 100
    assert all(now[story] == before[story] for story in exact_only)


def test_a_bad_copy_mode_is_a_usage_error() -> None:
    command = [sys.executable, "-m", "scrapy", "crawl", "arabstoday", "-s", "NEWSCRAWL_STORY_COPIES=drop"]
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "NEWSCRAWL_STORY_COPIES='drop': expected one of export, count" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_distributed_runs_share_the_stories_through_redis(tmp_path: Path, hosts_file: Path,
                                                          truth: dict[str, dict[str, Any]]) -> None:
    """Two distributed runs, two processes each, on one Redis: «العرب اليوم» first, then a site that
    republishes it; the second run's copies join the first run's stories (the state's index in Redis)."""
    from tests.servers import start_redis

    hosts = json.loads(hosts_file.read_text(encoding="utf-8"))["sites"]
    redis = start_redis(tmp_path / "redis")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    feeds: dict[str, list[Path]] = {}
    workers: list[subprocess.Popen[bytes]] = []
    try:
        for site in ("arabstoday", "emiratesvoice"):
            sections = ",".join(s.key for s in SITES[site].sections if not s.render)
            # hosts: the sister sites' ports, so copies linked through a mirror host are on the site
            args = ["-a", f"site={site}", "-a", f"base_url={hosts[site]['base_url']}",
                    "-a", f"hosts=@{hosts_file}", "-a", f"sections={sections}",
                    "-s", f"REDIS_URL={redis.url}"]
            seeded = subprocess.run([sys.executable, "-m", "scrapy", "push-seeds", *args], cwd=ROOT,
                                    env=env, capture_output=True, text=True, timeout=120)
            assert seeded.returncode == 0, seeded.stdout + seeded.stderr
            feeds[site] = [tmp_path / f"{site}-{n}.jsonl" for n in (1, 2)]
            workers = []
            for feed in feeds[site]:  # each logs to a file: a full pipe would stall it, and the others
                with feed.with_suffix(".log").open("wb") as log:
                    workers.append(subprocess.Popen(
                        [sys.executable, "-m", "scrapy", "crawl", "arabstoday", *args, "-O", str(feed),
                         "-s", "NEWSCRAWL_IDLE_CLOSE=2", "-s", "NEWSCRAWL_LEASE_TTL=3",
                         "-s", "TELNETCONSOLE_ENABLED=0"],
                        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
            for worker, feed in zip(workers, feeds[site], strict=True):
                worker.wait(timeout=300)
                assert worker.returncode == 0, feed.with_suffix(".log").read_text(errors="replace")[-3000:]
    finally:
        for worker in workers:  # a failed wait leaves the others running
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        redis.stop()
    first = [json.loads(line) for feed in feeds["arabstoday"] for line in feed.read_text().splitlines()]
    second = [json.loads(line) for feed in feeds["emiratesvoice"] for line in feed.read_text().splitlines()]
    assert {i["site"] for i in first} == {"arabstoday"} and {i["site"] for i in second} == {"emiratesvoice"}
    result = score(first + second, truth)
    assert result.true_pairs > 5 and result.precision >= 0.99 and result.recall >= 0.98, result
    copies = [i for i in second if truth[i["url"]]["republished"]]
    assert copies and all(i["copy_of"] == truth[i["url"]]["story"] for i in copies)
