"""``python -m newscrawl.dates``: normalize stamps given as arguments, or one per line on standard input."""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import sys
from collections.abc import Callable
from typing import BinaryIO

from newscrawl.dates.parser import parse
from newscrawl.dates.zones import Zone, resolve_tz

PROG = "python -m newscrawl.dates"
DESCRIPTION = "Normalize Arabic news date stamps to ISO 8601."
EPILOG = """\
Without strings, reads standard input and answers each line as soon as it is read (empty line: no
date). --now defaults to the current time; --now ISO pins it (reproducible runs); --now=none reads
with no reference time, as the crawl's date pipeline does: relative forms give no value and a date
without a year stays --MM-DD. An offset for --tz may start with a minus: --tz -02:00."""
_VALUED = ("--now", "--tz")


def _arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, epilog=EPILOG, description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("strings", nargs="*", help="stamps to read (default: one per line on standard input)")
    parser.add_argument("--now", default="current",
                        help="reference time for relative and year-less dates: ISO 8601, 'none', or the "
                             "current time (default)")
    parser.add_argument("--tz", help="zone assumed when a string states none (IANA name, UTC, or ±HH:MM)")
    parser.add_argument("--json", action="store_true", help="write one JSON object per string")
    return parser


def _joined(argv: list[str]) -> list[str]:
    """``--tz -02:00`` as ``--tz=-02:00``: argparse takes a value starting with '-' for an option."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in _VALUED and i + 1 < len(argv) and argv[i + 1][:1] in "-+" and argv[i + 1][1:2].isdigit():
            out.append(f"{arg}={argv[i + 1]}")
            i += 2
            continue
        out.append(arg)
        i += 1
    return out


def _now(value: str) -> _dt.datetime | None:
    """--now: 'current' (the default), 'none', or an ISO 8601 date-time (ValueError otherwise)."""
    v = value.strip()
    if v.lower() == "none":
        return None
    if v == "current":
        return _dt.datetime.now(_dt.UTC)
    if v.endswith(("Z", "z")):
        v = v[:-1] + "+00:00"
    return _dt.datetime.fromisoformat(v)


def main(argv: list[str] | None = None, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> int:
    """Write one normalized value (or an empty line) per string; exit 2 on a usage error."""
    parser = _arguments()
    args = parser.parse_args(_joined(list(sys.argv[1:] if argv is None else argv)))
    try:
        tzpair = resolve_tz(args.tz)
    except ValueError:
        return _usage(f"unknown time zone {args.tz!r} for --tz (use an IANA name such as Asia/Riyadh, UTC, "
                      "or an offset like +03:00)")
    try:
        now = _now(args.now)
    except ValueError:
        return _usage(f"--now {args.now!r} is not an ISO 8601 date-time (or 'none')")
    out = stdout if stdout is not None else sys.stdout.buffer
    answer = _answerer(now, tzpair, args.json)

    try:
        if args.strings:
            out.write("".join(answer(s) + "\n" for s in args.strings).encode("utf-8"))
            out.flush()
        else:
            _filter(stdin if stdin is not None else sys.stdin.buffer, out, answer)
    except BrokenPipeError:
        # The reader went away: stop quietly (and keep the final flush from failing).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except KeyboardInterrupt:
        return 130
    return 0


def _answerer(now: _dt.datetime | None, tzpair: Zone | None, as_json: bool) -> Callable[[str], str]:
    """What is written for one string: its value (empty: no date) or, with --json, the whole result."""
    if not as_json:
        return lambda line: parse(line, now, tzpair).value or ""
    import json  # only for --json

    def answer(line: str) -> str:
        return json.dumps({"input": line, **parse(line, now, tzpair).to_json()}, ensure_ascii=False)

    return answer


def _usage(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def _filter(reader: BinaryIO, out: BinaryIO, answer: Callable[[str], str]) -> None:
    """Answer every complete line read so far, then flush: one write per read, never a line held back."""
    fd = _fileno(reader)
    pending = b""
    while True:
        chunk = os.read(fd, 1 << 16) if fd is not None else reader.read(1 << 16)
        if not chunk:
            break
        complete, newline, pending = (pending + chunk).rpartition(b"\n")
        if newline:
            lines = complete.decode("utf-8", "replace").split("\n")
            if b"\r" in complete:
                lines = [line.rstrip("\r") for line in lines]
            out.write(("\n".join(map(answer, lines)) + "\n").encode("utf-8"))
            out.flush()
    if pending:
        out.write((answer(pending.decode("utf-8", "replace").rstrip("\r")) + "\n").encode("utf-8"))
        out.flush()


def _fileno(reader: BinaryIO) -> int | None:
    try:
        return reader.fileno()
    except (OSError, AttributeError, ValueError):
        return None
