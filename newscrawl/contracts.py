"""Scrapy contracts of the spider's callbacks, run by ``scrapy check arabstoday``.

The callbacks' ``@url`` lines name pages of the live site. :class:`UrlContract` (replacing Scrapy's
``@url``) requests them where the crawl fetches that site instead: ``-a base_url=`` (a running
replica or a mirror), ``-a hosts=``, or ``-a source=replica`` (the embedded replica, started for the
check) — so ``scrapy check arabstoday -a source=replica`` runs every contract offline, and without
arguments against the live site. :class:`FilledContract` (``@filled field …``) fails when an item has
one of the fields empty: Scrapy's ``@scrapes`` only checks that a field is present, and every
exported record has every field (null when the page has none).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from itemadapter import ItemAdapter, is_item
from scrapy.contracts import Contract
from scrapy.contracts.default import UrlContract as ScrapyUrlContract
from scrapy.exceptions import ContractFail


class UrlContract(ScrapyUrlContract):
    """``@url URL``: the sample page, moved to where this crawl fetches its site (``crawl_url``)."""

    def __init__(self, method: Callable[..., Any], *args: Any) -> None:
        super().__init__(method, *args)
        self.method = method  # bound to the spider, whose crawl_url moves the URL

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        args = super().adjust_request_args(args)
        spider = getattr(self.method, "__self__", None)
        move = getattr(spider, "crawl_url", None)
        if move is not None:
            args["url"] = move(args["url"])
        return args


class FilledContract(Contract):
    """``@filled url title body …``: every item the callback returns has these fields non-empty."""

    name = "filled"

    def post_process(self, output: list[Any]) -> None:
        for item in output:
            if not is_item(item):
                continue
            adapter = ItemAdapter(item)
            empty = [name for name in self.args if adapter.get(name) in (None, "", [], {})]
            if empty:
                raise ContractFail(f"empty field(s): {', '.join(empty)} in {adapter.get('url')}")
