"""Shared fixtures: a replica of the publisher on loopback, and real `scrapy crawl` runs against it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from tests.exports import assert_valid_feed

ROOT = Path(__file__).resolve().parent.parent
SEED_FILE = ROOT / "newscrawl" / "replica" / "data" / "seed_article.txt"


@dataclass
class RunningReplica:
    """A replica process: its base URL and its manifest (the ground truth of what it serves)."""

    url: str
    process: subprocess.Popen[str]
    _manifest: dict[str, Any] | None = field(default=None, repr=False)
    served: dict[str, Any] = field(default_factory=dict)  # its stats, kept by tests before stopping it

    @property
    def manifest(self) -> dict[str, Any]:
        if self._manifest is None:
            with urllib.request.urlopen(self.url + "/__replica__/manifest.json", timeout=60) as resp:
                self._manifest = json.load(resp)
        return self._manifest

    @property
    def articles(self) -> list[dict[str, Any]]:
        return self.manifest["articles"]

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


def start_replica(*args: str) -> RunningReplica:
    """Start ``python -m newscrawl.replica --port 0 ARGS`` and wait for the URL line it prints."""
    from newscrawl.replica.process import spawn

    url, process = spawn(*args, cwd=ROOT)
    return RunningReplica(url=url, process=process)


@pytest.fixture(scope="session")
def replica() -> Iterator[RunningReplica]:
    """A few hundred articles (the size issue 2's end-to-end test asks for)."""
    running = start_replica("--articles", "300", "--seed", "11")
    yield running
    running.stop()


#: Module fixtures that crawl for ten seconds or more (the suite's durations): every test using one is
#: marked slow, else leaving the first out would only move the cost to the next.
SLOW_FIXTURES = {"test_crawl_e2e": "full_crawl", "test_exports": "faulty", "test_history": "runs",
                 "test_stories_e2e": "one_run", "test_network": "network_crawl"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(item, "module", None)
        fixture = SLOW_FIXTURES.get(module.__name__.rsplit(".", 1)[-1]) if module else None
        if fixture in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@dataclass
class CrawlResult:
    returncode: int
    log: str
    feeds: dict[str, Path]

    def items(self, name: str | None = None) -> list[dict[str, Any]]:
        path = self.feeds[name] if name else next(iter(self.feeds.values()))
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def run_crawl(tmp_path: Path, *args: str, feeds: tuple[str, ...] = ("items.jsonl",),
              timeout: float = 600, **popen: Any) -> CrawlResult:
    """Run ``scrapy crawl arabstoday ARGS -O <feed>…`` in a subprocess, as a user would (``popen``:
    more arguments of ``subprocess.run``, such as ``preexec_fn``)."""
    paths = {name: tmp_path / name for name in feeds}
    cmd = [sys.executable, "-m", "scrapy", "crawl", "arabstoday", *args]
    for path in paths.values():
        cmd += ["-O", str(path)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, **popen)
    for path in paths.values():  # every export of every crawl test fits the shipped JSON Schema
        if path.exists():
            assert_valid_feed(path)
    return CrawlResult(proc.returncode, proc.stderr + proc.stdout, paths)


def static_sections() -> tuple[str, str]:
    """``-a sections=…`` of every section that needs no browser (the browser tests cover the rest)."""
    from newscrawl.sites import get_site

    keys = [s.key for s in get_site("arabstoday").sections if not s.render]
    return ("-a", "sections=" + ",".join(keys))


def replica_stats(replica: RunningReplica, reset: bool = False) -> dict[str, Any]:
    """What the replica served since the last reset (requests by kind and status, faults)."""
    query = "?reset=1" if reset else ""
    with urllib.request.urlopen(f"{replica.url}/__replica__/stats.json{query}", timeout=30) as resp:
        return json.load(resp)


def manifest_of(replica: RunningReplica | list[dict[str, Any]],
                exported_only: bool = True) -> list[dict[str, Any]]:
    """The manifest's articles (of a running replica, or a list) of the sections that need no
    browser, and only those a crawler can export."""
    from newscrawl.sites import get_site

    articles = replica.articles if isinstance(replica, RunningReplica) else replica
    static = {s.key for s in get_site("arabstoday").sections if not s.render}
    return [a for a in articles
            if a["section"] in static and (a.get("expect_export", True) or not exported_only)]


#: Settings that make fault tests fast: a timeout shorter than the default (the replica's timeout
#: faults hold their answer far longer) yet one a loaded machine does not reach on a page served at
#: once (a retry would change the request counts tests compare), short backoff between retries.
FAST_FAULTS = ("-s", "DOWNLOAD_TIMEOUT=5", "-s", "NEWSCRAWL_RETRY_BACKOFF_BASE=0.05",
               "-s", "DOWNLOAD_MAXSIZE=4000000")


# No property test has a deadline (Hypothesis' default is 200 ms per example): a loaded machine would
# fail it, and speed is bench/'s to measure. `--hypothesis-profile=…` still chooses another profile.
hypothesis_settings.register_profile("newscrawl", deadline=None)
hypothesis_settings.load_profile("newscrawl")

# Mutation runs (scripts/mutation.py, `--hypothesis-profile=mutation`) rerun the tests once per mutant:
# property tests draw a tenth of their examples there, the same ones every time.
hypothesis_settings.register_profile("mutation", max_examples=10, derandomize=True, deadline=None)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    """A PostgreSQL cluster of the suite's own on a loopback port (tests/servers.py), once per session."""
    from tests.servers import start_postgres

    server = start_postgres()
    yield server
    server.remove()
