"""Is every exported article in a stored feed? Feed destinations checked before the crawl, each
feed's storage outcome recorded, and items counted against what was stored.

* :func:`check_feed_destinations` refuses (:class:`~newscrawl.verdict.RunRefused`, status 1) a local
  feed path that cannot be written, before anything is crawled;
* the ``Recorded…FeedStorage`` classes (``FEED_STORAGES``) are Scrapy's storages that remember whether
  their ``store()`` succeeded (``stored``), so :func:`newscrawl.feeds.slot_stored` knows it for each
  feed file (Scrapy's ``feed_slot_closed`` signal is sent whether the store succeeded or failed);
* :class:`FeedHealth` (an extension) compares, per feed, the items exported with the items in stored
  files, and writes what is missing into ``feeds/problem/<n>`` stats (the ``feed`` rule, status 1).
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.extensions.feedexport import (
    FileFeedStorage,
    FTPFeedStorage,
    GCSFeedStorage,
    S3FeedStorage,
    StdoutFeedStorage,
)
from scrapy.settings import BaseSettings
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure
from w3lib.url import file_uri_to_path

from newscrawl.feeds import feed_slots, slot_stored
from newscrawl.verdict import RunRefused

logger = logging.getLogger(__name__)

PROBLEM_PREFIX = "feeds/problem/"


# --- before the crawl ----------------------------------------------------------------------------

def check_feed_destinations(settings: BaseSettings) -> None:
    """Refuse a local feed (``-o``/``-O``, ``FEEDS``) that this process cannot write."""
    for uri in settings.getdict("FEEDS"):
        path = local_path(str(uri))
        if path is not None:
            problem = _unwritable(path)
            if problem:
                raise RunRefused(f"feed {uri}: {problem}; nothing was crawled")


def local_path(uri: str) -> Path | None:
    """The file a local feed URI names (``%(…)s`` placeholders left in), or None for other schemes."""
    scheme = urlsplit(uri).scheme
    if scheme == "file":
        return Path(file_uri_to_path(uri))
    if scheme == "" or (len(scheme) == 1 and uri[1:3] in (":\\", ":/")):  # a path, or C:\ on Windows
        return Path(uri)
    return None


def _unwritable(path: Path) -> str | None:
    """Why ``path`` (a feed file, possibly a URI template) cannot be written, or None."""
    fixed = Path(str(path).split("%(", 1)[0] + "x") if "%(" in str(path) else path
    if "%(" not in str(path) and path.exists():
        if path.is_dir():
            return f"{path} is a directory"
        if not os.access(path, os.W_OK, effective_ids=os.access in os.supports_effective_ids):
            return f"{path} is not writable"
        return None
    directory = fixed.parent
    while not directory.exists():  # Scrapy creates the missing directories
        if directory == directory.parent:
            return f"no existing directory above {path}"
        directory = directory.parent
    if not directory.is_dir():
        return f"{directory} is not a directory"
    if not os.access(directory, os.W_OK | os.X_OK, effective_ids=os.access in os.supports_effective_ids):
        return f"directory {directory} is not writable"
    return None


# --- storages that remember whether they stored --------------------------------------------------

class _Recorded:
    """Mixin for a Scrapy feed storage: ``stored`` is None before ``store()``, then True or False."""

    stored: bool | None = None

    def store(self, file: Any) -> Any:
        try:
            result = super().store(file)  # type: ignore[misc]
        except BaseException:
            self.stored = False
            raise
        if isinstance(result, Deferred):
            result.addCallbacks(self._succeeded, self._failed)
        else:
            self.stored = True
        return result

    def _succeeded(self, result: Any) -> Any:
        self.stored = True
        return result

    def _failed(self, failure: Failure) -> Failure:
        self.stored = False
        return failure


class RecordedFileFeedStorage(_Recorded, FileFeedStorage):
    pass


class RecordedStdoutFeedStorage(_Recorded, StdoutFeedStorage):
    pass


class RecordedS3FeedStorage(_Recorded, S3FeedStorage):
    pass


class RecordedGCSFeedStorage(_Recorded, GCSFeedStorage):
    pass


class RecordedFTPFeedStorage(_Recorded, FTPFeedStorage):
    pass


# --- after the crawl -------------------------------------------------------------------------------

class FeedHealth:
    """Extension: every exported item must be in a stored feed file of every feed that accepts it.

    Sets ``feeds/problem/<n>`` (one line each) for a feed whose files were not all stored, that holds
    fewer items than were exported to it, or (``store_empty``) that was not written at all; and
    ``feeds/checked`` to the number of feeds checked.
    """

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getdict("FEEDS"):
            raise NotConfigured
        self.crawler = crawler
        self.expected: Counter[str] = Counter()  # uri template -> items exported to it
        self.stored: Counter[str] = Counter()  # uri template -> items in stored files
        self.written: set[str] = set()  # uri templates with at least one stored file
        self.failed: list[str] = []  # URIs whose store failed
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.feed_slot_closed, signal=signals.feed_slot_closed)
        crawler.signals.connect(self.feed_exporter_closed, signal=signals.feed_exporter_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FeedHealth:
        return cls(crawler)

    def item_scraped(self, item: Any) -> None:
        for slot in feed_slots(self.crawler):
            if slot.filter.accepts(item):
                self.expected[slot.uri_template] += 1

    def feed_slot_closed(self, slot: Any) -> None:
        if slot_stored(slot):
            self.stored[slot.uri_template] += slot.itemcount
            self.written.add(slot.uri_template)
        else:
            self.failed.append(str(slot.uri))

    def feed_exporter_closed(self) -> None:
        stats = self.crawler.stats
        problems = [f"feed file {uri} could not be stored" for uri in self.failed]
        for template, options in _feed_options(self.crawler).items():
            expected, stored = self.expected[template], self.stored[template]
            if stored < expected:
                problems.append(f"feed {template}: {expected - stored} of {expected} exported articles"
                                f" are not in a stored file")
            elif not expected and options.get("store_empty", True) and template not in self.written:
                problems.append(f"feed {template} was not written")
        for n, problem in enumerate(problems):
            stats.set_value(f"{PROBLEM_PREFIX}{n}", problem)
            logger.error("Feed not stored: %s", problem)
        stats.set_value("feeds/checked", len(_feed_options(self.crawler)))


def _feed_options(crawler: Crawler) -> dict[str, dict[str, Any]]:
    from scrapy.extensions.feedexport import FeedExporter

    for ext in crawler.extensions.middlewares:
        if isinstance(ext, FeedExporter):
            return {str(uri): options for uri, options in ext.feeds.items()}
    return {}
