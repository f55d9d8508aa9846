"""The story index in the SQLite state file (``-a state=PATH``), beside the exported articles.

Three tables, created on first use (an older state file simply gains them):

* ``story_members``: one row per article — identity, story, first-seen copy, exact hash, MinHash
  sketch (512 bytes) and shingle count;
* ``story_exact``: exact hash → the first article with that text;
* ``story_bands``: LSH band key → article (integers, ``WITHOUT ROWID``: ~20 bytes a row, 42 a story).

One process owns a SQLite state, so a decision and its writes need no lock beyond the transaction.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime

from newscrawl.signature import Signature
from newscrawl.stories import Assignment, Decision, Member

_SCHEMA = """
CREATE TABLE IF NOT EXISTS story_members (
    id INTEGER PRIMARY KEY,
    identity TEXT NOT NULL UNIQUE,  -- site:section-or-writer/article-id, as the articles table's key
    story_id TEXT NOT NULL,
    copy_of TEXT,                   -- identity of the story's first-seen copy; NULL for that copy
    exact TEXT NOT NULL,            -- exact hash of the normalized title and body
    sketch BLOB NOT NULL,           -- MinHash, 128 little-endian uint32
    size INTEGER NOT NULL,          -- distinct shingles
    first_seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS story_exact (
    exact TEXT PRIMARY KEY,
    member INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS story_bands (
    band INTEGER NOT NULL,
    member INTEGER NOT NULL,
    PRIMARY KEY (band, member)
) WITHOUT ROWID;
"""

_COLUMNS = "identity, story_id, copy_of, exact, sketch, size"


class SqliteStoryStore:
    """:class:`~newscrawl.stories.StoryBackend` on the state's SQLite connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db  # autocommit connection (isolation_level=None): transactions are explicit
        self._db.executescript(_SCHEMA)

    def member(self, identity: str) -> Member | None:
        row = self._db.execute(f"SELECT {_COLUMNS} FROM story_members WHERE identity = ?",
                               (identity,)).fetchone()
        return _member(row) if row else None

    def by_exact(self, exact: str) -> Member | None:
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM story_members"
            " WHERE id = (SELECT member FROM story_exact WHERE exact = ?)", (exact,)).fetchone()
        return _member(row) if row else None

    def by_bands(self, bands: Iterable[int]) -> Counter[str]:
        keys = list(bands)
        rows = self._db.execute(
            "SELECT m.identity, count(*) FROM story_bands b JOIN story_members m ON m.id = b.member"
            f" WHERE b.band IN ({','.join('?' * len(keys))}) GROUP BY b.member", keys)
        return Counter(dict(rows.fetchall()))

    def members(self, identities: Iterable[str]) -> list[Member]:
        keys = list(identities)
        if not keys:
            return []
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM story_members WHERE identity IN ({','.join('?' * len(keys))})", keys)
        return [_member(row) for row in rows]

    def atomically(self, identity: str, signature: Signature, decide: Decision) -> Assignment:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            assignment, member = decide(self)
            if member is not None:
                self._write(member)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        return assignment

    def _write(self, member: Member) -> None:
        sig = member.signature
        now = datetime.now(UTC).isoformat(timespec="seconds")
        row_id = self._db.execute(
            "INSERT INTO story_members (identity, story_id, copy_of, exact, sketch, size, first_seen)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(identity) DO UPDATE SET exact=excluded.exact,"
            " sketch=excluded.sketch, size=excluded.size RETURNING id",
            (member.identity, member.story_id, member.copy_of, sig.exact, sig.sketch, sig.size, now),
        ).fetchone()[0]
        self._db.execute("INSERT OR IGNORE INTO story_exact (exact, member) VALUES (?, ?)",
                         (sig.exact, row_id))
        self._db.executemany("INSERT OR IGNORE INTO story_bands (band, member) VALUES (?, ?)",
                             [(band, row_id) for band in sig.bands()])

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM story_members").fetchone()[0])


def _member(row: tuple[str, str, str | None, str, bytes, int]) -> Member:
    identity, story_id, copy_of, exact, sketch, size = row
    return Member(identity, story_id, copy_of, Signature(exact, bytes(sketch), int(size)))
