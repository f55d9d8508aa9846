"""Rendering in a real browser, for the pages that need one and only those.

A section whose listing is built by a script (``Section.render``) cannot be read from its HTML: its
listing requests go through scrapy-playwright in Debian's headless Chromium, with page methods built
from the site's declared :class:`~newscrawl.sites.base.RenderConfig` (click "load more" until it is
gone, then wait for the list). Everything else goes through Scrapy's plain downloader, which is
tens of times cheaper. ``NEWSCRAWL_RENDER_ALL`` sends every request through the browser, for a
site that needs it.

scrapy-playwright's download handler is installed only for a crawl that renders something (see
:func:`enable_browser`, called from the spider's ``from_crawler``): a plain crawl never starts a
Playwright driver. The browser is checked before the crawl starts, so a missing or wrong binary is
one clear error naming ``NEWSCRAWL_CHROMIUM`` instead of a failure on the first rendered page.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from scrapy.statscollectors import StatsCollector
from scrapy_playwright.page import PageMethod

from newscrawl.arguments import CrawlArguments
from newscrawl.sites import get_site
from newscrawl.sites.base import RenderConfig, Section, SiteDefinition

logger = logging.getLogger(__name__)

CHROMIUM_SETTING = "NEWSCRAWL_CHROMIUM"  # setting and environment variable
RENDER_ALL_SETTING = "NEWSCRAWL_RENDER_ALL"
DEFAULT_CHROMIUM = "/usr/bin/chromium"  # Debian's chromium package
INSTALL_HINT = "apt-get install chromium, or bash scripts/install-system-packages.sh"
PLAYWRIGHT_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
# Headless as root (no sandbox), and none of the background connections a closed network refuses.
LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
#: Resource types the browser never fetches: the crawl reads text and URLs, not pixels or styles.
ABORTED_RESOURCE_TYPES = frozenset({"image", "media", "font", "stylesheet"})
#: Marks the result of the load-more page method, so the stats middleware can find it.
LOAD_MORE_RESULT_KEY = "load_more_clicks"

# Runs in the page: wait for the first entries (or a clickable button), then click "load more" until
# the button is gone, waiting after each click for new entries; stops at maxClicks or when a step
# times out. A hidden or disabled button is a list still loading, not a list exhausted.
LOAD_MORE_JS = """async ({button, entry, maxClicks, timeout}) => {
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const count = () => document.querySelectorAll(entry).length;
  const gone = () => document.querySelector(button) === null;
  const ready = () => {
    const b = document.querySelector(button);
    return b && !b.disabled && !b.hidden ? b : null;
  };
  const until = async (test) => {
    const end = Date.now() + timeout;
    while (!test()) {
      if (Date.now() > end) return false;
      await sleep(25);
    }
    return true;
  };
  await until(() => count() > 0 || gone() || ready() !== null);  // first entries, or a button to click
  let clicks = 0;
  while (clicks < maxClicks && !gone()) {
    if (!(await until(() => ready() || gone())) || gone()) break;
    const before = count();
    ready().click();
    clicks += 1;
    if (!(await until(() => count() > before || gone()))) break;
  }
  return {load_more_clicks: clicks, entries: count(), exhausted: gone()};
}"""


class BrowserUnavailable(RuntimeError):
    """Chromium cannot be started; the message says which setting to fix and how to install it."""


# --- what goes through the browser --------------------------------------------------------------------
def listing_page_methods(config: RenderConfig) -> list[PageMethod]:
    """Fresh page methods (they carry their results) for one rendered listing page."""
    arg = {
        "button": config.load_more,
        "entry": config.list_entry,
        "maxClicks": config.max_clicks,
        "timeout": config.step_timeout_ms,
    }
    return [
        PageMethod("evaluate", LOAD_MORE_JS, arg),
        PageMethod("wait_for_selector", config.list_entry, state="attached",
                   timeout=config.step_timeout_ms),
    ]


@dataclass(frozen=True)
class RenderPlan:
    """Which requests of a crawl go through the browser: the declared sections' listings, or all."""

    config: RenderConfig
    sections: frozenset[str]  # keys of the sections whose listings are rendered
    render_all: bool = False

    @classmethod
    def for_crawl(cls, site: SiteDefinition, sections: Iterable[Section],
                  settings: BaseSettings) -> RenderPlan:
        render_all = settings.getbool(RENDER_ALL_SETTING)
        keys = frozenset(s.key for s in sections if s.render or render_all)
        return cls(site.render, keys, render_all)

    @property
    def active(self) -> bool:
        return self.render_all or bool(self.sections)

    @property
    def reason(self) -> str:
        """Why this crawl needs a browser, for messages."""
        if self.render_all:
            return f"{RENDER_ALL_SETTING} is on"
        return "section(s) " + ", ".join(sorted(self.sections)) + " need a browser"

    @property
    def alternative(self) -> str:
        """How to crawl without a browser, for the error message."""
        if self.render_all:
            return f"turn {RENDER_ALL_SETTING} off"
        return "leave those sections out (-a sections=…)"

    def listing_meta(self, section: Section) -> dict[str, Any]:
        """Request meta of a listing page of ``section`` ({} for the plain downloader)."""
        if section.key not in self.sections:
            return {}
        return {"playwright": True, "playwright_page_methods": listing_page_methods(self.config)}

    def article_meta(self) -> dict[str, Any]:
        """Request meta of an article page: the browser only under ``NEWSCRAWL_RENDER_ALL`` (images
        are read from ``data-src`` in the HTML, so lazy pages need no rendering)."""
        return {"playwright": True} if self.render_all else {}


# --- the browser ------------------------------------------------------------------------------------
def chromium_path(settings: BaseSettings) -> tuple[str, str]:
    """``(path, where it came from)``: the setting, else the environment variable, else Debian's."""
    configured = settings.get(CHROMIUM_SETTING)
    if configured:
        return str(configured), f"setting {CHROMIUM_SETTING}"
    from_env = os.environ.get(CHROMIUM_SETTING)
    if from_env:
        return from_env, f"environment variable {CHROMIUM_SETTING}"
    return DEFAULT_CHROMIUM, f"default, {CHROMIUM_SETTING} not set"


def check_chromium(path: str, origin: str = "", reason: str = "this crawl renders pages",
                   alternative: str = "") -> str:
    """The browser's version line; :class:`BrowserUnavailable` (one line, naming the setting) if
    ``path`` is no runnable browser. ``chromium --version`` takes ~50 ms, a launch ~1 s."""
    resolved = path if os.sep in path else shutil.which(path)

    def unavailable(problem: str) -> BrowserUnavailable:
        where = f" ({origin})" if origin else ""
        otherwise = f"; or {alternative}" if alternative else ""
        return BrowserUnavailable(
            f"{reason}, but Chromium cannot be started: {problem}{where}. Install it ({INSTALL_HINT})"
            f" or point {CHROMIUM_SETTING} at a Chromium binary: -s {CHROMIUM_SETTING}=/path/to/chromium"
            f" or the {CHROMIUM_SETTING} environment variable{otherwise}."
        )

    if not resolved or not os.path.exists(resolved):
        raise unavailable(f"{path} does not exist")
    if not os.path.isfile(resolved) or not os.access(resolved, os.X_OK):
        raise unavailable(f"{path} is not an executable file")
    try:
        run = subprocess.run([resolved, "--version"], capture_output=True, text=True, timeout=30,
                             check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise unavailable(f"{path} --version failed: {exc}") from None
    version = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    if run.returncode != 0 or not version:
        raise unavailable(f"{path} --version exited with status {run.returncode}")
    return version


class AbortRequest:
    """``PLAYWRIGHT_ABORT_REQUEST``: drop images, fonts, media, stylesheets and third-party hosts.

    Kept: the site's own documents, scripts and XHR/fetch, which is what builds a listing. A host is
    first-party when it is, or is a subdomain of, a crawled host (``www.`` stripped).
    """

    def __init__(self, hosts: Iterable[str],
                 resource_types: frozenset[str] = ABORTED_RESOURCE_TYPES) -> None:
        self.domains = frozenset(h.lower().removeprefix("www.") for h in hosts if h)
        self.resource_types = resource_types

    def first_party(self, host: str) -> bool:
        host = host.lower().removeprefix("www.")
        return any(host == d or host.endswith("." + d) for d in self.domains)

    def __call__(self, request: Any) -> bool:
        if request.resource_type in self.resource_types:
            return True
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return False
        return not self.first_party(parts.hostname or "")

    def __repr__(self) -> str:
        return f"AbortRequest(hosts={sorted(self.domains)}, types={sorted(self.resource_types)})"


def _set(settings: BaseSettings, name: str, value: Any) -> None:
    """Set at spider priority, or at the current one if the user's is higher (we must win here)."""
    priority = max(settings.getpriority(name) or 0, SETTINGS_PRIORITIES["spider"])
    settings.set(name, value, priority=priority)


def enable_browser(settings: BaseSettings, plan: RenderPlan, hosts: Iterable[str]) -> str:
    """Check Chromium, then install scrapy-playwright for this crawl (settings not frozen yet).

    Returns the browser's version line; raises :class:`BrowserUnavailable`.
    """
    path, origin = chromium_path(settings)
    version = check_chromium(path, origin, plan.reason, plan.alternative)
    handlers = dict(settings.getdict("DOWNLOAD_HANDLERS"))
    handlers.update(http=PLAYWRIGHT_HANDLER, https=PLAYWRIGHT_HANDLER)
    _set(settings, "DOWNLOAD_HANDLERS", handlers)
    _set(settings, "PLAYWRIGHT_BROWSER_TYPE", "chromium")
    options = {"headless": True, "args": list(LAUNCH_ARGS), **settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")}
    options["executable_path"] = path  # the checked binary, whatever the options said
    _set(settings, "PLAYWRIGHT_LAUNCH_OPTIONS", options)
    if not settings.get("PLAYWRIGHT_ABORT_REQUEST"):
        settings.set("PLAYWRIGHT_ABORT_REQUEST", AbortRequest(hosts), priority="spider")
    logger.info("Rendering in the browser, as %s: %s at %s", plan.reason, version, path)
    return version


def preflight(args: CrawlArguments, settings: BaseSettings) -> None:
    """The spider's browser check, run by the ``crawl`` command before anything starts so that a
    missing browser is one line and exit status 1, not a traceback from inside the crawler."""
    try:
        site = get_site(args.site)
        sections = [site.section(k) for k in args.sections] if args.sections else site.sections
    except KeyError:
        return  # unknown names: the spider reports them
    plan = RenderPlan.for_crawl(site, sections, settings)
    if plan.active and args.sections is None and not plan.render_all:
        return  # a default crawl leaves browser sections out without a browser (see the spider)
    if plan.active:
        path, origin = chromium_path(settings)
        check_chromium(path, origin, plan.reason, plan.alternative)


def crawl_hosts(urls: Sequence[str], extra: Iterable[str] = ()) -> set[str]:
    """Host names of ``urls`` plus ``extra``: the first-party hosts of a crawl."""
    return {h for h in (urlsplit(u).hostname for u in urls) if h} | set(extra)


# --- stats ---------------------------------------------------------------------------------------
class RenderStats:
    """Downloader middleware: ``render/browser_requests`` and ``render/plain_requests``, and the
    load-more clicks of rendered listings (``render/load_more_clicks``, ``…_unfinished``).

    Placed after the HTTP cache, so a cached page is counted by neither.
    """

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RenderStats:
        return cls(crawler.stats)

    def process_request(self, request: Request) -> None:
        kind = "browser" if request.meta.get("playwright") else "plain"
        self.stats.inc_value(f"render/{kind}_requests")

    def process_response(self, request: Request, response: Response) -> Response:
        for method in request.meta.get("playwright_page_methods") or ():
            result = getattr(method, "result", None)
            if not isinstance(result, dict) or LOAD_MORE_RESULT_KEY not in result:
                continue
            self.stats.inc_value("render/listing_pages")
            self.stats.inc_value("render/load_more_clicks", int(result[LOAD_MORE_RESULT_KEY]))
            if not result.get("exhausted"):
                self.stats.inc_value("render/load_more_unfinished")
                logger.warning("Load more not exhausted after %s clicks (%s entries): %s",
                               result[LOAD_MORE_RESULT_KEY], result.get("entries"), request.url)
        return response
