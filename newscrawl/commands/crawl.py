"""``scrapy crawl`` that checks spider arguments first and reports threshold breaches in its status.

Exit status: 0 success; 2 bad arguments (a usage error naming the argument); 1 a crawl that could
not start; 3 a crawl whose run report breached a threshold (``NEWSCRAWL_MIN_*``/``MAX_*``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError

from newscrawl.arguments import ArgumentError, CrawlArguments
from newscrawl.render import BrowserUnavailable, preflight
from newscrawl.report import REPORT_FAILED_STAT

THRESHOLD_EXIT_STATUS = 3


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            arguments = CrawlArguments.from_kwargs(dict(opts.spargs))
        except ArgumentError as exc:
            raise UsageError(str(exc), print_help=False) from None
        try:
            preflight(arguments, self.settings)  # the browser, when the crawl renders pages
        except BrowserUnavailable as exc:
            print(f"scrapy: error: {exc}", file=sys.stderr)
            self.exitcode = 1
            return
        self._crawlers: list[Crawler] = []
        super().run(args, opts)
        if self.exitcode == 0 and any(c.stats.get_value(REPORT_FAILED_STAT) for c in self._crawlers):
            self.exitcode = THRESHOLD_EXIT_STATUS

    def _create_crawler(self, *args: Any, **kwargs: Any) -> Crawler:
        crawler = super()._create_crawler(*args, **kwargs)
        self._crawlers.append(crawler)
        return crawler
