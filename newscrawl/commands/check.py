"""``scrapy check``: Scrapy's command, with the spider's arguments checked first (a usage error, 2).

The callbacks' contracts name live pages; ``-a source=replica`` (or ``base_url``/``hosts``) runs them
against a replica instead (:mod:`newscrawl.contracts`).
"""

from __future__ import annotations

import argparse

from scrapy.commands.check import Command as ScrapyCheckCommand
from scrapy.exceptions import UsageError

from newscrawl.arguments import ArgumentError, CrawlArguments
from newscrawl.dispatch import plain_sections


class Command(ScrapyCheckCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            arguments = CrawlArguments.from_kwargs(dict(opts.spargs))
        except ArgumentError as exc:
            raise UsageError(str(exc), print_help=False) from None
        if "sections" not in opts.spargs:  # the contracts' pages need no browser: none is started
            opts.spargs["sections"] = plain_sections(arguments)
        super().run(args, opts)
