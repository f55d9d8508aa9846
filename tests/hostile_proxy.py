"""Test helpers for the exit-status rows: a hostile proxy in front of a replica, and child processes
for which file permissions really apply (even when the tests run as root).

:class:`HostileProxy` is an HTTP server on a free loopback port that forwards every request to a
replica, keeping the ``Host`` header (so the replica's links name the proxy); it can hold every
request (after the first ``pass_first``) until the test opens its gate, pad chosen pages beyond
``DOWNLOAD_MAXSIZE``, and rewrite the markup of every page (the site changed its layout). It counts
what it received, so tests wait for an observable event instead of sleeping. :func:`immutable`
makes a file or directory that not even root may write (``chattr +i``).
"""

from __future__ import annotations

import ctypes
import http.client
import os
import random
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

#: Capabilities that let root ignore file permissions (capability(7)): CAP_DAC_OVERRIDE,
#: CAP_DAC_READ_SEARCH.
_FILE_OVERRIDES = (1, 2)
_PR_CAPBSET_DROP = 24
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "accept-encoding"}


class HostileProxy:
    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.gate = threading.Event()  # set: requests go through; clear: they wait
        self.gate.set()
        self.pass_first = 0  # this many requests go through whatever the gate (a run stopped mid-way)
        self.padding: dict[str, int] = {}  # path (with its query) -> bytes of padding added to its page
        self.rewrite: dict[bytes, bytes] = {}  # markup replaced in every page
        self.received: list[str] = []  # paths, in the order requests arrived
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def count(self, prefix: str = "/") -> int:
        with self._lock:
            return sum(1 for path in self.received if path.startswith(prefix))

    def stop(self) -> None:
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server interface
                with proxy._lock:
                    proxy.received.append(self.path)
                    arrived = len(proxy.received)
                if arrived > proxy.pass_first:
                    proxy.gate.wait(timeout=600)
                status, headers, body = proxy._forward(self.path, dict(self.headers.items()))
                for old, new in proxy.rewrite.items():
                    body = body.replace(old, new)
                padding = proxy.padding.get(self.path)
                if padding:
                    body += b"<!-- " + b"x" * padding + b" -->"
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in _HOP_BY_HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
                pass

        return Handler

    def _forward(self, path: str, headers: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(*self.upstream, timeout=120)
        try:
            sent = {k: v for k, v in headers.items() if k.lower() not in _HOP_BY_HOP}
            connection.request("GET", path, headers=sent)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()


@contextmanager
def immutable(path: Path) -> Iterator[None]:
    """``chattr +i`` on ``path`` for the ``with`` block: not even root may write it (or, for a
    directory, create a file in it) — the issue's read-only state. Skips the test where ``chattr``
    is missing or the filesystem (or a missing CAP_LINUX_IMMUTABLE) refuses it."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed (e2fsprogs)")
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"chattr +i refused here: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def without_file_overrides() -> None:
    """``preexec_fn`` of a child process for which file permissions apply: as root, the child loses
    the capabilities that override them (dropped from its bounding set before exec); as another user,
    they apply already."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in _FILE_OVERRIDES:
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed: cannot drop CAP_DAC_OVERRIDE")


def corrupt_pages(path: Path, pages: int = 3, seed: int = 1) -> None:
    """Overwrite the first 512 bytes of a few pages in the middle of a SQLite file with random bytes
    (their b-tree headers: damage ``PRAGMA quick_check`` always sees)."""
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big") or 65536
    count = len(data) // page_size
    assert count >= pages + 2, f"{path} has only {count} pages"
    rng = random.Random(seed)
    for page in rng.sample(range(1, count - 1), pages):  # not the first page (the file header)
        data[page * page_size:page * page_size + 512] = rng.randbytes(512)
    path.write_bytes(bytes(data))
