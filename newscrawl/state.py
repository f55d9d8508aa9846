"""Durable crawl state in SQLite: what has been exported, and what failed and must be retried.

Pure standard library (sqlite3), no Scrapy import. Every write is one transaction; the database runs
in WAL mode so a killed process leaves it consistent (the last committed transaction wins).

A store that cannot be trusted is refused when it opens (:class:`StateRefused`, a one-line reason):
a file that is not SQLite or is another program's database, a damaged one (``PRAGMA quick_check``),
one this process cannot write, or one another run holds (an exclusive ``flock`` held for the
store's life; ``wait`` seconds to wait for it). Errors later are :class:`StateError`.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import logging
import os
import socket
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

from newscrawl.verdict import RunRefused

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
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,          -- "holder": the run that holds the store (pid, host, start)
    value TEXT NOT NULL
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
#: ``PRAGMA application_id`` of a newscrawl state ("nwsc"): another program's database is refused.
APPLICATION_ID = int.from_bytes(b"nwsc", "big")
_SQLITE_HEADER = b"SQLite format 3\x00"

_T = TypeVar("_T")
logger = logging.getLogger(__name__)


class StateError(Exception):
    """The state store failed while in use (a one-line reason)."""


class StateRefused(StateError, RunRefused):
    """The state store cannot be used at all: refused when it opens, before anything is crawled."""


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


def _guarded(method: Callable[..., _T]) -> Callable[..., _T]:
    """A SQLite error while the store is in use becomes a :class:`StateError` naming the file."""
    @functools.wraps(method)
    def wrapper(self: StateStore, *args: Any, **kwargs: Any) -> _T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise StateError(f"state file {self.path}: {exc}") from exc
    return wrapper


class StateStore:
    """The incremental state of scheduled crawls, in one SQLite file, held by one run at a time.

    ``wait``: seconds to wait for another run holding the file to end (0: refuse at once).
    """

    def __init__(self, path: str | Path, wait: float = 0.0) -> None:
        self.path = Path(path)
        self._lock = _acquire(self.path, wait)
        try:
            self._db = _open_checked(self.path)
        except BaseException:
            self._lock.close()
            raise

    def close(self) -> None:
        self._db.close()
        self._lock.close()  # releases the flock: the next run may open the store

    @staticmethod
    def holder(path: str | Path) -> str:
        """Who holds (or last held) the store, read without taking it."""
        return _holder(Path(path))

    @_guarded
    def get(self, key: str) -> ArticleState | None:
        row = self._db.execute(
            "SELECT key, url, listing_fp, content_fp, updated_raw, etag, last_modified"
            " FROM articles WHERE key = ?", (key,)
        ).fetchone()
        return ArticleState(*row) if row else None

    def prefetch(self, keys: Iterable[str]) -> None:
        """Nothing to do: each :meth:`get` is a local read (the Redis store batches them)."""

    @_guarded
    def count(self) -> int:
        return self._db.execute("SELECT count(*) FROM articles").fetchone()[0]

    @_guarded
    def claim(self, key: str, content_fp: str, force: bool = False) -> bool:
        """One process owns a SQLite state, so there is nobody to race: True unless this very
        version was exported already (the Redis store makes the same check atomic between processes)."""
        if force:
            return True
        known = self.get(key)
        return known is None or known.content_fp != content_fp

    @_guarded
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

    @_guarded
    def record_failure(self, url: str, reason: str, attempts: int, meta: dict[str, Any]) -> None:
        with self._transaction():
            self._db.execute(
                "INSERT INTO failures (url, reason, attempts, last_seen, meta) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(url) DO UPDATE SET reason=excluded.reason,"
                " attempts=failures.attempts + excluded.attempts, last_seen=excluded.last_seen,"
                " meta=excluded.meta",
                (url, reason, attempts, _now(), json.dumps(meta, ensure_ascii=False)),
            )

    @_guarded
    def clear_failure(self, url: str) -> None:
        with self._transaction():
            self._db.execute("DELETE FROM failures WHERE url = ?", (url,))

    @_guarded
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
        for (key,) in rows:  # family:section/id; family:/path is a page that is no article
            section, _, tail = key[len(family) + 1:].partition("/")
            if section and tail.isascii() and tail.isdigit():
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


# --- opening: lock, then checks ------------------------------------------------------------------

def _acquire(path: Path, wait: float) -> IO[bytes]:
    """The open state file with an exclusive ``flock`` on it (released when the file is closed, or
    when the process dies, even by SIGKILL). Refused when another run holds it for ``wait`` s."""
    if path.is_dir():
        raise StateRefused(f"state file {path} is a directory; give a file path")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = os.fdopen(os.open(path, os.O_RDONLY | os.O_CREAT, 0o644), "rb")
    except OSError as exc:
        raise StateRefused(f"state file {path} cannot be opened or created ({exc.strerror})") from None
    deadline = time.monotonic() + max(0.0, wait)
    waiting = False
    while True:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return lock
        except BlockingIOError:
            if not waiting and wait > 0:
                waiting = True
                logger.info("State file %s is in use by another run (%s); waiting up to %g s for it",
                            path, _holder(path), wait)
            if time.monotonic() >= deadline:
                lock.close()
                raise StateRefused(
                    f"state file {path} is in use by another run ({_holder(path)}); let it finish,"
                    f" or wait for it with -s NEWSCRAWL_STATE_WAIT=SECONDS") from None
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))  # polling a lock, not syncing


def _holder(path: Path) -> str:
    try:
        db = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'holder'").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        row = None
    return row[0] if row else "a run that has not yet said who it is"


def _open_checked(path: Path) -> sqlite3.Connection:
    """The SQLite connection of a sound newscrawl state this process can write, or StateRefused."""
    with path.open("rb") as file:
        header = file.read(len(_SQLITE_HEADER))
    if header and header != _SQLITE_HEADER:
        raise StateRefused(f"state file {path} is not a SQLite database, so not a newscrawl state;"
                           f" give another path")
    db = sqlite3.connect(path, isolation_level=None)  # explicit transactions only
    try:
        _check(db, path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        db.execute("BEGIN IMMEDIATE")  # the write test: a file we cannot write is refused now
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('holder', ?)", (_whoami(),))
        db.execute("COMMIT")
    except sqlite3.Error as exc:
        db.close()
        raise StateRefused(_refusal(path, exc)) from None
    except BaseException:
        db.close()
        raise
    return db


def _check(db: sqlite3.Connection, path: Path) -> None:
    problems = [row[0] for row in db.execute("PRAGMA quick_check(3)")]
    if problems != ["ok"]:
        found = _one_line("; ".join(problems))[:200]
        raise StateRefused(f"state file {path} is damaged (SQLite quick_check: {found}); restore it from a"
                           f" backup, or move it away to start a new state")
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if app_id == APPLICATION_ID or not tables:
        return
    ours = app_id == 0 and "articles" in tables and "content_fp" in {
        row[1] for row in db.execute("PRAGMA table_info(articles)")}  # a state made before app ids
    if not ours:
        raise StateRefused(f"state file {path} is a SQLite database of something else (tables:"
                           f" {', '.join(sorted(tables))[:200]}), not a newscrawl state; give another path")


def _refusal(path: Path, exc: sqlite3.Error) -> str:
    message = _one_line(str(exc))
    if "not a database" in message:
        return f"state file {path} is not a SQLite database, so not a newscrawl state; give another path"
    if "malformed" in message or "corrupt" in message:
        return (f"state file {path} is damaged ({message}); restore it from a backup, or move it away"
                f" to start a new state")
    return (f"state file {path} cannot be written ({message}); check the permissions of the file and"
            f" of its directory (SQLite writes a -wal and a -shm file beside it)")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _whoami() -> str:
    command = " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv))[:160]
    return f"pid {os.getpid()} on {socket.gethostname()} since {_now()}: {command}"
