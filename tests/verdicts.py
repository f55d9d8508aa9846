"""Assertions on a run's verdict as a user sees it: the exit status, the report's ``verdict`` entry,
and the last line of stderr — the one line cron mails when the log goes to ``LOG_FILE``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import CrawlResult


def report_beside(feed: Path) -> dict[str, Any]:
    """The run report written beside a feed file (``<feed stem>.report.json``)."""
    return json.loads(feed.with_name(feed.stem + ".report.json").read_text(encoding="utf-8"))


def last_line(log: str) -> str:
    lines = [line for line in log.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def contract_line(verdict: dict[str, Any]) -> str:
    """The last stderr line the README promises for a run whose status is not 0."""
    if verdict["status"] == 1:
        return f"scrapy: error: {verdict['reason']} (exit status 1 by rule {verdict['rule']})"
    return f"scrapy: {verdict['line']}"


def assert_verdict(result: CrawlResult, status: int, rule: str, words: str,
                   report: dict[str, Any] | None = None) -> dict[str, Any]:
    """Exit ``status`` decided by ``rule`` with ``words`` in its one-line reason, the same in the
    report and on stderr's last line; the report's verdict."""
    if report is None:
        report = report_beside(next(iter(result.feeds.values())))
    verdict = report["verdict"]
    assert result.returncode == status, result.log[-3000:]
    assert (verdict["status"], verdict["rule"]) == (status, rule), verdict
    assert words in verdict["reason"] and "\n" not in verdict["line"], verdict
    assert f"Verdict: {verdict['line']}" in result.log
    if status:
        assert last_line(result.log) == contract_line(verdict), result.log[-3000:]
    return verdict
