"""``scrapy runs``: the last runs of a spider, one line each, from where the crawls keep their history.

    scrapy runs -s NEWSCRAWL_DATABASE=URL       the runs table of the article database
    scrapy runs --state PATH                    the incremental state (SQLite file, or redis://…)
    scrapy runs ... [-n 10] [--spider arabstoday] [--json]

The same places a crawl keeps its run reports (:mod:`newscrawl.history`): the database when
``NEWSCRAWL_DATABASE`` is set, else the state (``--state``, ``NEWSCRAWL_STATE``, or the Redis of
``REDIS_URL`` in distributed mode). Oldest first, so the last line is the latest run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl.report_html import run_summary

#: (heading, width, summary key, format) of the table's columns.
COLUMNS: tuple[tuple[str, int, str, str], ...] = (
    ("started (UTC)", 19, "started", "{}"),
    ("duration", 9, "duration", "{:.1f} s"),
    ("exported", 8, "exported", "{:d}"),
    ("new", 6, "new", "{:d}"),
    ("updated", 7, "updated", "{:d}"),
    ("unchanged", 9, "unchanged", "{:d}"),
    ("failed", 6, "failures", "{:d}"),
    ("dropped", 7, "dropped", "{:d}"),
    ("coverage", 8, "coverage", "{:.1%}"),
    ("finish", 0, "finish", "{}"),
)


def table(reports: list[dict[str, Any]]) -> str:
    """The runs as a fixed-width table (``coverage``: the lowest of the fields the run checks)."""
    def cell(width: int, text: str, first: bool) -> str:
        return text.ljust(width) if first or not width else text.rjust(width)

    lines = ["  ".join(cell(w, h, i == 0) for i, (h, w, _, _) in enumerate(COLUMNS)).rstrip()]
    for report in reports:
        summary = run_summary(report)
        cells = []
        for i, (_, width, key, fmt) in enumerate(COLUMNS):
            value = summary[key]
            text = "–" if value is None or value == "" else fmt.format(value)
            if key == "finish" and summary["breaches"]:
                text += f", {summary['breaches']} threshold breach(es)"
            cells.append(cell(width, text, i == 0))
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--state PATH] [-n N] [--spider NAME] [--json]"

    def short_desc(self) -> str:
        return "Print the last runs (kept in the database or the state) as a table"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-n", "--last", type=int, default=10, metavar="N", help="runs to show (10)")
        parser.add_argument("--spider", default="arabstoday", help="whose runs (arabstoday)")
        parser.add_argument("--state", default=None, metavar="PATH",
                            help="the incremental state holding the history (-a state= of the crawls)")
        parser.add_argument("--json", action="store_true", help="the full reports, one JSON line each")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if opts.last < 1:
            raise UsageError("-n: expected a whole number ≥ 1", print_help=False)
        try:
            reports = self._reports(opts)
        except (OSError, ValueError) as exc:
            print(f"scrapy: error: {str(exc).splitlines()[0]}", file=sys.stderr)
            self.exitcode = 1
            return
        if opts.json:
            for report in reports:
                print(json.dumps(report, ensure_ascii=False, default=str))
        elif not reports:
            print(f"No run of {opts.spider} is recorded there yet.")
        else:
            print(table(reports))

    def _reports(self, opts: argparse.Namespace) -> list[dict[str, Any]]:
        assert self.settings is not None
        database = self.settings.get("NEWSCRAWL_DATABASE")
        if database:
            return _database_runs(database, opts.last, opts.spider)
        state = opts.state or self.settings.get("NEWSCRAWL_STATE") or None
        from newscrawl.frontier_keys import frontier_url
        from newscrawl.stores import is_redis_location, open_store

        frontier = frontier_url(self.settings)
        if not state and not frontier:
            raise UsageError("where are the runs? give --state PATH (the crawls' -a state=) or"
                             " -s NEWSCRAWL_DATABASE=URL", print_help=False)
        if state and not is_redis_location(state):
            if not Path(state).is_file():
                raise ValueError(f"--state {state}: no such state file")
            from newscrawl.state import last_runs

            return last_runs(state, opts.last, opts.spider)  # read-only: a crawl may hold the state
        store = open_store(state, frontier if not state else None)
        assert store is not None
        try:
            return store.last_runs(opts.last, opts.spider)
        finally:
            store.close()


def _database_runs(url: str, limit: int, spider: str) -> list[dict[str, Any]]:
    try:
        import sqlalchemy as sa

        from newscrawl.database import DatabaseError, create_engine, last_runs, one_line, redacted
    except ImportError as exc:
        raise ValueError(f"NEWSCRAWL_DATABASE needs the database extra ({exc})") from None
    try:
        engine = create_engine(url)
    except DatabaseError as exc:
        raise UsageError(str(exc), print_help=False) from None
    if engine.dialect.name == "sqlite" and not Path(engine.url.database or "").is_file():
        raise ValueError(f"database {redacted(engine.url)}: no such file")
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("runs"):
                return []
            return last_runs(conn, limit, spider)
    except Exception as exc:  # noqa: BLE001 - unreachable, or no runs table (no crawl wrote there yet)
        raise ValueError(f"database {redacted(engine.url)}: {one_line(exc)}") from None
    finally:
        engine.dispose()
