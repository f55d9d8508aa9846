"""Rendering benchmark: pages per second with and without the browser, on the replica, in one run.

    python -m bench.render [--articles 900] [--seed 1] [--sections syria,economy]

Starts the replica (its own process) and runs the production ``arabstoday`` spider three times:

* ``plain``: the static sections through Scrapy's downloader (no browser, no Playwright driver);
* ``browser``: the same pages with ``NEWSCRAWL_RENDER_ALL=1``, every page in headless Chromium
  (images, fonts, media, stylesheets and third-party requests aborted; 4 pages at a time);
* ``js-section``: the client-side section as shipped, its one listing page in the browser (load
  more until exhausted), its article pages plain.

Pages are the crawl's requests (robots.txt included); seconds run from the engine's start to its
finish (the browser launch included), read from the run report; wall is the whole process.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import command_line, machine, measure, start_replica  # noqa: E402
from newscrawl.sites import get_site  # noqa: E402

SITE = get_site("arabstoday")
JS_SECTION = next(s.key for s in SITE.sections if s.render)
DEFAULT_SECTIONS = "syria,economy"
CRAWL_SETTINGS = ["-s", "LOG_LEVEL=INFO", "-s", "ROBOTSTXT_OBEY=1"]


def crawl(name: str, base_url: str, sections: str, tmp: str, *extra: str) -> dict[str, Any]:
    """One ``scrapy crawl`` in a child process; its figures from the run report."""
    feed = Path(tmp) / f"{name}.jsonl"
    run = measure([sys.executable, "-m", "scrapy", "crawl", "arabstoday", "-a", f"base_url={base_url}",
                   "-a", f"sections={sections}", "-O", str(feed), *CRAWL_SETTINGS, *extra])
    if run.returncode != 0:
        raise RuntimeError(f"{name} crawl failed:\n{run.output[-3000:]}")
    report = json.loads(feed.with_suffix(".report.json").read_text(encoding="utf-8"))
    seconds = (datetime.fromisoformat(report["finish_time"])
               - datetime.fromisoformat(report["start_time"])).total_seconds()
    pages = report["requests"]["total"]
    return {
        "pages": pages,
        "browser_pages": report["render"].get("browser_requests", 0),
        "exported": report["articles"]["exported"],
        "seconds": round(seconds, 2),
        "pages_per_s": round(pages / seconds, 1),
        "wall_s": round(run.wall, 2),
    }


def run(articles: int = 900, seed: int = 1, sections: str = DEFAULT_SECTIONS) -> dict[str, Any]:
    replica = start_replica(articles, seed)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            plain = crawl("plain", replica.url, sections, tmp)
            browser = crawl("browser", replica.url, sections, tmp, "-s", "NEWSCRAWL_RENDER_ALL=1")
            js = crawl("js-section", replica.url, JS_SECTION, tmp)
    finally:
        replica.stop()
    if plain["exported"] != browser["exported"]:
        raise RuntimeError(f"the crawls disagree: {plain['exported']} vs {browser['exported']} articles")
    return {
        "command": command_line(),
        "machine": machine(),
        "articles": articles,
        "sections": sections,
        "plain": plain,
        "browser": browser,
        "js-section": js,
        "slowdown": round(plain["pages_per_s"] / browser["pages_per_s"], 1),
    }


def print_figures(f: dict[str, Any]) -> None:
    print(f"$ {f['command']}")
    print(f"machine: {f['machine']}")
    print(f"replica: {f['articles']} articles; plain and browser crawl sections {f['sections']}")
    print(f"{'crawl':<12}{'pages':>7}{'in browser':>12}{'articles':>10}{'seconds':>9}{'pages/s':>9}"
          f"{'wall s':>8}")
    for name in ("plain", "browser", "js-section"):
        c = f[name]
        print(f"{name:<12}{c['pages']:>7}{c['browser_pages']:>12}{c['exported']:>10}{c['seconds']:>9}"
              f"{c['pages_per_s']:>9}{c['wall_s']:>8}")
    print(f"every page in the browser is {f['slowdown']}x slower than the plain downloader")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=900)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sections", default=DEFAULT_SECTIONS, help="static sections to crawl twice")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args(argv)
    figures = run(args.articles, args.seed, args.sections)
    print_figures(figures)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
