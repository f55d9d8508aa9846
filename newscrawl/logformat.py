"""Scrapy's log messages, without building the two DEBUG records of every page nobody writes.

Scrapy logs "Crawled (200) <GET …>" for every response and "Scraped from <200 …>" for every item at
DEBUG. With ``LOG_LEVEL = "INFO"`` its handler drops them, but only after each was built: the
message's arguments, then a ``LogRecord`` (the caller found by walking the stack, the time, the
thread, the process) handed to every handler of the root logger (~11 µs a record measured, two a
page). :class:`QuietLogFormatter` gives Scrapy nothing to log (which Scrapy allows: ``None``)
when no handler that the record would reach writes DEBUG — the same output, the same
``log_count/*`` stats (Scrapy's counter is such a handler, at ``LOG_LEVEL``) — and Scrapy's own
message otherwise (``LOG_LEVEL = "DEBUG"``, a test's log capture, a handler added to ``scrapy``).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult

#: The loggers Scrapy writes these messages with (its modules' ``logging.getLogger(__name__)``).
CRAWLED_LOGGER = "scrapy.core.engine"
SCRAPED_LOGGER = "scrapy.core.scraper"


def writes_debug(logger: logging.Logger) -> bool:
    """Whether a DEBUG record of ``logger`` would reach a handler that writes DEBUG records (as
    ``Logger.callHandlers`` walks them: up the parents while ``propagate``); True as well when the
    logger has filters of its own, which see every record it makes."""
    if logger.disabled or not logger.isEnabledFor(logging.DEBUG):
        return False
    if logger.filters:
        return True
    current: logging.Logger | None = logger
    while current is not None:
        if any(handler.level <= logging.DEBUG for handler in current.handlers):
            return True
        if not current.propagate:
            return False
        current = current.parent
    return False  # logging.lastResort writes WARNING and above only


class QuietLogFormatter(LogFormatter):
    """Scrapy's ``LogFormatter``; "Crawled" and "Scraped" only when a handler writes them."""

    def __init__(self) -> None:
        super().__init__()
        self._crawled_logger = logging.getLogger(CRAWLED_LOGGER)
        self._scraped_logger = logging.getLogger(SCRAPED_LOGGER)

    def crawled(self, request: Any, response: Any, spider: Any) -> LogFormatterResult | None:  # type: ignore[override]
        if not writes_debug(self._crawled_logger):
            return None
        return super().crawled(request, response, spider)

    def scraped(self, item: Any, response: Any, spider: Any) -> LogFormatterResult | None:  # type: ignore[override]
        if not writes_debug(self._scraped_logger):
            return None
        return super().scraped(item, response, spider)
