"""The database sink through real crawls of the replica: into SQLite and into a real PostgreSQL
started by the suite; revisions of changed articles; SIGKILL and resume; a database that goes away.

Every wait is for something observed (rows committed in the database, a process ending), never a
fixed sleep.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

sa = pytest.importorskip("sqlalchemy")

from newscrawl import database as db  # noqa: E402
from tests.conftest import (  # noqa: E402
    ROOT,
    RunningReplica,
    manifest_of,
    run_crawl,
    start_replica,
    static_sections,
)
from tests.servers import wait_until  # noqa: E402


def stored(url: str) -> tuple[dict[str, dict[str, Any]], dict[str, list[Any]], dict[str, int]]:
    """The database's articles (url → record), revisions (url → rows in order) and revision numbers."""
    engine = db.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = list(conn.execute(sa.select(db.ARTICLES)))
            by_key = {row.key: row.url for row in rows}
            versions: dict[str, list[Any]] = {}
            query = sa.select(db.REVISIONS).order_by(db.REVISIONS.c.key, db.REVISIONS.c.revision)
            for row in conn.execute(query):
                versions.setdefault(by_key[row.key], []).append(row)
    finally:
        engine.dispose()
    return ({row.url: db.article_record(row) for row in rows}, versions,
            {row.url: row.revision for row in rows})


def count_rows(url: str) -> int:
    engine = db.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(sa.select(sa.func.count()).select_from(db.ARTICLES)) or 0
    except sa.exc.OperationalError:
        return 0  # not created yet
    finally:
        engine.dispose()


def assert_exactly_the_manifest(url: str, replica: RunningReplica, feed: list[dict[str, Any]]) -> None:
    articles, versions, numbers = stored(url)
    expected = {a["url"]: a for a in manifest_of(replica)}
    assert set(articles) == set(expected)  # none missing, nothing foreign, one row each
    by_url = {item["url"]: item for item in feed}
    assert set(by_url) == set(expected)
    for article_url, record in articles.items():
        assert record == by_url[article_url]  # every field as the feed has it
        assert record["title"] == expected[article_url]["title"]
        assert record["body"] == "\n\n".join(expected[article_url]["body"])
    assert set(numbers.values()) == {1}
    assert {u: len(v) for u, v in versions.items()} == dict.fromkeys(expected, 1)


def test_crawl_into_sqlite_gives_exactly_the_manifest(replica: RunningReplica, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'articles.db'}"
    result = run_crawl(tmp_path, "-a", f"base_url={replica.url}", *static_sections(),
                       "-s", f"NEWSCRAWL_DATABASE={url}", "-s", "NEWSCRAWL_DATABASE_BATCH=40")
    assert result.returncode == 0, result.log[-3000:]
    assert_exactly_the_manifest(url, replica, result.items())
    assert "'database/batches': " in result.log and "'feedexport/failed_count" not in result.log


def test_crawl_into_postgresql_then_changed_articles_give_their_revisions(postgres: Any,
                                                                         tmp_path: Path) -> None:
    url = postgres.create_database("revisions")
    replica = start_replica("--articles", "150", "--seed", "21")
    port = replica.url.rsplit(":", 1)[1]
    args = ("-a", f"base_url={replica.url}", "-a", f"state={tmp_path / 'state.sqlite'}", *static_sections(),
            "-s", f"NEWSCRAWL_DATABASE={url}")
    try:
        first = run_crawl(tmp_path / "1", *args)
        assert first.returncode == 0, first.log[-3000:]
        assert_exactly_the_manifest(url, replica, first.items())
        before, _, _ = stored(url)
    finally:
        replica.stop()
    changed = start_replica("--articles", "150", "--seed", "21", "--changed", "6", "--added", "4",
                            "--port", port)
    try:
        second = run_crawl(tmp_path / "2", *args)
        assert second.returncode == 0, second.log[-3000:]
        now = {a["url"]: a for a in manifest_of(changed)}
    finally:
        changed.stop()
    articles, versions, numbers = stored(url)
    assert set(articles) == set(now)
    kinds = {u: a["revision"] for u, a in now.items()}
    assert sorted(k for k in kinds.values() if k != "base") == sorted(
        ["added"] * 4 + [k for k in kinds.values() if k.startswith("changed")])
    assert sum(k.startswith("changed") for k in kinds.values()) == 6
    for article_url, kind in kinds.items():
        record = articles[article_url]
        assert record["body"] == "\n\n".join(now[article_url]["body"])
        assert record["updated_raw"] == now[article_url]["updated_raw"]
        if kind.startswith("changed"):  # content, or only the update stamp: a version that differs
            assert numbers[article_url] == 2
            old, new = (v.record for v in versions[article_url])
            assert old == before[article_url]
            assert new["updated_raw"] == now[article_url]["updated_raw"] and new["change"] == "updated"
            assert db.parse_time(versions[article_url][1].seen_at) > db.parse_time(
                versions[article_url][0].seen_at)
        else:
            assert numbers[article_url] == 1 and len(versions[article_url]) == 1
    runs = subprocess.run([sys.executable, "-m", "scrapy", "runs", "-s", f"NEWSCRAWL_DATABASE={url}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert runs.returncode == 0, runs.stderr
    lines = runs.stdout.splitlines()
    assert len(lines) == 3 and lines[0].split()[:3] == ["started", "(UTC)", "duration"]
    assert [line.split()[4] for line in lines[1:]] == [str(len(before)), "10"]  # exported, per run


def _crawl_command(replica: RunningReplica, tmp_path: Path, url: str, *extra: str,
                   slow: bool = False) -> list[str]:
    """A crawl into the database with a state; ``slow``: two requests at a time, so that the test
    can act while it runs (the run after it goes at full speed)."""
    throttle = ("-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "DOWNLOAD_DELAY=0.01") if slow else ()
    return [sys.executable, "-m", "scrapy", "crawl", "arabstoday", "-a", f"base_url={replica.url}",
            *static_sections(), "-a", f"state={tmp_path / 'state.sqlite'}", "-s", f"NEWSCRAWL_DATABASE={url}",
            "-s", "NEWSCRAWL_DATABASE_BATCH=10", *throttle, *extra]


def test_sigkill_mid_run_then_resume_leaves_no_duplicate_and_no_gap(postgres: Any, tmp_path: Path) -> None:
    url = postgres.create_database("resume")
    replica = start_replica("--articles", "300", "--seed", "8")
    jobdir = ("-s", f"JOBDIR={tmp_path / 'job'}")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        expected = {a["url"] for a in manifest_of(replica)}
        proc = subprocess.Popen(_crawl_command(replica, tmp_path, url, *jobdir, slow=True), cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until(lambda: count_rows(url) >= 30 or proc.poll() is not None, 300,
                       "30 articles committed to PostgreSQL", interval=0.02)
            assert proc.poll() is None, "the crawl ended before it could be killed"
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.kill()
            proc.wait(timeout=60)
        cut = count_rows(url)
        assert 30 <= cut < len(expected)  # killed mid-run, with batches committed
        resumed = subprocess.run(_crawl_command(replica, tmp_path, url, *jobdir), cwd=ROOT, env=env,
                                 capture_output=True, text=True, timeout=600)
        assert resumed.returncode == 0, resumed.stderr[-3000:]
    finally:
        replica.stop()
    articles, versions, numbers = stored(url)
    assert set(articles) == expected  # no gap
    # No duplicate: one row per article, and one version each although some were exported twice
    # (stored in the database, killed before the state recorded them).
    assert set(numbers.values()) == {1}
    assert sorted(len(v) for v in versions.values()) == [1] * len(expected)
    with sqlite3.connect(tmp_path / "state.sqlite") as state:
        assert state.execute("SELECT count(*) FROM articles").fetchone()[0] == len(expected)


def test_a_database_that_goes_away_mid_run_is_status_1_and_loses_nothing(postgres: Any,
                                                                         tmp_path: Path) -> None:
    url = postgres.create_database("outage")
    replica = start_replica("--articles", "300", "--seed", "8")
    feed = tmp_path / "items.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        expected = {a["url"] for a in manifest_of(replica)}
        proc = subprocess.Popen(_crawl_command(replica, tmp_path, url, "-O", str(feed), slow=True), cwd=ROOT,
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            wait_until(lambda: count_rows(url) >= 30 or proc.poll() is not None, 300,
                       "30 articles committed to PostgreSQL", interval=0.02)
            assert proc.poll() is None, "the crawl ended before the database went away"
            postgres.stop()
            _, stderr = proc.communicate(timeout=300)
        finally:
            if proc.poll() is None:
                proc.kill()
            postgres.start()
        assert proc.returncode == 1, stderr[-3000:]
        last = stderr.strip().splitlines()[-1]
        assert last.startswith(f"scrapy: error: database {db.redacted(db.database_url(url))} failed: "), last
        assert "will be exported again by the next run" in last
        assert last.endswith("(exit status 1 by rule fatal)"), last
        exported = {line for line in feed.read_text(encoding="utf-8").splitlines() if line}
        assert len(exported) < len(expected)  # the crawl stopped: the run could not do its job
        in_database = set(stored(url)[0])
        with sqlite3.connect(tmp_path / "state.sqlite") as state:
            recorded = {row[0] for row in state.execute("SELECT url FROM articles")}
        assert recorded <= in_database  # nothing recorded as stored that is not
        again = subprocess.run(_crawl_command(replica, tmp_path, url, "-O", str(feed)), cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=600)
        assert again.returncode == 0, again.stderr[-3000:]
    finally:
        replica.stop()
    articles, versions, numbers = stored(url)
    assert set(articles) == expected and set(numbers.values()) == {1}  # nothing lost, nothing twice
    assert sorted(len(v) for v in versions.values()) == [1] * len(expected)


@pytest.mark.parametrize("setting, status, message", [
    ("sqlite:////dev/null/articles.db", 1,
     "scrapy: error: database sqlite:////dev/null/articles.db cannot be used: its directory /dev/null"),
    ("mysql://localhost/news", 2, ": error: NEWSCRAWL_DATABASE: mysql:// is not supported; use sqlite:///"),
])
def test_a_database_that_cannot_be_used_at_start_stops_the_crawl(replica: RunningReplica, tmp_path: Path,
                                                                setting: str, status: int,
                                                                message: str) -> None:
    result = run_crawl(tmp_path, "-a", f"base_url={replica.url}", "-a", "sections=syria",
                       "-s", f"NEWSCRAWL_DATABASE={setting}")
    assert result.returncode == status, result.log[-3000:]
    last = [line for line in result.log.splitlines() if line.strip()][-1]
    assert message in last, result.log[-3000:]  # stderr's last line
    assert "Traceback" not in result.log
    if status == 1:
        assert last.endswith("(exit status 1 by rule fatal)"), last
        assert "'downloader/response_count'" not in result.log  # not one page crawled for nothing


def test_distributed_workers_write_one_postgresql(postgres: Any, tmp_path: Path) -> None:
    """Two crawl processes sharing a Redis frontier, each with its feed, both into one database."""
    from tests.servers import start_redis

    url = postgres.create_database("distributed")
    redis = start_redis(tmp_path / "redis")
    replica = start_replica("--articles", "300", "--seed", "31")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    common = ("-a", f"base_url={replica.url}", *static_sections(), "-s", f"REDIS_URL={redis.url}")
    try:
        seeded = subprocess.run([sys.executable, "-m", "scrapy", "push-seeds", *common], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=120)
        assert seeded.returncode == 0, seeded.stderr[-2000:]
        feeds = [tmp_path / f"part{i}.jsonl" for i in (1, 2)]
        workers = [subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "arabstoday", *common, "-O", str(feed),
             "-s", f"NEWSCRAWL_DATABASE={url}", "-s", "NEWSCRAWL_DATABASE_BATCH=25",
             "-s", "NEWSCRAWL_IDLE_CLOSE=2", "-s", "TELNETCONSOLE_ENABLED=0"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=feed.with_suffix(".log").open("wb"))
            for feed in feeds]
        for worker, feed in zip(workers, feeds, strict=True):
            assert worker.wait(timeout=600) == 0, feed.with_suffix(".log").read_text()[-3000:]
        expected = {a["url"] for a in manifest_of(replica)}
    finally:
        replica.stop()
        redis.stop()
    exported = [json.loads(line)["url"] for feed in feeds
                for line in feed.read_text(encoding="utf-8").splitlines() if line]
    assert all(exported.count(u) == 1 for u in exported) and set(exported) == expected
    articles, versions, numbers = stored(url)
    assert set(articles) == expected and set(numbers.values()) == {1}
    assert sorted(len(v) for v in versions.values()) == [1] * len(expected)
    engine = db.create_engine(url)
    try:
        with engine.connect() as conn:
            assert len(db.last_runs(conn, 10, "arabstoday")) == 2  # one report per worker
    finally:
        engine.dispose()
