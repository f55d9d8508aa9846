"""The exit-status contract of ``scrapy crawl``: what a status means and which rule decided it.

This module is the one place where a run's outcome becomes an exit status. It is pure (no Scrapy
import): the run's checks (Spidermon monitors, :mod:`newscrawl.monitors`) write what failed into the
crawl stats, and :func:`decide` reads those stats back into a :class:`Verdict`. The ``crawl``
command exits with ``decide(stats).status``; the run report prints ``Verdict.line()``.

Statuses: ``0`` complete, ``1`` the crawl could not do its job, ``2`` usage error, ``3`` partial.
The rules, in the order they are reported, are :data:`RULES` (the README's exit-status table).

Any component that finds the run could not do its job sets ``verdict/fatal`` to a one-line reason
(:func:`record_fatal`); a component that must refuse to start raises :class:`RunRefused`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

COMPLETE = 0
FAILED = 1
USAGE = 2
PARTIAL = 3

STATUS_NAMES = {COMPLETE: "complete", FAILED: "failed", USAGE: "usage error", PARTIAL: "partial"}

#: Stat a component sets to a one-line reason when the run could not do its job (status 1).
FATAL_STAT = "verdict/fatal"
#: Prefix of the stats the checks write: ``verdict/failed/<rule>`` = one-line reason.
FAILED_PREFIX = "verdict/failed/"
#: Number of checks that ran; missing when they did not run at all.
CHECKED_STAT = "verdict/checked"


@dataclass(frozen=True)
class Rule:
    key: str
    status: int
    meaning: str


#: The contract, in the order rules are reported (the first failed rule of the most severe status
#: decides the reason line). Status 1 rules come before status 3 rules.
RULES: tuple[Rule, ...] = (
    Rule("usage", USAGE, "a bad argument or setting (a one-line error naming it); nothing was crawled"),
    Rule("refused", FAILED, "refused before crawling: state file corrupt, foreign, read-only or in use;"
                            " feed destination or log file not writable; browser missing"),
    Rule("fatal", FAILED, "a component found the run could not do its job (`verdict/fatal`: state,"
                          " frontier or database unusable)"),
    Rule("no_response", FAILED, "the site gave no response at all (nothing listening, DNS, site down)"),
    Rule("feed", FAILED, "a feed could not be written or stored: exported articles are not in a stored feed"),
    Rule("state", FAILED, "the incremental state could not be read or written during the crawl"),
    Rule("unchecked", FAILED, "the run's checks did not run (a forced shutdown: a second SIGINT/SIGTERM;"
                              " Spidermon off or misconfigured), so nothing vouches for it"),
    Rule("sections", PARTIAL, "a requested section yielded no listing page with articles"),
    Rule("failures", PARTIAL, "pages failed for good beyond `NEWSCRAWL_MAX_FAILURES`"),
    Rule("errors", PARTIAL, "a spider callback or item pipeline raised, or an error was logged that no"
                            " other rule counts"),
    Rule("validation", PARTIAL, "exported records failed the JSON Schema of `Article` (dropped)"),
    Rule("coverage", PARTIAL, "field coverage of the exported records below `NEWSCRAWL_MIN_COVERAGE`"),
    Rule("min_items", PARTIAL, "fewer articles seen (exported, known unchanged or failed) than"
                           " `NEWSCRAWL_MIN_ITEMS`"),
    Rule("finish_reason", PARTIAL, "the crawl was stopped before it finished (signal, CLOSESPIDER_* limit)"),
)
RULES_BY_KEY = {rule.key: rule for rule in RULES}


class RunRefused(Exception):
    """The run cannot start (state, feed destination, browser): a one-line reason, status 1."""


class StatsLike(Protocol):
    def get_value(self, key: str, default: Any = None) -> Any: ...

    def set_value(self, key: str, value: Any) -> None: ...

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None: ...


def record_fatal(stats: StatsLike, reason: str) -> None:
    """Mark the run as failed (status 1) with a one-line reason; the first reason is kept, later
    ones are counted (``verdict/fatal_count``)."""
    if stats.get_value(FATAL_STAT) is None:
        stats.set_value(FATAL_STAT, " ".join(str(reason).split()))
    stats.inc_value("verdict/fatal_count")


def status_of(rule: str) -> int:
    return RULES_BY_KEY[rule].status


@dataclass(frozen=True)
class Verdict:
    status: int
    rule: str  # the deciding rule, or "complete"
    reason: str
    failed: dict[str, str] = field(default_factory=dict)  # every failed rule -> its reason

    def line(self) -> str:
        """One line for a human reading cron mail."""
        name = STATUS_NAMES[self.status]
        if self.status == COMPLETE:
            return f"exit status 0 ({name}): {self.reason}"
        others = [k for k in self.failed if k != self.rule]
        more = f" [also failed: {', '.join(others)}]" if others else ""
        return f"exit status {self.status} ({name}) by rule {self.rule}: {self.reason}{more}"

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "rule": self.rule, "reason": self.reason,
                "line": self.line(), "failed": dict(self.failed)}


def refused(reason: str) -> Verdict:
    return Verdict(status_of("refused"), "refused", reason, {"refused": reason})


def decide(stats: Mapping[str, Any]) -> Verdict:
    """The verdict of a finished crawl from its stats (see :data:`RULES`)."""
    failed: dict[str, str] = {}
    if stats.get(FATAL_STAT):
        failed["fatal"] = str(stats[FATAL_STAT])
    for key, value in stats.items():
        if key.startswith(FAILED_PREFIX):
            rule = key[len(FAILED_PREFIX):]
            failed.setdefault(rule if rule in RULES_BY_KEY else "errors", str(value))
    if stats.get(CHECKED_STAT) is None:
        failed.setdefault("unchecked", _unchecked_reason(stats))
    if not failed:
        return Verdict(COMPLETE, "complete", _complete_reason(stats))
    ordered = {rule.key: failed[rule.key] for rule in RULES if rule.key in failed}
    worst = min((RULES_BY_KEY[k] for k in ordered), key=lambda r: (r.status != FAILED, RULES.index(r)))
    return Verdict(worst.status, worst.key, ordered[worst.key], ordered)


def _unchecked_reason(stats: Mapping[str, Any]) -> str:
    if stats.get("finish_reason") is None:  # the spider never closed: the checks run after it closes
        return ("the crawl was stopped before it closed (a second SIGINT/SIGTERM forces an unclean"
                " shutdown), so its checks did not run; articles it did not record in the state are"
                " exported again by the next run")
    return ("the run's checks (Spidermon monitors) did not run; is SPIDERMON_ENABLED off, or"
            " newscrawl.monitors.Monitoring missing from EXTENSIONS?")


def _complete_reason(stats: Mapping[str, Any]) -> str:
    exported = stats.get("item_scraped_count", 0)
    unchanged = stats.get("incremental/skipped_unchanged", 0) + stats.get("state/unchanged", 0)
    return (f"every check passed ({stats.get(CHECKED_STAT)} checks): {exported} articles exported,"
            f" {unchanged} known unchanged")
