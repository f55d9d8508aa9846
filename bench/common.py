"""What the benchmarks share: a replica process, child-process measurement, machine facts."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Replica:
    url: str
    process: subprocess.Popen[str]

    def manifest(self, fields: str | None = None) -> dict[str, Any]:
        """The replica's manifest; ``fields`` (comma list) keeps big replicas' manifests small."""
        query = f"?fields={fields}" if fields else ""
        with urllib.request.urlopen(f"{self.url}/__replica__/manifest.json{query}", timeout=600) as resp:
            return json.load(resp)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


def start_replica(articles: int, seed: int = 1, *extra: str) -> Replica:
    from newscrawl.replica.process import spawn

    return Replica(*spawn("--articles", str(articles), "--seed", str(seed), *extra, cwd=ROOT))


@dataclass
class ProcessRun:
    """Wall time, CPU time (wait4: exact for that child) and peak RSS of one child process."""

    returncode: int
    wall: float
    cpu: float
    max_rss_mb: float
    output: str


def _vm_hwm_kb(pid: int) -> int | None:
    """The process's own peak RSS (VmHWM). Not ru_maxrss: after fork+exec that also counts the
    parent's memory at fork time, which would charge the benchmark's own RSS to the crawl."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def measure(cmd: list[str], env: dict[str, str] | None = None) -> ProcessRun:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    peak_kb = 0
    done = threading.Event()

    def watch() -> None:
        nonlocal peak_kb
        while not done.is_set():
            peak_kb = max(peak_kb, _vm_hwm_kb(proc.pid) or 0)
            done.wait(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    output = proc.stdout.read()  # until the child closes its output, i.e. exits
    peak_kb = max(peak_kb, _vm_hwm_kb(proc.pid) or 0)  # a zombie keeps no status; best effort
    done.set()
    watcher.join()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return ProcessRun(proc.returncode, wall, usage.ru_utime + usage.ru_stime, peak_kb / 1024, output)


def machine() -> str:
    import scrapy

    return (f"{os.cpu_count()} cores, Python {platform.python_version()}, Scrapy {scrapy.__version__},"
            f" {platform.system()} {platform.machine()}")


def command_line() -> str:
    return "python -m " + " ".join([sys.argv[0].replace(str(ROOT) + "/", "").replace("/", ".")
                                    .removesuffix(".py").removesuffix(".__main__"), *sys.argv[1:]])
