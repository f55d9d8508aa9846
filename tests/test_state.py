"""newscrawl.state: the SQLite store of scheduled crawls."""

import multiprocessing
import os
import signal
import sqlite3

from newscrawl.state import ArticleState, StateStore, fingerprint
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
