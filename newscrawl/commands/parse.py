"""``scrapy parse URL``: Scrapy's command, with the spider's arguments checked and the page reached.

The spider's default callback dispatches by the kind of URL (:mod:`newscrawl.dispatch`), so
``scrapy parse <article URL>`` prints the item and ``scrapy parse <listing URL>`` the requests. A URL
of a replica or mirror is crawled there (``base_url`` from the URL, see
:func:`~newscrawl.dispatch.arguments_for_url`); a bad ``-a`` is a usage error (status 2); no response
at all is status 1.
"""

from __future__ import annotations

import argparse

from scrapy.commands.parse import Command as ScrapyParseCommand
from scrapy.exceptions import UsageError
from w3lib.url import is_url

from newscrawl.arguments import ArgumentError
from newscrawl.dispatch import arguments_for_url


class Command(ScrapyParseCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) == 1 and is_url(args[0]):
            try:
                opts.spargs = arguments_for_url(args[0], opts.spargs)
            except ArgumentError as exc:
                raise UsageError(str(exc), print_help=False) from None
        super().run(args, opts)
        if not self.first_response and self.exitcode == 0:
            self.exitcode = 1
