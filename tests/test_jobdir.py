"""JOBDIR after SIGKILL: the next run's requests come out of the scheduler exactly as it queued them.

A first process queues requests in the project's scheduler (Scrapy's default queues: a FIFO disk queue
for start requests, LIFO for the others), takes one out and is killed with SIGKILL, so nothing of the
queues' bookkeeping is written. Scrapy's own scheduler then hands the next run the killed run's first
record (already taken out) in place of the new request, and loses the new one.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request, Spider
from scrapy.utils.misc import load_object
from scrapy.utils.test import get_crawler

from newscrawl import settings as project_settings
from newscrawl.jobdir import MARKER
from tests.conftest import ROOT


def open_scheduler(jobdir: str, scheduler: str) -> tuple[Any, Any]:
    """A scheduler of ``scheduler``'s class on ``jobdir``, opened as the engine opens it."""
    crawler = get_crawler(Spider, {"JOBDIR": jobdir, "SCHEDULER": scheduler,
                                   "DOWNLOAD_HANDLERS": {"http": None, "https": None}})  # no download here
    crawler.spider = crawler._create_spider("s")
    crawler.engine = crawler._create_engine()  # the default priority queue asks the downloader
    result = load_object(scheduler).from_crawler(crawler)
    result.open(crawler.spider)
    return result, crawler


def first_run(jobdir: Path, scheduler: str, end: str, take: int = 4) -> list[str]:
    """Queue 3 start requests and 3 pages (one host), take ``take`` out (the pages first: they have
    the higher priority), then end the process: ``kill`` (SIGKILL: no close) or ``close`` (a paused
    crawl). Returns the URLs taken out."""
    script = textwrap.dedent(f"""
        import json, os, signal
        from scrapy import Request
        from tests.test_jobdir import open_scheduler
        scheduler, _ = open_scheduler({str(jobdir)!r}, {scheduler!r})
        for n in range(3):
            scheduler.enqueue_request(Request(f"http://h/start/{{n}}", meta={{"is_start_request": True}},
                                              priority=-1))
            scheduler.enqueue_request(Request(f"http://h/page/{{n}}"))
        taken = [scheduler.next_request().url for _ in range({take})]
        print(json.dumps(taken), flush=True)
        if {end!r} == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        scheduler.close("shutdown")
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.stdout.strip(), done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def drain(scheduler: Any) -> list[str]:
    urls = []
    while (request := scheduler.next_request()) is not None:
        urls.append(request.url)
    return urls


def resumed_run(jobdir: Path, scheduler: str) -> tuple[list[str], Any]:
    """Queue one new start request and one new page, and take everything out."""
    opened, crawler = open_scheduler(str(jobdir), scheduler)
    opened.enqueue_request(Request("http://h/start/new", meta={"is_start_request": True}, priority=-1))
    opened.enqueue_request(Request("http://h/page/new"))
    urls = drain(opened)
    opened.close("finished")
    return urls, crawler


def test_the_project_uses_the_guarded_scheduler() -> None:
    assert project_settings.SCHEDULER == "newscrawl.jobdir.JobdirScheduler"


@pytest.mark.parametrize("take", [2, 4])  # a page left in the killed run's LIFO queue, or none
def test_after_sigkill_the_next_run_gets_its_own_requests(tmp_path: Path, take: int) -> None:
    jobdir = tmp_path / "job"
    first_run(jobdir, project_settings.SCHEDULER, "kill", take)
    assert (jobdir / MARKER).exists()  # the killed run never closed
    urls, crawler = resumed_run(jobdir, project_settings.SCHEDULER)
    assert sorted(urls) == ["http://h/page/new", "http://h/start/new"]
    assert crawler.stats.get_value("jobdir/queue_discarded") == 1
    assert not (jobdir / MARKER).exists()  # this one closed


def test_scrapys_own_scheduler_loses_a_request_after_sigkill(tmp_path: Path) -> None:
    """What the guard is for (if Scrapy fixes it, this fails and the guard can go). The killed run
    took every page and one start request out; its start queue's file still holds all three."""
    jobdir, scheduler = tmp_path / "job", "scrapy.core.scheduler.Scheduler"
    taken = first_run(jobdir, scheduler, "kill", take=4)
    urls, _ = resumed_run(jobdir, scheduler)
    assert "http://h/start/new" not in urls  # lost
    assert "http://h/start/0" in taken and "http://h/start/0" in urls  # taken out before, handed out again


@pytest.mark.parametrize("take", [2, 4])
def test_a_paused_run_keeps_its_queue(tmp_path: Path, take: int) -> None:
    jobdir = tmp_path / "job"
    taken = first_run(jobdir, project_settings.SCHEDULER, "close", take)
    assert not (jobdir / MARKER).exists()
    urls, crawler = resumed_run(jobdir, project_settings.SCHEDULER)
    left = {f"http://h/{kind}/{n}" for kind in ("start", "page") for n in range(3)} - set(taken)
    assert sorted(urls) == sorted(left | {"http://h/page/new", "http://h/start/new"})
    assert crawler.stats.get_value("jobdir/queue_discarded") is None
