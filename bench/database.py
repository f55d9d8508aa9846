"""Database sink benchmark: what ``NEWSCRAWL_DATABASE`` costs a crawl, against the same crawl with its
JSON Lines feed only, in one run.

    python -m bench.database [--articles 2000] [--repeat 2]

Starts the replica and a PostgreSQL of its own (tests/servers.py: Debian's postgresql, initdb on a
free loopback port), then crawls the replica's plain sections three ways, interleaved, ``repeat``
times each: the feed only, the feed and SQLite, the feed and PostgreSQL (a fresh database file or
database every time, so every article is inserted with its first revision). Prints wall seconds,
CPU seconds of the crawl process per article (the database server's own CPU is not counted) and
each ratio against the feed-only crawl.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import command_line, machine, measure, start_replica  # noqa: E402
from newscrawl.sites import get_site  # noqa: E402

SETTINGS = ["-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=INFO"]


def run(articles: int = 2000, repeat: int = 2) -> dict[str, Any]:
    from tests.servers import start_postgres

    sections = ",".join(s.key for s in get_site("arabstoday").sections if not s.render)
    replica = start_replica(articles, 1)
    postgres = start_postgres()
    best: dict[str, Any] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for n in range(repeat):
                for name in ("feed only", "feed + SQLite", "feed + PostgreSQL"):
                    folder = Path(tmp) / f"{n}-{name.split()[-1]}"
                    database = {"feed + SQLite": f"sqlite:///{folder}/articles.db",
                                "feed + PostgreSQL": postgres.create_database(f"bench{n}")}.get(name)
                    cmd = [sys.executable, "-m", "scrapy", "crawl", "arabstoday", "-a",
                           f"base_url={replica.url}", "-a", f"sections={sections}", *SETTINGS,
                           "-O", str(folder / "items.jsonl")]
                    if database:
                        cmd += ["-s", f"NEWSCRAWL_DATABASE={database}"]
                    result = measure(cmd)
                    if result.returncode != 0:
                        raise SystemExit(f"{name}: exit {result.returncode}\n{result.output[-3000:]}")
                    exported = sum(1 for _ in (folder / "items.jsonl").open(encoding="utf-8"))
                    if not exported:
                        raise SystemExit(f"{name}: nothing exported\n{result.output[-3000:]}")
                    if name not in best or result.wall < best[name]["wall"]:
                        best[name] = {"wall": result.wall, "cpu": result.cpu, "articles": exported}
    finally:
        postgres.remove()
        replica.stop()
    base = best["feed only"]
    print(f"machine: {machine()}\nreplica: {articles} articles; sections {sections}; best of {repeat}")
    print(f"{'crawl':<20}{'articles':>9}{'wall s':>9}{'CPU ms/article':>16}{'wall ratio':>12}"
          f"{'CPU ratio':>11}")
    for name, f in best.items():
        print(f"{name:<20}{f['articles']:>9}{f['wall']:>9.2f}{f['cpu'] / f['articles'] * 1000:>16.2f}"
              f"{f['wall'] / base['wall']:>12.2f}{f['cpu'] / base['cpu']:>11.2f}")
    print(f"command: {command_line()}")
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    run(args.articles, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
