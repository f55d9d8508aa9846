"""newscrawl.logformat: Scrapy's per-page DEBUG messages skipped exactly when no handler writes them."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
import scrapy.core.engine
import scrapy.core.scraper
from scrapy.http import HtmlResponse, Request
from scrapy.logformatter import LogFormatter

from newscrawl.logformat import CRAWLED_LOGGER, SCRAPED_LOGGER, QuietLogFormatter, writes_debug


class _Recorder(logging.Handler):
    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _hierarchy() -> tuple[logging.Logger, logging.Logger, logging.Logger]:
    """root ← scrapy ← scrapy.core.engine, apart from the process's own loggers (and pytest's
    capture handler on the real root)."""
    root = logging.RootLogger(logging.WARNING)
    root.setLevel(logging.NOTSET)
    parent = logging.Logger("scrapy")
    child = logging.Logger(CRAWLED_LOGGER)
    parent.parent, child.parent = root, parent
    return root, parent, child


def _configure(name: str) -> Callable[[logging.Logger, logging.Logger, logging.Logger], None]:
    def handler(level: int) -> _Recorder:
        return _Recorder(level)

    configurations: dict[str, Callable[[logging.Logger, logging.Logger, logging.Logger], None]] = {
        "INFO handler on root (LOG_LEVEL=INFO)": lambda r, p, c: r.addHandler(handler(logging.INFO)),
        "DEBUG handler on root (LOG_LEVEL=DEBUG)": lambda r, p, c: r.addHandler(handler(logging.DEBUG)),
        "a NOTSET handler (a test's capture)": lambda r, p, c: r.addHandler(handler(logging.NOTSET)),
        "INFO on root, DEBUG on scrapy": lambda r, p, c: (r.addHandler(handler(logging.INFO)),
                                                          p.addHandler(handler(logging.DEBUG))),
        "DEBUG on root, scrapy does not propagate": lambda r, p, c: (r.addHandler(handler(logging.DEBUG)),
                                                                     setattr(p, "propagate", False)),
        "DEBUG on root, the logger at INFO": lambda r, p, c: (r.addHandler(handler(logging.DEBUG)),
                                                              c.setLevel(logging.INFO)),
        "DEBUG on root, the logger disabled": lambda r, p, c: (r.addHandler(handler(logging.DEBUG)),
                                                               setattr(c, "disabled", True)),
        "no handler at all (lastResort)": lambda r, p, c: None,
        "ERROR handler and a filter on the logger": lambda r, p, c: (r.addHandler(handler(logging.ERROR)),
                                                                     c.addFilter(lambda record: True)),
    }
    return configurations[name]


CONFIGURATIONS = [
    "INFO handler on root (LOG_LEVEL=INFO)", "DEBUG handler on root (LOG_LEVEL=DEBUG)",
    "a NOTSET handler (a test's capture)", "INFO on root, DEBUG on scrapy",
    "DEBUG on root, scrapy does not propagate", "DEBUG on root, the logger at INFO",
    "DEBUG on root, the logger disabled", "no handler at all (lastResort)",
]


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_writes_debug_is_whether_logging_writes_the_record(name: str) -> None:
    root, parent, child = _hierarchy()
    _configure(name)(root, parent, child)
    child.debug("Crawled (%(status)s)", {"status": 200})
    written = any(isinstance(h, _Recorder) and h.records for lg in (root, parent) for h in lg.handlers)
    assert writes_debug(child) is written


def test_a_logger_filter_sees_every_record() -> None:
    root, parent, child = _hierarchy()
    _configure("ERROR handler and a filter on the logger")(root, parent, child)
    assert writes_debug(child)


def _messages(logger: logging.Logger) -> list[object]:
    request = Request("http://127.0.0.1:9/40/1-x")
    response = HtmlResponse(request.url, body=b"<html></html>", request=request)
    formatter = QuietLogFormatter()
    formatter._crawled_logger = formatter._scraped_logger = logger
    return [formatter.crawled(request, response, None),
            formatter.scraped({"url": request.url}, response, None),
            LogFormatter().crawled(request, response, None),  # type: ignore[arg-type]
            LogFormatter().scraped({"url": request.url}, response, None)]  # type: ignore[arg-type]


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_messages_are_scrapys_when_written_else_none(name: str) -> None:
    root, parent, child = _hierarchy()
    _configure(name)(root, parent, child)
    crawled, scraped, scrapys_crawled, scrapys_scraped = _messages(child)
    if writes_debug(child):
        assert (crawled, scraped) == (scrapys_crawled, scrapys_scraped)
    else:
        assert (crawled, scraped) == (None, None)


def test_scrapy_logs_these_messages_at_debug_with_these_loggers() -> None:
    """What the shortcut assumes of Scrapy: an upgrade that changes it fails here."""
    assert scrapy.core.engine.logger.name == CRAWLED_LOGGER
    assert scrapy.core.scraper.logger.name == SCRAPED_LOGGER
    *_, crawled, scraped = _messages(logging.getLogger(CRAWLED_LOGGER))
    assert crawled["level"] == scraped["level"] == logging.DEBUG  # type: ignore[index]


def test_the_project_uses_it() -> None:
    from newscrawl import settings

    assert settings.LOG_FORMATTER == "newscrawl.logformat.QuietLogFormatter"
