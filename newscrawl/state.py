"""Durable crawl state in SQLite: what has been exported, and what failed and must be retried.

Pure standard library (sqlite3), no Scrapy import. Every write is one transaction; the database runs
in WAL mode so a killed process leaves it consistent (the last committed transaction wins).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newscrawl.stories_sqlite import SqliteStoryStore

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    key TEXT PRIMARY KEY,          -- site:section-or-writer/article-id, the article's identity
    url TEXT NOT NULL,             -- canonical URL
    listing_fp TEXT,               -- fingerprint of its listing entry (title, summary, stamp, thumb)
    content_fp TEXT NOT NULL,      -- fingerprint of the exported content
    updated_raw TEXT,              -- the page's update stamp as printed
    etag TEXT,                     -- HTTP validators, for conditional requests
    last_modified TEXT,
    exported_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS failures (
    url TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_seen TEXT NOT NULL,
    meta TEXT                      -- JSON: what the retry needs (section, listing entry)
);
CREATE TABLE IF NOT EXISTS missing_ids (  -- ids a back-fill found without an article (404/410)
    family TEXT NOT NULL,          -- the site family whose id space it is
    id INTEGER NOT NULL,
    PRIMARY KEY (family, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS runs (  -- the report of every run (newscrawl.history), oldest first
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    spider TEXT NOT NULL,
    report TEXT NOT NULL           -- JSON
);
"""


@dataclass(frozen=True)
class ArticleState:
    """What the state knows of one exported article."""

    key: str
    url: str
    listing_fp: str | None
    content_fp: str
    updated_raw: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Failure:
    url: str
    reason: str
    attempts: int
    meta: dict[str, Any]


def fingerprint(*parts: Any) -> str:
    """A short stable fingerprint of some values (None and "" count as the same)."""
    digest = hashlib.blake2b(digest_size=12)
    for part in parts:
        digest.update(str(part or "").encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()


class StateStore:
    """The incremental state of scheduled crawls, in one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None)  # explicit transactions only
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def get(self, key: str) -> ArticleState | None:
        row = self._db.execute(
            "SELECT key, url, listing_fp, content_fp, updated_raw, etag, last_modified"
            " FROM articles WHERE key = ?", (key,)
        ).fetchone()
        return ArticleState(*row) if row else None

    def count(self) -> int:
        return self._db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def claim(self, key: str, content_fp: str, force: bool = False) -> bool:
        """One process owns a SQLite state, so there is nobody to race: True unless this very
        version was exported already (the Redis store makes the same check atomic between processes)."""
        if force:
            return True
        known = self.get(key)
        return known is None or known.content_fp != content_fp

    def mark_exported(self, states: Iterable[ArticleState]) -> int:
        """Record articles as exported, in one transaction; returns how many rows were written."""
        now = _now()
        rows = [(s.key, s.url, s.listing_fp, s.content_fp, s.updated_raw, s.etag, s.last_modified, now)
                for s in states]
        if not rows:
            return 0
        with self._transaction():
            self._db.executemany(
                "INSERT INTO articles (key, url, listing_fp, content_fp, updated_raw, etag,"
                " last_modified, exported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET url=excluded.url, listing_fp=excluded.listing_fp,"
                " content_fp=excluded.content_fp, updated_raw=excluded.updated_raw, etag=excluded.etag,"
                " last_modified=excluded.last_modified, exported_at=excluded.exported_at",
                rows,
            )
            self._db.executemany("DELETE FROM failures WHERE url = ?", [(r[1],) for r in rows])
        return len(rows)

    def stories(self) -> SqliteStoryStore:
        """The story index kept in this file (its own tables: :mod:`newscrawl.stories_sqlite`)."""
        from newscrawl.stories_sqlite import SqliteStoryStore

        return SqliteStoryStore(self._db)

    def record_failure(self, url: str, reason: str, attempts: int, meta: dict[str, Any]) -> None:
        with self._transaction():
            self._db.execute(
                "INSERT INTO failures (url, reason, attempts, last_seen, meta) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(url) DO UPDATE SET reason=excluded.reason,"
                " attempts=failures.attempts + excluded.attempts, last_seen=excluded.last_seen,"
                " meta=excluded.meta",
                (url, reason, attempts, _now(), json.dumps(meta, ensure_ascii=False)),
            )

    def clear_failure(self, url: str) -> None:
        with self._transaction():
            self._db.execute("DELETE FROM failures WHERE url = ?", (url,))

    def failures(self) -> list[Failure]:
        rows = self._db.execute("SELECT url, reason, attempts, meta FROM failures ORDER BY last_seen")
        return [Failure(url, reason, n, json.loads(meta or "{}")) for url, reason, n, meta in rows]

    # -- what a back-fill by id needs not ask again (newscrawl.backfill) --------------------------

    def record_missing(self, family: str, ids: Iterable[int]) -> None:
        """Ids of ``family`` that have no article (the by-id answer was 404/410), in one transaction."""
        with self._transaction():
            self._db.executemany("INSERT OR IGNORE INTO missing_ids (family, id) VALUES (?, ?)",
                                 [(family, n) for n in ids])

    def settled_ids(self, family: str) -> Iterator[int]:
        """Every id of ``family`` a back-fill has nothing left to do for: the ids of its exported
        articles (keys ``family:section/id``, read through the primary key's index) and its missing ids."""
        rows = self._db.execute("SELECT key FROM articles WHERE key >= ? AND key < ?",
                                (family + ":", family + ";"))  # ";" follows ":": the family's range
        for (key,) in rows:
            tail = key.rpartition("/")[2]
            if tail.isascii() and tail.isdigit():
                yield int(tail)
        for (number,) in self._db.execute("SELECT id FROM missing_ids WHERE family = ?", (family,)):
            yield number

    def add_run(self, spider: str, report: dict[str, Any]) -> None:
        """Keep a run's report (:mod:`newscrawl.history`); works after :meth:`close` too."""
        add_run(self.path, spider, report)

    def last_runs(self, limit: int, spider: str | None = None) -> list[dict[str, Any]]:
        return last_runs(self.path, limit, spider)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")


_RUNS_SCHEMA = _SCHEMA[_SCHEMA.index("CREATE TABLE IF NOT EXISTS runs"):]


def add_run(path: str | Path, spider: str, report: dict[str, Any]) -> None:
    """Append a run's report to the ``runs`` table of the state file at ``path``, on a connection of
    its own: the report is built when the crawl's store may be closed already."""
    with closing(sqlite3.connect(path, timeout=30, isolation_level=None)) as db:
        db.executescript(_RUNS_SCHEMA)
        db.execute("INSERT INTO runs (spider, report) VALUES (?, ?)",
                   (spider, json.dumps(report, ensure_ascii=False, default=str)))


def last_runs(path: str | Path, limit: int, spider: str | None = None) -> list[dict[str, Any]]:
    """The reports of the last ``limit`` runs (of ``spider``, if given), oldest first; read-only,
    without taking the store (``scrapy runs`` beside a running crawl)."""
    with closing(sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=30)) as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'").fetchone():
            return []
        rows = db.execute("SELECT report FROM runs WHERE ? IS NULL OR spider = ? ORDER BY id DESC LIMIT ?",
                          (spider, spider, limit)).fetchall()
    return [json.loads(report) for report, in reversed(rows)]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
