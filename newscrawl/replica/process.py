"""The replica in a child process, as tests and benchmarks run it (its CPU apart from the crawl's)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def spawn(*args: str, cwd: str | Path | None = None) -> tuple[str, subprocess.Popen[str]]:
    """Start ``python -m newscrawl.replica --port 0 ARGS``; return its base URL once it serves.

    A later ``--port`` in ``args`` wins (argparse), for restarting a replica on the same port.
    """
    process = subprocess.Popen([sys.executable, "-m", "newscrawl.replica", "--port", "0", *args],
                               cwd=cwd, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if "http://" not in line:
        process.kill()
        raise RuntimeError(f"the replica did not start: {line!r}")
    return line[line.index("http://"):].strip().rstrip("/"), process
