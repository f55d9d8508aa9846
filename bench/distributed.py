"""Distributed benchmark: pages/s of 1, 2 and 4 crawl processes sharing one Redis, in one run.

    python -m bench.distributed [--articles 4000] [--polite-articles 1500] [--processes 1,2,4]
                                [--repeat 3] [--baseline DIR]

Starts the replica and a redis-server (both separate processes on loopback, their CPU not counted in
the crawl's), then crawls the whole replica (the sections that need no browser) once with the
single-process, non-Redis crawl and once per process count in distributed mode (`scrapy push-seeds`, then N
`scrapy crawl -s REDIS_URL=…` started together). Prints pages/s, CPU seconds per page (of the
crawl processes, and of redis-server meanwhile) and peak RSS per process, and checks that every run
exported every article exactly once. Redis keeps its append-only file, as the README recommends.

The distributed overhead is the CPU per page of one distributed process over the single crawl's,
measured in the same run: at full speed the two are alternated ``--repeat`` times and the best of
each kept (the run least disturbed by other load on the machine); every pair's ratio is printed too.
``--baseline DIR`` (another checkout, e.g. ``git worktree add /tmp/before <commit>``, crawled with
``DIR/.venv/bin/python`` when it has one) adds its own distributed process to each of those rounds,
so the overhead of the code before a change and after it are measured in the same run, alternated.

Two scenarios: "full speed" (no delay: every process as fast as the CPU lets it) and "polite"
(`DOWNLOAD_DELAY`=--polite-delay, one request at a time per process, as a crawl of a slow or
rate-limited site is bound by waiting, not by CPU); `--polite-articles 0` skips the second.

Wall time includes the end of a distributed run, where every process waits for the whole frontier to
stay idle for NEWSCRAWL_IDLE_CLOSE (set to 1 s here) before it closes; "busy" subtracts that wait.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, _vm_hwm_kb, command_line, machine, start_replica  # noqa: E402
from tests.servers import start_redis  # noqa: E402

IDLE_CLOSE = 1.0
OVERHEAD_GOAL = 1.15  # issue 14: distributed CPU per page within 15 % of the plain crawl's
CRAWL_SETTINGS = ["-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "ROBOTSTXT_OBEY=1",
                  "-s", "LOG_LEVEL=INFO", "-s", "TELNETCONSOLE_ENABLED=0"]
DISTRIBUTED_SETTINGS = ["-s", f"NEWSCRAWL_IDLE_CLOSE={IDLE_CLOSE}", "-s", "NEWSCRAWL_LEASE_TTL=10"]


@dataclass
class Run:
    processes: int
    wall: float
    cpu: float  # CPU seconds of the crawl processes, summed
    redis_cpu: float  # CPU seconds redis-server spent meanwhile (0 for a crawl without Redis)
    max_rss_mb: float  # the largest of them
    responses: int
    exported: int
    duplicates: int
    missing: int
    shares: list[int]


@dataclass(frozen=True)
class Code:
    """The code a crawl runs: a checkout and the Python that runs it."""

    root: Path = ROOT
    python: str = sys.executable

    @classmethod
    def checkout(cls, directory: str) -> Code:
        root = Path(directory).resolve()
        venv = root / ".venv" / "bin" / "python"
        return cls(root, str(venv) if venv.exists() else sys.executable)


def crawl(n: int, base_url: str, sections: str, tmp: Path, redis_url: str | None,
          expected: set[str], settings: tuple[str, ...] = (), code: Code = Code()) -> Run:
    """``n`` crawl processes started together (distributed when ``redis_url``), until all exit."""
    env = {**os.environ, "PYTHONPATH": str(code.root)}
    redis_cpu = 0.0
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()
        redis_cpu = -_redis_cpu(redis_url)
        seeded = subprocess.run([code.python, "-m", "scrapy", "push-seeds", "-s", f"REDIS_URL={redis_url}",
                                 "-a", f"base_url={base_url}", "-a", f"sections={sections}"],
                                cwd=code.root, env=env, capture_output=True, text=True)
        if seeded.returncode != 0:
            raise RuntimeError(f"push-seeds failed:\n{seeded.stdout}{seeded.stderr[-3000:]}")
    name = f"{len(list(tmp.glob('*.log')))}-n{n}-{'redis' if redis_url else 'plain'}"
    feeds = [tmp / f"{name}-{i}.jsonl" for i in range(n)]
    extra = ["-s", f"REDIS_URL={redis_url}", *DISTRIBUTED_SETTINGS] if redis_url else []
    started = time.perf_counter()
    cmd = [code.python, "-m", "scrapy", "crawl", "arabstoday", "-a", f"base_url={base_url}",
           "-a", f"sections={sections}", *CRAWL_SETTINGS, *settings, *extra]
    procs = [subprocess.Popen([*cmd, "-O", str(feed)], cwd=code.root, env=env, stderr=subprocess.STDOUT,
                              stdout=feed.with_suffix(".log").open("wb"))
             for feed in feeds]
    # Peak RSS from VmHWM, sampled until each exits (see bench.common: ru_maxrss counts the fork).
    peaks = [0] * n
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            for i, proc in enumerate(procs):
                peaks[i] = max(peaks[i], _vm_hwm_kb(proc.pid) or 0)
            done.wait(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    cpu = 0.0
    for proc in procs:
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        cpu += usage.ru_utime + usage.ru_stime
    wall = time.perf_counter() - started
    if redis_url:
        redis_cpu += _redis_cpu(redis_url)
    done.set()
    watcher.join()
    rss = max(peaks) / 1024
    responses, urls, shares = 0, Counter[str](), []
    for proc, feed in zip(procs, feeds, strict=True):
        log = feed.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
        if proc.returncode != 0:
            raise RuntimeError(f"crawl process exited {proc.returncode}:\n{log[-3000:]}")
        found = re.search(r"'downloader/response_count': (\d+)", log)
        responses += int(found.group(1)) if found else 0
        mine = [json.loads(line)["url"] for line in feed.read_text(encoding="utf-8").splitlines() if line]
        shares.append(len(mine))
        urls.update(mine)
    return Run(n, wall, cpu, redis_cpu, rss, responses, sum(urls.values()),
               sum(c - 1 for c in urls.values() if c > 1), len(expected - set(urls)), shares)


def _redis_cpu(url: str) -> float:
    import redis

    info = redis.Redis.from_url(url).info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def scenario(name: str, articles: int, seed: int, counts: tuple[int, ...],
             settings: tuple[str, ...] = (), repeat: int = 1, baseline: Code | None = None) -> dict[str, Any]:
    """One replica; the single non-Redis crawl and one distributed process (and one of ``baseline``),
    alternated ``repeat`` times (the best of each: the least disturbed by whatever else runs on the
    machine), then each other process count on one Redis."""
    from newscrawl.sites import get_site

    keys = [s.key for s in get_site("arabstoday").sections if not s.render]
    replica = start_replica(articles, seed)
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        redis_server = start_redis(tmp / "redis", persistence=True)  # as the README recommends
        redis_url = redis_server.url
        try:
            manifest = replica.manifest("url,section")
            expected = {a["url"] for a in manifest["articles"] if a["section"] in keys}
            pages = len(expected) + sum(s["pages"] for s in manifest["sections"] if s["key"] in keys)

            def run(n: int, url: str | None, code: Code = Code()) -> Run:
                return crawl(n, replica.url, ",".join(keys), tmp, url, expected, settings, code)

            pairs, before = [], []
            for k in range(max(repeat, 1)):
                plain = run(1, None)
                if baseline is None:
                    pairs.append((plain, run(1, redis_url)))
                    continue
                if k % 2:  # each goes first every other round
                    pairs.append((plain, run(1, redis_url)))
                    before.append(run(1, redis_url, baseline))
                else:
                    before.append(run(1, redis_url, baseline))
                    pairs.append((plain, run(1, redis_url)))
            runs = [min((one for _, one in pairs), key=lambda r: r.cpu)]
            runs += [run(n, redis_url) for n in counts if n != 1]
        finally:
            redis_server.stop()
            replica.stop()
    plain = min((p for p, _ in pairs), key=lambda r: r.cpu)
    rows = [_figures("single, no Redis", plain, pages, 0.0)]
    rows += [_figures(f"{r.processes} x Redis", r, pages, IDLE_CLOSE) for r in runs]
    if before:
        rows.insert(1, _figures("1 x Redis, baseline", min(before, key=lambda r: r.cpu), pages, IDLE_CLOSE))
    for row in rows:
        row["speedup"] = round(row["pages_per_s"] / rows[0]["pages_per_s"], 2)
    checked = [p for pair in pairs for p in pair] + runs[1:] + before
    overhead = {"cpu_ratio": round(runs[0].cpu / plain.cpu, 3), "repeat": len(pairs),
                "pairs": [round(one.cpu / single.cpu, 3) for single, one in pairs]}
    if before:
        overhead["baseline"] = {"code": str(baseline.root) if baseline else None,
                                "cpu_ratio": round(min(r.cpu for r in before) / plain.cpu, 3),
                                "pairs": [round(b.cpu / single.cpu, 3)
                                          for (single, _), b in zip(pairs, before, strict=True)]}
    return {"scenario": name, "settings": " ".join(settings), "articles": len(expected), "pages": pages,
            "runs": rows, "all_complete": all(not r.duplicates and not r.missing for r in checked),
            "overhead": overhead}


def run(articles: int = 4000, seed: int = 1, counts: tuple[int, ...] = (1, 2, 4),
        polite_articles: int = 1500, polite_delay: float = 0.02, quiet: bool = False,
        repeat: int = 3, baseline: Code | None = None) -> dict[str, Any]:
    scenarios = [scenario("full speed", articles, seed, counts, repeat=repeat, baseline=baseline)]
    if polite_articles:
        polite = ("-s", f"DOWNLOAD_DELAY={polite_delay}", "-s", "RANDOMIZE_DOWNLOAD_DELAY=0",
                  "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
        scenarios.append(scenario("polite", polite_articles, seed, counts, polite))
    figures = {"command": command_line(), "machine": machine(), "idle_close_s": IDLE_CLOSE,
               "scenarios": scenarios}
    if not quiet:
        print_figures(figures)
    return figures


def _figures(name: str, r: Run, pages: int, idle: float) -> dict[str, Any]:
    busy = max(r.wall - idle, 0.001)
    return {
        "crawl": name, "processes": r.processes, "seconds": round(r.wall, 2),
        "pages_per_s": round(pages / r.wall, 1), "busy_pages_per_s": round(pages / busy, 1),
        "cpu_s_per_page": round(r.cpu / pages, 5), "redis_cpu_s_per_page": round(r.redis_cpu / pages, 6),
        "peak_rss_mb": round(r.max_rss_mb, 1),
        "responses": r.responses, "exported": r.exported, "duplicates": r.duplicates,
        "missing": r.missing, "shares": r.shares,
    }


def print_figures(f: dict[str, Any]) -> None:
    print(f"$ {f['command']}")
    print(f"machine: {f['machine']}; distributed processes wait {f['idle_close_s']} s of idle frontier"
          f" before closing (in 'seconds', not in 'busy p/s')")
    for s in f["scenarios"]:
        print(f"\n{s['scenario']}: {s['articles']} articles, {s['pages']} pages (sections without a"
              f" browser) {s['settings']}")
        print(f"{'crawl':<18}{'seconds':>8}{'pages/s':>9}{'busy p/s':>10}{'speedup':>9}{'CPU s/page':>12}"
              f"{'Redis CPU':>11}{'RSS MB':>8}{'exported':>10}{'dup':>5}{'miss':>6}  shares")
        for c in s["runs"]:
            print(f"{c['crawl']:<18}{c['seconds']:>8}{c['pages_per_s']:>9}{c['busy_pages_per_s']:>10}"
                  f"{c['speedup']:>9}{c['cpu_s_per_page']:>12}{c['redis_cpu_s_per_page']:>11}"
                  f"{c['peak_rss_mb']:>8}{c['exported']:>10}"
                  f"{c['duplicates']:>5}{c['missing']:>6}  {c['shares']}")
        o = s["overhead"]
        best = f" (best of each of {o['repeat']}, alternated)" if o["repeat"] > 1 else ""
        print(f"distributed overhead, CPU per page of 1 x Redis / single{best}: {o['cpu_ratio']:.3f}"
              f" (goal <= {OVERHEAD_GOAL}); each pair: {', '.join(f'{x:.3f}' for x in o['pairs'])}")
        if "baseline" in o:
            b = o["baseline"]
            print(f"baseline {b['code']}, the same: {b['cpu_ratio']:.3f}; each pair (same single run):"
                  f" {', '.join(f'{x:.3f}' for x in b['pairs'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--processes", default="1,2,4", help="comma list of process counts")
    parser.add_argument("--polite-articles", type=int, default=1500,
                        help="replica size of the polite scenario (0: skip it)")
    parser.add_argument("--polite-delay", type=float, default=0.02, help="DOWNLOAD_DELAY of the polite runs")
    parser.add_argument("--repeat", type=int, default=3,
                        help="full speed: the single crawl and 1 distributed process, alternated this"
                             " many times (best of each)")
    parser.add_argument("--baseline", metavar="DIR",
                        help="another checkout (with DIR/.venv, if any): its 1-process distributed crawl"
                             " alternates with this code's at full speed, for a before/after in one run")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args(argv)
    counts = tuple(int(n) for n in args.processes.split(",") if n.strip())
    figures = run(args.articles, args.seed, counts, args.polite_articles, args.polite_delay,
                  repeat=args.repeat, baseline=Code.checkout(args.baseline) if args.baseline else None)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    return 0 if all(s["all_complete"] for s in figures["scenarios"]) else 1


if __name__ == "__main__":
    sys.exit(main())
