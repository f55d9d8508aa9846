"""``python -m newscrawl.replica``: the embedded replica's defaults, shown by --help; a busy port."""

from __future__ import annotations

import subprocess
import sys

from newscrawl.arguments import BY_NAME
from tests.conftest import ROOT, RunningReplica, start_replica


def _replica_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newscrawl.replica", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


def test_help_shows_the_defaults_of_the_embedded_replica():
    out = _replica_cli("--help")
    assert out.returncode == 0
    text = " ".join(out.stdout.split())
    assert f"as the embedded replica's (default: {BY_NAME['replica_articles'].default})" in text
    assert f"as the embedded replica's (default: {BY_NAME['replica_seed'].default})" in text
    assert "(default: 20)" in text and "(default: none)" in text  # --per-page, --faults


def test_without_options_it_serves_what_the_embedded_replica_serves():
    from newscrawl.replica import Catalogue

    running = start_replica()
    try:
        served = [a["article_id"] for a in running.articles]
    finally:
        running.stop()
    embedded = Catalogue(articles=BY_NAME["replica_articles"].default, seed=BY_NAME["replica_seed"].default)
    assert served == [a["article_id"] for a in embedded.manifest("http://x")]
    assert len(served) == 301


def test_a_busy_port_is_a_one_line_error(replica: RunningReplica):
    port = replica.url.rsplit(":", 1)[1]
    out = _replica_cli("--port", port)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines() == [
        f"python -m newscrawl.replica: error: cannot listen on 127.0.0.1:{port}: Address already in use"]
    assert out.stdout == ""
