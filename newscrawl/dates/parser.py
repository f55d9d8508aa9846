"""parse_date: normalize, then the publisher's own stamps by a short path, everything else through the
general path (``general.py``: the tokenizer, the grammar's rules and the composition of their parts),
loaded on first use: a run of publisher stamps starts without it."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from newscrawl.dates import words as w
from newscrawl.dates.normalize import digits_system, key, normalize_text
from newscrawl.dates.result import DateResult, lazy_result, none
from newscrawl.dates.vocabulary import calendar_names
from newscrawl.dates.words import WEEKDAY_CANON
from newscrawl.dates.zones import UTC, UTC_ZONE, Zone, resolve_tz

MAX_LENGTH = 2000  # normalized characters; longer text is not a date stamp

# The publisher's stamp, ``GMT 10:18 2025 الثلاثاء ,22 إبريل / نيسان``, and its update stamp,
# ``آخر تحديث GMT12:58:10``: the same result as the general path (a test checks it), a fraction of the
# work. A stamp printed plainly (Western, Eastern Arabic-Indic or Persian digits, which int() reads as
# normalization would; single spaces; names spelled as in the word tables) is matched as it comes, before
# normalization; any other spelling is matched once normalized.
_D = "[0-9\u0660-\u0669\u06f0-\u06f9]"  # the digits normalization maps to 0-9
_NAME = r"([^ /,،0-9\u0660-\u0669\u06f0-\u06f9]+(?: [^ /,،0-9\u0660-\u0669\u06f0-\u06f9]+)?)"
_STAMP = (f"({_D}{{1,2}}):({_D}{{2}}) ({_D}{{4}}) (?:يوم )?([^ ,،]+) ?[,،] ?({_D}{{1,2}}) " + _NAME
          + r"(?: ?/ ?" + _NAME + ")?")
_RAW_STAMP_RE = re.compile(r"(?:GMT|gmt) ?" + _STAMP)
_STAMP_RE = re.compile(r"gmt ?" + _STAMP)
_UPDATE = f" ?({_D}{{1,2}}):({_D}{{2}})(?::({_D}{{2}}))?"
_RAW_UPDATE_RE = re.compile(r"(?:[آا]خر تحديث:? ?)?(?:GMT|gmt)" + _UPDATE)
_UPDATE_RE = re.compile(r"(?:اخر تحديث:? ?)?gmt" + _UPDATE)
# Month and weekday names, normalized and as the word tables spell them -> their vocabulary entry.
_NAMES = calendar_names()
_RAW_NAMES = {spelling: _NAMES[key(spelling)]
              for table in (*w.GREGORIAN_MONTHS.values(), w.WEEKDAYS)
              for spellings in table.values() for spelling in spellings.split("|")}


def parse_date(text: str, *, now: _dt.datetime | None = None,
               default_tz: str | _dt.tzinfo | None = None) -> DateResult:
    """Parse one raw date/time string as printed by Arabic news sites.

    ``now`` is the reference time for relative forms and year-less dates;
    ``default_tz`` is the zone assumed when the text states none.  Never raises
    on any text (raises ValueError only for an unknown ``default_tz``).
    """
    tzpair = resolve_tz(default_tz)
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", "replace")
    if not isinstance(text, str):
        return none("unparsed", {})
    return parse(text, now, tzpair)


def parse(text: str, now: _dt.datetime | None, tzpair: Zone | None, fast: bool = True) -> DateResult:
    """parse_date of a ``str`` with its zone resolved (the command line's loop); never raises.
    ``fast=False`` skips the publisher-stamp path (the tests compare the two)."""
    try:
        if fast:
            m = _RAW_STAMP_RE.fullmatch(text)
            quick = _full_stamp(m, text, _RAW_NAMES) if m is not None else _update_stamp(text, text, raw=True)
            if quick is not None:
                return quick
        return _normalized(text, now, tzpair, fast)
    except Exception as exc:  # safety net: a parser bug must not stop a crawl
        return none("unparsed", {"error": f"{type(exc).__name__}: {exc}"})


def _normalized(text: str, now: _dt.datetime | None, tzpair: Zone | None, fast: bool) -> DateResult:
    s = normalize_text(text)
    if not s:
        return none("unparsed", {})
    if len(s) > MAX_LENGTH:
        return none("unparsed", {"too_long": len(s)})
    if fast:
        m = _STAMP_RE.fullmatch(s)
        quick = _full_stamp(m, text, _NAMES) if m is not None else _update_stamp(s, text, raw=False)
        if quick is not None:
            return quick
    from newscrawl.dates.general import read_general  # loaded on first use (see the module docstring)

    return read_general(s, text, now, tzpair)


def _update_stamp(s: str, text: str, raw: bool) -> DateResult | None:
    """The update stamp in ``s`` (``text`` as it came, or normalized); None defers to the general path."""
    m = (_RAW_UPDATE_RE if raw else _UPDATE_RE).fullmatch(s)
    if m is None:
        return None
    h, mi, sec = m.groups()
    hour, minute, second = int(h), int(mi), int(sec or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    t = _dt.time(hour, minute, second, 0, UTC)
    return lazy_result(f"{hour:02d}:{minute:02d}:{second:02d}", "time", None, None, t, True, (),
                       lambda: {**_digits(text), "zone": "UTC", "zone_source": "stated"})


def _full_stamp(m: re.Match[str], text: str, names: dict[str, tuple[str, Any]]) -> DateResult | None:
    """The publisher's stamp matched in ``m``; None (the general path decides) when its names are not a
    weekday and one month, or its numbers not a date."""
    h, mi, y, weekday, d, n1, n2 = m.groups()
    wd = names.get(weekday)
    first = names.get(n1)
    second = first if n2 is None else names.get(n2)
    if wd is None or first is None or second is None or wd[0] != "W" or first[0] != "M" or second[0] != "M":
        return None
    month, year = first[1][0], int(y)
    if second[1][0] != month or not 1000 <= year <= 2999:
        return None
    try:
        dt = _dt.datetime(year, month, int(d), int(h), int(mi), 0, 0, UTC)  # tzinfo by keyword costs more
    except ValueError:
        return None
    months = (first[1], second[1]) if n2 is not None else (first[1],)
    seen, expected = wd[1][0], dt.weekday()
    # The value from the digits as printed when they are ASCII (a third of the cost of formatting the
    # datetime), else from the datetime.
    value = f"{y}-{month:02d}-{d:0>2}T{h:0>2}:{mi}:00+00:00" if (y + d + h + mi).isascii() \
        else dt.isoformat()
    return lazy_result(value, "datetime", dt, dt.date(), dt.timetz(), True,
                       () if seen == expected else ("weekday_mismatch",),
                       lambda: _stamp_findings(text, months, seen, expected))


def _stamp_findings(text: str, months: tuple[tuple[Any, ...], ...], seen: int,
                    expected: int) -> dict[str, Any]:
    """The findings the general path reports for a publisher stamp."""
    return {
        **_digits(text),
        "months": [{"name": v[2], "month": v[0], "system": v[1]} for v in months],
        "months_agree": True,
        "year_source": "free",
        "zone": UTC_ZONE[0],
        "zone_source": "stated",
        "calendar": "gregorian",
        "weekday": {"seen": [WEEKDAY_CANON[seen]], "expected": WEEKDAY_CANON[expected],
                    "ok": seen == expected},
    }


def _digits(text: str) -> dict[str, str]:
    digits = digits_system(text)
    return {"digits": digits} if digits else {}
