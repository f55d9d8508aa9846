"""Real servers on loopback for the distributed tests: Debian's redis-server and scrapyd from PyPI.

Each runs on a free port with its files in a temporary directory, and is killed afterwards. A server
that is not installed skips the tests that need it locally, with the reason; under CI (``CI=true``)
it fails them instead, so a CI machine missing it cannot pass by skipping.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = (os.environ.get("NEWSCRAWL_REDIS_SERVER") or shutil.which("redis-server")
                or "/usr/bin/redis-server")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def missing(what: str, hint: str) -> None:
    """Skip (locally) or fail (in CI) a test that needs ``what``."""
    message = f"{what} is not available: {hint}"
    if in_ci():
        pytest.fail(message + " (CI=true: failing instead of skipping)", pytrace=False)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check: Any, timeout: float, what: str, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
        except Exception:  # noqa: BLE001 - not up yet
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


@dataclass
class RedisServer:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    command: list[str]

    def client(self) -> Any:
        import redis

        return redis.Redis.from_url(self.url)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)

    def shutdown(self) -> None:
        """Stop as ``systemctl stop`` does (SIGTERM): with persistence on, Redis saves first."""
        self.process.terminate()
        self.process.wait(timeout=60)

    def start(self) -> None:
        """Start again, same port, same files (after :meth:`shutdown`)."""
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until(lambda: self.client().ping(), 60, "redis-server to answer PING")
        except TimeoutError:
            self.stop()
            raise

    def restart(self) -> None:
        self.shutdown()
        self.start()


def start_redis(directory: Path, persistence: bool = False) -> RedisServer:
    """``redis-server`` on a free loopback port, its files in ``directory``; no persistence, or
    ``persistence``: the append-only file as the README recommends (appendonly yes, fsync every second)."""
    if not Path(REDIS_SERVER).exists():
        missing("redis-server", "install Debian's redis-server (scripts/install-system-packages.sh)")
    try:
        import redis  # noqa: F401
    except ImportError:
        missing("the redis package", "pip install -e '.[test]'")
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    aof = ["--appendonly", "yes", "--appendfsync", "everysec"] if persistence else ["--appendonly", "no"]
    command = [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory),
               "--save", "", *aof, "--protected-mode", "yes", "--daemonize", "no"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = RedisServer(f"redis://127.0.0.1:{port}/0", port, process, command)
    try:
        wait_until(lambda: server.client().ping(), 20, "redis-server to answer PING")
    except TimeoutError:
        server.stop()
        raise
    return server


@dataclass
class ScrapydServer:
    url: str
    directory: Path
    process: subprocess.Popen[bytes]

    def get(self, endpoint: str, **params: str) -> dict[str, Any]:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        with urllib.request.urlopen(f"{self.url}{endpoint}{query}", timeout=30) as resp:
            return json.load(resp)

    def post(self, endpoint: str, fields: list[tuple[str, str]]) -> dict[str, Any]:
        data = urllib.parse.urlencode(fields).encode()
        with urllib.request.urlopen(f"{self.url}{endpoint}", data=data, timeout=30) as resp:
            return json.load(resp)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)  # scrapyd and the crawls it launched
        self.process.wait(timeout=10)


def start_scrapyd(directory: Path) -> ScrapydServer:
    """scrapyd on a free loopback port, with its eggs, logs and databases in ``directory``.

    It runs in ``directory`` so that it reads the ``scrapyd.conf`` written there (and no project's
    scrapy.cfg), in its own process group so that :meth:`ScrapydServer.stop` ends its crawls too.
    """
    if shutil.which("scrapyd") is None and not _importable("scrapyd"):
        missing("scrapyd", "pip install -e '.[test]'")
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    (directory / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        "bind_address = 127.0.0.1\n"
        f"http_port = {port}\n"
        f"eggs_dir = {directory / 'eggs'}\n"
        f"logs_dir = {directory / 'logs'}\n"
        f"dbs_dir = {directory / 'dbs'}\n"
        "items_dir =\n"
        "poll_interval = 0.5\n"
        "max_proc = 2\n",
        encoding="utf-8",
    )
    env = {**os.environ, "HOME": str(directory)}  # no ~/.scrapyd.conf of the user's
    process = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=directory, env=env,
                               stdout=subprocess.DEVNULL, stderr=(directory / "scrapyd.err").open("wb"),
                               start_new_session=True)
    server = ScrapydServer(f"http://127.0.0.1:{port}/", directory, process)
    try:
        wait_until(lambda: server.get("daemonstatus.json")["status"] == "ok", 30, "scrapyd to start")
    except TimeoutError:
        server.stop()
        raise RuntimeError((directory / "scrapyd.err").read_text(errors="replace")[-3000:]) from None
    return server


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None
