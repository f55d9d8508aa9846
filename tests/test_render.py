"""Browser rendering: the render plan (unit), the replica's client-side section read without a
browser, and crawls through headless Chromium.

The browser tests need Debian's Chromium (``/usr/bin/chromium`` or ``NEWSCRAWL_CHROMIUM``): without
it they are skipped with the install command, except in CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import json
import os
import stat
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from parsel import Selector
from scrapy.settings import Settings

from newscrawl.render import (
    LAUNCH_ARGS,
    LOAD_MORE_JS,
    PLAYWRIGHT_HANDLER,
    AbortRequest,
    BrowserUnavailable,
    RenderPlan,
    RenderStats,
    check_chromium,
    chromium_path,
    enable_browser,
    listing_page_methods,
)
from newscrawl.replica.js_section import API_PATH, PLACEHOLDER
from newscrawl.report import build_report
from newscrawl.sites import get_site
from newscrawl.sites.base import RenderConfig
from tests.conftest import CrawlResult, RunningReplica, run_crawl, start_replica
from tests.truth import expected_record, record_mismatches

SITE = get_site("arabstoday")
SEL = SITE.selectors
JS_SECTION = next(s for s in SITE.sections if s.render)  # varieties
SYRIA = SITE.section("syria")
PER_PAGE = 4  # small pages: the JS section needs several load-more clicks
IMAGE_SRC = "figure.article-image img::attr(src)"
IMAGE_DATA_SRC = "figure.article-image img::attr(data-src)"


# --- fixtures -------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def chromium() -> str:
    """The browser the crawls will launch; skipped (failed under CI=true) when it cannot start."""
    path, origin = chromium_path(Settings())
    try:
        check_chromium(path, origin, "the browser tests need Chromium")
    except BrowserUnavailable as exc:
        if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail(f"CI=true and no browser: {exc}")
        pytest.skip(str(exc))
    return path


@pytest.fixture(scope="module")
def replica() -> Iterator[RunningReplica]:
    running = start_replica("--articles", "120", "--seed", "3", "--per-page", str(PER_PAGE))
    yield running
    running.stop()


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def section_articles(replica: RunningReplica, *keys: str) -> list[dict[str, Any]]:
    return [a for a in replica.articles if a["section"] in keys]


def mismatches(items: list[dict[str, Any]], articles: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Exported fields that differ from the manifest: every field, as tests/test_crawl_e2e.py compares."""
    by_url = {item["url"]: item for item in items}
    found: list[tuple[Any, ...]] = []
    for article in articles:
        item = by_url.get(article["url"])
        if item is None:
            found.append((article["url"], "missing"))
            continue
        found += record_mismatches(item, expected_record(article, "arabstoday", SITE.brand))
    return found


def report_of(result: CrawlResult) -> dict[str, Any]:
    path = next(iter(result.feeds.values())).with_suffix(".report.json")
    return json.loads(path.read_text(encoding="utf-8"))


# --- the render plan, from the site's declarations ----------------------------------------------------
def test_page_methods_are_built_from_the_declaration() -> None:
    config = RenderConfig(load_more="a.more", list_entry="ul.items li", max_clicks=3, step_timeout_ms=500)
    evaluate, wait = listing_page_methods(config)
    assert evaluate.method == "evaluate" and evaluate.args[0] == LOAD_MORE_JS
    assert evaluate.args[1] == {"button": "a.more", "entry": "ul.items li", "maxClicks": 3, "timeout": 500}
    assert (wait.method, wait.args, wait.kwargs) == (
        "wait_for_selector", ("ul.items li",), {"state": "attached", "timeout": 500})
    assert listing_page_methods(config)[0] is not evaluate  # fresh objects: each carries its result


def test_only_render_sections_go_through_the_browser() -> None:
    plan = RenderPlan.for_crawl(SITE, [JS_SECTION, SYRIA], Settings())
    assert plan.active and plan.sections == {JS_SECTION.key}
    meta = plan.listing_meta(JS_SECTION)
    assert meta["playwright"] is True and [m.method for m in meta["playwright_page_methods"]] == [
        "evaluate", "wait_for_selector"]
    assert plan.listing_meta(SYRIA) == {} and plan.article_meta() == {}
    assert not RenderPlan.for_crawl(SITE, [SYRIA], Settings()).active


def test_render_all_sends_everything_through_the_browser() -> None:
    plan = RenderPlan.for_crawl(SITE, [SYRIA], Settings({"NEWSCRAWL_RENDER_ALL": "1"}))
    assert plan.active and plan.listing_meta(SYRIA)["playwright"] is True
    assert plan.article_meta() == {"playwright": True}
    assert "NEWSCRAWL_RENDER_ALL" in plan.reason


@dataclass
class FakePlaywrightRequest:
    url: str
    resource_type: str


@pytest.mark.parametrize(
    ("url", "resource_type", "aborted"),
    [
        ("https://www.arabstoday.net/section/15", "document", False),
        ("https://www.arabstoday.net/assets/js/main.js", "script", False),
        ("https://www.arabstoday.net/api/section/15?page=2", "fetch", False),
        ("https://static.arabstoday.net/api.json", "xhr", False),  # a subdomain is first-party
        ("data:text/javascript,1", "script", False),
        ("https://www.arabstoday.net/uploads/images/1.jpg", "image", True),
        ("https://www.arabstoday.net/assets/fonts/k.woff2", "font", True),
        ("https://www.arabstoday.net/assets/v.mp4", "media", True),
        ("https://www.arabstoday.net/assets/css/style.css", "stylesheet", True),
        ("https://www.googletagmanager.com/gtag/js?id=G-1", "script", True),  # third party
        ("https://connect.facebook.net/en_US/fbevents.js", "script", True),
        ("https://notarabstoday.net/x.js", "script", True),
    ],
)
def test_abort_predicate(url: str, resource_type: str, aborted: bool) -> None:
    predicate = AbortRequest({"www.arabstoday.net", "127.0.0.1"})
    assert predicate(FakePlaywrightRequest(url, resource_type)) is aborted


def fake_browser(tmp_path: Path, body: str = 'echo "Chromium 1.2.3 fake"') -> str:
    path = tmp_path / "chromium"
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_chromium_path_setting_then_environment_then_debian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSCRAWL_CHROMIUM", raising=False)
    assert chromium_path(Settings())[0] == "/usr/bin/chromium"
    monkeypatch.setenv("NEWSCRAWL_CHROMIUM", "/opt/env/chromium")
    assert chromium_path(Settings()) == ("/opt/env/chromium", "environment variable NEWSCRAWL_CHROMIUM")
    assert chromium_path(Settings({"NEWSCRAWL_CHROMIUM": "/opt/set/chromium"}))[0] == "/opt/set/chromium"


def test_check_chromium_errors_name_the_setting(tmp_path: Path) -> None:
    assert check_chromium(fake_browser(tmp_path)) == "Chromium 1.2.3 fake"
    not_executable = tmp_path / "plain-file"
    not_executable.write_text("")
    (tmp_path / "broken").mkdir()
    failing = fake_browser(tmp_path / "broken", "exit 3")
    for path, problem in (("/nonexistent/chromium", "does not exist"),
                          (str(not_executable), "not an executable file"),
                          (failing, "exited with status 3")):
        with pytest.raises(BrowserUnavailable) as error:
            check_chromium(path, "setting NEWSCRAWL_CHROMIUM", "section(s) varieties need a browser")
        message = str(error.value)
        assert problem in message and "\n" not in message
        assert "-s NEWSCRAWL_CHROMIUM=" in message and "apt-get install chromium" in message


def test_enable_browser_installs_scrapy_playwright(tmp_path: Path) -> None:
    browser = fake_browser(tmp_path)
    settings = Settings({"NEWSCRAWL_CHROMIUM": browser})
    plan = RenderPlan.for_crawl(SITE, [JS_SECTION], settings)
    assert enable_browser(settings, plan, {"127.0.0.1"}) == "Chromium 1.2.3 fake"
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    assert handlers["http"] == handlers["https"] == PLAYWRIGHT_HANDLER
    options = settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
    assert options == {"headless": True, "args": list(LAUNCH_ARGS), "executable_path": browser}
    assert settings["PLAYWRIGHT_BROWSER_TYPE"] == "chromium"
    assert isinstance(settings["PLAYWRIGHT_ABORT_REQUEST"], AbortRequest)

    untouched = Settings({"NEWSCRAWL_CHROMIUM": str(tmp_path / "missing")})
    with pytest.raises(BrowserUnavailable, match="NEWSCRAWL_CHROMIUM"):
        enable_browser(untouched, plan, {"127.0.0.1"})
    assert "http" not in untouched.getdict("DOWNLOAD_HANDLERS")


class FakeStats:
    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] += count


def test_render_stats_count_browser_and_plain_requests() -> None:
    from scrapy import Request
    from scrapy.http import HtmlResponse

    stats = FakeStats()
    middleware = RenderStats(stats)  # type: ignore[arg-type]
    plan = RenderPlan.for_crawl(SITE, [JS_SECTION], Settings())
    rendered = Request("http://x/section/15", meta=plan.listing_meta(JS_SECTION))
    rendered.meta["playwright_page_methods"][0].result = {
        "load_more_clicks": 3, "entries": 13, "exhausted": True}
    plain = Request("http://x/40/1-a")
    for request in (rendered, plain, plain):
        middleware.process_request(request)
        middleware.process_response(request, HtmlResponse(request.url, body=b""))
    assert stats.values == {"render/browser_requests": 1, "render/plain_requests": 2,
                            "render/listing_pages": 1, "render/load_more_clicks": 3}


def test_report_has_a_render_entry() -> None:
    stats = {"render/browser_requests": 1, "render/plain_requests": 30, "downloader/request_count": 31}
    report = build_report(stats, Counter(), Counter(), Counter(), 0)
    assert report["render"] == {"browser_requests": 1, "plain_requests": 30}


# --- the replica's client-side section, read without a browser ---------------------------------------
def test_js_section_shell_has_no_article_links(replica: RunningReplica) -> None:
    status, html = fetch(replica.url + SITE.listing_path(JS_SECTION))
    assert status == 200
    sel = Selector(text=html)
    assert sel.css(SEL.listing_entry) == [] and sel.css(SEL.next_page).get() is None
    links = [href for href in sel.css("a::attr(href)").getall() if SITE.article_path_re.match(
        href.removeprefix(replica.url))]
    assert links == []  # no article link of any section: a plain crawl finds nothing here
    assert sel.css("button.load-more::text").get() == "المزيد"
    assert sel.css("div.news-list::attr(data-api)").get() == API_PATH.format(id=JS_SECTION.id)


def test_json_pages_list_the_section_newest_first(replica: RunningReplica) -> None:
    expected = [a["url"] for a in section_articles(replica, JS_SECTION.key)]
    api = replica.url + API_PATH.format(id=JS_SECTION.id)
    seen, page, pages = [], 1, None
    while pages is None or page <= pages:
        status, body = fetch(f"{api}?page={page}")
        assert status == 200
        data = json.loads(body)
        pages = data["pages"]
        assert data["page"] == page and 0 < len(data["items"]) <= PER_PAGE
        assert all(item["title"] and item["summary"] and item["stamp"] for item in data["items"])
        seen += [item["url"] for item in data["items"]]
        page += 1
    assert seen == expected and pages == -(-len(expected) // PER_PAGE) > 2
    assert fetch(f"{api}?page={page}")[0] == 404
    assert fetch(replica.url + API_PATH.format(id=SYRIA.id))[0] == 404  # a static section has no feed


def test_js_section_articles_have_lazy_images(replica: RunningReplica) -> None:
    lazy = [a for a in section_articles(replica, JS_SECTION.key) if a["image_url"]]
    assert lazy
    for article in lazy:
        status, html = fetch(article["url"])
        assert status == 200
        sel = Selector(text=html)
        assert sel.css(IMAGE_DATA_SRC).get() == article["image_url"]
        assert sel.css(IMAGE_SRC).get() == PLACEHOLDER
        assert sel.css("meta[property='og:image']").get() is None
        assert "image" not in json.loads(sel.css(SEL.json_ld).get())
    static = next(a for a in section_articles(replica, SYRIA.key) if a["image_url"])
    sel = Selector(text=fetch(static["url"])[1])
    assert sel.css(IMAGE_SRC).get() == static["image_url"] and sel.css(IMAGE_DATA_SRC).get() is None


# --- crawls -------------------------------------------------------------------------------------------
def test_crawl_renders_only_the_js_listing(chromium: str, replica: RunningReplica, tmp_path: Path) -> None:
    result = run_crawl(tmp_path, "-a", f"base_url={replica.url}", "-a", f"sections={JS_SECTION.key},syria")
    assert result.returncode == 0, result.log[-3000:]
    items = result.items()
    articles = section_articles(replica, JS_SECTION.key, SYRIA.key)
    assert Counter(i["url"] for i in items) == Counter(a["url"] for a in articles)
    assert mismatches(items, articles) == []  # lazy images included: image_url is the real URL
    assert any(a["image_url"] for a in articles if a["section"] == JS_SECTION.key)
    js_pages = next(s["pages"] for s in replica.manifest["sections"] if s["key"] == JS_SECTION.key)
    report = report_of(result)
    assert report["render"] == {
        "browser_requests": 1,  # the one JS listing page; no article page went through the browser
        "plain_requests": report["requests"]["total"] - 1,
        "listing_pages": 1,
        "load_more_clicks": js_pages - 1,
    }
    assert "'playwright/browser_count': 1" in result.log
    assert "'playwright/request_count/navigation': 1" in result.log
    assert "'playwright/request_count/aborted'" in result.log  # images, styles, third parties


@pytest.mark.slow
def test_render_all_setting(chromium: str, replica: RunningReplica, tmp_path: Path) -> None:
    result = run_crawl(tmp_path, "-a", f"base_url={replica.url}", "-a", "sections=syria",
                       "-a", "max_pages=1", "-s", "NEWSCRAWL_RENDER_ALL=1")
    assert result.returncode == 0, result.log[-3000:]
    articles = section_articles(replica, SYRIA.key)[:PER_PAGE]
    assert mismatches(result.items(), articles) == [] and len(result.items()) == PER_PAGE
    render = report_of(result)["render"]
    assert render["browser_requests"] == 1 + PER_PAGE  # the listing and its articles
    assert render["plain_requests"] == 1  # robots.txt


def test_plain_crawl_never_starts_playwright(replica: RunningReplica, tmp_path: Path) -> None:
    result = run_crawl(tmp_path, "-a", f"base_url={replica.url}", "-a", "sections=syria",
                       "-a", "max_pages=1", "-s", "NEWSCRAWL_CHROMIUM=/nonexistent")
    assert result.returncode == 0, result.log[-3000:]
    assert len(result.items()) == PER_PAGE
    assert "playwright/" not in result.log and "scrapy-playwright" not in result.log
    report = report_of(result)
    assert report["render"] == {"plain_requests": report["requests"]["total"]}


@pytest.mark.parametrize("how", ["setting", "environment"])
def test_missing_browser_is_one_clear_error(how: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["-a", "source=replica", "-a", f"sections={JS_SECTION.key}"]
    if how == "setting":
        args += ["-s", "NEWSCRAWL_CHROMIUM=/nonexistent"]
    else:
        monkeypatch.setenv("NEWSCRAWL_CHROMIUM", "/nonexistent")
    result = run_crawl(tmp_path, *args)
    assert result.returncode == 1
    errors = [line for line in result.log.splitlines() if "error" in line.lower()]
    assert len(errors) == 1 and errors[0].startswith("scrapy: error: section(s) varieties need a browser")
    assert "/nonexistent does not exist" in errors[0] and "-s NEWSCRAWL_CHROMIUM=" in errors[0]
    assert "Traceback" not in result.log


def test_missing_browser_refusal_is_in_the_log_file_too(tmp_path: Path) -> None:
    """With LOG_FILE (scrapyd, cron) stderr is not all a user reads: the job log says it as well."""
    log_file = tmp_path / "logs" / "job.log"
    result = run_crawl(tmp_path, "-a", "source=replica", "-a", f"sections={JS_SECTION.key}",
                       "-s", "NEWSCRAWL_CHROMIUM=/nonexistent", "-s", f"LOG_FILE={log_file}")
    assert result.returncode == 1
    assert "scrapy: error: section(s) varieties need a browser" in result.log
    assert "ERROR: Refused before crawling: section(s) varieties need a browser" in log_file.read_text()


def test_load_more_script_in_chromium(chromium: str) -> None:
    """The page method's script itself: clicks until the button goes, or stops at max_clicks."""
    from playwright.sync_api import sync_playwright

    page_html = """<div class="list"></div><button class="more" hidden>more</button><script>
    var list=document.querySelector('.list'),more=document.querySelector('.more'),batch=0;
    function load(){setTimeout(function(){for(var k=0;k<3;k++){var d=document.createElement('div');
    d.className='item';list.appendChild(d);}batch++;if(batch>=LAST){more.remove();}else{more.hidden=false;}},30);}
    more.addEventListener('click',load);load();</script>"""
    arg = {"button": "button.more", "entry": "div.list div.item", "timeout": 2000}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=list(LAUNCH_ARGS))
        try:
            page = browser.new_page()
            page.set_content(page_html.replace("LAST", "4"))
            assert page.evaluate(LOAD_MORE_JS, {**arg, "maxClicks": 50}) == {
                "load_more_clicks": 3, "entries": 12, "exhausted": True}
            page.set_content(page_html.replace("LAST", "1000"))
            assert page.evaluate(LOAD_MORE_JS, {**arg, "maxClicks": 2}) == {
                "load_more_clicks": 2, "entries": 9, "exhausted": False}
            page.set_content("<div class='list'><div class='item'></div></div>")
            assert page.evaluate(LOAD_MORE_JS, {**arg, "maxClicks": 5}) == {
                "load_more_clicks": 0, "entries": 1, "exhausted": True}
            page.set_content(  # nothing listed until the first click
                "<div class='list'></div><button class='more'>more</button><script>"
                "document.querySelector('.more').addEventListener('click',function(){"
                "document.querySelector('.list').innerHTML='<div class=item></div>';this.remove();});"
                "</script>")
            assert page.evaluate(LOAD_MORE_JS, {**arg, "maxClicks": 5}) == {
                "load_more_clicks": 1, "entries": 1, "exhausted": True}
        finally:
            browser.close()
