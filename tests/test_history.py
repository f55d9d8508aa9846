"""Run history and the HTML picture of each run: three real crawls of the replica with a state (the
third against a faulty replica), ``scrapy runs``, and the page rendered in headless Chromium."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from parsel import Selector

from newscrawl.render import LAUNCH_ARGS
from newscrawl.report_html import by_publication_day, flagged, render_page, run_summary
from tests.conftest import FAST_FAULTS, ROOT, run_crawl, start_replica

SECTIONS = ("-a", "sections=syria,economy,world,sports")


@dataclass
class Runs:
    folder: Path
    reports: list[dict[str, Any]]
    items: list[list[dict[str, Any]]]
    state: Path

    def html(self, run: int) -> Path:
        return self.folder / str(run) / "items.report.html"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    """Run 1 exports everything, run 2 nothing (all unchanged), run 3 (``full=1``) meets pages that
    keep failing with 5xx."""
    folder = tmp_path_factory.mktemp("history")
    state = folder / "state.sqlite"
    replica = start_replica("--articles", "120", "--seed", "5")
    port = replica.url.rsplit(":", 1)[1]
    args = ("-a", f"base_url={replica.url}", "-a", f"state={state}", *SECTIONS, *FAST_FAULTS)
    results = []
    try:
        for run in (1, 2):
            results.append(run_crawl(folder / str(run), *args))
    finally:
        replica.stop()
    faulty = start_replica("--articles", "120", "--seed", "5", "--port", port, "--faults", "5xx=0.2",
                           "--fault-attempts", "99")
    try:
        results.append(run_crawl(folder / "3", *args, "-a", "full=1"))
    finally:
        faulty.stop()
    for result, status in zip(results, (0, 0, 3), strict=True):  # run 3: pages failed for good
        assert result.returncode == status, result.log[-3000:]
    reports = [json.loads((folder / str(n) / "items.report.json").read_text()) for n in (1, 2, 3)]
    yield Runs(folder, reports, [r.items() for r in results], state)


def test_every_run_is_kept_and_scrapy_runs_prints_them(runs: Runs) -> None:
    first, second, third = runs.reports
    assert first["articles"]["exported"] > 0 and second["articles"]["exported"] == 0
    assert second["articles"]["skipped_unchanged"] == first["articles"]["exported"]
    assert sum(third["failures"].values()) > 0  # the faulty replica did fail pages for good
    proc = subprocess.run([sys.executable, "-m", "scrapy", "runs", "--state", str(runs.state)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    header, *lines = proc.stdout.splitlines()
    assert header.split() == ["started", "(UTC)", "duration", "exported", "new", "updated", "unchanged",
                              "failed", "dropped", "coverage", "finish"]
    assert len(lines) == 3
    for line, report in zip(lines, runs.reports, strict=True):
        cells = line.split()
        summary = run_summary(report)
        assert cells[0] + " " + cells[1] == report["start_time"][:19]
        assert [int(c) for c in cells[4:10]] == [summary[k] for k in (
            "exported", "new", "updated", "unchanged", "failures", "dropped")]
    assert runs.html(1).exists() and runs.html(2).exists()
    last = subprocess.run([sys.executable, "-m", "scrapy", "runs", "--state", str(runs.state), "-n", "1",
                           "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert json.loads(last.stdout)["start_time"] == third["start_time"]


@pytest.fixture(scope="module")
def page(runs: Runs) -> Iterator[Any]:
    """Run 3's page in headless Chromium, and every URL the page asked for."""
    from playwright.sync_api import sync_playwright

    from newscrawl.render import BrowserUnavailable, check_chromium, chromium_path
    from tests.servers import missing

    path, origin = chromium_path(__import__("scrapy.settings", fromlist=["Settings"]).Settings())
    try:
        check_chromium(path, origin, "the HTML report test renders the page in Chromium")
    except BrowserUnavailable as exc:
        missing("Chromium", str(exc))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=list(LAUNCH_ARGS))
        try:
            view = browser.new_page(viewport={"width": 860, "height": 1000})
            requested: list[str] = []
            view.on("request", lambda request: requested.append(request.url))
            view.goto(runs.html(3).as_uri())
            view.requested = requested
            yield view
        finally:
            browser.close()


def bars(page: Any, chart: str, kind: str = "bar") -> dict[str, float]:
    """``data-label`` → ``data-value`` of a chart's bars (or points), as the browser has them."""
    return page.eval_on_selector_all(
        f"#{chart} g.{kind}", "els => Object.fromEntries(els.map(e => [e.dataset.label, +e.dataset.value]))")


def test_the_page_loads_nothing_and_draws_every_chart(page: Any, runs: Runs) -> None:
    assert page.requested == [runs.html(3).as_uri()]  # no network, no CDN: the file itself only
    for chart in ("chart-sections", "chart-days", "chart-coverage", "chart-failures",
                  "trend-articles", "trend-failures", "trend-coverage", "trend-duration"):
        box = page.locator(f"#{chart}").bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50, chart


def test_the_charts_show_the_runs_numbers(page: Any, runs: Runs) -> None:
    report, items = runs.reports[2], runs.items[2]
    # every requested section, those that gave nothing too (a zero bar)
    sections = dict.fromkeys(SECTIONS[1].split("=")[1].split(","), 0) | report["articles"]["by_section"]
    assert bars(page, "chart-sections") == sections
    days = Counter(item["published_at"][:10] for item in items if item["published_at"])
    assert bars(page, "chart-days") == dict(days) and sum(days.values()) == len(items)
    assert bars(page, "chart-coverage") == pytest.approx(report["coverage"])
    assert bars(page, "chart-failures") == report["failures"]
    # what is written beside each bar is its number
    written = page.eval_on_selector_all("#chart-sections g.bar", "els => els.map(e => "
                                        "[e.dataset.label, e.querySelector('text.value').textContent])")
    assert dict(written) == {k: str(v) for k, v in sections.items()}
    # and the bars are drawn to scale
    widths = page.eval_on_selector_all("#chart-sections g.bar rect",
                                       "els => els.map(e => e.getBoundingClientRect().width)")
    values = list(sections.values())
    assert sorted(w / max(widths) for w in widths) == pytest.approx(
        sorted(v / max(values) for v in values), abs=0.01)
    numbers = dict(page.eval_on_selector_all("#numbers div", "els => els.map(e => "
                                             "[e.dataset.name, e.querySelector('dd').textContent])"))
    assert numbers["exported"] == str(report["articles"]["exported"])
    assert numbers["failed pages"] == str(sum(report["failures"].values()))


def test_the_trend_shows_the_last_runs(page: Any, runs: Runs) -> None:
    summaries = [run_summary(r) for r in runs.reports]
    points = page.eval_on_selector_all("#trend-articles g.point", "els => els.map(e => +e.dataset.value)")
    assert points == [s["seen"] for s in summaries]
    failures = page.eval_on_selector_all("#trend-failures g.point", "els => els.map(e => +e.dataset.value)")
    assert failures == [s["failures"] for s in summaries]
    coverage = page.eval_on_selector_all("#trend-coverage g.point", "els => els.map(e => +e.dataset.value)")
    assert coverage == pytest.approx([s["coverage"] for s in summaries if s["coverage"] is not None])
    assert page.locator("#trend-articles g.point.current").count() == 1


# --- the page, without a browser -------------------------------------------------------------------

def report(exported: int, unchanged: int = 0, failures: int = 0, title_coverage: float = 1.0,
           start: str = "2026-01-01 00:00:00+00:00") -> dict[str, Any]:
    return {"start_time": start, "finish_time": start.replace("00:00:00", "00:01:40"),
            "spider_finished": "finished",
            "articles": {"exported": exported, "new": exported, "updated": 0, "skipped_unchanged": unchanged,
                         "by_section": {"syria": exported}},
            "failures": {"http_503": failures} if failures else {}, "dropped": {},
            "coverage": {"url": 1.0, "title": title_coverage, "body": 1.0},
            "thresholds": {"min_coverage": {"url": 1.0, "title": 1.0}},
            "published_days": {"2025-04-22": exported}}


def test_a_sudden_drop_stands_out() -> None:
    steady = [report(100), report(0, unchanged=100), report(5, unchanged=96), report(2, unchanged=99)]
    quiet = Selector(text=render_page(report(3, unchanged=98), steady, "t"))
    assert not quiet.css(".alert") and not quiet.css("g.point.drop")
    dropped = Selector(text=render_page(report(30, failures=40, title_coverage=0.2), steady, "t"))
    alerts = dropped.css(".alert::text").getall()
    assert len(alerts) == 3, alerts
    assert alerts[0] == ("Articles seen (exported + unchanged): 30 in this run, against a median of 100"
                         " over the 4 runs before it")
    for chart in ("trend-articles", "trend-failures", "trend-coverage"):
        assert dropped.css(f"#{chart} g.point.current.drop"), chart
    assert not dropped.css("#trend-duration g.point.drop")
    assert dropped.css("#chart-coverage g.bar.low::attr(data-label)").getall() == ["title"]


def test_flagging_needs_three_earlier_runs() -> None:
    assert not flagged([100, 100, 0])
    assert flagged([100, 100, 100, 49]) and not flagged([100, 100, 100, 50])
    assert flagged([0, 1, 0, 12], higher_is_worse=True) and not flagged([0, 1, 0, 10], higher_is_worse=True)
    assert not flagged([0, 0, 0, 0]) and not flagged([100, 100, 100, None])


def test_publication_days_by_month_beyond_three_months() -> None:
    days = {f"2025-{m:02d}-{d:02d}": 1 for m in range(1, 6) for d in range(1, 29)} | {"": 7}
    grouped, unit = by_publication_day(days)
    assert unit == "month" and grouped == [(f"2025-{m:02d}", 28) for m in range(1, 6)] + [("(no date)", 7)]
    assert by_publication_day({"2025-04-22": 2, "2025-04-20": 1}) == (
        [("2025-04-20", 1), ("2025-04-22", 2)], "day")


def test_the_page_is_self_contained_and_escapes_what_it_shows() -> None:
    record = report(2) | {"failures": {"<script>alert(1)</script>": 2}}
    text = render_page(record, [], "<b>title</b>")
    assert "<script" not in text and "&lt;script&gt;" in text and "<b>" not in text
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in text
    assert "default-src 'none'" in text


def test_a_requested_section_that_gave_nothing_is_a_red_zero_bar() -> None:
    record = report(4) | {"sections_requested": ["syria", "sports"]}
    page = Selector(text=render_page(record, [], "t"))
    assert page.css("#chart-sections g.bar::attr(data-label)").getall() == ["syria", "sports"]
    assert page.css("#chart-sections g.bar.low::attr(data-label)").getall() == ["sports"]


# --- where the history is kept ----------------------------------------------------------------------

def test_the_sqlite_state_keeps_runs_even_once_closed(tmp_path: Path) -> None:
    from newscrawl.state import StateStore, last_runs

    store = StateStore(tmp_path / "state.sqlite")
    store.add_run("arabstoday", report(1))
    store.close()  # the report is built when the crawl may have closed its store already
    store.add_run("arabstoday", report(2))
    store.add_run("other", report(9))
    kept = last_runs(tmp_path / "state.sqlite", 5, "arabstoday")
    assert [r["articles"]["exported"] for r in kept] == [1, 2]
    assert [r["articles"]["exported"] for r in store.last_runs(1)] == [9]


def test_the_redis_state_keeps_runs_and_scrapy_runs_reads_them(tmp_path: Path) -> None:
    from newscrawl.state_redis import RedisStateStore
    from tests.servers import start_redis

    redis = start_redis(tmp_path / "redis")
    try:
        store = RedisStateStore(redis.url)
        for n in (1, 2, 3):
            store.add_run("arabstoday", report(n, start=f"2026-01-0{n} 00:00:00+00:00"))
        store.close()
        assert [r["articles"]["exported"] for r in store.last_runs(2, "arabstoday")] == [2, 3]
        proc = subprocess.run([sys.executable, "-m", "scrapy", "runs", "-s", f"REDIS_URL={redis.url}"],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
    finally:
        redis.stop()
    assert proc.returncode == 0, proc.stderr
    assert [line.split()[:2] + [line.split()[4]] for line in proc.stdout.splitlines()[1:]] == [
        [f"2026-01-0{n}", "00:00:00", str(n)] for n in (1, 2, 3)]


def test_scrapy_runs_says_where_to_look() -> None:
    proc = subprocess.run([sys.executable, "-m", "scrapy", "runs"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 2
    assert "give --state PATH (the crawls' -a state=) or -s NEWSCRAWL_DATABASE=URL" in proc.stderr
