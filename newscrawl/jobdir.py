"""``JOBDIR`` after a kill: the scheduler's saved queues are thrown away, not trusted.

Scrapy's ``JOBDIR`` keeps the scheduler's queues on disk for a *pause*: the queues' bookkeeping
(``requests.queue/active.json``, each FIFO queue's ``info.json``, each LIFO queue's size header) is
written only when the crawl closes. After SIGKILL (or an out-of-memory kill, a crash, a power loss)
the files still hold records the killed run had already taken out, and the next run reads them as
its own: the start requests' FIFO queue hands back an old request in place of the first new one,
and the new one's record is deleted with the queue once it looks empty — that request is never sent
(a back-fill then never looks one id up again). A LIFO queue reopened after a pause and killed later
reads a stale size header and returns whatever lies at the end of its file. The same goes for a
duplicate filter's ``requests.seen`` (requests marked seen that were never downloaded).

:class:`JobdirScheduler` is Scrapy's scheduler with a marker file in ``JOBDIR`` while a run is open:
written before the queues are read, removed once they are closed and their bookkeeping written.
A run that finds the marker knows the last one never closed: it discards that run's queues and seen
requests (``jobdir/queue_discarded``, a warning) and starts from what the durable state says is left
(``-a state=``: exported articles, missing ids and failures are recorded as they happen), and from
its own start requests. Nothing is lost: whatever the queue held is found again (listings, the
back-fill's ids) and nothing the state holds is fetched again. A clean pause and resume (Ctrl-C
once) keeps its queues as before.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Any

from scrapy.core.scheduler import Scheduler
from scrapy.crawler import Crawler
from scrapy.utils.job import job_dir

logger = logging.getLogger(__name__)

#: The marker of an open run, in JOBDIR.
MARKER = "newscrawl.running"
#: What a run leaves in JOBDIR that cannot be trusted once it was killed: the scheduler's disk queues
#: and the URL duplicate filter's fingerprints (Scrapy's names).
UNSAFE_AFTER_KILL = ("requests.queue", "requests.seen")


def begin_run(jobdir: Path) -> list[str]:
    """Make ``jobdir`` safe to start a run in, and mark the run open. If the last run never closed
    (its marker is there), remove what it left that a kill makes untrustworthy; returns those names."""
    marker = jobdir / MARKER
    discarded = []
    if marker.exists():
        for name in UNSAFE_AFTER_KILL:
            path = jobdir / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
            else:
                continue
            discarded.append(name)
    jobdir.mkdir(parents=True, exist_ok=True)
    marker.write_text(f"{os.getpid()}\n", encoding="ascii")
    return discarded


def end_run(jobdir: Path) -> None:
    """The run closed its queues: the next run may trust them."""
    (jobdir / MARKER).unlink(missing_ok=True)


class JobdirScheduler(Scheduler):
    """Scrapy's scheduler; with ``JOBDIR``, a killed run's queues are discarded (module docstring)."""

    jobdir: Path | None = None
    discarded: list[str] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobdirScheduler:
        path = job_dir(crawler.settings)
        # before Scrapy's scheduler exists: its duplicate filter reads requests.seen when built
        discarded = begin_run(Path(path)) if path else []
        scheduler = super().from_crawler(crawler)
        scheduler.jobdir = Path(path) if path else None
        scheduler.discarded = discarded
        return scheduler

    def open(self, spider: Any) -> Any:
        if self.discarded and self.stats is not None:
            self.stats.set_value("jobdir/queue_discarded", 1)
            logger.warning("JOBDIR %s: the last run did not close (killed?); its request queue cannot be"
                           " trusted and was discarded (%s). What is left is found again from the start"
                           " requests and the state.", self.jobdir, ", ".join(self.discarded))
        return super().open(spider)

    def close(self, reason: str) -> Any:
        result = super().close(reason)  # the queues are closed and active.json written
        if self.jobdir is not None:
            end_run(self.jobdir)
        return result
