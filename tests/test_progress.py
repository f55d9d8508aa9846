"""The progress line: pages, articles exported, rate, failures, and percent/ETA when the total is known."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from newscrawl.progress import Counts, Progress, progress_line
from tests.conftest import run_crawl

LINE = re.compile(r"\[newscrawl\.progress\] INFO: Progress(?P<final> \(finished\))?: (?P<text>.*)")


def test_line_without_a_known_total():
    before = Counts(pages=10, exported=5, failures=0, done=5, expected=None, at=100.0)
    now = Counts(pages=30, exported=25, failures=2, done=27, expected=None, at=110.0)
    assert progress_line(now, before, start=90.0) == "30 pages, 25 articles exported (2.0/s), 2 failed"


def test_line_with_a_known_total_has_percent_and_eta():
    before = Counts(pages=10, exported=5, failures=0, done=10, expected=200, at=100.0)
    now = Counts(pages=60, exported=45, failures=5, done=50, expected=200, at=110.0)
    # 40 articles done in 10 s: the 150 left take 37.5 s
    assert progress_line(now, before, start=90.0) == (
        "60 pages, 45 articles exported (4.0/s), 5 failed, 25% of 200 articles, ETA 0:00:38")
    idle = Counts(pages=60, exported=45, failures=5, done=50, expected=200, at=120.0)
    assert progress_line(idle, now, start=90.0).endswith("25% of 200 articles, ETA 0:01:30")  # overall rate
    finished = Counts(pages=80, exported=190, failures=10, done=200, expected=200, at=130.0)
    assert progress_line(finished, now, start=90.0).endswith("100% of 200 articles")  # no ETA when done


def test_default_interval_and_off_switch():
    crawler = get_crawler(settings_dict={"NEWSCRAWL_PROGRESS_INTERVAL": 0})
    from scrapy.exceptions import NotConfigured

    with pytest.raises(NotConfigured):  # an interval of 0 turns the progress line off
        Progress.from_crawler(crawler)
    from newscrawl import settings

    assert settings.NEWSCRAWL_PROGRESS_INTERVAL == 10.0
    assert "newscrawl.progress.Progress" in settings.EXTENSIONS


def test_a_crawl_of_the_embedded_replica_logs_progress_to_its_known_total(tmp_path: Path):
    from newscrawl.replica import Catalogue
    from newscrawl.sites import get_site

    sections = ("syria", "economy", "writers")
    catalogue = Catalogue(articles=60, seed=3)
    expected = sum(len(catalogue.members(get_site("arabstoday").section(key))) for key in sections)
    result = run_crawl(tmp_path, "-a", "source=replica", "-a", "replica_articles=60", "-a", "replica_seed=3",
                       "-a", "sections=" + ",".join(sections), "-s", "NEWSCRAWL_PROGRESS_INTERVAL=0.05")
    assert result.returncode == 0, result.log[-3000:]
    lines = [m for m in LINE.finditer(result.log)]
    assert lines and lines[-1]["final"] and not any(m["final"] for m in lines[:-1])
    exported = len(result.items())
    assert exported == expected
    pages = re.search(r"'response_received_count': (\d+),", result.log)[1]
    assert lines[-1]["text"].startswith(f"{pages} pages, {exported} articles exported (")
    assert lines[-1]["text"].endswith(f", 0 failed, 100% of {expected} articles")
    assert f"'progress/expected_articles': {expected}," in result.log
    # Each line during the crawl: counts, rate, and the share of the known total once it is known (the
    # spider sets it when the embedded replica has started, which a tick of 0.05 s may precede).
    known = False
    for match in lines[:-1]:
        total = re.fullmatch(rf"\d+ pages, \d+ articles exported \(\d+\.\d/s\), \d+ failed"
                             rf"(, \d+% of {expected} articles(, ETA \d+:\d\d:\d\d)?)?", match["text"])
        assert total is not None, match["text"]
        assert total[1] or not known, f"the total went missing: {match['text']}"
        known = known or bool(total[1])


def test_no_total_no_percent(tmp_path: Path, replica):
    result = run_crawl(tmp_path, "-a", f"base_url={replica.url}", "-a", "sections=syria", "-a", "max_pages=1",
                       "-s", "NEWSCRAWL_PROGRESS_INTERVAL=0.05")
    assert result.returncode == 0, result.log[-3000:]
    final = [m for m in LINE.finditer(result.log) if m["final"]]
    assert len(final) == 1 and "%" not in final[0]["text"] and "ETA" not in final[0]["text"]
