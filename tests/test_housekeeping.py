"""Housekeeping: the placeholder contact warned about on live crawls, a LICENSE, the report ignored by git."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest

from newscrawl import settings
from newscrawl.feeds import PLACEHOLDER_CONTACT
from tests.conftest import ROOT, run_crawl

WARNING = f"NEWSCRAWL_CONTACT is still the placeholder {PLACEHOLDER_CONTACT}"
#: A crawl of the live hosts that never reaches the network: no download handler for http(s).
OFFLINE = ("-a", "sections=syria", "-s", 'DOWNLOAD_HANDLERS={"http": null, "https": null}',
           "-s", "RETRY_TIMES=0")


def test_the_default_contact_is_the_placeholder():
    assert settings.NEWSCRAWL_CONTACT == PLACEHOLDER_CONTACT


def test_a_live_crawl_with_the_placeholder_contact_warns(tmp_path: Path):
    result = run_crawl(tmp_path, *OFFLINE)
    assert result.returncode == 1, result.log[-3000:]  # no_response: nothing left this machine
    assert f"WARNING: {WARNING}" in result.log, result.log[-3000:]
    assert "-s NEWSCRAWL_CONTACT=mailto:you@example.org" in result.log
    assert "failures/NotSupported" in result.log  # it tried the live host, and nothing left this machine


@pytest.mark.parametrize("args", [
    ("-s", "NEWSCRAWL_CONTACT=mailto:crawler@example.org"),  # a contact of one's own
    ("-s", "USER_AGENT=my-archive/1.0 (+mailto:crawler@example.org)"),  # a User-Agent written whole
])
def test_no_warning_with_a_real_contact(tmp_path: Path, args: tuple[str, ...]):
    result = run_crawl(tmp_path, *OFFLINE, *args)
    assert result.returncode == 1, result.log[-3000:]
    assert "failures/NotSupported" in result.log, result.log[-3000:]
    assert WARNING not in result.log


def test_no_warning_on_the_replica(tmp_path: Path):
    result = run_crawl(tmp_path, "-a", "source=replica", "-a", "replica_articles=5", "-a", "sections=syria")
    assert result.returncode == 0, result.log[-3000:]
    assert WARNING not in result.log


def test_license_is_the_mit_license_the_package_declares():
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in license_text
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == {"text": "MIT"}


def test_what_the_readme_first_command_writes_is_ignored_by_git():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "-O articles.jsonl" in readme  # the feed; the report and failures go beside it
    paths = ["articles.jsonl", "articles.report.json", "articles.failures.jsonl", "articles.report.html"]
    out = subprocess.run(["git", "check-ignore", *paths], cwd=ROOT, capture_output=True, text=True)
    if out.returncode == 128:
        pytest.skip(f"not a git checkout: {out.stderr.strip()}")
    assert out.stdout.split() == paths
