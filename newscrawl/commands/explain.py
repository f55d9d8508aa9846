"""``scrapy explain URL``: which selector or fallback gave each field of a page, and which matched nothing.

    scrapy explain https://www.arabstoday.net/40/095935-…        a live page
    scrapy explain http://127.0.0.1:8000/section/40               a replica's (base_url from the URL)
    scrapy explain --json URL                                     the same as JSON

The page is fetched through the spider (its settings, robots.txt, User-Agent, the same ``-a``
arguments as ``scrapy crawl``) and read by the crawl's own extraction (:mod:`newscrawl.explain`).
Exit status: 0 with a report, 1 when no page came back, 2 for a bad argument.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request, Spider
from scrapy.commands import BaseRunSpiderCommand
from scrapy.exceptions import UsageError
from scrapy.http import Response, TextResponse
from scrapy.settings import SETTINGS_PRIORITIES
from w3lib.url import is_url

from newscrawl.arguments import ArgumentError
from newscrawl.dispatch import arguments_for_url, page_kind
from newscrawl.explain import PageReport, explain_article, explain_listing, format_report, unmatched_selectors


def explain_response(spider: Any, response: Response) -> PageReport:
    """The report of one fetched page, by the kind of its URL (as the spider's ``parse`` dispatches)."""
    site = spider.site_of(response.url)
    kind, listing = page_kind(site, response.url)
    if not isinstance(response, TextResponse):
        return PageReport(url=response.url, status=response.status, site=site.key, kind="not HTML")
    if kind == "listing" and listing is not None:
        return explain_listing(response, site, listing[0])
    if kind == "article":
        return PageReport(url=response.url, status=response.status, site=site.key, kind=kind,
                          fields=explain_article(response, site, None),
                          unmatched=unmatched_selectors(response, site, kind))
    return PageReport(url=response.url, status=response.status, site=site.key, kind=kind)


class Command(BaseRunSpiderCommand):
    requires_project = True
    #: Quieter than a crawl, unless the command line says otherwise (-L, -s): the report is the output.
    quiet = {"LOG_LEVEL": "WARNING", "NEWSCRAWL_PROGRESS_INTERVAL": 0}

    def syntax(self) -> str:
        return "[options] <url>"

    def short_desc(self) -> str:
        return "Show each field of a page and the selector or fallback that gave it"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--json", action="store_true", help="the report as JSON")
        parser.add_argument("--spider", default="arabstoday",
                            help="the spider whose sites and settings to use")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1 or not is_url(args[0]):
            raise UsageError("give one URL", print_help=False)
        url = args[0]
        try:
            spargs = arguments_for_url(url, opts.spargs)
        except ArgumentError as exc:
            raise UsageError(str(exc), print_help=False) from None
        assert self.crawler_process is not None and self.settings is not None
        for name, value in self.quiet.items():
            if self.settings.getpriority(name) < SETTINGS_PRIORITIES["cmdline"]:
                self.settings.set(name, value, priority="cmdline")
        spidercls = self.crawler_process.spider_loader.load(opts.spider)
        reports: list[PageReport] = []

        async def start(spider: Spider) -> AsyncIterator[Any]:
            def explain(response: Response) -> list[Any]:
                reports.append(explain_response(spider, response))
                return []

            yield Request(url, callback=explain, dont_filter=True, meta={"handle_httpstatus_all": True})

        spidercls.start = start  # type: ignore[method-assign,assignment]
        self.crawler_process.crawl(spidercls, **spargs)
        self.crawler_process.start()
        if not reports:
            print(f"scrapy explain: error: no page came back from {url} (see the log above)")
            self.exitcode = 1
            return
        print(json.dumps(reports[0].as_dict(), ensure_ascii=False, indent=2) if opts.json
              else format_report(reports[0]))
