"""The article database (newscrawl/database.py) on SQLite and on a real PostgreSQL: schema and its
migrations, upserts keyed by identity, revisions, run history, and unusable databases."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sa = pytest.importorskip("sqlalchemy")

from newscrawl import database as db  # noqa: E402
from newscrawl.items import ARTICLE_FIELDS  # noqa: E402


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'articles.db'}"
    server = request.getfixturevalue("postgres")
    return server.create_database("unit")


@pytest.fixture
def engine(url: str) -> Iterator[Any]:
    engine = db.open_database(url)
    yield engine
    engine.dispose()


def record(article: int, body: str = "نص", crawled: str = "2026-01-01T10:00:00+00:00",
           host: str = "http://127.0.0.1:8000", **fields: Any) -> tuple[str, dict[str, Any]]:
    """``(identity, exported record)`` with every exported field."""
    rec: dict[str, Any] = {name: None for name in ARTICLE_FIELDS}
    rec |= {"url": f"{host}/40/{article:06d}-عنوان", "article_id": f"{article:06d}", "site": "arabstoday",
            "brand": "العرب اليوم", "section": "syria", "title": f"عنوان {article}", "body": body,
            "image_url": f"{host}/uploads/images/{article:06d}.jpg", "language": "ar", "change": "new",
            "published_raw": "GMT 10:18 2025 الثلاثاء ,22 إبريل / نيسان",
            "published_at": "2025-04-22T10:18:00+00:00", "crawled_at": crawled,
            "related": [{"title": "x", "url": None, "stamp": None, "published_at": None}],
            "date_issues": None, "other_urls": None}
    return f"arabstoday:40/{article:06d}", rec | fields


def store(engine: Any, *records: tuple[str, dict[str, Any]]) -> db.Stored:
    with engine.begin() as conn:
        return db.store_articles(conn, records)


def rows(engine: Any) -> dict[str, Any]:
    with engine.connect() as conn:
        return {row.key: row for row in conn.execute(sa.select(db.ARTICLES))}


def revisions(engine: Any) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    with engine.connect() as conn:
        query = sa.select(db.REVISIONS).order_by(db.REVISIONS.c.key, db.REVISIONS.c.revision)
        for row in conn.execute(query):
            found.setdefault(row.key, []).append(row)
    return found


# --- schema -----------------------------------------------------------------------------------------

def test_migrations_build_exactly_the_tables_the_code_uses_and_run_once(engine: Any, url: str) -> None:
    inspector = sa.inspect(engine)
    for table in (db.ARTICLES, db.REVISIONS, db.RUNS):
        assert {c["name"] for c in inspector.get_columns(table.name)} == set(table.columns.keys())
        assert inspector.get_pk_constraint(table.name)["constrained_columns"] == [
            c.name for c in table.primary_key.columns]
    with engine.connect() as conn:
        assert list(conn.execute(sa.select(db.SCHEMA_VERSION.c.version))) == [(1,)]
    assert db.migrate(engine) == 1  # again: nothing to do, nothing applied twice
    with engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(db.SCHEMA_VERSION)) == 1


def test_a_newer_schema_is_refused(engine: Any) -> None:
    with engine.begin() as conn:
        conn.execute(db.SCHEMA_VERSION.insert().values(version=99, description="future",
                                                       applied_at=db.parse_time("2030-01-01")))
    with pytest.raises(db.DatabaseError, match="schema version 99, newer than this newscrawl knows"):
        db.migrate(engine)


def test_every_exported_field_is_kept_and_read_back(engine: Any) -> None:
    key, rec = record(1, other_urls=["http://127.0.0.1:8001/40/000001-x"],
                      date_issues=[{"field": "updated_raw", "raw": "؟", "issue": "unparsed"}],
                      story_id="s-1")  # a field added to the export after schema version 1
    store(engine, (key, rec))
    assert db.article_record(rows(engine)[key]) == rec
    # fields exported after schema version 1 (ARTICLE_FIELDS grows) are kept in "extra"
    later = {name: rec[name] for name in ARTICLE_FIELDS if name not in db.COLUMN_FIELDS}
    assert rows(engine)[key].extra == later | {"story_id": "s-1"}


# --- upserts and revisions ----------------------------------------------------------------------------

def test_one_row_per_identity_and_a_revision_per_version_that_differs(engine: Any) -> None:
    assert store(engine, record(1), record(2)) == db.Stored(rows=2, revisions=2, stale=0)
    # Seen again later from another host, other related list: the same version.
    again = record(1, crawled="2026-01-02T10:00:00+00:00", host="http://mirror:9000", related=[])
    changed = record(2, body="نص جديد", crawled="2026-01-02T10:00:00+00:00")
    assert store(engine, again, changed) == db.Stored(rows=2, revisions=1, stale=0)
    found = rows(engine)
    assert (found["arabstoday:40/000001"].revision, found["arabstoday:40/000002"].revision) == (1, 2)
    one = found["arabstoday:40/000001"]
    assert db.parse_time(one.first_seen_at) == db.parse_time(one.last_changed_at) == db.parse_time(
        "2026-01-01T10:00:00+00:00")
    assert db.parse_time(one.last_seen_at) == db.parse_time("2026-01-02T10:00:00+00:00")
    assert one.url == "http://mirror:9000/40/000001-عنوان"  # the row shows the latest export
    two = found["arabstoday:40/000002"]
    assert db.parse_time(two.last_changed_at) == db.parse_time("2026-01-02T10:00:00+00:00")
    versions = revisions(engine)
    assert [r.revision for r in versions["arabstoday:40/000001"]] == [1]
    assert [r.record["body"] for r in versions["arabstoday:40/000002"]] == ["نص", "نص جديد"]
    assert [db.parse_time(r.seen_at).day for r in versions["arabstoday:40/000002"]] == [1, 2]


def test_storing_the_same_batch_twice_changes_nothing(engine: Any) -> None:
    batch = [record(1), record(2, body="ب")]
    store(engine, *batch)
    before = {k: tuple(r) for k, r in rows(engine).items()}
    assert store(engine, *batch) == db.Stored(rows=2, revisions=0, stale=0)
    assert {k: tuple(r) for k, r in rows(engine).items()} == before
    assert sum(len(v) for v in revisions(engine).values()) == 2


def test_an_older_export_never_overwrites_a_newer_one(engine: Any) -> None:
    store(engine, record(1, body="جديد", crawled="2026-01-05T00:00:00+00:00"))
    assert store(engine, record(1, body="قديم", crawled="2026-01-01T00:00:00+00:00")) == db.Stored(0, 0, 1)
    assert rows(engine)["arabstoday:40/000001"].body == "جديد"


def test_within_one_batch_the_latest_export_of_an_article_wins(engine: Any) -> None:
    result = store(engine, record(1, body="ب", crawled="2026-01-02T00:00:00+00:00"),
                   record(1, body="أ", crawled="2026-01-01T00:00:00+00:00"))
    assert result == db.Stored(rows=1, revisions=1, stale=0)
    assert rows(engine)["arabstoday:40/000001"].body == "ب"


def test_concurrent_writers_never_duplicate(engine: Any) -> None:
    """Two workers storing overlapping batches at the same time (new and changed articles)."""
    store(engine, *(record(i) for i in range(0, 40)))
    batch = [record(i, body="تعديل", crawled="2026-02-01T00:00:00+00:00") for i in range(0, 80)]
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            start.wait()
            store(engine, *batch)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    found, versions = rows(engine), revisions(engine)
    assert len(found) == 80
    for i in range(80):
        key = f"arabstoday:40/{i:06d}"
        expected = [1, 2] if i < 40 else [1]
        assert [r.revision for r in versions[key]] == expected, key
        assert found[key].revision == expected[-1]


# --- runs -------------------------------------------------------------------------------------------

def test_runs_are_kept_per_spider_oldest_first(engine: Any) -> None:
    with engine.begin() as conn:
        for n in range(5):
            db.add_run(conn, "arabstoday" if n != 2 else "other",
                       {"start_time": f"2026-01-0{n + 1} 00:00:00+00:00", "articles": {"exported": n}})
    with engine.connect() as conn:
        last = db.last_runs(conn, 3, "arabstoday")
    assert [r["articles"]["exported"] for r in last] == [1, 3, 4]


# --- URLs and failures -----------------------------------------------------------------------------

def test_urls_postgresql_means_psycopg3_and_passwords_stay_hidden() -> None:
    assert db.database_url("postgresql://u:pw@h/d").drivername == "postgresql+psycopg"
    assert db.database_url("sqlite:///articles.db").database == "articles.db"
    assert db.redacted("postgresql+psycopg://u:pw@h/d") == "postgresql+psycopg://u:***@h/d"
    for bad, message in (("articles.db", "is not a database URL"),
                         ("mysql://h/d", "mysql:// is not supported"),
                         ("postgresql+psycopg2://h/d", "is not supported")):
        with pytest.raises(db.DatabaseError, match=message):
            db.database_url(bad)


def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    from tests.servers import free_port

    with pytest.raises(db.DatabaseError) as caught:
        db.open_database(f"postgresql://crawler:s3cret@127.0.0.1:{free_port()}/news")
    message = str(caught.value)
    assert "\n" not in message and "s3cret" not in message
    assert message.startswith("database postgresql+psycopg://crawler:***@127.0.0.1:")
    assert "cannot be used" in message


def test_a_sqlite_file_is_created_with_its_directory_or_refused_in_one_line(tmp_path: Path) -> None:
    db.open_database(f"sqlite:///{tmp_path}/new/dir/articles.db").dispose()
    assert (tmp_path / "new" / "dir" / "articles.db").is_file()
    (tmp_path / "file").write_text("")
    with pytest.raises(db.DatabaseError, match=r"its directory .*/file/sub cannot be created \(Not a dir"):
        db.open_database(f"sqlite:///{tmp_path}/file/sub/articles.db")
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(db.DatabaseError, match="unable to open database file"):
        db.open_database(f"sqlite:///{tmp_path}/dir.db")
