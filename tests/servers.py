"""Real servers on loopback for the tests: Debian's redis-server and PostgreSQL, scrapyd from PyPI.

Each runs on a free port with its files in a temporary directory, and is killed afterwards. A server
that is not installed skips the tests that need it locally, with the reason; under CI (``CI=true``)
it fails them instead, so a CI machine missing it cannot pass by skipping.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
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
        wait_until(lambda: server.client().ping(), 120, "redis-server to answer PING")
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
        wait_until(lambda: server.get("daemonstatus.json")["status"] == "ok", 300, "scrapyd to start")
    except TimeoutError:
        server.stop()
        raise RuntimeError((directory / "scrapyd.err").read_text(errors="replace")[-3000:]) from None
    return server


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


@dataclass
class PostgresServer:
    """A PostgreSQL cluster of its own (Debian's ``postgresql``), trust auth on a loopback port."""

    port: int
    directory: Path
    bindir: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A fresh empty database (dropped first if a test ran before); its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def pg_ctl(self, *args: str) -> None:
        _as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.directory / "data"), *args])

    def stop(self) -> None:
        """Stop at once (no checkpoint): to the crawl, the server has gone away."""
        self.pg_ctl("-m", "immediate", "-w", "stop")

    def start(self) -> None:
        self.pg_ctl("-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
                    " -c fsync=off -c full_page_writes=off",
                    "-l", str(self.directory / "server.log"), "-w", "start")

    def remove(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.directory, ignore_errors=True)


def _postgres_bindir() -> Path | None:
    """Debian keeps initdb and pg_ctl in /usr/lib/postgresql/<version>/bin, off PATH."""
    found = os.environ.get("NEWSCRAWL_PG_BINDIR")
    if found:
        return Path(found)
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if candidates:
        return Path(candidates[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _as_postgres(cmd: list[str]) -> None:
    """Run a server command; as root, as the ``postgres`` user (PostgreSQL refuses to run as root)."""
    if os.geteuid() == 0:
        cmd = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(_quote(part) for part in cmd)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)


def _quote(part: str) -> str:
    import shlex

    return shlex.quote(part)


def start_postgres() -> PostgresServer:
    """A new cluster (``initdb``) on a free loopback port, its files in a new directory under the
    system's temporary directory (which the ``postgres`` user can reach, unlike pytest's)."""
    bindir = _postgres_bindir()
    if bindir is None or not (bindir / "initdb").exists():
        missing("PostgreSQL", "install Debian's postgresql (scripts/install-system-packages.sh)")
    try:
        import psycopg  # noqa: F401
        import sqlalchemy  # noqa: F401
    except ImportError:
        missing("the database extra", "pip install -e '.[test]'")
    directory = Path(tempfile.mkdtemp(prefix="newscrawl-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    server = PostgresServer(free_port(), directory, bindir)
    try:
        _as_postgres([str(bindir / "initdb"), "-D", str(directory / "data"), "-A", "trust", "-U", "postgres",
                      "--no-sync", "-E", "UTF8", "--locale=C"])
        server.start()
    except subprocess.CalledProcessError as exc:
        server.remove()
        log = directory / "server.log"
        raise RuntimeError(f"PostgreSQL did not start: {exc.stderr!r}"
                           f" {log.read_text(errors='replace')[-2000:] if log.exists() else ''}") from None
    return server
