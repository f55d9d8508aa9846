"""Crawl benchmark: the production spider against a minimal baseline spider, in one run.

    python -m bench.crawl [--articles 5000] [--seed 1]

Starts the replica (a separate process, so its CPU is not counted), measures the replica's own
ceiling with a trivial keep-alive HTTP client, then runs the baseline spider and the production
``arabstoday`` spider (production pipelines, JSON Lines feed, AutoThrottle off, robots.txt on, the
rest as shipped) over the whole replica. Prints pages/s, articles/s, their ratio, CPU seconds per
article page and the peak RSS of each crawl process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Replica, command_line, machine, measure, start_replica  # noqa: E402
from newscrawl.sites import get_site  # noqa: E402

CRAWLS = ("baseline", "arabstoday")
CRAWL_SETTINGS = ["-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "ROBOTSTXT_OBEY=1",
                  "-s", "LOG_LEVEL=INFO"]


async def _client(host: str, port: int, paths: list[str], connections: int) -> int:
    """Fetch ``paths`` over ``connections`` keep-alive connections; the least a client can do."""
    queue = list(reversed(paths))
    done = 0

    async def worker() -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection(host, port)
        while queue:
            path = queue.pop()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            done += 1
        writer.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    return done


def replica_ceiling(replica: Replica, urls: list[str], connections: int = 16) -> float:
    parts = urlsplit(replica.url)
    paths = [urlsplit(u).path for u in urls]
    started = time.perf_counter()
    done = asyncio.run(_client(parts.hostname or "127.0.0.1", parts.port or 80, paths, connections))
    return done / (time.perf_counter() - started)


def _crawl_figures(run: Any, pages: int, articles: int, exported: int) -> dict[str, float]:
    return {
        "seconds": round(run.wall, 2),
        "pages_per_s": round(pages / run.wall, 1),
        "articles_per_s": round(articles / run.wall, 1),
        "cpu_s_per_article": round(run.cpu / articles, 5),
        "peak_rss_mb": round(run.max_rss_mb, 1),
        "exported": exported,
    }


def run(articles: int = 5000, seed: int = 1, quiet: bool = False, repeat: int = 2,
        crawls: tuple[str, ...] = CRAWLS) -> dict[str, Any]:
    replica = start_replica(articles, seed)
    try:
        manifest = replica.manifest("url,section")
        # the sections read without a browser (the client-side one is measured by bench/render.py)
        site = get_site("arabstoday")
        sections = [s for s in manifest["sections"] if not site.section(s["key"]).render]
        keys = {s["key"] for s in sections}
        urls = [a["url"] for a in manifest["articles"] if a["section"] in keys]
        pages = len(urls) + sum(s["pages"] for s in sections) + 1  # + robots.txt
        ceiling = replica_ceiling(replica, urls[: min(len(urls), 3000)])
        commands = {
            "baseline": ["scrapy", "runspider", "bench/baseline_spider.py",
                         "-a", "sections=" + ",".join(s["path"] for s in sections)],
            "arabstoday": ["scrapy", "crawl", "arabstoday",
                           "-a", "sections=" + ",".join(s["key"] for s in sections)],
        }
        commands = {name: cmd for name, cmd in commands.items() if name in crawls}
        best: dict[str, Any] = {}
        runs: dict[str, list[Any]] = {name: [] for name in commands}
        exported: dict[str, int] = {}
        with tempfile.TemporaryDirectory() as tmp:
            for _ in range(repeat):  # interleaved, best of each: the machine is shared and noisy
                for name, cmd in commands.items():
                    feed = f"{tmp}/{name}.jsonl"
                    result = measure([sys.executable, "-m", *cmd, "-a", f"base_url={replica.url}",
                                      "-O", feed, *CRAWL_SETTINGS])
                    if result.returncode != 0:
                        raise RuntimeError(f"{name} crawl failed:\n{result.output[-3000:]}")
                    exported[name] = sum(1 for _ in open(feed, encoding="utf-8"))
                    runs[name].append(result)
                    if name not in best or result.wall < best[name].wall:
                        best[name] = result
    finally:
        replica.stop()
    figures = {
        "command": command_line(),
        "machine": machine(),
        "articles": len(urls),
        "pages": pages,
        "replica_ceiling_pages_per_s": round(ceiling, 1),
        "repeat": repeat,
    }
    for name, result in best.items():
        figures[name] = _crawl_figures(result, pages, len(urls), exported[name])
    if len(best) == len(CRAWLS):
        _ratios(figures, runs)
    if not quiet:
        print_figures(figures)
    return figures


def _ratios(figures: dict[str, Any], runs: dict[str, list[Any]]) -> None:
    # each interleaved pair (baseline run k, arabstoday run k): how much the ratios move on this machine
    figures["pair_ratios_pages_per_s"] = [round(b.wall / o.wall, 3)
                                          for b, o in zip(runs["baseline"], runs["arabstoday"], strict=True)]
    figures["pair_ratios_cpu"] = [round(b.cpu / o.cpu, 3)
                                  for b, o in zip(runs["baseline"], runs["arabstoday"], strict=True)]
    figures["ratio_pages_per_s"] = round(figures["arabstoday"]["pages_per_s"]
                                         / figures["baseline"]["pages_per_s"], 3)
    # CPU per article page is less sensitive to other load on the machine than wall time
    figures["ratio_cpu_per_article"] = round(figures["baseline"]["cpu_s_per_article"]
                                             / figures["arabstoday"]["cpu_s_per_article"], 3)


def print_figures(f: dict[str, Any]) -> None:
    print(f"$ {f['command']}")
    print(f"machine: {f['machine']}")
    print(f"replica: {f['articles']} articles, {f['pages']} pages;"
          f" its ceiling with a trivial keep-alive client: {f['replica_ceiling_pages_per_s']} pages/s")
    print(f"{'crawl':<12}{'seconds':>9}{'pages/s':>10}{'articles/s':>12}{'CPU s/article':>15}"
          f"{'peak RSS MB':>13}{'exported':>10}")
    for name in (n for n in CRAWLS if n in f):
        c = f[name]
        print(f"{name:<12}{c['seconds']:>9}{c['pages_per_s']:>10}{c['articles_per_s']:>12}"
              f"{c['cpu_s_per_article']:>15}{c['peak_rss_mb']:>13}{c['exported']:>10}")
    if "ratio_pages_per_s" not in f:
        return
    print(f"ratio arabstoday/baseline pages/s: {f['ratio_pages_per_s']} (goal ≥ 0.8; best of"
          f" {f['repeat']} interleaved runs each)")
    print(f"ratio baseline/arabstoday CPU seconds per article page: {f['ratio_cpu_per_article']}")
    print(f"each interleaved pair: pages/s {f['pair_ratios_pages_per_s']}, CPU {f['pair_ratios_cpu']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=2, help="interleaved runs of each crawl; best kept")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    parser.add_argument("--crawls", default=",".join(CRAWLS),
                        help="which crawls to run (default both; `arabstoday` alone measures memory "
                             "against N without the baseline's run, no ratio)")
    args = parser.parse_args(argv)
    crawls = tuple(c.strip() for c in args.crawls.split(",") if c.strip())
    if not crawls or set(crawls) - set(CRAWLS):
        parser.error(f"--crawls: choose among {', '.join(CRAWLS)}")
    figures = run(args.articles, args.seed, repeat=args.repeat, crawls=crawls)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
