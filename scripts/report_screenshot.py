"""Regenerate docs/report.png, the README's picture of a run: five crawls of the replica into one
state (the last against a replica whose pages keep failing with 5xx), then the last run's
``<feed>.report.html`` rendered in headless Chromium.

    python scripts/report_screenshot.py [--out docs/report.png]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from scrapy.settings import Settings

from newscrawl.render import LAUNCH_ARGS, check_chromium, chromium_path
from newscrawl.replica.process import spawn

ROOT = Path(__file__).resolve().parent.parent


def crawl(folder: Path, base_url: str, state: Path) -> Path:
    feed = folder / "items.jsonl"
    subprocess.run([sys.executable, "-m", "scrapy", "crawl", "arabstoday", "-a", f"base_url={base_url}",
                    "-a", "sections=arab,syria,world,economy,sports,culture,tech,writers", "-a", "full=1",
                    "-a", f"state={state}", "-s", "DOWNLOAD_TIMEOUT=2",
                    "-s", "NEWSCRAWL_RETRY_BACKOFF_BASE=0.05", "-O", str(feed), "-s", "LOG_LEVEL=WARNING"],
                   cwd=ROOT, check=False)
    return feed.with_suffix(".report.html")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "report.png"))
    out = Path(parser.parse_args().out)
    with tempfile.TemporaryDirectory() as tmp:
        folder, state = Path(tmp), Path(tmp) / "state.sqlite"
        base_url, replica = spawn("--articles", "400", "--seed", "3", cwd=ROOT)
        port = base_url.rsplit(":", 1)[1]
        try:
            for run in range(1, 5):
                crawl(folder / str(run), base_url, state)
        finally:
            replica.kill()
        _, faulty = spawn("--articles", "400", "--seed", "3", "--port", port, "--faults", "5xx=0.3",
                          "--fault-attempts", "99", cwd=ROOT)
        try:
            page = crawl(folder / "5", base_url, state)
        finally:
            faulty.kill()
        from playwright.sync_api import sync_playwright

        path, origin = chromium_path(Settings())
        check_chromium(path, origin, "the screenshot needs Chromium")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, headless=True, args=list(LAUNCH_ARGS))
            view = browser.new_page(viewport={"width": 840, "height": 1000})
            view.goto(page.as_uri())
            out.parent.mkdir(parents=True, exist_ok=True)
            view.screenshot(path=str(out), full_page=True)
            browser.close()
    print(out)


if __name__ == "__main__":
    main()
