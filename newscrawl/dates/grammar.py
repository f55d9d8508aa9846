"""The grammar: small rules, each recognising one shape in the string of token kinds.

Each rule is a pattern over token kinds (see ``tokens.py``) and a function that reads the tokens it
matched into :class:`Parts`. Rules are tried left to right, the first that matches at a position wins;
tokens no rule takes are *leftovers*, judged by ``compose.py``.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from typing import Any

from newscrawl.dates.tokens import Tokens

# 12-hour reading: the hour as printed -> the hour of the day, for each day-part word.
HOURS: dict[str | None, dict[int, int]] = {
    None: {h: h for h in range(24)},
    "am": {**{h: h for h in range(12)}, 12: 0},
    "pm": {**{h: h + 12 for h in range(1, 12)}, **{h: h for h in range(12, 24)}},
    "noon": {**{h: h + 12 for h in range(1, 7)}, **{h: h for h in range(7, 24)}},
    "night": {**{h: h for h in range(6)}, **{h: h + 12 for h in range(6, 12)}, 12: 0,
              **{h: h for h in range(13, 24)}},
    "midnight": {0: 0, 12: 0},
    "midday": {12: 12},
}
INSTANTS = {"midnight": 0, "midday": 12}  # day-parts that are a time by themselves


class Parts:
    """What the rules found in one string."""

    __slots__ = ("greg", "hijri", "hijri_partial", "times", "rels", "rdays", "months_seen", "leftover",
                 "invalid", "mismatch", "month_number", "ambiguous_numeric")

    def __init__(self) -> None:
        self.greg: list[tuple[_dt.date | None, tuple[int, int], bool]] = []
        self.hijri: list[tuple[_dt.date, tuple[int, int, int]]] = []
        self.hijri_partial: list[tuple[int, int]] = []  # month, day: no year
        self.times: list[tuple[int, int, int]] = []
        self.rels: list[tuple[str, int | None, int]] = []  # unit, amount, ±1
        self.rdays: list[tuple[Any, ...]] = []
        self.months_seen: list[dict[str, Any]] = []
        self.leftover: list[int] = []
        self.invalid = False
        self.mismatch: str | None = None  # month_pair_mismatch, month_number_mismatch
        self.month_number: int | None = None  # حزيران (6)
        self.ambiguous_numeric: str | None = None  # a numeric date whose calendar is not stated


Rule = Callable[[Tokens, int, int, Parts], bool]  # False: the tokens are not what the shape says

_CONT = r"(?:[-/]?M|\(M\)|\(d\))*+"  # a month's other name or number: إبريل / نيسان, حزيران (6)
SHAPES: dict[str, str] = {
    "relative": r"[RF][dn]?Uf?(?:c[dn]?Uf?)*",  # منذ ساعة و 30 دقيقة; بعد يومين; منذ 100 يوم
    "hijri": r"d[-/]?Hy?h?",  # 23 شوال 1446 هـ
    "day_month": r"d[-/]?M" + _CONT + r"(?:[-/]?y[gm]?)?",  # 22 إبريل / نيسان 2025 م
    "month_day": r"M" + _CONT + r"[-/]?d(?:y[gm]?)?",  # April 22, 2025
    "numeric": r"N[hgm]?",  # 22/04/2025; 1446/10/23 هـ
    "clock": r"S?T[pqm]?o?|Sdf?[pqm]?|df?p|p",  # 10:18 م; الساعة الخامسة والنصف مساءً; 4 عصراً
    "relative_day": r"r",  # أمس, الخميس القادم
}
_SHAPES_RE = re.compile("|".join(f"(?P<{name}>{shape})" for name, shape in SHAPES.items()))


def read(tokens: Tokens) -> Parts:
    """Apply the rules to the kind string; every token is taken by a rule or left over."""
    parts = Parts()
    kinds = "".join(tokens.kinds)
    pos = 0
    for m in _SHAPES_RE.finditer(kinds):
        a, b = m.span()
        parts.leftover.extend(range(pos, a))
        pos = b
        if not RULES[m.lastgroup](tokens, a, b, parts):  # type: ignore[index]
            parts.leftover.extend(range(a, b))
    parts.leftover.extend(range(pos, len(kinds)))
    return parts


def clock(tokens: Tokens, a: int, b: int, parts: Parts) -> bool:
    hour = minute = second = None
    marker = None
    extra = 0
    for i in range(a, b):
        kind, value = tokens.kinds[i], tokens.values[i]
        if kind == "T":
            hour, minute, second, zone = value
            if zone is not None:
                tokens.zones.append(zone)
        elif kind == "d":
            hour, minute, second = value, 0, 0
        elif kind == "f":
            extra = value
        elif kind == "o":
            if value is not None:
                tokens.zones.append(value)
        elif kind in "pqm":
            marker = value
    if hour is None:  # a day-part alone: only midnight and midday are an instant
        if marker not in INSTANTS:
            return False
        hour, minute, second = INSTANTS[marker], 0, 0
        marker = None
    day_hour = HOURS[marker].get(hour)
    if day_hour is None or minute > 59 or second > 59:  # type: ignore[operator]
        parts.invalid = True
        return True
    minutes = (day_hour * 60 + minute + extra) % 1440  # type: ignore[operator]
    parts.times.append((minutes // 60, minutes % 60, second))  # type: ignore[arg-type]
    return True


def gregorian(tokens: Tokens, a: int, b: int, parts: Parts) -> bool:
    months: list[int] = []
    numbers: list[int] = []
    day = year = None
    in_paren = False
    for i in range(a, b):
        kind, value = tokens.kinds[i], tokens.values[i]
        if kind == "M":
            months.append(value[0])
            parts.months_seen.append({"name": value[2], "month": value[0], "system": value[1]})
        elif kind in "()":
            in_paren = kind == "("
        elif kind == "d":
            if in_paren:
                numbers.append(value)
            else:
                day = value
        elif kind == "y":
            year = value
    if numbers:
        parts.month_number = numbers[0]
    if len(set(months)) > 1:
        parts.mismatch = "month_pair_mismatch"
    elif any(n != months[0] for n in numbers):
        parts.mismatch = "month_number_mismatch"
    _add_gregorian(parts, year, months[0], day)  # type: ignore[arg-type]
    return True


def _add_gregorian(parts: Parts, year: int | None, month: int, day: int) -> None:
    if safe_date(2000, month, day) is None:  # 2000 is a leap year
        parts.invalid = True
        return
    if year is None:
        parts.greg.append((None, (month, day), False))
        return
    d = safe_date(year, month, day) if 1000 <= year <= 2999 else None
    if d is None:
        parts.invalid = True
    else:
        parts.greg.append((d, (month, day), True))


def hijri(tokens: Tokens, a: int, b: int, parts: Parts) -> bool:
    day = year = None
    month = 0
    for i in range(a, b):
        kind, value = tokens.kinds[i], tokens.values[i]
        if kind == "d":
            day = value
        elif kind == "H":
            month = value[0]
            parts.months_seen.append({"name": value[1], "month": month, "system": "hijri"})
        elif kind == "y":
            year = value
    if year is None:
        parts.hijri_partial.append((month, day))  # type: ignore[arg-type]
        return True
    _add_hijri(parts, year, month, day)  # type: ignore[arg-type]
    return True


def _add_hijri(parts: Parts, year: int, month: int, day: int) -> None:
    d = hijri_to_gregorian(year, month, day)
    if d is None:
        parts.invalid = True
    else:
        parts.hijri.append((d, (year, month, day)))


def numeric(tokens: Tokens, a: int, b: int, parts: Parts) -> bool:
    p1, p2, p3 = tokens.values[a]
    marker = tokens.kinds[a + 1] if b - a > 1 else None
    if len(p1) == 4 and len(p3) <= 2:
        year, month, day = int(p1), int(p2), int(p3)
    elif len(p1) <= 2 and len(p3) in (2, 4):
        day, month, year = int(p1), int(p2), int(p3)
        if len(p3) == 2:
            year = 1400 + year if marker == "h" else two_digit_year(year)
    else:
        parts.invalid = True
        return True
    if marker == "h" or (marker is None and "A" in tokens.kinds and 1300 <= year <= 1600):
        _add_hijri(parts, year, month, day)
    elif marker is None and 1300 <= year <= 1600:
        parts.ambiguous_numeric = "-".join((p1, p2, p3))
    else:
        _add_gregorian(parts, year, month, day)
    return True


def relative(tokens: Tokens, a: int, b: int, parts: Parts) -> bool:
    sign = tokens.values[a]
    count: int | None = None
    amounts: list[tuple[str, int | None, int]] = []
    for i in range(a + 1, b):
        kind, value = tokens.kinds[i], tokens.values[i]
        if kind in "dn":
            count = value
        elif kind == "U":
            unit, implied = value
            amounts.append((unit, count if count is not None else implied, sign))
            count = None
        elif kind == "f":  # ساعة ونصف: a fraction of the unit before it
            unit, amount, _ = amounts[-1]
            if amount is None or unit not in SUBUNITS:
                return False  # «منذ أسبوع ونصف»: not read at all rather than read as «منذ أسبوع»
            smaller, per = SUBUNITS[unit]
            amounts.append((smaller, per * value // 60, sign))
    parts.rels.extend(amounts)
    return True


SUBUNITS = {"hour": ("minute", 60), "minute": ("second", 60), "day": ("hour", 24)}  # fractions are 1/60


def relative_day(tokens: Tokens, a: int, b: int, parts: Parts) -> bool:
    parts.rdays.append(tokens.values[a])
    return True


RULES: dict[str, Rule] = {
    "relative": relative,
    "hijri": hijri,
    "day_month": gregorian,
    "month_day": gregorian,
    "numeric": numeric,
    "clock": clock,
    "relative_day": relative_day,
}


def safe_date(y: int, m: int, d: int) -> _dt.date | None:
    try:
        return _dt.date(y, m, d)
    except ValueError:
        return None


RJD_TO_ORDINAL = 2400000 - 1721425  # reduced Julian day -> proleptic Gregorian ordinal


def hijri_to_gregorian(year: int, month: int, day: int) -> _dt.date | None:
    """An Umm al-Qura date in the Gregorian calendar (None outside hijridate's table, or a day its month
    does not have), read from hijridate's table of month starts: its date objects cost ten times that."""
    from hijridate import ummalqura  # only for Hijri dates: not loaded by every command-line start

    starts = ummalqura.MONTH_STARTS
    index = (year - 1) * 12 + month - 1 - ummalqura.HIJRI_OFFSET
    if not 1 <= month <= 12 or not 0 <= index < len(starts) - 1:
        return None
    if not 1 <= day <= starts[index + 1] - starts[index]:
        return None
    return _dt.date.fromordinal(starts[index] + day - 1 + RJD_TO_ORDINAL)


def two_digit_year(yy: int) -> int:
    """A two-digit year is 20yy when yy < 70, else 19yy."""
    return 2000 + yy if yy < 70 else 1900 + yy
