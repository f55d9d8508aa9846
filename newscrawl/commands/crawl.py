"""``scrapy crawl`` whose exit status is the run's verdict (:mod:`newscrawl.verdict`).

``0`` complete, ``1`` the crawl could not do its job (refused before crawling, or a status-1 rule
failed, such as a component setting ``verdict/fatal``), ``2`` usage error (a bad argument or setting,
named in one line), ``3`` partial. A refusal (state file, feed destination, browser) is one
``scrapy: error:`` line on stderr, never a traceback; a run whose status is not 0 ends its stderr with
one line saying why (``scrapy: error: <reason> …`` for 1, ``scrapy: exit status 3 …`` for 3).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from newscrawl.arguments import ArgumentError, CrawlArguments
from newscrawl.collector import gc_thresholds
from newscrawl.distributed import check_arguments as check_distributed_arguments
from newscrawl.frontier_keys import frontier_url
from newscrawl.monitors import failure_limit
from newscrawl.render import BrowserUnavailable, preflight
from newscrawl.stories import copy_mode
from newscrawl.verdict import FAILED, RunRefused, Verdict, decide, refused

logger = logging.getLogger(__name__)


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        problem = _prepare_log_file(self.settings)
        if problem:  # before Scrapy opens it (a traceback), and before anything is crawled
            self._refuse(problem, log=False)  # no log yet: stderr only
            raise SystemExit(self.exitcode)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            super().run(args, opts)  # Scrapy's usage errors
            return
        try:
            arguments = CrawlArguments.from_kwargs(dict(opts.spargs))
            if frontier_url(self.settings):  # distributed mode: what it cannot honour is a usage error
                check_distributed_arguments(arguments)
        except (ArgumentError, ValueError) as exc:
            raise UsageError(str(exc), print_help=False) from None
        _check_database_url(self.settings.get("NEWSCRAWL_DATABASE"))
        try:
            copy_mode(self.settings.get("NEWSCRAWL_STORY_COPIES"))
            failure_limit(str(self.settings.get("NEWSCRAWL_MAX_FAILURES") or ""), 0)
            gc_thresholds(self.settings.getlist("NEWSCRAWL_GC_THRESHOLD"))
        except ValueError as exc:
            raise UsageError(str(exc), print_help=False) from None
        try:
            preflight(arguments, self.settings)  # the browser, when the crawl renders pages
        except BrowserUnavailable as exc:
            self._refuse(str(exc))
            return
        assert self.crawler_process is not None
        crawler = self._create_crawler(args[0])
        refusals: list[RunRefused] = []
        errors: list[BaseException] = []
        _catch_refusal(self.crawler_process.crawl(crawler, **opts.spargs), refusals, errors)
        self.crawler_process.start()
        if refusals:  # the spider refused to start (state file, feed destination): nothing crawled
            self._refuse(str(refusals[0]))
        elif errors or self.crawler_process.bootstrap_failed or not getattr(crawler, "stats", None):
            # a component raised while the crawl started (its traceback is in the log): nothing vouches
            # for the run; the last line still says why, as for every status but 0
            what = f": {type(errors[0]).__name__}: {_one_line(errors[0])}" if errors else ""
            self.exitcode = FAILED
            print(f"scrapy: error: the crawl could not start{what} (exit status {FAILED})", file=sys.stderr)
        else:
            verdict = decide(crawler.stats.get_stats())
            self.exitcode = verdict.status
            if verdict.status:
                print(_last_line(verdict), file=sys.stderr)

    def _refuse(self, reason: str, log: bool = True) -> None:
        # in the log too when it is a file (scrapyd's job log, cron's LOG_FILE): stderr is then not
        # all a user reads; when the log is stderr, one line says it once
        assert self.settings is not None
        if log and self.settings.get("LOG_FILE"):
            logger.error("Refused before crawling: %s", reason)
        print(f"scrapy: error: {reason}", file=sys.stderr)
        self.exitcode = refused(reason).status


def _last_line(verdict: Verdict) -> str:
    """The run's last line on stderr (what cron mails when the log goes to ``LOG_FILE``)."""
    if verdict.status == FAILED:
        return f"scrapy: error: {verdict.reason} (exit status {verdict.status} by rule {verdict.rule})"
    return f"scrapy: {verdict.line()}"


def _one_line(text: Any) -> str:
    return " ".join(str(text).split())[:300]


def _prepare_log_file(settings: Any) -> str | None:
    """Create the directory of ``LOG_FILE`` (as feeds' and the state's are created) and check that the
    file can be written; why not, in one line, or None. Scrapy would open it with a traceback."""
    name = settings.get("LOG_FILE")
    if not name or not settings.getbool("LOG_ENABLED", True) or not isinstance(name, str | Path):
        return None
    path = Path(name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding=settings.get("LOG_ENCODING") or "utf-8"):
            pass
    except OSError as exc:
        return f"log file {path} cannot be written ({exc.strerror or exc}); nothing was crawled"
    return None


def _catch_refusal(started: Any, refusals: list[RunRefused], errors: list[BaseException]) -> None:
    """Keep a :class:`RunRefused` raised while the crawl starts (it is reported in one line, not as
    a traceback); any other exception is logged with its traceback and kept in ``errors``."""
    def failed(exc: BaseException) -> None:
        if isinstance(exc, RunRefused):
            refusals.append(exc)
        else:
            errors.append(exc)
            logger.error("The crawl could not start", exc_info=(type(exc), exc, exc.__traceback__))

    if isinstance(started, asyncio.Future):
        def done(task: asyncio.Future[Any]) -> None:
            if not task.cancelled() and task.exception() is not None:
                failed(task.exception())  # type: ignore[arg-type]
        started.add_done_callback(done)
    elif isinstance(started, Deferred):
        def errback(failure: Failure) -> None:
            failed(failure.value)
        started.addErrback(errback)


def _check_database_url(url: str | None) -> None:
    """A malformed ``NEWSCRAWL_DATABASE`` is a usage error (status 2); an unreachable one fails the
    crawl when the spider opens (status 1)."""
    if not url:
        return
    try:
        from newscrawl.database import DatabaseError, database_url
    except ImportError:
        return  # the database extra is missing: the sink says so when the spider opens
    try:
        database_url(url)
    except DatabaseError as exc:
        raise UsageError(str(exc), print_help=False) from None
