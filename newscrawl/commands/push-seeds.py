"""``scrapy push-seeds``: start a distributed run by putting its seeds in the shared Redis frontier.

    scrapy push-seeds -s REDIS_URL=redis://host:6379/0 [-a base_url=URL] [-a sections=a,b]
                      [--url ARTICLE_URL ...] [--keep] [--force] [--status]

By default a new run: the queue, the duplicate filter and the old seeds are emptied first (the
incremental state stays), refused while a crawl process is still running. ``--keep`` adds the seeds
to the running crawl instead. Then start any number of ``scrapy crawl arabstoday -s REDIS_URL=…``
processes, on any machines: they pop the seeds and share the work. Redis is imported only when the
command runs, so a single-machine installation without redis still lists its commands.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.conf import arglist_to_dict

from newscrawl.arguments import ArgumentError, CrawlArguments
from newscrawl.distributed import check_arguments
from newscrawl.frontier_keys import FrontierKeys, frontier_url


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[-a NAME=VALUE ...] [--url URL ...] [--keep] [--force] [--status]"

    def short_desc(self) -> str:
        return "Push the seeds of a distributed crawl to Redis (REDIS_URL), starting a new run"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-a", dest="spargs", action="append", default=[], metavar="NAME=VALUE",
                            help="spider argument deciding the seeds: site, base_url, sections")
        parser.add_argument("--spider", default="arabstoday", help="spider whose frontier to seed")
        parser.add_argument("--url", dest="urls", action="append", default=[], metavar="URL",
                            help="also seed this article URL (repeatable)")
        parser.add_argument("--no-listings", action="store_true",
                            help="seed only the --url articles, not the section listings")
        parser.add_argument("--keep", action="store_true",
                            help="add to the current run (keep its queue and duplicate filter)")
        parser.add_argument("--force", action="store_true",
                            help="reset even though crawl processes are still running")
        parser.add_argument("--status", action="store_true", help="print the frontier's status only")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        try:
            opts.spargs = arglist_to_dict(opts.spargs)
        except ValueError:
            raise UsageError("Invalid -a value, use -a NAME=VALUE", print_help=False) from None

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        try:
            url = frontier_url(self.settings)
            arguments = CrawlArguments.from_kwargs(dict(opts.spargs))
            check_arguments(arguments)
        except (ArgumentError, ValueError) as exc:
            raise UsageError(str(exc), print_help=False) from None
        if url is None:
            raise UsageError("no frontier: give -s REDIS_URL=redis://host:6379/0 (or NEWSCRAWL_FRONTIER)",
                             print_help=False)
        from newscrawl import seeds
        from newscrawl.state_redis import connect

        server = connect(url)
        keys = FrontierKeys.from_settings(self.settings, opts.spider)
        if opts.status:
            print(json.dumps(seeds.status(server, keys), ensure_ascii=False, indent=2))
            return
        try:
            batch: list[dict[str, Any]] = [] if opts.no_listings else seeds.listing_seeds(arguments)
            batch += [seeds.article_seed(arguments, u) for u in opts.urls]
        except (KeyError, ValueError) as exc:
            raise UsageError(str(exc).strip("'\""), print_help=False) from None
        if not opts.keep:
            try:
                seeds.reset_frontier(server, keys, force=opts.force)
            except RuntimeError as exc:
                print(f"scrapy push-seeds: error: {exc}")
                self.exitcode = 1
                return
        pushed = seeds.push(server, keys, batch)
        run = "added to the current run" if opts.keep else "new run (queue and duplicate filter emptied)"
        print(f"pushed {pushed} seeds to {keys.start}; {run}")
