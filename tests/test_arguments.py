"""Spider arguments: declared once, refused clearly (exit 2, one line) when unknown, bad or contradictory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl.arguments import ARGUMENTS, ArgumentError, CrawlArguments, markdown_table
from tests.conftest import ROOT, run_crawl


def _scrapy(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def _error_line(log: str) -> str:
    assert "Traceback" not in log, log[-3000:]
    errors = [line for line in log.splitlines() if ": error: " in line]  # argparse: "<prog>: error: …"
    assert len(errors) == 1, log[-3000:]
    assert [line for line in log.splitlines() if line.strip()][-1] == errors[0], log[-3000:]  # the last line
    return errors[0]


#: The mistakes of the issue, each through `scrapy crawl` as a user makes it.
@pytest.mark.parametrize(("args", "expected"), [
    (("-a", "sectoins=syria"), "-a sectoins: unknown argument (did you mean 'sections'?)"),
    (("-a", "sections=nosuch"), "unknown section 'nosuch' of site arabstoday; known: arab, syria, world"),
    (("-a", "discover=rss", "-a", "since=2025-05-01", "-a", "until=2025-04-01"),
     "-a since=2025-05-01 is after -a until=2025-04-01: the window is empty"),
    (("-a", "source=replica", "-a", "base_url=http://127.0.0.1:1"),
     "-a source=replica with -a base_url=: source=replica starts a replica of its own"),
])
def test_bad_arguments_are_one_line_usage_errors(tmp_path: Path, args: tuple[str, ...], expected: str):
    result = run_crawl(tmp_path, *args)
    assert result.returncode == 2, result.log[-3000:]
    assert expected in _error_line(result.log)
    assert not (tmp_path / "items.jsonl").exists()  # refused before anything started


#: The same check, in process, for every other kind of mistake (the command turns each into exit 2).
@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"sections": "syra"}, "unknown section 'syra' of site arabstoday (did you mean 'syria'?)"),
    ({"site": "arabstody"}, "unknown site 'arabstody' (did you mean 'arabstoday'?); known: arabstoday,"),
    ({"site": "emiratesvoice", "sections": "syria"}, "unknown section 'syria' of site emiratesvoice"),
    ({"discover": "rs"}, "expected one of listings, rss, sitemap, backfill (did you mean 'rss'?)"),
    ({"source": "replica", "hosts": '{"arabstoday": "http://127.0.0.1:1"}'},
     "-a source=replica with -a hosts=: source=replica starts a replica of its own"),
    ({"replica_seed": "4"}, "-a replica_seed=: applies to -a source=replica only"),
    ({"source": "replica", "replica_seed": "x"}, "-a replica_seed='x': expected a whole number"),
    ({"source": "replica", "replica_faults": "5xy=0.1"}, "unknown fault kind '5xy'; known kinds: 5xx"),
    ({"discover": "sitemap", "max_pages": "2"}, "-a max_pages=2: applies to discover=listings only"),
    ({"discover": "backfill", "id_from": "1", "id_to": "2", "since": "2025-01-01"},
     "-a since=2025-01-01: does not apply to discover=backfill"),
    ({"since": "2025-04-31"}, "-a since='2025-04-31': expected an ISO date"),
    ({"tags": "المدينة-طنجة"}, "-a tags=المدينة-طنجة: applies to discover=rss only"),
])
def test_every_kind_of_mistake_is_named(kwargs: dict[str, str], expected: str):
    with pytest.raises(ArgumentError) as error:
        CrawlArguments.from_kwargs(dict(kwargs))
    assert expected in str(error.value)


def test_scrapy_sites_validates_its_site_argument():
    bad = _scrapy("sites", "-a", "site=nosuch")
    assert bad.returncode == 2
    assert "unknown site 'nosuch'; known: arabstoday, emiratesvoice" in _error_line(bad.stderr)
    misspelt = _scrapy("sites", "-a", "sit=arabstoday")
    assert misspelt.returncode == 2
    assert "-a sit: unknown argument (did you mean 'site'?)" in _error_line(misspelt.stderr)
    good = _scrapy("sites", "-a", "site=emiratesvoice,syria24")
    assert good.returncode == 0, good.stderr
    assert [line.split()[0] for line in good.stdout.splitlines()] == ["emiratesvoice", "syria24"]


def test_scheduler_arguments_are_left_to_the_scheduler():
    kwargs = {"_job": "abc123", "sections": "syria"}
    args = CrawlArguments.from_kwargs(kwargs)
    assert args.sections == ("syria",)
    assert kwargs == {"_job": "abc123"}  # scrapyd's job id stays a spider attribute


def test_every_argument_is_declared_once_with_type_default_and_help():
    names = [a.name for a in ARGUMENTS]
    assert len(names) == len(set(names))
    for argument in ARGUMENTS:
        assert argument.type and argument.default_text and argument.help
    defaults = CrawlArguments.from_kwargs({})
    assert {a.name: a.default for a in ARGUMENTS} == {n: getattr(defaults, n) for n in names}


def test_readme_argument_table_is_the_declarations():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme, "README's table differs: paste `python -m newscrawl.arguments`"
    rows = [line for line in readme.splitlines() if line.startswith("| `") and "|---|" not in line]
    documented = {line.split("`")[1] for line in rows if line.split("|")[1].strip().startswith("`")}
    assert {a.name for a in ARGUMENTS} <= documented


def test_values_already_typed_are_accepted():
    args = CrawlArguments.from_kwargs({"sections": ("syria",), "full": True, "hosts": {
        "arabstoday": "http://127.0.0.1:9"}})
    assert args.sections == ("syria",) and args.full and args.hosts == {
        "arabstoday": {"base_url": "http://127.0.0.1:9", "mirrors": []}}
    with pytest.raises(ArgumentError, match="apply to discover=backfill only"):
        CrawlArguments.from_kwargs({"id_from": "3"})


@pytest.mark.parametrize(("setting", "expected"), [
    ("NEWSCRAWL_MAX_FAILURES=abc", "NEWSCRAWL_MAX_FAILURES='abc': expected a number of pages, a percentage"),
    ("NEWSCRAWL_MAX_FAILURES=-3", "NEWSCRAWL_MAX_FAILURES='-3': expected"),
    ("NEWSCRAWL_MAX_FAILURES=x%", "NEWSCRAWL_MAX_FAILURES='x%': expected"),
    ("NEWSCRAWL_GC_THRESHOLD=abc", "NEWSCRAWL_GC_THRESHOLD='abc': expected up to 3 whole numbers"),
    ("NEWSCRAWL_GC_THRESHOLD=1,2,3,4", "NEWSCRAWL_GC_THRESHOLD='1,2,3,4': expected"),
])
def test_a_mistyped_limit_setting_is_a_usage_error_before_crawling(setting: str, expected: str):
    # Without the check a bad NEWSCRAWL_MAX_FAILURES went unnoticed (exit 0) until a page failed.
    bad = _scrapy("crawl", "arabstoday", "-a", "source=replica", "-s", setting)
    assert bad.returncode == 2, bad.stderr
    assert expected in _error_line(bad.stderr)
    assert "Traceback" not in bad.stderr


def test_limit_settings_read_as_documented():
    from newscrawl.collector import gc_thresholds
    from newscrawl.monitors import failure_limit

    assert (failure_limit("", 50), failure_limit(" 3 ", 50), failure_limit("2%", 50)) == (None, 3.0, 1.0)
    assert failure_limit("0", 0) == 0.0 and failure_limit("5%", -4) == 0.0
    assert gc_thresholds([]) == () and gc_thresholds([""]) == () and gc_thresholds(["5000", "10", "10"]) == (
        5000, 10, 10)
    assert gc_thresholds(["700"]) == (700,)
    for bad in (["-1"], ["1.5"], ["1", "2", "3", "4"]):
        with pytest.raises(ValueError, match="NEWSCRAWL_GC_THRESHOLD"):
            gc_thresholds(bad)
    for bad in ("inf", "nan", "-0.5", "%"):
        with pytest.raises(ValueError, match="NEWSCRAWL_MAX_FAILURES"):
            failure_limit(bad, 10)
