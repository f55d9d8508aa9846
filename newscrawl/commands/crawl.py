"""``scrapy crawl`` that checks spider arguments first and reports threshold breaches in its status.

Exit status: 0 success; 2 bad arguments (a usage error naming the argument); 1 a crawl that could
not start or could not do its job (a component set the ``verdict/fatal`` stat: its reason is printed);
3 a crawl whose run report breached a threshold (``NEWSCRAWL_MIN_*``/``MAX_*``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError

from newscrawl.arguments import ArgumentError, CrawlArguments
from newscrawl.distributed import check_arguments as check_distributed_arguments
from newscrawl.frontier_keys import frontier_url
from newscrawl.render import BrowserUnavailable, preflight
from newscrawl.report import REPORT_FAILED_STAT
from newscrawl.stories import copy_mode

THRESHOLD_EXIT_STATUS = 3
FATAL_STAT = "verdict/fatal"


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            arguments = CrawlArguments.from_kwargs(dict(opts.spargs))
            if frontier_url(self.settings):  # distributed mode: what it cannot honour is a usage error
                check_distributed_arguments(arguments)
        except (ArgumentError, ValueError) as exc:
            raise UsageError(str(exc), print_help=False) from None
        _check_database_url(self.settings.get("NEWSCRAWL_DATABASE"))
        try:
            copy_mode(self.settings.get("NEWSCRAWL_STORY_COPIES"))
        except ValueError as exc:
            raise UsageError(str(exc), print_help=False) from None
        try:
            preflight(arguments, self.settings)  # the browser, when the crawl renders pages
        except BrowserUnavailable as exc:
            print(f"scrapy: error: {exc}", file=sys.stderr)
            self.exitcode = 1
            return
        self._crawlers: list[Crawler] = []
        super().run(args, opts)
        fatal = [c.stats.get_value(FATAL_STAT) for c in self._crawlers if c.stats.get_value(FATAL_STAT)]
        if fatal:
            print(f"scrapy: error: {fatal[0]}", file=sys.stderr)
            self.exitcode = 1
        if self.exitcode == 0 and any(c.stats.get_value(REPORT_FAILED_STAT) for c in self._crawlers):
            self.exitcode = THRESHOLD_EXIT_STATUS

    def _create_crawler(self, *args: Any, **kwargs: Any) -> Crawler:
        crawler = super()._create_crawler(*args, **kwargs)
        self._crawlers.append(crawler)
        return crawler


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
