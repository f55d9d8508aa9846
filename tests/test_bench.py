"""The benchmark entry point runs and prints sane figures (never a speed threshold)."""

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_quick_benchmarks_print_sane_figures(tmp_path):
    out = tmp_path / "figures.json"
    proc = subprocess.run([sys.executable, "-m", "bench", "--quick", "--json", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=3600)  # a hang guard, not a speed bound
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    for needle in ("ratio", "pages/s", "ms/page", "strings/s", "peak RSS", "ceiling", "python -m"):
        assert needle in proc.stdout
    figures = json.loads(out.read_text(encoding="utf-8"))
    dates, parse, crawl = figures["dates"], figures["parse"], figures["crawl"]
    assert dates["ours_accuracy"] == 1.0 and dates["ours_strings_per_s"] > 0
    # Figures are printed, never judged here (issue 17: speed and memory goals live in bench/ and
    # BENCHMARKS.md); what is checked is that each benchmark measured what it says it measured.
    assert parse["exported"] == parse["pages"] > 0
    assert parse["lxml_ms_per_page"] > 0 and parse["ours_ms_per_page"] > 0 and parse["ratio"] > 0
    for name in ("baseline", "arabstoday"):
        run = crawl[name]
        assert run["exported"] == crawl["articles"]  # both crawls found every article
        assert run["pages_per_s"] > 0 and run["peak_rss_mb"] > 0 and run["cpu_s_per_article"] > 0
    assert crawl["replica_ceiling_pages_per_s"] > 0 and crawl["ratio_pages_per_s"] > 0
    stories = figures["stories"]
    for part in (stories["in_process"], stories["crawl"]):
        assert part["true_pairs"] > 0 and 0 < part["precision"] <= 1 and 0 < part["recall"] <= 1
    assert stories["in_process"]["signature_us"] > 0 and stories["crawl"]["ratio_cpu_with_to_without"] > 0


def test_dates_interleaved_keeps_the_best_round_of_each_side(monkeypatch):
    """Our process and dateparser alternate; each side's best round is kept, dateparser's accuracy
    is over all its strings, and a wrong answer in any round of ours is reported."""
    from bench import dates

    ours = iter([{"cpu_s": 0.5, "wrong": 0}, {"cpu_s": 0.3, "wrong": 0}, {"cpu_s": 0.4, "wrong": 2}])
    seen: list[int] = []

    def rate(chunk):
        seen.append(len(chunk))
        fast = len(seen) == 2
        return {"strings": len(chunk), "per_s_wall": 90.0 if fast else 10.0,
                "per_s_cpu": 100.0 if fast else 20.0, "accuracy": 1.0 if fast else 0.0}

    monkeypatch.setattr(dates, "whole_process", lambda cases: dict(next(ours)))
    monkeypatch.setattr(dates, "dateparser_rate", rate)
    best, theirs = dates.interleaved(["x"] * 7, [("s", None, {})] * 7, 3)
    assert seen == [3, 3, 1]  # every string once, in three turns
    assert best == {"cpu_s": 0.3, "wrong": 2}
    assert theirs == {"strings": 7, "rounds": 3, "per_s_wall": 90.0, "per_s_cpu": 100.0,
                      "accuracy": 3 / 7}


def test_crawl_figures_of_the_production_crawl_alone_print_no_ratio(capsys):
    """``--crawls arabstoday`` (memory against N): its row, no baseline row and no ratio line."""
    from bench import crawl

    row = {"seconds": 1.0, "pages_per_s": 2.0, "articles_per_s": 1.5, "cpu_s_per_article": 0.01,
           "peak_rss_mb": 140.0, "exported": 3}
    crawl.print_figures({"command": "c", "machine": "m", "articles": 3, "pages": 4,
                         "replica_ceiling_pages_per_s": 9.0, "repeat": 1, "arabstoday": row})
    out = capsys.readouterr().out
    assert "arabstoday" in out and "140.0" in out
    assert "baseline" not in out and "ratio" not in out


def test_crawl_refuses_an_unknown_crawl_name(capsys):
    from bench import crawl

    with pytest.raises(SystemExit) as exited:
        crawl.main(["--crawls", "nope"])
    assert exited.value.code == 2
    assert "--crawls: choose among baseline, arabstoday" in capsys.readouterr().err
