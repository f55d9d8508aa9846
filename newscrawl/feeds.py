"""Settings derived at start-up from the project's own: FEEDS presets and the User-Agent."""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterator
from typing import Any

from scrapy.crawler import Crawler
from scrapy.extensions.feedexport import FeedExporter
from scrapy.settings import BaseSettings


def apply_feed_preset(settings: BaseSettings) -> None:
    """Set ``FEEDS`` from ``NEWSCRAWL_FEED_PRESET`` unless the user gave feeds (``-o``/``-O``/FEEDS)."""
    name = settings.get("NEWSCRAWL_FEED_PRESET")
    if not name or settings.getdict("FEEDS"):
        return
    presets = settings.getdict("NEWSCRAWL_FEED_PRESETS")
    if name not in presets:
        raise ValueError(
            f"NEWSCRAWL_FEED_PRESET={name!r} is not a preset; known: {', '.join(sorted(presets))}"
        )
    settings.set("FEEDS", presets[name], priority="spider")


#: The default of ``NEWSCRAWL_CONTACT``: the project's address, not the crawl operator's.
PLACEHOLDER_CONTACT = "https://github.com/newscrawl/newscrawl"


def placeholder_contact_warning(settings: BaseSettings) -> str | None:
    """The warning a crawl of the live sites logs while its User-Agent names no real contact, or None
    (a contact of its own, or a ``USER_AGENT`` the user wrote whole)."""
    if settings.getpriority("USER_AGENT") > settings.getpriority("BOT_NAME"):
        return None
    if settings.get("NEWSCRAWL_CONTACT") != PLACEHOLDER_CONTACT:
        return None
    return (f"NEWSCRAWL_CONTACT is still the placeholder {PLACEHOLDER_CONTACT}: the publisher cannot reach"
            " whoever runs this crawl. Give yours: -s NEWSCRAWL_CONTACT=mailto:you@example.org")


def apply_user_agent(settings: BaseSettings) -> None:
    """``USER_AGENT`` from ``NEWSCRAWL_USER_AGENT`` and ``NEWSCRAWL_CONTACT``, unless the user set it."""
    if settings.getpriority("USER_AGENT") > settings.getpriority("BOT_NAME"):
        return
    agent = settings.get("NEWSCRAWL_USER_AGENT").format(contact=settings.get("NEWSCRAWL_CONTACT"))
    settings.set("USER_AGENT", agent, priority="spider")


def feed_slots(crawler: Crawler) -> list[Any]:
    """The feed exporter's open slots (one per feed, the current batch of each), or [] without feeds.

    Components that must know when an item is safely stored (the incremental state, distributed
    leases, the run report's location) follow the slots the exporter wrote it to.
    """
    for ext in crawler.extensions.middlewares:
        if isinstance(ext, FeedExporter):
            return list(ext.slots)
    return []


def slots_for(crawler: Crawler, item: Any) -> list[tuple[Any, int]]:
    """The open feed slots that take ``item`` (their filter accepts it), each with its item count
    now: taken on ``item_scraped`` *before* the feed exporter writes the item, for
    :func:`written_slots` to tell afterwards whether it really did."""
    return [(slot, slot.itemcount) for slot in feed_slots(crawler) if slot.filter.accepts(item)]


def written_slots(before: list[tuple[Any, int]]) -> list[Any] | None:
    """The slots of :func:`slots_for` once the feed exporter has handled the item, or None when one
    of them did not get it: the exporter raised (a value it cannot serialize, a full disk; Scrapy logs
    the error and goes on), so the item is in no complete feed, whatever that feed's storage says
    when it is stored."""
    if any(slot.itemcount <= count for slot, count in before):
        return None
    return [slot for slot, _ in before]


def slot_stored(slot: Any) -> bool:
    """Whether a closed feed slot's storage really stored it. Scrapy sends ``feed_slot_closed`` after
    a failed store too; a storage that knows sets ``stored`` (the database sink does), Scrapy's own
    are taken at their word."""
    return bool(getattr(slot.storage, "stored", True))


class AwaitingStorage:
    """Values (state rows, leases) each waiting until every feed slot its item went to is stored.

    :meth:`add` with the slots the exporter wrote the item to (:func:`feed_slots`); :meth:`closed` on
    ``feed_slot_closed``, with whether that slot was stored (:func:`slot_stored`), returns the values
    now stored everywhere, and those that one of their slots failed to store (never to be recorded
    as stored).
    """

    def __init__(self) -> None:
        self._by_slot: dict[int, list[list[Any]]] = {}  # slot id -> [value, slots left, failed]

    def add(self, value: Any, slots: list[Any]) -> None:
        entry = [value, len(slots), False]
        for slot in slots:
            self._by_slot.setdefault(id(slot), []).append(entry)

    def closed(self, slot: Any, ok: bool) -> tuple[list[Any], list[Any]]:
        stored, lost = [], []
        for entry in self._by_slot.pop(id(slot), []):
            entry[1] -= 1
            entry[2] = entry[2] or not ok
            if entry[1] == 0:
                (lost if entry[2] else stored).append(entry[0])
        return stored, lost

    def pending(self) -> int:
        """Values still waiting for a slot (each counted once)."""
        return len({id(entry) for entries in self._by_slot.values() for entry in entries})


class SpooledAwaitingStorage:
    """:class:`AwaitingStorage` with the values on disk (a private temporary SQLite database, deleted
    when closed): a feed of two million articles (one ``-O`` file, stored only at the end) costs disk
    while it is written, not memory. Values must pickle. :meth:`closed` yields ``(stored, lost)`` in
    chunks, so what a feed's storage releases is never all in memory at once either.
    """

    def __init__(self) -> None:
        self._db = sqlite3.connect("", isolation_level=None)  # "": a temporary database on disk
        self._db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
            "CREATE TABLE value (id INTEGER PRIMARY KEY, data BLOB, left INTEGER, failed INTEGER);"
            "CREATE INDEX value_left ON value (left);"
            "CREATE TABLE waiting (slot INTEGER, value INTEGER);"
            "CREATE INDEX waiting_slot ON waiting (slot);")

    def add(self, value: Any, slots: list[Any]) -> None:
        row = self._db.execute("INSERT INTO value (data, left, failed) VALUES (?, ?, 0)",
                               (pickle.dumps(value, pickle.HIGHEST_PROTOCOL), len(slots))).lastrowid
        self._db.executemany("INSERT INTO waiting VALUES (?, ?)", [(id(slot), row) for slot in slots])

    def closed(self, slot: Any, ok: bool, chunk: int = 1000) -> Iterator[tuple[list[Any], list[Any]]]:
        self._db.execute("UPDATE value SET left = left - 1, failed = max(failed, ?)"
                         " WHERE id IN (SELECT value FROM waiting WHERE slot = ?)", (int(not ok), id(slot)))
        self._db.execute("DELETE FROM waiting WHERE slot = ?", (id(slot),))
        cursor = self._db.execute("SELECT data, failed FROM value WHERE left = 0 ORDER BY id")
        while rows := cursor.fetchmany(chunk):
            yield ([pickle.loads(data) for data, failed in rows if not failed],
                   [pickle.loads(data) for data, failed in rows if failed])
        self._db.execute("DELETE FROM value WHERE left = 0")

    def pending(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM value").fetchone()[0])

    def close(self) -> None:
        self._db.close()
