"""newscrawl.state: the SQLite store of scheduled crawls."""

import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from datetime import UTC, datetime

import pytest

from newscrawl.state import APPLICATION_ID, ArticleState, StateError, StateRefused, StateStore, fingerprint
from tests.conftest import ROOT
from tests.hostile_proxy import corrupt_pages, without_file_overrides
from tests.servers import wait_until


def _state(key: str, content: str = "c1") -> ArticleState:
    return ArticleState(key=key, url=f"http://x/{key}", listing_fp="l1", content_fp=content,
                        updated_raw="آخر تحديث GMT12:58:10", etag='"e1"', last_modified=None)


def test_round_trip_and_upsert(tmp_path):
    store = StateStore(tmp_path / "state.sqlite")
    assert store.get("a") is None
    assert store.mark_exported([_state("a"), _state("b")]) == 2
    assert store.get("a") == _state("a")
    store.mark_exported([_state("a", content="c2")])
    assert store.get("a").content_fp == "c2"
    assert store.count() == 2
    store.close()
    reopened = StateStore(tmp_path / "state.sqlite")
    assert reopened.get("b") == _state("b")


def test_failures_accumulate_and_clear_on_export(tmp_path):
    store = StateStore(tmp_path / "s.sqlite")
    store.record_failure("http://x/a", "http_503", 3, {"entry": {"url": "http://x/a"}})
    store.record_failure("http://x/a", "TimeoutError", 2, {})
    [failure] = store.failures()
    assert (failure.url, failure.reason, failure.attempts) == ("http://x/a", "TimeoutError", 5)
    store.mark_exported([_state("a")])  # url http://x/a
    assert store.failures() == []


def test_fingerprint_is_stable_and_sensitive():
    assert fingerprint("a", None, "b") == fingerprint("a", "", "b")
    assert fingerprint("a", "b") != fingerprint("ab", "")
    assert len(fingerprint("x")) == 24


def _write_forever(path: str) -> None:
    store = StateStore(path)
    n = 0
    while True:
        store.mark_exported([_state(f"k{n + i}") for i in range(50)])
        n += 50


def _committed(path: str) -> int:
    """Rows committed so far, read beside the writer (which holds the store's lock)."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return db.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0  # not created yet


def test_sigkill_mid_write_leaves_a_consistent_store(tmp_path):
    path = str(tmp_path / "killed.sqlite")
    proc = multiprocessing.get_context("spawn").Process(target=_write_forever, args=(path,))
    proc.start()
    # killed once 500 rows are observed committed (a bound no slow machine hits: it waits for the event)
    wait_until(lambda: _committed(path) >= 500, timeout=600, what="500 committed rows")
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()
    store = StateStore(path)  # the killed writer's lock died with it
    count = store.count()
    assert count >= 500 and count % 50 == 0  # whole transactions only


# --- a store that cannot be trusted is refused when it opens --------------------------------------


def _filled(path, rows: int = 2000) -> None:
    store = StateStore(path)
    store.mark_exported([ArticleState(key=f"k{i}", url=f"http://x/{i}/" + "s" * 80, listing_fp="l",
                                      content_fp=fingerprint(i)) for i in range(rows)])
    store.close()


def _refused(path, match: str) -> str:
    before = path.read_bytes() if path.exists() else None
    with pytest.raises(StateRefused, match=match) as refused:
        StateStore(path)
    assert "\n" not in str(refused.value)
    if before is not None:
        assert path.read_bytes() == before  # left as it was
    return str(refused.value)


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("these are my notes, not a state\n" * 50)
    _refused(path, "is not a SQLite database")


def test_a_one_byte_file_is_refused_untouched(tmp_path):
    """SQLite itself opens a 1-byte file as an empty database (``echo > state.sqlite`` makes one):
    only the header check keeps it from being overwritten by a new state."""
    path = tmp_path / "state.sqlite"
    path.write_bytes(b"\n")
    _refused(path, "is not a SQLite database")


def test_another_programs_database_is_refused_untouched(tmp_path):
    path = tmp_path / "other.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    db.commit()
    db.close()
    _refused(path, r"SQLite database of something else \(tables: invoices\)")


def test_a_state_made_before_application_ids_is_adopted(tmp_path):
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript("CREATE TABLE articles (key TEXT PRIMARY KEY, url TEXT NOT NULL, listing_fp TEXT,"
                     " content_fp TEXT NOT NULL, updated_raw TEXT, etag TEXT, last_modified TEXT,"
                     " exported_at TEXT NOT NULL);"
                     "INSERT INTO articles VALUES ('a', 'http://x/a', 'l', 'c', NULL, NULL, NULL, 'now');")
    db.close()
    store = StateStore(path)
    assert store.get("a").content_fp == "c"
    store.close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    db.close()


def test_a_state_with_corrupted_pages_is_refused(tmp_path):
    path = tmp_path / "state.sqlite"
    _filled(path)
    corrupt_pages(path)
    message = _refused(path, "is damaged")
    assert "restore it from a backup" in message


def test_a_second_open_is_refused_naming_the_holder_and_can_wait(tmp_path):
    path = tmp_path / "state.sqlite"
    first = StateStore(path)
    message = _refused(path, "is in use by another run")
    assert f"pid {os.getpid()} on " in message and "NEWSCRAWL_STATE_WAIT" in message
    opened: list[str] = []

    def wait_for_it() -> None:
        store = StateStore(path, wait=120)
        opened.append(StateStore.holder(path))
        store.close()

    waiter = threading.Thread(target=wait_for_it)
    waiter.start()
    first.close()  # the waiting open gets the store once the holder lets it go
    waiter.join(timeout=150)
    assert len(opened) == 1 and opened[0].startswith(f"pid {os.getpid()} on ")


def test_a_store_failing_later_raises_state_error(tmp_path):
    store = StateStore(tmp_path / "state.sqlite")
    store._db.close()  # as if the file went away under it
    with pytest.raises(StateError, match="state.sqlite"):
        store.get("a")


READ_ONLY_OPEN = "from newscrawl.state import StateStore\nStateStore({path!r})\n"


@pytest.mark.parametrize("what", ["file", "directory"])
def test_a_read_only_state_is_refused(tmp_path, what):
    """File permissions stop SQLite's writes (the child runs without the capabilities that let root
    ignore them); the store refuses the file when it opens, not at its first write."""
    folder = tmp_path / "state"
    folder.mkdir()
    path = folder / "state.sqlite"
    _filled(path, rows=10)
    (path if what == "file" else folder).chmod(0o444 if what == "file" else 0o555)
    try:
        proc = subprocess.run([sys.executable, "-c", READ_ONLY_OPEN.format(path=str(path))], cwd=ROOT,
                              capture_output=True, text=True, preexec_fn=without_file_overrides, timeout=60)
    finally:
        folder.chmod(0o755)
        path.chmod(0o644)
    assert proc.returncode == 1  # the uncaught StateRefused
    assert (f"StateRefused: state file {path} cannot be written (attempt to write a readonly database);"
            in proc.stderr), proc.stderr[-500:]


def test_fingerprints_are_stable_across_versions():
    """A state written by an earlier run must still match: the fingerprint of the same values never
    changes (its exact bytes: UTF-8 parts, each followed by the unit separator)."""
    assert fingerprint("عنوان", None, "فقرة") == "e7577265ce5a0171b5e75777"
    assert fingerprint() == "b8e1dda3ac0aa3820ad2990b"


def test_a_state_in_a_new_directory(tmp_path):
    store = StateStore(tmp_path / "state" / "arabstoday" / "state.sqlite")
    assert store.count() == 0
    store.close()


def test_claim_is_refused_only_for_the_version_already_exported(tmp_path):
    store = StateStore(tmp_path / "s.sqlite")
    assert store.claim("a", "c1")  # never exported
    store.mark_exported([_state("a", content="c1")])
    assert not store.claim("a", "c1")  # this very version is in a stored feed
    assert store.claim("a", "c2")  # a new version
    assert store.claim("a", "c1", force=True)  # -a full=1


def test_failures_keep_their_meta_and_can_be_cleared(tmp_path):
    store = StateStore(tmp_path / "s.sqlite")
    store.record_failure("http://x/a", "http_503", 1, {"entry": {"url": "http://x/a", "section": "syria"}})
    store.record_failure("http://x/b", "bad_encoding", 1, {})
    assert [(f.url, f.meta) for f in store.failures()] == [
        ("http://x/a", {"entry": {"url": "http://x/a", "section": "syria"}}), ("http://x/b", {})]
    store.clear_failure("http://x/a")
    assert [f.url for f in store.failures()] == ["http://x/b"]
    store._db.execute("UPDATE failures SET meta = NULL")  # a row written without meta
    assert store.failures()[0].meta == {}


def test_exported_rows_are_stamped_in_utc(tmp_path):
    store = StateStore(tmp_path / "s.sqlite")
    assert store.mark_exported([]) == 0
    store.mark_exported([_state("a")])
    [(stamp,)] = store._db.execute("SELECT exported_at FROM articles").fetchall()
    assert stamp.endswith("+00:00") and len(stamp) == 25


# --- opening: what a refused or waiting open says ------------------------------------------------------

class FakeClock:
    """newscrawl.state's view of time in these tests: sleep advances monotonic, and is recorded."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert len(self.sleeps) < 20, f"still polling after {self.sleeps}"
        self.sleeps.append(round(seconds, 9))
        self.now = round(self.now + seconds, 9)


@pytest.fixture
def clock(monkeypatch):
    import newscrawl.state

    fake = FakeClock()
    monkeypatch.setattr(newscrawl.state, "time", fake)
    return fake


def test_a_held_store_is_refused_at_once_by_default(tmp_path, clock, caplog):
    path = tmp_path / "state.sqlite"
    held = StateStore(path)
    try:
        with caplog.at_level("INFO", logger="newscrawl.state"), \
                pytest.raises(StateRefused, match=f"^state file {path} is in use by another run \\(pid "):
            StateStore(path)
        with pytest.raises(StateRefused, match="is in use by another run"):
            StateStore(path, wait=0)
        assert clock.sleeps == [] and caplog.records == []
    finally:
        held.close()


@pytest.mark.parametrize(("wait", "sleeps"), [(1.0, [0.2] * 5), (0.5, [0.2, 0.2, 0.1])])
def test_waiting_for_a_held_store_polls_until_the_deadline(tmp_path, clock, caplog, wait, sleeps):
    path = tmp_path / "state.sqlite"
    held = StateStore(path)
    try:
        with caplog.at_level("INFO", logger="newscrawl.state"), pytest.raises(StateRefused):
            StateStore(path, wait=wait)
        assert clock.sleeps == sleeps
        holder = StateStore.holder(path)
        assert [r.getMessage() for r in caplog.records] == [
            f"State file {path} is in use by another run ({holder}); waiting up to {wait:g} s for it"]
    finally:
        held.close()


def test_who_holds_a_store(tmp_path, monkeypatch):
    import socket

    path = tmp_path / "state.sqlite"
    assert StateStore.holder(path) == "a run that has not yet said who it is"  # no file yet
    sqlite3.connect(path).close()
    assert StateStore.holder(path) == "a run that has not yet said who it is"  # no holder row
    long = "-s FEEDS=" + "x" * 200
    argv = ["/srv/newscrawl/.venv/bin/scrapy", "crawl", "-a", "state=/srv/s.sqlite", long]
    monkeypatch.setattr(sys, "argv", argv)
    store = StateStore(path)
    try:
        holder = StateStore.holder(path)
        head = f"pid {os.getpid()} on {socket.gethostname()} since "
        assert holder.startswith(head) and holder[len(head) + 25:len(head) + 27] == ": "
        command = holder[len(head) + 27:]
        assert command == ("scrapy crawl -a state=/srv/s.sqlite " + long)[:160] and len(command) == 160
    finally:
        store.close()


def test_a_directory_or_an_impossible_path_is_refused(tmp_path):
    with pytest.raises(StateRefused, match=f"^state file {tmp_path} is a directory; give a file path$"):
        StateStore(tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(StateRefused, match=f"^state file {blocker / 'state.sqlite'} cannot be opened or"
                                           f" created \\(File exists\\)$"):
        StateStore(blocker / "state.sqlite")


def test_a_new_state_file_is_private_to_its_owner_and_group(tmp_path):
    import stat

    path = tmp_path / "state.sqlite"
    StateStore(path).close()
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644 & ~umask


def test_damage_is_named_as_sqlite_found_it(tmp_path):
    path = tmp_path / "state.sqlite"
    store = StateStore(path)
    store.mark_exported([_state(f"k{i}" + "x" * 200) for i in range(2000)])
    store.close()
    corrupt_pages(path)
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as db:
        problems = [row[0] for row in db.execute("PRAGMA quick_check(3)")]
    found = " ".join("; ".join(problems).split())[:200]
    with pytest.raises(StateRefused) as refused:
        StateStore(path)
    assert str(refused.value) == (f"state file {path} is damaged (SQLite quick_check: {found}); restore it"
                                  f" from a backup, or move it away to start a new state")


def test_several_problems_are_named_on_one_line(tmp_path):
    """A state whose rows break its own schema (edited by another program): each problem SQLite finds
    (up to three) is named, separated by "; "."""
    path = tmp_path / "state.sqlite"
    store = StateStore(path)
    store.mark_exported([ArticleState(f"k{i}", f"http://x/{i}", None, "c") for i in range(5)])
    store.close()
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA writable_schema=ON")
        db.execute("UPDATE sqlite_master SET sql = replace(sql, 'listing_fp TEXT,',"
                   " 'listing_fp TEXT NOT NULL,') WHERE name = 'articles'")
        db.commit()
    problem = "NULL value in articles.listing_fp"
    assert _refused(path, "is damaged") == (f"state file {path} is damaged (SQLite quick_check: {problem};"
                                            f" {problem}; {problem}); restore it from a backup, or move it"
                                            f" away to start a new state")


def test_what_quick_check_found_is_cut_at_200_characters(tmp_path):
    """Damage can be named by thousands of lines; the refusal keeps its first 200 characters."""
    from newscrawl.state import _check

    class Damaged:  # a connection whose quick_check finds two long problems
        def execute(self, sql: str) -> list[tuple[str]]:
            return [("a" * 150,), ("b" * 150,)]

    path = tmp_path / "s.sqlite"
    found = ("a" * 150 + "; " + "b" * 150)[:200]
    with pytest.raises(StateRefused) as refused:
        _check(Damaged(), path)  # type: ignore[arg-type]
    assert str(refused.value) == (f"state file {path} is damaged (SQLite quick_check: {found}); restore it"
                                  f" from a backup, or move it away to start a new state")


def test_the_run_history_waits_30_s_for_a_busy_state(tmp_path, monkeypatch):
    """Run reports are written and read beside a crawl that may be writing the same file: their
    connections wait up to 30 s for its lock (SQLite's busy timeout), not the default 5 s."""
    from newscrawl.state import add_run, last_runs

    connect = sqlite3.connect
    timeouts: list[int] = []

    def connecting(*args, **kwargs):
        db = connect(*args, **kwargs)
        timeouts.append(db.execute("PRAGMA busy_timeout").fetchone()[0])
        return db

    path = tmp_path / "s.sqlite"
    monkeypatch.setattr(sqlite3, "connect", connecting)
    add_run(path, "arabstoday", {"n": 1})
    assert last_runs(path, 1) == [{"n": 1}]
    assert timeouts == [30000, 30000]


def test_another_programs_tables_are_named(tmp_path):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as db:
        for n in range(30):
            db.execute(f"CREATE TABLE table_of_another_program_{n:02d} (id INTEGER)")
    names = ", ".join(f"table_of_another_program_{n:02d}" for n in range(30))[:200]
    with pytest.raises(StateRefused) as refused:
        StateStore(path)
    assert str(refused.value) == (f"state file {path} is a SQLite database of something else (tables:"
                                  f" {names}), not a newscrawl state; give another path")


def test_a_newscrawl_like_table_in_another_programs_database_is_not_adopted(tmp_path):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA application_id = 1234")
        db.execute("CREATE TABLE articles (key TEXT, content_fp TEXT)")
    with pytest.raises(StateRefused, match="SQLite database of something else \\(tables: articles\\)"):
        StateStore(path)


@pytest.mark.parametrize(("error", "says"), [
    ("file is not a database", "is not a SQLite database, so not a newscrawl state; give another path"),
    ("database disk image is\nmalformed", "is damaged (database disk image is malformed); restore it from a"
                                          " backup, or move it away to start a new state"),
    ("index corrupt at 7", "is damaged (index corrupt at 7); restore it from a backup, or move it away to"
                           " start a new state"),
    ("attempt to write a  readonly database", "cannot be written (attempt to write a readonly database);"
     " check the permissions of the file and of its directory (SQLite writes a -wal and a -shm file"
     " beside it)"),
])
def test_refusal_messages(tmp_path, error, says):
    from newscrawl.state import _refusal

    path = tmp_path / "s.sqlite"
    assert _refusal(path, sqlite3.OperationalError(error)) == f"state file {path} {says}"


# --- what else the file keeps: run reports, ids a back-fill has settled, the story index ------------------

def test_run_reports_are_kept_oldest_first(tmp_path):
    from newscrawl.state import last_runs

    empty = tmp_path / "empty.sqlite"
    empty.touch()
    assert last_runs(empty, 5) == []  # no run kept yet
    path = tmp_path / "state.sqlite"
    store = StateStore(path)
    for n, spider in enumerate(["arabstoday", "other", "arabstoday", "arabstoday"]):
        store.add_run(spider, {"n": n, "العنوان": "تقرير"})
    store.close()
    store.add_run("arabstoday", {"n": 4, "finished": datetime(2026, 1, 2, tzinfo=UTC)})  # after close too
    with sqlite3.connect(path) as db:  # kept as readable UTF-8 JSON, dates as text
        first = db.execute("SELECT report FROM runs WHERE id = 1").fetchone()[0]
        assert first == '{"n": 0, "العنوان": "تقرير"}'
        assert json.loads(db.execute("SELECT report FROM runs WHERE id = 5").fetchone()[0]) == {
            "n": 4, "finished": "2026-01-02 00:00:00+00:00"}
    assert [r["n"] for r in last_runs(path, 3, "arabstoday")] == [2, 3, 4]
    assert [r["n"] for r in last_runs(path, 2)] == [3, 4]
    assert last_runs(path, 1, "other") == [{"n": 1, "العنوان": "تقرير"}]
    assert [r["n"] for r in StateStore(path).last_runs(10, "arabstoday")] == [0, 2, 3, 4]


def test_settled_ids_are_exported_and_missing_ones_of_the_family(tmp_path):
    store = StateStore(tmp_path / "s.sqlite")
    store.mark_exported([ArticleState("emiratesvoice:4/100012", "u1", None, "f"),
                         ArticleState("emiratesvoice:w-3/100020", "u2", None, "f"),
                         ArticleState("emiratesvoice:/about", "u5", None, "f"),  # no article: no id
                         ArticleState("emiratesvoice:/tags/5", "u6", None, "f"),  # nor this one's 5
                         ArticleState("emiratesvoicex:4/100013", "u3", None, "f"),
                         ArticleState("arabstoday:4/100014", "u4", None, "f")])
    store.record_missing("emiratesvoice", [100015, 100016])
    store.record_missing("emiratesvoice", [100016])
    store.record_missing("arabstoday", [7])
    assert sorted(store.settled_ids("emiratesvoice")) == [100012, 100015, 100016, 100020]
    assert sorted(store.settled_ids("arabstoday")) == [7, 100014]


def test_only_an_article_with_an_ascii_id_settles_an_id(tmp_path):
    """A page at a numeric root path (/2024) is no article; an article URL written with Arabic-Indic
    digits (its key keeps them) is no id a back-fill asks for: neither settles an id."""
    store = StateStore(tmp_path / "s.sqlite")
    store.mark_exported([ArticleState("arabstoday:/2024", "u1", None, "f"),
                         ArticleState("arabstoday:40/١٠٠٠١٧", "u2", None, "f"),
                         ArticleState("arabstoday:40/100018", "u3", None, "f")])
    assert list(store.settled_ids("arabstoday")) == [100018]
    store.close()


def test_the_story_index_lives_in_the_state_file(tmp_path):
    from newscrawl.stories_sqlite import SqliteStoryStore

    store = StateStore(tmp_path / "s.sqlite")
    stories = store.stories()
    assert isinstance(stories, SqliteStoryStore) and stories._db is store._db
