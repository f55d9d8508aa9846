"""Tests for the command-line filter ``python -m newscrawl.dates``."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CMD = [sys.executable, "-m", "newscrawl.dates"]


def run(lines: list[str], *args: str, newline: str = "\n") -> subprocess.CompletedProcess[bytes]:
    data = "".join(line + newline for line in lines).encode("utf-8")
    return subprocess.run([*CMD, *args], input=data, capture_output=True, cwd=ROOT, timeout=120)


def out_lines(proc: subprocess.CompletedProcess[bytes]) -> list[str]:
    text = proc.stdout.decode("utf-8")
    assert text.endswith("\n") or text == ""
    return text.split("\n")[:-1]


def test_one_line_per_input_line() -> None:
    lines = [
        "GMT 10:18 2025 الثلاثاء ,22 إبريل / نيسان",
        "",
        "garbage ### text",
        "آخر تحديث GMT12:58:10",
        "آخر تحديث 21:44:11 بتوقيت أبوظبي",
        "2025",
        "22/04/2025",
        "2025-04-22 10:18",
        "22 أبريل",
        "23 شوال 1446 هـ",
        "منذ 5 دقائق",
        "22 إبريل / أيار 2025",
        "   ",
    ]
    proc = run(lines)
    assert proc.returncode == 0, proc.stderr
    assert out_lines(proc) == [
        "2025-04-22T10:18:00+00:00",
        "",
        "",
        "12:58:10",
        "17:44:11",
        "",
        "2025-04-22",
        "2025-04-22T10:18:00",
        "--04-22",
        "2025-04-21",
        "",
        "",
        "",
    ]


def test_crlf_and_bad_bytes() -> None:
    stamp = "GMT 10:18 2025 الثلاثاء ,22 إبريل / نيسان".encode()
    data = b"22/04/2025\r\n" + b"\xff\xfe garbage\r\n" + stamp
    proc = subprocess.run(CMD, input=data, capture_output=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0
    assert proc.stdout.decode("utf-8").split("\n") == ["2025-04-22", "", "2025-04-22T10:18:00+00:00", ""]


def test_json_output() -> None:
    lines = ["GMT 10:18 2025 الأربعاء ,22 إبريل / نيسان", "", "22 إبريل / أيار 2025", "منذ ساعة"]
    proc = run(lines, "--json")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in out_lines(proc)]
    assert len(rows) == 4
    first = rows[0]
    assert first["value"] == "2025-04-22T10:18:00+00:00"
    assert first["issues"] == ["weekday_mismatch"]
    assert first["findings"]["weekday"] == {"seen": ["الاربعاء"], "expected": "الثلاثاء", "ok": False}
    assert first["findings"]["months_agree"] is True
    assert first["findings"]["zone"] == "UTC"
    assert first["findings"]["calendar"] == "gregorian"
    assert first["input"] == lines[0]
    assert rows[1]["value"] is None and rows[1]["issues"] == ["unparsed"]
    assert rows[2]["value"] is None and rows[2]["issues"] == ["month_pair_mismatch"]
    assert rows[2]["findings"]["months_agree"] is False
    assert rows[3]["issues"] == ["needs_reference_time"]
    # ensure_ascii=False: Arabic is written as is.
    assert "الثلاثاء" in proc.stdout.decode("utf-8")


def test_tz_option() -> None:
    lines = ["2025-04-22 13:18", "22 أبريل 2025 10:18 GMT", "21:44:11", "22/04/2025"]
    proc = run(lines, "--tz", "Asia/Riyadh")
    assert proc.returncode == 0, proc.stderr
    assert out_lines(proc) == [
        "2025-04-22T10:18:00+00:00",
        "2025-04-22T10:18:00+00:00",
        "18:44:11",
        "2025-04-22",
    ]


def test_invalid_tz_exit_code_2() -> None:
    proc = run(["22/04/2025"], "--tz", "Mars/Olympus")
    assert proc.returncode == 2
    assert b"Mars/Olympus" in proc.stderr and b"time zone" in proc.stderr
    assert proc.stdout == b""


def test_invalid_now_exit_code_2() -> None:
    proc = run(["22/04/2025"], "--now", "yesterday")
    assert proc.returncode == 2
    assert b"--now" in proc.stderr


def test_now_option() -> None:
    lines = ["منذ 5 دقائق", "منذ ساعتين", "أمس", "منذ 4 أيام", "22 أبريل", "1 مايو", "hello"]
    proc = run(lines, "--now", "2025-04-22T12:00:00Z")
    assert proc.returncode == 0, proc.stderr
    assert out_lines(proc) == [
        "2025-04-22T11:55:00+00:00",
        "2025-04-22T10:00:00+00:00",
        "2025-04-21",
        "2025-04-18",
        "2025-04-22",
        "--05-01",
        "",
    ]
    without = run(lines)
    assert out_lines(without) == ["", "", "", "", "--04-22", "--05-01", ""]


def test_now_and_tz_together() -> None:
    proc = run(["منذ ساعة", "أمس 10:30"], "--now", "2025-04-22T15:00:00", "--tz", "Asia/Riyadh")
    assert out_lines(proc) == ["2025-04-22T11:00:00+00:00", "2025-04-21T07:30:00+00:00"]


def test_streaming_one_line_at_a_time() -> None:
    proc = subprocess.Popen(CMD, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT)
    assert proc.stdin is not None and proc.stdout is not None
    timer = threading.Timer(60, proc.kill)
    timer.start()
    try:
        for line, expected in [
            ("GMT 10:18 2025 الثلاثاء ,22 إبريل / نيسان", b"2025-04-22T10:18:00+00:00\n"),
            ("not a date", b"\n"),
            ("آخر تحديث GMT12:58:10", b"12:58:10\n"),
        ]:
            proc.stdin.write(line.encode("utf-8") + b"\n")
            proc.stdin.flush()
            # The answer arrives while stdin is still open.
            assert proc.stdout.readline() == expected
        proc.stdin.close()
        assert proc.stdout.read() == b""
        assert proc.wait(timeout=30) == 0
    finally:
        timer.cancel()
        if proc.poll() is None:
            proc.kill()


def test_many_lines() -> None:
    lines = ["GMT 10:18 2025 الثلاثاء ,22 إبريل / نيسان", "x", ""] * 20000
    proc = run(lines)
    assert proc.returncode == 0
    out = out_lines(proc)
    assert len(out) == len(lines)
    assert out[:3] == ["2025-04-22T10:18:00+00:00", "", ""]
    assert out[-3:] == ["2025-04-22T10:18:00+00:00", "", ""]


def test_last_line_without_newline() -> None:
    data = b"22/04/2025\n23/04/2025"
    proc = subprocess.run(CMD, input=data, capture_output=True, cwd=ROOT, timeout=60)
    assert proc.stdout.decode() == "2025-04-22\n2025-04-23\n"
