"""The article archive in a SQL database: current articles, their revisions, and the run history.

SQLAlchemy Core, one layer for both databases newscrawl supports: SQLite (``sqlite:///articles.db``,
no server) and PostgreSQL (``postgresql://…``, psycopg 3). No Scrapy import: the Scrapy glue that
feeds it is :mod:`newscrawl.sink`.

* ``articles``: one row per article identity (the state's key), the fields of the latest export in
  columns (fields added to the export after this schema go to ``extra``), ``revision`` (how many
  versions were seen), ``first_seen_at``, ``last_changed_at`` and ``last_seen_at`` (the crawl times
  of the first version, of the current version and of the latest export).
* ``article_revisions``: every version that differed, ``(key, revision)`` with the record as
  exported and ``seen_at``. A version differs when a field of what the article says changed; how the
  crawl met it (:data:`CRAWL_FIELDS`) and the host in its URLs (:data:`URL_FIELDS`) do not count.
* ``runs``: the report of every run.

Writes are idempotent upserts keyed by identity, so a batch stored twice (a run re-exporting after a
kill, two workers of a distributed crawl) changes nothing the second time; an export older than
what the row holds never overwrites it. The schema is created and migrated by :func:`migrate` from
the versioned :data:`MIGRATIONS` (under a lock, so workers starting together migrate once).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

#: The embedded default: a file beside the crawl, no server.
DEFAULT_URL = "sqlite:///articles.db"

#: Fields that say how or when a crawl met the article, not what it says: a change in them alone is
#: no new revision (the row still shows their latest values).
CRAWL_FIELDS = frozenset({"other_urls", "related", "change", "crawled_at"})
#: URLs compared without scheme and host: the same article from a mirror or another origin.
URL_FIELDS = frozenset({"url", "image_url"})

#: Exported fields stored in their own column (the export of schema version 1); timestamps typed.
COLUMN_FIELDS: tuple[str, ...] = (
    "url", "other_urls", "article_id", "site", "brand", "section", "title", "subtitle", "author",
    "dateline", "image_url", "image_caption", "body", "summary", "published_raw", "updated_raw",
    "published_at", "updated_at", "date_issues", "related", "language", "change", "crawled_at",
)
TIME_FIELDS = frozenset({"published_at", "updated_at", "crawled_at"})
JSON_FIELDS = frozenset({"other_urls", "date_issues", "related"})

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_TIME = sa.DateTime(timezone=True)
_LOCK_ID = 0x6E657773  # pg_advisory_xact_lock key of schema migrations ("news")


class DatabaseError(Exception):
    """The database cannot be used; the message is one line, with the password hidden."""


def _field_column(name: str) -> sa.Column[Any]:
    kind = _TIME if name in TIME_FIELDS else _JSON if name in JSON_FIELDS else sa.Text()
    return sa.Column(name, kind)


def _tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table, sa.Table]:
    """The tables of schema version 1 (a migration that changes them adds its own step)."""
    articles = sa.Table(
        "articles", metadata,
        sa.Column("key", sa.Text(), primary_key=True),
        *(_field_column(name) for name in COLUMN_FIELDS),
        sa.Column("extra", _JSON),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", _TIME, nullable=False),
        sa.Column("last_changed_at", _TIME, nullable=False),
        sa.Column("last_seen_at", _TIME, nullable=False),
        sa.Index("articles_site_section", "site", "section"),
        sa.Index("articles_published_at", "published_at"),
        sa.Index("articles_last_changed_at", "last_changed_at"),
    )
    revisions = sa.Table(
        "article_revisions", metadata,
        sa.Column("key", sa.Text(), sa.ForeignKey("articles.key", ondelete="CASCADE"), primary_key=True),
        sa.Column("revision", sa.Integer(), primary_key=True),
        sa.Column("seen_at", _TIME, nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("record", _JSON, nullable=False),
        sa.Index("article_revisions_seen_at", "seen_at"),
    )
    runs = sa.Table(
        "runs", metadata,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("spider", sa.Text(), nullable=False),
        sa.Column("started_at", _TIME),
        sa.Column("finished_at", _TIME),
        sa.Column("report", _JSON, nullable=False),
    )
    return articles, revisions, runs


METADATA = sa.MetaData()
ARTICLES, REVISIONS, RUNS = _tables(METADATA)
SCHEMA_VERSION = sa.Table(
    "newscrawl_schema", sa.MetaData(),
    sa.Column("version", sa.Integer(), primary_key=True),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("applied_at", _TIME, nullable=False),
)


def _create_v1(conn: Connection) -> None:
    frozen = sa.MetaData()  # version 1 as it was, whatever later versions change in METADATA
    _tables(frozen)
    frozen.create_all(conn)


#: Schema versions in order: (version, description, step). Append, never edit a released step.
MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (1, "articles, article_revisions and runs", _create_v1),
)


# --- connecting ----------------------------------------------------------------------------------

def database_url(url: str) -> URL:
    """The SQLAlchemy URL of ``-s NEWSCRAWL_DATABASE``: ``postgresql://`` means psycopg 3."""
    try:
        parsed = sa.make_url(url)
    except ArgumentError:
        raise DatabaseError(f"NEWSCRAWL_DATABASE={url!r} is not a database URL; expected"
                            f" sqlite:///path/to/articles.db or postgresql://user@host/dbname") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        raise DatabaseError(f"NEWSCRAWL_DATABASE: {parsed.drivername}:// is not supported; use"
                            f" sqlite:///path or postgresql://… (psycopg 3)")
    return parsed


def redacted(url: URL | str) -> str:
    parsed = sa.make_url(url) if isinstance(url, str) else url
    return parsed.render_as_string(hide_password=True)


def one_line(exc: BaseException) -> str:
    """The driver's own message, first line (SQLAlchemy appends SQL and a link to its docs)."""
    orig = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(orig).splitlines() if line.strip()]
    return lines[0] if lines else type(orig).__name__


def create_engine(url: str) -> Engine:
    """An engine for ``url``: SQLite in WAL mode with ``BEGIN IMMEDIATE`` transactions (one writer at
    a time, DDL inside transactions); PostgreSQL with a connect timeout and pre-ping."""
    parsed = database_url(url)
    serializer = _json_dumps
    try:
        if parsed.get_backend_name() == "sqlite":
            engine = sa.create_engine(parsed, json_serializer=serializer, connect_args={"timeout": 60})
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
            return engine
        return sa.create_engine(parsed, json_serializer=serializer, pool_pre_ping=True,
                                connect_args={"connect_timeout": 10})
    except (NoSuchModuleError, ImportError) as exc:
        raise DatabaseError(f"{redacted(parsed)}: the database driver is missing ({exc});"
                            f" pip install -e '.[database]'") from None


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # the driver's implicit transactions off: ours are explicit
    dbapi_connection.execute("PRAGMA journal_mode=WAL")
    dbapi_connection.execute("PRAGMA foreign_keys=ON")


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def migrate(engine: Engine) -> int:
    """Bring the schema to the latest version (in one transaction, under a lock); the version."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
        SCHEMA_VERSION.create(conn, checkfirst=True)
        applied = set(conn.scalars(sa.select(SCHEMA_VERSION.c.version)))
        for version, description, step in MIGRATIONS:
            if version in applied:
                continue
            step(conn)
            conn.execute(SCHEMA_VERSION.insert().values(version=version, description=description,
                                                        applied_at=datetime.now(UTC)))
        newest = max(applied | {m[0] for m in MIGRATIONS})
    if newest > MIGRATIONS[-1][0]:
        raise DatabaseError(f"{redacted(engine.url)} has schema version {newest}, newer than this"
                            f" newscrawl knows ({MIGRATIONS[-1][0]}): upgrade newscrawl")
    return newest


def open_database(url: str) -> Engine:
    """Connect and migrate (a SQLite file's directory is created, as feeds' are), or
    :class:`DatabaseError` with a one-line reason."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        directory = Path(engine.url.database).parent
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"database {redacted(engine.url)} cannot be used: its directory"
                                f" {directory} cannot be created ({exc.strerror})") from None
    try:
        migrate(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise DatabaseError(f"database {redacted(engine.url)} cannot be used: {one_line(exc)}") from None
    return engine


# --- articles ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Stored:
    """What one :func:`store_articles` call did."""

    rows: int  # records written (new, changed or only seen again)
    revisions: int  # versions that differed from the stored one (first versions included)
    stale: int  # records older than the stored version, left out


def revision_fingerprint(record: dict[str, Any]) -> str:
    """What makes two exports of an article the same version (see :data:`CRAWL_FIELDS`)."""
    content = {name: _host_free(value) if name in URL_FIELDS else value
               for name, value in sorted(record.items()) if name not in CRAWL_FIELDS}
    digest = hashlib.blake2b(_json_dumps(content).encode("utf-8"), digest_size=16)
    return digest.hexdigest()


def _host_free(url: Any) -> Any:
    if not isinstance(url, str) or "//" not in url:
        return url
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 stamp of the export as an aware UTC datetime (naive ones are UTC)."""
    if not value:
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _row(key: str, record: dict[str, Any], now: datetime) -> dict[str, Any]:
    row: dict[str, Any] = {"key": key}
    for name in COLUMN_FIELDS:
        value = record.get(name)
        row[name] = parse_time(value) if name in TIME_FIELDS else value
    extra = {k: v for k, v in record.items() if k not in COLUMN_FIELDS}
    seen = parse_time(record.get("crawled_at")) or now
    row |= {"extra": extra or None, "fingerprint": revision_fingerprint(record), "revision": 1,
            "first_seen_at": seen, "last_changed_at": seen, "last_seen_at": seen}
    return row


def _upsert(dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(ARTICLES)
    new, old = stmt.excluded, ARTICLES.c
    changed = old.fingerprint != new.fingerprint
    refresh = {name: new[name] for name in (*COLUMN_FIELDS, "extra", "fingerprint", "last_seen_at")}
    return stmt.on_conflict_do_update(
        index_elements=[old.key],
        set_=refresh | {
            "revision": sa.case((changed, old.revision + 1), else_=old.revision),
            "last_changed_at": sa.case((changed, new.last_changed_at), else_=old.last_changed_at),
        },
        where=old.last_seen_at <= new.last_seen_at,  # an older export never overwrites a newer one
    ).returning(old.key, old.revision)


def _insert_revisions(dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(REVISIONS).on_conflict_do_nothing(index_elements=[REVISIONS.c.key, REVISIONS.c.revision])


def store_articles(conn: Connection, records: Iterable[tuple[str, dict[str, Any]]]) -> Stored:
    """Upsert ``(key, exported record)`` pairs in ``conn``'s transaction; the caller commits.

    The row of each key takes the record's fields; its revision number goes up when the version
    differs, and the version ``(key, revision)`` is recorded once (a record stored again finds its
    revision there already). Within one call, the latest record of a key wins.
    """
    now = datetime.now(UTC)
    latest: dict[str, dict[str, Any]] = {}
    for key, record in records:
        row = _row(key, record, now)
        if key not in latest or latest[key]["last_seen_at"] <= row["last_seen_at"]:
            latest[key] = row | {"_record": record}
    if not latest:
        return Stored(0, 0, 0)
    dialect = conn.dialect.name
    rows = [{k: v for k, v in row.items() if k != "_record"} for row in latest.values()]
    written = {key: revision for key, revision in conn.execute(_upsert(dialect), rows)}
    if not written:
        return Stored(0, 0, len(latest))
    versions = [{"key": key, "revision": revision, "seen_at": latest[key]["last_seen_at"],
                 "fingerprint": latest[key]["fingerprint"], "record": latest[key]["_record"]}
                for key, revision in written.items()]
    inserted = conn.execute(_insert_revisions(dialect).returning(REVISIONS.c.key), versions).all()
    return Stored(len(written), len(inserted), len(latest) - len(written))


def article_record(row: Any) -> dict[str, Any]:
    """An ``articles`` row back as the exported record (timestamps in ISO 8601 UTC)."""
    mapping = dict(row._mapping)
    record = {name: mapping.get(name) for name in COLUMN_FIELDS}
    for name in TIME_FIELDS:
        moment = parse_time(record[name])
        record[name] = moment.isoformat() if moment else None
    return record | (mapping.get("extra") or {})


# --- runs ----------------------------------------------------------------------------------------

def add_run(conn: Connection, spider: str, report: dict[str, Any]) -> None:
    conn.execute(RUNS.insert().values(spider=spider,
                                      started_at=parse_time(report.get("start_time")),
                                      finished_at=parse_time(report.get("finish_time")),
                                      report=report))


def last_runs(conn: Connection, limit: int, spider: str | None = None) -> list[dict[str, Any]]:
    """The reports of the last ``limit`` runs (of ``spider``, if given), oldest first."""
    query = sa.select(RUNS.c.report).order_by(RUNS.c.id.desc()).limit(limit)
    if spider:
        query = query.where(RUNS.c.spider == spider)
    reports: Sequence[Any] = conn.scalars(query).all()
    return [dict(r) for r in reversed(reports)]
