"""Tests for the command line ``python -m newscrawl.dates``: in-process through ``main`` (fast, and
reachable by mutation testing), and as a real process for what only a process shows (streaming, exit
statuses, bytes on a pipe)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from newscrawl.dates import main
from newscrawl.dates.cli import DESCRIPTION, EPILOG

ROOT = Path(__file__).resolve().parent.parent
CMD = [sys.executable, "-m", "newscrawl.dates"]
STAMP = "GMT 10:18 2025 الثلاثاء ,22 إبريل / نيسان"


def cli(*args: str, stdin: list[str] | bytes | None = None) -> tuple[int, list[str]]:
    """Run main in-process; (exit status, output lines)."""
    data = stdin if isinstance(stdin, bytes) else "".join(f"{line}\n" for line in stdin or []).encode()
    out = io.BytesIO()
    status = main(list(args), stdin=io.BytesIO(data), stdout=out)
    text = out.getvalue().decode("utf-8")
    assert text.endswith("\n") or text == ""
    return status, text.split("\n")[:-1]


def run(lines: list[str], *args: str) -> subprocess.CompletedProcess[bytes]:
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    return subprocess.run([*CMD, *args], input=data, capture_output=True, cwd=ROOT, timeout=120)


def test_one_line_per_input_line() -> None:
    lines = [STAMP, "", "garbage ### text", "آخر تحديث GMT12:58:10", "آخر تحديث 21:44:11 بتوقيت أبوظبي",
             "2025", "22/04/2025", "2025-04-22 10:18", "22 أبريل", "23 شوال 1446 هـ", "منذ 5 دقائق",
             "22 إبريل / أيار 2025", "   "]
    assert cli("--now=none", stdin=lines) == (0, [
        "2025-04-22T10:18:00+00:00", "", "", "12:58:10", "17:44:11", "", "2025-04-22", "2025-04-22T10:18:00",
        "--04-22", "2025-04-21", "", "", "",
    ])


def test_strings_as_arguments() -> None:
    status, out = cli("--now", "2025-04-22T12:00:00Z", STAMP, "منذ ساعتين", "not a date", "22 أبريل",
                      stdin=["ignored when strings are given"])
    assert (status, out) == (0, ["2025-04-22T10:18:00+00:00", "2025-04-22T10:00:00+00:00", "", "2025-04-22"])


def test_strings_as_arguments_with_json() -> None:
    status, out = cli("--json", "--now=none", STAMP, "أمس")
    rows = [json.loads(line) for line in out]
    assert status == 0 and [r["input"] for r in rows] == [STAMP, "أمس"]
    assert rows[0]["value"] == "2025-04-22T10:18:00+00:00"
    assert rows[1]["value"] is None and rows[1]["issues"] == ["needs_reference_time"]


def test_json_output() -> None:
    lines = ["GMT 10:18 2025 الأربعاء ,22 إبريل / نيسان", "", "22 إبريل / أيار 2025", "منذ ساعة"]
    status, out = cli("--json", "--now=none", stdin=lines)
    rows = [json.loads(line) for line in out]
    assert status == 0 and len(rows) == 4
    first = rows[0]
    assert first["value"] == "2025-04-22T10:18:00+00:00" and first["input"] == lines[0]
    assert first["kind"] == "datetime" and first["utc"] is True
    assert first["issues"] == ["weekday_mismatch"]
    assert first["findings"]["weekday"] == {"seen": ["الاربعاء"], "expected": "الثلاثاء", "ok": False}
    assert first["findings"]["months_agree"] is True
    assert first["findings"]["zone"] == "UTC" and first["findings"]["calendar"] == "gregorian"
    assert rows[1]["value"] is None and rows[1]["issues"] == ["unparsed"]
    assert rows[2]["value"] is None and rows[2]["issues"] == ["month_pair_mismatch"]
    assert rows[2]["findings"]["months_agree"] is False
    assert rows[3]["issues"] == ["needs_reference_time"]
    assert "الثلاثاء" in "\n".join(out)  # ensure_ascii=False: Arabic is written as is


def test_now_defaults_to_the_current_time() -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    status, out = cli("منذ 5 دقائق", "اليوم")
    after = dt.datetime.now(dt.UTC)
    assert status == 0
    value = dt.datetime.fromisoformat(out[0])
    assert before - dt.timedelta(minutes=5) <= value <= after - dt.timedelta(minutes=5)
    assert out[1] in {before.date().isoformat(), after.date().isoformat()}


@pytest.mark.parametrize("spelling", [("--now=none",), ("--now", "none"), ("--now=NONE",)])
def test_now_none_reads_without_a_reference_time(spelling: tuple[str, ...]) -> None:
    lines = ["منذ 5 دقائق", "منذ ساعتين", "أمس", "منذ 4 أيام", "22 أبريل", "1 مايو", "hello"]
    assert cli(*spelling, stdin=lines) == (0, ["", "", "", "", "--04-22", "--05-01", ""])


def test_now_pins_the_reference_time() -> None:
    lines = ["منذ 5 دقائق", "منذ ساعتين", "أمس", "منذ 4 أيام", "22 أبريل", "1 مايو", "hello", "غداً",
             "الخميس القادم"]
    assert cli("--now", "2025-04-22T12:00:00Z", stdin=lines) == (0, [
        "2025-04-22T11:55:00+00:00", "2025-04-22T10:00:00+00:00", "2025-04-21", "2025-04-18", "2025-04-22",
        "--05-01", "", "2025-04-23", "2025-04-24",
    ])


def test_now_and_tz_together() -> None:
    status, out = cli("--now", "2025-04-22T15:00:00", "--tz", "Asia/Riyadh", stdin=["منذ ساعة", "أمس 10:30"])
    assert (status, out) == (0, ["2025-04-22T11:00:00+00:00", "2025-04-21T07:30:00+00:00"])


def test_tz_option() -> None:
    lines = ["2025-04-22 13:18", "22 أبريل 2025 10:18 GMT", "21:44:11", "22/04/2025"]
    assert cli("--tz", "Asia/Riyadh", stdin=lines) == (0, [
        "2025-04-22T10:18:00+00:00", "2025-04-22T10:18:00+00:00", "18:44:11", "2025-04-22",
    ])


@pytest.mark.parametrize("args", [("--tz", "-02:00"), ("--tz=-02:00",), ("--tz", "+05:30")])
def test_tz_offset_with_a_sign(args: tuple[str, ...]) -> None:
    offset = -120 if "-02:00" in "".join(args) else 330
    expected = dt.datetime(2025, 4, 22, 10, 18) - dt.timedelta(minutes=offset)
    assert cli(*args, "2025-04-22 10:18") == (0, [expected.isoformat() + "+00:00"])


def test_crlf_bad_bytes_and_last_line_without_newline() -> None:
    data = b"22/04/2025\r\n" + b"\xff\xfe garbage\r\n" + STAMP.encode() + b"\n23/04/2025"
    assert cli(stdin=data) == (0, ["2025-04-22", "", "2025-04-22T10:18:00+00:00", "2025-04-23"])


def test_many_lines() -> None:
    lines = [STAMP, "x", ""] * 20000
    status, out = cli(stdin=lines)
    assert status == 0 and len(out) == len(lines)
    assert out[:3] == ["2025-04-22T10:18:00+00:00", "", ""] and out[-3:] == out[:3]


@pytest.mark.parametrize(("args", "needle"), [
    (("--tz", "Mars/Olympus"), "Mars/Olympus"),
    (("--now", "yesterday"), "--now"),
    (("--now", "-3"), "--now"),
])
def test_usage_errors_exit_2(args: tuple[str, ...], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(*args, "22/04/2025") == (2, [])
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1


def test_help_states_the_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    assert "current time (default)" in text and "--now=none" in text and "--tz -02:00" in text


def test_help_states_every_option_and_keeps_the_epilog_lines(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    flat = " ".join(text.split())  # argparse wraps option help to the terminal's width
    assert text.startswith("usage: python -m newscrawl.dates ")
    for phrase in (DESCRIPTION, "stamps to read (default: one per line on standard input)",
                   "reference time for relative and year-less dates: ISO 8601, 'none', or the current time "
                   "(default)", "zone assumed when a string states none (IANA name, UTC, or ±HH:MM)",
                   "write one JSON object per string"):
        assert f" {phrase} " in f" {flat} ", phrase
    lines = text.splitlines()
    assert all(line in lines for line in EPILOG.splitlines())  # printed as written, not rewrapped


@pytest.mark.parametrize("args", [
    ("2025-04-22 10:18", "--tz", "-02:00"),  # the option last
    ("--tz", "-02:00", "Apr 22, 2025 10:18"),  # a string whose second character is no digit
    ("--tz", "-2", "2025-04-22 10:18"),
    ("--tz", "-2:00", "2025-04-22 10:18"),
])
def test_tz_offset_with_a_minus_anywhere(args: tuple[str, ...]) -> None:
    assert cli(*args) == (0, ["2025-04-22T12:18:00+00:00"])


def test_a_string_that_looks_like_a_negative_number_is_a_string() -> None:
    assert cli("--now=none", "22/04/2025", "-3", "23/04/2025") == (0, ["2025-04-22", "", "2025-04-23"])


def test_an_option_without_its_value_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["22/04/2025", "--tz"], ["22/04/2025", "--now"]):
        with pytest.raises(SystemExit) as exc:
            main(args)
        assert exc.value.code == 2
        assert "expected one argument" in capsys.readouterr().err


@pytest.mark.parametrize("now", ["2025-04-22T12:00:00Z", "2025-04-22T12:00:00z", "2025-04-22T15:00:00+03:00"])
def test_now_with_a_zone_letter_or_offset(now: str) -> None:
    assert cli("--now", now, "منذ ساعتين") == (0, ["2025-04-22T10:00:00+00:00"])


def test_usage_error_message_for_an_unknown_zone(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("--tz", "Mars/Olympus", "22/04/2025") == (2, [])
    assert capsys.readouterr().err == (
        "python -m newscrawl.dates: error: unknown time zone 'Mars/Olympus' for --tz (use an IANA name such "
        "as Asia/Riyadh, UTC, or an offset like +03:00)\n")


def test_json_keeps_the_input_as_read_without_its_carriage_return() -> None:
    data = b"22/04/2025 \r\n22/04/2025 X\r\n\xff 22/04/2025\t\r"  # the last line without a newline
    status, out = cli("--json", "--now=none", stdin=data)
    assert status == 0
    inputs = [json.loads(line)["input"] for line in out]
    assert inputs == ["22/04/2025 ", "22/04/2025 X", "\ufffd 22/04/2025\t"]
    status, out = cli("--json", "--now=none", stdin=b"22/04/2025 X\r")
    assert [json.loads(line)["input"] for line in out] == ["22/04/2025 X"]


def test_defaults_are_the_process_arguments_and_streams(monkeypatch: pytest.MonkeyPatch,
                                                        capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    monkeypatch.setattr(sys, "argv", ["newscrawl.dates", "22/04/2025", "23/04/2025"])
    assert main() == 0
    assert capsysbinary.readouterr().out == b"2025-04-22\n2025-04-23\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"24/04/2025\n")))
    out = io.BytesIO()
    assert main([], stdout=out) == 0
    assert out.getvalue() == b"2025-04-24\n"


class _Answers:
    """An output stream that hands each write to the test as it happens."""

    def __init__(self) -> None:
        self.writes: queue.Queue[bytes] = queue.Queue()

    def write(self, data: bytes) -> int:
        self.writes.put(data)
        return len(data)

    def flush(self) -> None:
        pass


class _Chunks(io.RawIOBase):
    """A reader without a file descriptor: one chunk per read; records what was written before each read."""

    def __init__(self, chunks: list[bytes], out: io.BytesIO) -> None:
        self.chunks, self.out, self.written_before = list(chunks), out, []

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        self.written_before.append(self.out.getvalue())
        chunk = self.chunks.pop(0) if self.chunks else b""
        buffer[:len(chunk)] = chunk
        return len(chunk)


def test_a_reader_without_a_file_descriptor_is_answered_a_read_at_a_time() -> None:
    out = io.BytesIO()
    reader = _Chunks([b"22/04/2025\n23/04", b"/2025\n", b"24/04/2025"], out)
    assert main(["--now=none"], stdin=reader, stdout=out) == 0  # type: ignore[arg-type]
    assert reader.written_before[:3] == [b"", b"2025-04-22\n", b"2025-04-22\n2025-04-23\n"]
    assert out.getvalue() == b"2025-04-22\n2025-04-23\n2025-04-24\n"


@pytest.fixture
def pipe() -> Iterator[tuple[io.BufferedReader, int]]:
    r, w = os.pipe()
    reader = os.fdopen(r, "rb")
    try:
        yield reader, w
    finally:
        try:
            os.close(w)
        except OSError:
            pass
        reader.close()


def test_a_pipe_is_answered_while_it_is_open(pipe: tuple[io.BufferedReader, int]) -> None:
    reader, w = pipe
    out = _Answers()
    thread = threading.Thread(target=main, args=(["--now=none"],), kwargs={"stdin": reader, "stdout": out},
                              daemon=True)
    thread.start()
    for line, expected in [(STAMP, b"2025-04-22T10:18:00+00:00\n"), ("x\n22/04/2025", b"\n2025-04-22\n")]:
        os.write(w, line.encode("utf-8") + b"\n")
        assert out.writes.get(timeout=60) == expected  # a guard against a hang, not a timing assertion
    os.write(w, b"23/04/2025")
    os.close(w)
    thread.join(60)
    assert not thread.is_alive() and out.writes.get_nowait() == b"2025-04-23\n"


def test_a_broken_pipe_stops_quietly_with_stdout_on_devnull(monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path: Path) -> None:
    class Broken:
        def write(self, data: bytes) -> int:
            raise BrokenPipeError

        def flush(self) -> None:
            pass

    with open(tmp_path / "stdout", "wb") as stdout:
        monkeypatch.setattr(sys, "stdout", stdout)
        assert main(["22/04/2025"], stdout=Broken()) == 0  # type: ignore[arg-type]
        assert os.path.samestat(os.fstat(stdout.fileno()), os.stat(os.devnull))


def test_an_interrupt_exits_130() -> None:
    class Interrupted(io.RawIOBase):
        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            raise KeyboardInterrupt

    assert main([], stdin=Interrupted(), stdout=io.BytesIO()) == 130  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# As a process
# --------------------------------------------------------------------------


def test_process_exit_statuses_and_arguments() -> None:
    ok = subprocess.run([*CMD, "--tz", "-02:00", "2025-04-22 10:18"], capture_output=True, cwd=ROOT,
                        timeout=120)
    assert (ok.returncode, ok.stdout) == (0, b"2025-04-22T12:18:00+00:00\n")
    bad = run(["22/04/2025"], "--tz", "Mars/Olympus")
    assert bad.returncode == 2 and bad.stdout == b""
    assert b"Mars/Olympus" in bad.stderr and b"time zone" in bad.stderr and b"Traceback" not in bad.stderr


def test_streaming_one_line_at_a_time() -> None:
    proc = subprocess.Popen(CMD, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT)
    assert proc.stdin is not None and proc.stdout is not None
    timer = threading.Timer(60, proc.kill)  # a guard against a hung child, not a timing assertion
    timer.start()
    try:
        for line, expected in [
            (STAMP, b"2025-04-22T10:18:00+00:00\n"),
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


def test_publisher_stamps_start_without_the_general_path() -> None:
    # Start-up is a large share of a run over publisher stamps (bench.dates): the command line loads the
    # tokenizer, the grammar and their vocabulary only when a string needs them, and no dataclasses
    # (unless mutmut's trampoline, which the mutated copy of the code imports, loaded them itself).
    code = ("import sys\nfrom newscrawl.dates import main\n"
            "main(['GMT 10:18 2025 الثلاثاء ,22 إبريل / نيسان'])\n"
            "ours = ('newscrawl.dates.tokens', 'newscrawl.dates.general')"
            " + (() if 'mutmut' in sys.modules else ('dataclasses',))\n"
            "print(sorted(m for m in ours if m in sys.modules))\n"
            "main(['22/04/2025'])\nprint('newscrawl.dates.general' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True).stdout.decode()
    assert out.split("\n")[:-1] == ["2025-04-22T10:18:00+00:00", "[]", "2025-04-22", "True"]


def test_json_output_uses_the_reference_time_and_zone() -> None:
    # --json reads each string with --now and --tz as the plain output does.
    status, out = cli("--json", "--now", "2025-04-22T12:00:00Z", "--tz", "+03:00", "منذ ساعتين", "10:30")
    rows = [json.loads(line) for line in out]
    assert status == 0 and [r["value"] for r in rows] == ["2025-04-22T10:00:00+00:00", "07:30:00"]
    assert rows[1]["utc"] is True and rows[1]["findings"]["zone"] == "+03:00"
