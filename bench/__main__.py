"""Run the core benchmarks (dates, parse, crawl, stories): ``python -m bench`` (full sizes) or
``python -m bench --quick`` (< 2 min). ``bench.render`` (browser) and ``bench.distributed`` (Redis)
need Chromium and redis-server and are run on their own.

Each benchmark prints its own figures and the exact command that reproduces it; speeds are ratios
against a baseline measured in the same run, since these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from bench import crawl, dates, parse, stories


def run(quick: bool) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    started = time.perf_counter()
    print("== bench.dates: newscrawl.dates against dateparser ==")
    figures["dates"] = dates.run(quick=quick)
    print("\n== bench.parse: article callback + loader + pipelines against lxml alone ==")
    figures["parse"] = parse.run(pages=300 if quick else 2000, passes=3 if quick else 5)
    print("\n== bench.crawl: the arabstoday spider against a minimal baseline spider ==")
    figures["crawl"] = crawl.run(articles=500 if quick else 5000, repeat=1 if quick else 2)
    print("\n== bench.stories: copies of one story across the network, grouped and scored ==")
    figures["stories"] = stories.run(articles=20 if quick else 300, repeat=1 if quick else 2)
    figures["seconds"] = round(time.perf_counter() - started, 1)
    print(f"\nall benchmarks: {figures['seconds']} s")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, under two minutes")
    parser.add_argument("--json", metavar="PATH", help="also write every figure as JSON to PATH")
    args = parser.parse_args(argv)
    figures = run(args.quick)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(figures, out, ensure_ascii=False, indent=2, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
