"""The run's checks: Spidermon monitors whose failures become the exit status.

:class:`RunVerdictSuite` runs when the engine has stopped (``SPIDERMON_ENGINE_STOP_MONITORS``), so
feeds are stored and the state committed by then. Spidermon's own monitors check the finish reason,
the field coverage, item validation against the JSON Schema of ``Article``, errors and the number of
articles; ours check what Spidermon cannot know: the site answered, every requested section was
reached, pages failed within the limit, feeds were stored, the state was saved, and no component
reported the run failed (``verdict/fatal``). Each monitor names the rule of
:data:`newscrawl.verdict.RULES` it enforces.

:class:`RecordVerdict`, the suite's action, writes each failed monitor's rule and one-line reason
into the stats (``verdict/failed/<rule>``) and how many checks ran (``verdict/checked``); the
``crawl`` command turns them into the exit status with :func:`newscrawl.verdict.decide`. A skipped
monitor counts as failed unless it declares ``may_skip`` (nothing to measure, such as coverage with
no exported article): a check that could not run never passes for one that passed.

:class:`VerdictStats` (an extension) keeps the counters the monitors read, set to 0 when the spider
opens so that a missing stat means a missing component, never "no error".
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from spidermon import MonitorSuite, monitors
from spidermon.contrib.scrapy.extensions import Spidermon
from spidermon.contrib.scrapy.monitors import (
    BaseScrapyMonitor,
    ErrorCountMonitor,
    FieldCoverageMonitor,
    FinishReasonMonitor,
    ItemCountMonitor,
    ItemValidationMonitor,
)
from spidermon.contrib.scrapy.runners import SpiderMonitorResult, SpiderMonitorRunner
from spidermon.core.actions import Action
from spidermon.settings import MONITOR

from newscrawl.feedstore import PROBLEM_PREFIX
from newscrawl.verdict import CHECKED_STAT, FAILED_PREFIX, FATAL_STAT

logger = logging.getLogger("spidermon")

ITEM_TYPE = "Article"  # Spidermon's per-type stats: spidermon_field_coverage/Article/<field>
PROCESSING_ERRORS_STAT = "verdict/processing_errors"
ERRORS_LOGGED_STAT = "verdict/errors_logged"
FIRST_ERROR_STAT = "verdict/first_error"

#: Loggers whose ERROR records another rule already counts (failures, processing errors, feeds,
#: state) or that do not make an export incomplete (robots.txt not read: the crawl goes on).
COUNTED_LOGGERS = ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt",
                   "scrapy.core.scraper", "scrapy.extensions.feedexport", "newscrawl.feedstore",
                   "newscrawl.incremental", "spidermon")


def _one_line(text: Any) -> str:
    return " ".join(str(text).split())


def _counts(stats: Mapping[str, Any], prefix: str, short: bool = False) -> dict[str, int]:
    found = {}
    for key, value in stats.items():
        if key.startswith(prefix) and isinstance(value, int) and value:
            name = key[len(prefix):]
            found[name.rsplit(".", 1)[-1] if short else name] = value
    return found


def _listed(counts: Mapping[str, int], limit: int = 4) -> str:
    ordered = sorted(counts.items(), key=lambda kv: -kv[1])
    text = ", ".join(f"{name} ×{n}" for name, n in ordered[:limit])
    return text + (f", … ({len(ordered) - limit} more)" if len(ordered) > limit else "")


class VerdictMonitor(BaseScrapyMonitor):
    """Base of our monitors: ``rule`` is the key of the exit-status rule the monitor enforces."""

    rule: ClassVar[str] = "errors"
    may_skip: ClassVar[bool] = False


# --- status 1: the crawl could not do its job ----------------------------------------------------

@monitors.name("Fatal")
class FatalMonitor(VerdictMonitor):
    """No component found that the run could not do its job (``verdict/fatal``)."""

    rule = "fatal"

    @monitors.name("no component reported a fatal problem")
    def test_no_fatal_problem(self) -> None:
        reason = self.stats.get(FATAL_STAT)
        self.assertIsNone(reason, msg=_one_line(reason))


@monitors.name("Responses")
class ResponsesMonitor(VerdictMonitor):
    """The site answered at least one request."""

    rule = "no_response"

    @monitors.name("the site answered")
    def test_some_response(self) -> None:
        requests = self.stats.get("downloader/request_count", 0)
        if requests and not self.stats.get("downloader/response_count", 0):
            errors = _counts(self.stats, "downloader/exception_type_count/", short=True)
            self.fail(f"no response to any of {requests} requests ({_listed(errors) or 'no error counted'})")


@monitors.name("Feeds")
class FeedHealthMonitor(VerdictMonitor):
    """Every exported article is in a stored feed file (see :class:`newscrawl.feedstore.FeedHealth`)."""

    rule = "feed"

    @monitors.name("every exported article is in a stored feed")
    def test_feeds_stored(self) -> None:
        problems = [str(v) for k, v in sorted(self.stats.items()) if k.startswith(PROBLEM_PREFIX)]
        failed = sum(_counts(self.stats, "feedexport/failed_count/").values())
        if not problems and failed:
            problems = [f"{failed} feed file(s) could not be stored"]
        if not problems and self.crawler.settings.getdict("FEEDS") and "feeds/checked" not in self.stats:
            problems = ["the feeds were not checked (newscrawl.feedstore.FeedHealth is not enabled)"]
        self.assertFalse(problems, msg="; ".join(problems))


@monitors.name("State")
class StateHealthMonitor(VerdictMonitor):
    """The incremental state was read and written without error during the crawl."""

    rule = "state"

    @monitors.name("the state was saved")
    def test_state_saved(self) -> None:
        error = self.stats.get("state/error")
        lost = self.stats.get("incremental/not_recorded_state_failed", 0)
        detail = f"; {lost} exported articles not recorded (exported again next run)" if lost else ""
        self.assertIsNone(error, msg=f"{_one_line(error)}{detail}")


# --- status 3: partial -----------------------------------------------------------------------------

@monitors.name("Sections")
class SectionsMonitor(VerdictMonitor):
    """Every requested section yielded a listing page with articles (``sections/…`` stats)."""

    rule = "sections"

    @monitors.name("every requested section was reached")
    def test_sections_reached(self) -> None:
        prefix = "sections/requested/"
        requested = [k[len(prefix):] for k in self.stats if k.startswith(prefix)]
        missing = [s for s in sorted(requested) if not self.stats.get(f"sections/listed/{s}", 0)]
        if missing:
            why = [f"{s} ({self.stats.get(f'sections/failed/{s}') or 'no article on its listing page'})"
                   for s in missing]
            shown = ", ".join(why[:5]) + (f", … ({len(why) - 5} more)" if len(why) > 5 else "")
            self.fail(f"{len(missing)} of {len(requested)} requested sections gave no listing page with"
                      f" articles: {shown}")


def failure_limit(setting: str, pages: int) -> float | None:
    """``NEWSCRAWL_MAX_FAILURES`` read: a number of pages, a percentage of the ``pages`` requested
    (``2%``), or None when empty (no limit). ValueError, naming the setting, for anything else: the
    crawl command checks it before crawling, so a mistyped limit is a usage error, not a silent one."""
    setting = setting.strip()
    if not setting:
        return None
    share = setting.endswith("%")
    try:
        number = float(setting[:-1] if share else setting)
    except ValueError:
        number = -1.0
    if not 0 <= number < float("inf"):
        raise ValueError(f"NEWSCRAWL_MAX_FAILURES={setting!r}: expected a number of pages, a percentage "
                         "such as 2%, or empty for no limit")
    return number / 100 * max(pages, 0) if share else number


@monitors.name("Failures")
class FailuresMonitor(VerdictMonitor):
    """Pages that failed for good (``failures/<reason>``) within ``NEWSCRAWL_MAX_FAILURES``: a
    number, or a percentage of the pages the run requested (``5%``); empty for no limit."""

    rule = "failures"

    @monitors.name("pages failed within the limit")
    def test_failures_within_limit(self) -> None:
        failures = _counts(self.stats, "failures/")
        failed = sum(failures.values())
        setting = str(self.crawler.settings.get("NEWSCRAWL_MAX_FAILURES", "") or "").strip()
        pages = self.stats.get("downloader/request_count", 0) - self.stats.get("retry/count", 0)
        limit = failure_limit(setting, pages)
        if limit is None or not failed:
            return
        self.assertLessEqual(
            failed, limit,
            msg=f"{failed} page{'s' if failed != 1 else ''} failed for good ({_listed(failures)}), more than"
                f" NEWSCRAWL_MAX_FAILURES={setting}; the next run with the same state retries them first")


class _CountedErrors(ErrorCountMonitor):
    """Spidermon's error-count monitor on a counter of ours that is never missing."""

    rule: ClassVar[str] = "errors"
    may_skip: ClassVar[bool] = False
    threshold_setting = "NEWSCRAWL_MAX_ERRORS"
    threshold_datatype = int
    fail_if_stat_missing = True  # the counter starts at 0: missing means VerdictStats did not run

    def describe(self) -> str:
        raise NotImplementedError

    @monitors.name("within NEWSCRAWL_MAX_ERRORS")
    def test_stat_monitor(self) -> None:
        try:
            super().test_stat_monitor()
        except self.failureException:
            if self.stat_name not in self.stats:  # Spidermon's ErrorCountMonitor would skip: we fail
                self.fail(f"errors were not counted ('{self.stat_name}' missing: is"
                          f" newscrawl.monitors.VerdictStats in EXTENSIONS?), so nothing says none occurred")
            self.fail(self.describe())


@monitors.name("Processing errors")
class ProcessingErrorsMonitor(_CountedErrors):
    """No spider callback or item pipeline raised (their pages or articles are lost for this run)."""

    stat_name = PROCESSING_ERRORS_STAT

    def describe(self) -> str:
        kinds = _counts(self.stats, "spider_exceptions/") | _counts(self.stats, "verdict/item_errors/")
        kinds.pop("count", None)
        return (f"{self.stats.get(self.stat_name)} spider callbacks or item pipelines raised"
                f" ({_listed(kinds)}); more than NEWSCRAWL_MAX_ERRORS="
                f"{self.crawler.settings.getint('NEWSCRAWL_MAX_ERRORS')}")


@monitors.name("Errors logged")
class LoggedErrorsMonitor(_CountedErrors):
    """No error was logged that another rule does not already count."""

    stat_name = ERRORS_LOGGED_STAT

    def describe(self) -> str:
        return (f"{self.stats.get(self.stat_name)} errors logged that no other rule counts, more than"
                f" NEWSCRAWL_MAX_ERRORS={self.crawler.settings.getint('NEWSCRAWL_MAX_ERRORS')}"
                f" (first: {self.stats.get(FIRST_ERROR_STAT)})")


@monitors.name("Item validation")
class ValidationMonitor(ItemValidationMonitor, VerdictMonitor):
    """Every exported record was validated against the JSON Schema of ``Article`` (Spidermon's item
    validation, ``pipelines/schema.py``) and none failed it or the earlier checks of
    ``pipelines/validate.py`` (``validation/dropped/<reason>``)."""

    rule = "validation"
    threshold_datatype = int
    fail_if_stat_missing = True  # the pipeline starts the counter at 0: missing means it did not run

    @monitors.name("every exported record fits the schema")
    def test_stat_monitor(self) -> None:
        if self.stat_name not in self.stats:
            self.fail(f"the exported records were not validated ('{self.stat_name}' missing: is"
                      f" pipelines.schema.SchemaValidationPipeline in ITEM_PIPELINES?)")
        exported = self.stats.get("item_scraped_count", 0)
        validated = self.stats.get("spidermon/validation/items", 0)
        self.assertGreaterEqual(validated, exported,
                                msg=f"{exported - validated} of {exported} exported records not validated")
        dropped = _counts(self.stats, "validation/dropped/")
        errors = {f"schema {k.split('/', 1)[1]}: {k.split('/', 1)[0]}": v for k, v in
                  _counts(self.stats, "spidermon/validation/fields/errors/").items() if "/" in k}
        limit = self.crawler.settings.getint(self.threshold_setting)
        if self.stats.get(self.stat_name, 0) > limit or any(k != "schema" for k in dropped):
            found = _listed({**{k: v for k, v in dropped.items() if k != "schema"}, **errors})
            self.fail(f"{sum(dropped.values())} records failed validation and were not exported ({found});"
                      f" the next run tries them again")


@monitors.name("Field coverage")
class CoverageMonitor(FieldCoverageMonitor, VerdictMonitor):
    """Share of exported records with each field at or above ``NEWSCRAWL_MIN_COVERAGE`` (and any
    ``SPIDERMON_FIELD_COVERAGE_RULES``), from Spidermon's field coverage stats."""

    rule = "coverage"
    may_skip = True  # no article exported (a quiet incremental run): no coverage to measure

    @monitors.name("every field at or above its floor")
    def test_check_if_field_coverage_rules_are_met(self) -> None:
        if not self.stats.get("item_scraped_count", 0):
            self.skipTest("no article exported: no coverage to measure")
        settings = self.crawler.settings
        rules = {f"{ITEM_TYPE}/{name}": float(floor)
                 for name, floor in settings.getdict("NEWSCRAWL_MIN_COVERAGE").items()}
        rules |= {k: float(v) for k, v in settings.getdict("SPIDERMON_FIELD_COVERAGE_RULES").items()}
        low = []
        for rule, floor in rules.items():
            got = float(self.stats.get(f"spidermon_field_coverage/{rule}", 0))
            if got < floor:
                low.append(f"{rule.removeprefix(ITEM_TYPE + '/')} {got:.1%} < {floor:.0%}")
        exported = self.stats.get("item_scraped_count")
        self.assertFalse(low, msg=f"field coverage of {exported} exported articles below its floor"
                                  f" (has the page layout changed?): {', '.join(low)}")


@monitors.name("Articles seen")
class ArticlesSeenMonitor(ItemCountMonitor, VerdictMonitor):
    """At least ``NEWSCRAWL_MIN_ITEMS`` articles seen: found by the run, whether exported, known
    unchanged or failed (not only exported: a quiet incremental run exports nothing, rightly)."""

    rule = "min_items"
    stat_name = "articles/found"
    threshold_setting = "NEWSCRAWL_MIN_ITEMS"
    threshold_datatype = int

    @monitors.name("at least NEWSCRAWL_MIN_ITEMS articles seen")
    def test_stat_monitor(self) -> None:
        found = self.stats.get("articles/found", 0) + self.stats.get("discovery/known_skipped", 0)
        minimum = self.crawler.settings.getint("NEWSCRAWL_MIN_ITEMS")
        self.assertGreaterEqual(found, minimum,
                                msg=f"{found} articles seen, fewer than NEWSCRAWL_MIN_ITEMS={minimum}")


#: What a finish reason means, for the reason line.
_STOPPED_BY = {"shutdown": ": a SIGTERM or SIGINT (Ctrl-C)", "closespider_timeout": ": CLOSESPIDER_TIMEOUT",
               "closespider_itemcount": ": CLOSESPIDER_ITEMCOUNT",
               "closespider_pagecount": ": CLOSESPIDER_PAGECOUNT",
               "closespider_errorcount": ": CLOSESPIDER_ERRORCOUNT"}


@monitors.name("Finish reason")
class FinishedMonitor(FinishReasonMonitor, VerdictMonitor):
    """The crawl finished by itself (``SPIDERMON_EXPECTED_FINISH_REASONS``, default ``finished``)."""

    rule = "finish_reason"

    @monitors.name("the crawl finished by itself")
    def test_should_finish_with_expected_reason(self) -> None:
        expected = self.crawler.settings.getlist("SPIDERMON_EXPECTED_FINISH_REASONS", ["finished"])
        reason = self.stats.get("finish_reason")
        if reason not in expected:
            self.fail(f"the crawl was stopped before it finished (finish reason '{reason}'"
                      f"{_STOPPED_BY.get(str(reason), '')}; expected: {', '.join(map(str, expected))});"
                      f" the next run with the same state crawls what this one did not reach")


# --- the suite and its action ----------------------------------------------------------------------

class RecordVerdict(Action):
    """Write the failed (and wrongly skipped) monitors' rules and reasons into the crawl stats."""

    def run_action(self) -> None:
        stats = self.data.crawler.stats
        results = list(self.result.monitor_results)
        for result in results:
            reason = _failure_of(result)
            if reason is None:
                continue
            key = FAILED_PREFIX + getattr(result.item, "rule", "errors")
            if stats.get_value(key) is None:
                stats.set_value(key, reason)
            stats.inc_value("verdict/failed_checks")
        stats.set_value(CHECKED_STAT, len(results))


def _failure_of(result: Any) -> str | None:
    """One line saying why a monitor result counts against the run, or None when it does not."""
    monitor = result.item
    if result.status in MONITOR.STATUSES.ERROR:
        text = result.reason or (str(result.error or "").strip().splitlines() or ["error"])[-1]
        return _one_line(text)
    if result.status == MONITOR.STATUS.SKIPPED and not getattr(monitor, "may_skip", False):
        return _one_line(f"check '{monitor.monitor_name}' was skipped ({result.reason}), so it vouches"
                         f" for nothing")
    return None


class RunVerdictSuite(MonitorSuite):
    """Every check of the exit-status contract (README, "Exit status")."""

    monitors: ClassVar[list[type]] = [
        FatalMonitor, ResponsesMonitor, FeedHealthMonitor, StateHealthMonitor, SectionsMonitor,
        FailuresMonitor, ProcessingErrorsMonitor, LoggedErrorsMonitor, ValidationMonitor, CoverageMonitor,
        ArticlesSeenMonitor, FinishedMonitor,
    ]
    monitors_finished_actions: ClassVar[list[type]] = [RecordVerdict]


# --- the counters --------------------------------------------------------------------------------

class VerdictStats:
    """Extension: the counters the monitors read, started at 0 when the spider opens.

    * ``verdict/processing_errors``: spider callbacks that raised (``spider_error``) and item
      pipelines that raised anything but ``DropItem`` (``item_error``, by type under
      ``verdict/item_errors/<type>``);
    * ``verdict/errors_logged``: ERROR (and CRITICAL) records of loggers other than
      :data:`COUNTED_LOGGERS`, whatever ``LOG_LEVEL`` is; the first one in ``verdict/first_error``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.handler = _ErrorCounter(self, COUNTED_LOGGERS)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_error, signal=signals.spider_error)
        crawler.signals.connect(self.item_error, signal=signals.item_error)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> VerdictStats:
        return cls(crawler)

    def spider_opened(self, spider: Any) -> None:
        for name in (PROCESSING_ERRORS_STAT, ERRORS_LOGGED_STAT):
            self.crawler.stats.inc_value(name, 0)
        logging.getLogger().addHandler(self.handler)

    def spider_error(self, failure: Any) -> None:
        self.crawler.stats.inc_value(PROCESSING_ERRORS_STAT)

    def item_error(self, failure: Any) -> None:
        self.crawler.stats.inc_value(PROCESSING_ERRORS_STAT)
        self.crawler.stats.inc_value(f"verdict/item_errors/{type(failure.value).__name__}")

    def error_logged(self, record: logging.LogRecord) -> None:
        stats = self.crawler.stats
        stats.inc_value(ERRORS_LOGGED_STAT)
        if stats.get_value(FIRST_ERROR_STAT) is None:
            stats.set_value(FIRST_ERROR_STAT, f"{record.name}: {_one_line(record.getMessage())[:200]}")

    def engine_stopped(self) -> None:
        logging.getLogger().removeHandler(self.handler)


class _ErrorCounter(logging.Handler):
    def __init__(self, owner: VerdictStats, counted: Iterable[str]) -> None:
        super().__init__(level=logging.ERROR)
        self.owner = owner
        self.counted = tuple(counted)

    def emit(self, record: logging.LogRecord) -> None:
        name = record.name
        if not any(name == c or name.startswith(c + ".") for c in self.counted):
            self.owner.error_logged(record)


# --- Spidermon's extension, logging one line per failed check ----------------------------------------

class Monitoring(Spidermon):
    """Spidermon's extension (``EXTENSIONS``), its suites' results logged through the ``spidermon``
    logger one line per failed check — the reason, not a traceback of the check's code (a log
    read in cron mail must not look like a crash) — instead of ``Spider.log()`` (deprecated).

    Its field coverage counts of each item are Spidermon's, computed without reading five settings
    and wrapping the item in an ItemAdapter per item (see :class:`_Coverage`)."""

    _coverage: _Coverage | None = None

    def item_scraped(self, item: Any, response: Any, spider: Any) -> None:
        coverage = self._coverage
        if coverage is None:
            coverage = self._coverage = _Coverage.of(self, spider.crawler.settings)
        if not coverage.count(item, self.crawler.stats):
            super().item_scraped(item, response, spider)

    def _run_suites(self, spider: Any, suites: list[MonitorSuite]) -> None:
        data = self._generate_data_for_spider(spider)
        for suite in suites:
            try:
                _Runner(spider=spider).run(suite, **data)
            except Exception as exc:  # a check that cannot run vouches for nothing: the run fails (1)
                reason = _one_line(f"the run's checks could not run ({type(exc).__name__}: {exc})")
                logger.error("%s", reason)
                logger.debug("The checks' error", exc_info=True)
                stats = self.crawler.stats
                if stats.get_value(FAILED_PREFIX + "unchecked") is None:
                    stats.set_value(FAILED_PREFIX + "unchecked", reason)


class _Runner(SpiderMonitorRunner):
    def create_result(self) -> SpiderMonitorResult:
        return _Result(self.spider)


class _Result(SpiderMonitorResult):
    def write_errors(self) -> None:
        for status in self.step.error_statuses:
            for result in self.step.items_for_status(status):
                self.log_error(f"{result.status}: {result.item.name}: {_failure_of(result)}")
                logger.debug("%s", result.error)

    def log(self, msg: str, level: int = logging.DEBUG) -> None:
        logger.log(level, "%s", msg)


class _Coverage:
    """Spidermon's ``item_scraped`` field counts for what this project exports: a ``scrapy.Item``
    with no dict field, list fields not counted inside (``SPIDERMON_LIST_FIELDS_COVERAGE_LEVELS`` 0,
    the default). Anything else is left to Spidermon (:meth:`count` returns False); a test compares
    the two on the same items."""

    def __init__(self, enabled: bool, skip_none: bool, skip_falsy: bool, skip_values: list[Any]) -> None:
        self.enabled = enabled
        self.skip_none = skip_none
        self.skip_falsy = skip_falsy
        self.text_skips = frozenset(v for v in skip_values if type(v) is str)
        self.other_skips = [v for v in skip_values if type(v) is not str]

    @classmethod
    def of(cls, extension: Spidermon, settings: Any) -> _Coverage:
        dict_levels = settings.get("SPIDERMON_DICT_FIELDS_COVERAGE_LEVELS", -1)
        enabled = settings.getint("SPIDERMON_LIST_FIELDS_COVERAGE_LEVELS", 0) <= 0 and not isinstance(
            dict_levels, dict)
        return cls(enabled, settings.getbool("SPIDERMON_FIELD_COVERAGE_SKIP_NONE", False),
                   settings.getbool("SPIDERMON_FIELD_COVERAGE_SKIP_FALSY", True),
                   extension._get_skip_values_list(settings))

    def count(self, item: Any, stats: Any) -> bool:
        """Count ``item``'s covered fields as Spidermon would; False when it is not for this path."""
        if not self.enabled or not isinstance(item, scrapy.Item):
            return False
        values = list(item.items())
        if any(isinstance(value, dict) for _, value in values):
            return False
        prefix = f"spidermon_item_scraped_count/{type(item).__name__}"
        stats.inc_value("spidermon_item_scraped_count")
        stats.inc_value(prefix)
        for name, value in values:
            if value is None:
                if self.skip_none:
                    continue
            elif self.skip_falsy and not value:
                continue
            if self._skipped(value):
                continue
            stats.inc_value(f"{prefix}/{name}")
        return True

    def _skipped(self, value: Any) -> bool:
        if type(value) is str:
            return value in self.text_skips
        return any(type(value) is type(skip) and value == skip for skip in self.other_skips)
