"""The incremental state across origins, through the real engine: the same articles crawled from
another ``base_url`` (or a mirror) are unchanged, not new or updated (issue 11, item 7)."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from tests.conftest import CrawlResult, run_crawl, start_replica


@pytest.mark.slow
def test_unchanged_articles_crawled_from_another_origin_are_not_updated(tmp_path):
    """The same replica content on another port (another base_url, a mirror): nothing is new or updated,
    whether the state's validators answer (304) or the pages are downloaded and compared by content."""
    replica_args = ("--articles", "40", "--seed", "21")
    state = tmp_path / "state.sqlite"

    def crawl(name: str, url: str) -> CrawlResult:
        return run_crawl(tmp_path / name, "-a", f"base_url={url}", "-a", "sections=syria,economy,writers",
                         "-a", f"state={state}")

    first_replica = start_replica(*replica_args)
    try:
        first = crawl("first", first_replica.url)
    finally:
        first_replica.stop()
    exported = len(first.items())
    assert first.returncode == 0 and exported > 0, first.log[-3000:]
    other = start_replica(*replica_args)
    try:
        assert other.url != first_replica.url
        conditional = crawl("conditional", other.url)  # listing entries unchanged: If-None-Match, 304
        with sqlite3.connect(state) as db:  # a state without validators: every page downloaded
            db.execute("UPDATE articles SET etag = NULL, last_modified = NULL, listing_fp = NULL")
        downloaded = crawl("downloaded", other.url)
    finally:
        other.stop()
    for result in (conditional, downloaded):
        assert result.returncode == 0, result.log[-3000:]
        assert result.items() == []
        report = json.loads(result.feeds["items.jsonl"].with_name("items.report.json").read_text())
        assert (report["articles"]["updated"], report["articles"]["skipped_unchanged"]) == (0, exported)
    assert re.search(rf"'incremental/not_modified': {exported}\b", conditional.log)
    assert re.search(rf"'state/unchanged': {exported}\b", downloaded.log)  # compared by content fingerprint
