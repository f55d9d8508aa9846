"""From the parts the rules found to one value: checks first (a string is read completely or not at all),
then the calendar date, the relative forms, the zone, and the value."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from newscrawl.dates.grammar import Parts, safe_date
from newscrawl.dates.result import (
    DateResult,
    date_result,
    datetime_result,
    none,
    result,
    time_result,
)
from newscrawl.dates.tokens import Tokens
from newscrawl.dates.words import WEEKDAY_CANON
from newscrawl.dates.zones import UTC, Zone

STRAY = "dnMHo"  # leftovers that make a string of date words ambiguous
ATTACHED = "pqmfox"  # leftovers that would change a time if they were attached to it (day-parts, offsets)
FINE_UNITS = {"second": 1, "minute": 60, "hour": 3600}
DAY_UNITS = {"day": 1, "week": 7}
MONTH_UNITS = {"month": 1, "year": 12}
RESOLVE_WINDOW = (-334, 1)  # a year-less date lies in [today - 334 days, today + 1 day]


class Reading:
    """The state of one parse: its tokens, parts, findings and issues."""

    __slots__ = ("tokens", "parts", "findings", "issues", "now", "tzpair", "zone")

    def __init__(self, tokens: Tokens, parts: Parts, findings: dict[str, Any], now: _dt.datetime | None,
                 tzpair: Zone | None) -> None:
        self.tokens = tokens
        self.parts = parts
        self.findings = findings
        self.issues: list[str] = []
        self.now = now
        self.tzpair = tzpair
        self.zone: Zone | None = None


def compose(r: Reading) -> DateResult:
    """The value of the parts, or no value with the reason."""
    for check in CHECKS:
        issue = check(r)
        if issue is not None:
            return none(issue, r.findings, r.issues)
    _choose_zone(r)
    p = r.parts
    if p.rels or (p.rdays and not p.greg and not p.hijri):
        if r.now is None:
            r.findings["relative"] = True
            return none("needs_reference_time", r.findings, r.issues)
        try:
            return _relative(r)
        except (OverflowError, ValueError):  # a reference time near year 1 or 9999
            return none("invalid_date", r.findings, r.issues)
    return _absolute(r)


# --------------------------------------------------------------------------
# Checks: each returns an issue code when the string cannot be read whole
# --------------------------------------------------------------------------


def _mismatch(r: Reading) -> str | None:
    p = r.parts
    if p.months_seen:
        r.findings["months"] = p.months_seen
        r.findings["months_agree"] = p.mismatch != "month_pair_mismatch"
    if p.month_number is not None:
        r.findings["month_number"] = p.month_number
    return p.mismatch


def _invalid(r: Reading) -> str | None:
    p = r.parts
    if r.tokens.bad_offset:
        return "invalid_date"
    if p.invalid and not (r.tokens.prose and (p.greg or p.hijri or p.times)):
        return "invalid_date"  # in running text an impossible date next to a good one is noise
    return None


def _leftovers(r: Reading) -> str | None:
    """Numbers and names no rule took: a free year joins a year-less date; others are stray."""
    p, kinds, values = r.parts, r.tokens.kinds, r.tokens.values
    free_years = [values[i] for i in p.leftover if kinds[i] == "y"]
    if p.times and any(kinds[i] in ATTACHED for i in p.leftover):
        return "ambiguous"  # a day-part or an offset not attached to the time: never guess it
    if r.tokens.prose:
        if free_years and any(not g[2] for g in p.greg):
            return "ambiguous"  # «22 أبريل ... 2025»: whose year is it?
        return None
    stray = any(kinds[i] in STRAY for i in p.leftover)
    if free_years and not stray:
        stray = not _free_year(r, free_years)
    return "ambiguous" if stray else None


def _free_year(r: Reading, free_years: list[int]) -> bool:
    """``GMT 10:18 2025 الثلاثاء ,22 إبريل``: the one free year is the year of the one year-less date."""
    p = r.parts
    missing = [g for g in p.greg if not g[2]]
    given = {g[0].year for g in p.greg if g[2] and g[0] is not None}
    if missing and len(set(free_years)) == 1 and len({g[1] for g in missing}) == 1:
        year = free_years[0]
        month, day = missing[0][1]
        d = safe_date(year, month, day) if 1000 <= year <= 2999 else None
        if d is None:
            p.invalid = True
            return True
        p.greg = [g for g in p.greg if g[2]] + [(d, (month, day), True)]
        r.findings["year_source"] = "free"
        return True
    return bool(given) and given.issuperset(free_years)


def _invalid_free_year(r: Reading) -> str | None:
    return "invalid_date" if r.parts.invalid and not r.tokens.prose else None


def _numeric_calendar(r: Reading) -> str | None:
    if r.parts.ambiguous_numeric is not None:
        r.findings["numeric"] = r.parts.ambiguous_numeric
        return "ambiguous"
    return None


def _relative_alone(r: Reading) -> str | None:
    p = r.parts
    if p.rels:
        if any(amount is None for _, amount, _ in p.rels):
            return "unparsed"  # «منذ ساعات»: vague, not a date
        if p.greg or p.hijri or p.times or p.rdays:
            return "ambiguous"
        if r.tokens.prose and any(sign > 0 for _, _, sign in p.rels):
            return "ambiguous"  # «بعد ساعتين» in running text: after what?
    return None


def _time_needs_date(r: Reading) -> str | None:
    p = r.parts
    if r.tokens.prose and p.times and not (p.greg or p.hijri or p.rdays or p.hijri_partial):
        return "ambiguous"  # a time alone in running text: the date may be in words we do not read
    return None


def _distinct(r: Reading) -> str | None:
    p = r.parts
    if len(p.greg) > 1 and len({g[0] if g[0] is not None else g[1] for g in p.greg}) > 1:
        return "ambiguous"
    # Sets built only when there are two or more: most strings state one of each.
    if len(p.times) > 1 and len(set(p.times)) > 1:
        return "ambiguous"
    if len(p.hijri) > 1 and len({h[0] for h in p.hijri}) > 1:
        return "ambiguous"
    if len(p.rdays) > 1 and len(set(p.rdays)) > 1:
        return "ambiguous"
    zones = {z[0] for z in r.tokens.zones} if len(r.tokens.zones) > 1 else ()
    if len(zones) > 1:
        r.findings["zones"] = sorted(zones)
        return "ambiguous"
    return None


CHECKS = (_mismatch, _invalid, _leftovers, _invalid_free_year, _numeric_calendar, _relative_alone,
          _time_needs_date, _distinct)


def _choose_zone(r: Reading) -> None:
    if r.tokens.zones:
        r.zone = r.tokens.zones[0]
        r.findings["zone"] = r.zone[0]
        r.findings["zone_source"] = "stated"
    elif r.tzpair is not None and r.parts.times:
        r.zone = r.tzpair
        r.findings["zone"] = r.zone[0]
        r.findings["zone_source"] = "default"


# --------------------------------------------------------------------------
# A calendar date (Gregorian, Hijri or both), a time, or both
# --------------------------------------------------------------------------


def _absolute(r: Reading) -> DateResult:
    p = r.parts
    date_value, monthday = _gregorian(r)
    if p.hijri:
        date_value, monthday = _check_hijri(r, date_value, monthday)
    if p.hijri_partial and not p.hijri:
        if date_value is None:
            r.findings["hijri"] = {"year": None, "month": p.hijri_partial[0][0], "day": p.hijri_partial[0][1]}
            return none("ambiguous", r.findings, r.issues)
        _check_hijri_day(r, date_value)
    if monthday is not None and r.now is not None:
        resolved = resolve_year(monthday, reference(r.now, r.tzpair)[1])
        r.findings["year_source"] = "now" if resolved is not None else "unresolved"
        if resolved is not None:
            date_value, monthday = resolved, None
    _check_weekday(r, date_value)
    time = p.times[0] if p.times else None
    if date_value is not None:
        if time is None:
            return date_result(date_value, r.issues, r.findings)
        return _local_datetime(r, _dt.datetime.combine(date_value, _dt.time(*time)))
    if monthday is not None:
        r.findings["monthday"] = {"month": monthday[0], "day": monthday[1]}
        t = _dt.time(*time) if time else None
        return result(f"--{monthday[0]:02d}-{monthday[1]:02d}", "monthday", None, None, t, False, r.issues,
                      r.findings)
    if time is not None:
        return _time_alone(r, _dt.time(*time))
    return none("unparsed", r.findings, r.issues)


def _gregorian(r: Reading) -> tuple[_dt.date | None, tuple[int, int] | None]:
    if not r.parts.greg:
        return None, None
    r.findings["calendar"] = "gregorian"
    d, monthday, _ = r.parts.greg[0]
    return (d, None) if d is not None else (None, monthday)


def _check_hijri(r: Reading, date_value: _dt.date | None,
                 monthday: tuple[int, int] | None) -> tuple[_dt.date | None, tuple[int, int] | None]:
    """With both calendars the Gregorian date is returned, checked against the Hijri one."""
    hd, (hy, hm, hdd) = r.parts.hijri[0]
    info: dict[str, Any] = {"year": hy, "month": hm, "day": hdd, "gregorian": hd.isoformat()}
    r.findings["hijri"] = info
    if not r.parts.greg:
        r.findings["calendar"] = "hijri"
        return hd, None
    r.findings["calendar"] = "hijri+gregorian"
    if date_value is None and monthday == (hd.month, hd.day):
        date_value, monthday = hd, None
        r.findings["year_source"] = "hijri"
    info["ok"] = date_value == hd
    if not info["ok"]:
        r.issues.append("hijri_mismatch")
        if date_value is not None:
            info["diff_days"] = (hd - date_value).days
    return date_value, monthday


def _check_hijri_day(r: Reading, date_value: _dt.date) -> None:
    """«23 شوال الموافق 21 أبريل 2025»: a Hijri day and month without year, checked against the date."""
    hm, hdd = r.parts.hijri_partial[0]
    info: dict[str, Any] = {"year": None, "month": hm, "day": hdd}
    r.findings["hijri"] = info
    r.findings["calendar"] = "hijri+gregorian"
    from hijridate import Gregorian  # only for Hijri dates: not loaded by every command-line start

    try:
        h = Gregorian.fromdate(date_value).to_hijri()
    except (ValueError, OverflowError):
        ok = False
    else:
        info["year"] = h.year
        info["expected"] = f"{h.year:04d}-{h.month:02d}-{h.day:02d}"
        ok = (h.month, h.day) == (hm, hdd)
    info["ok"] = ok
    if not ok:
        r.issues.append("hijri_mismatch")


def _check_weekday(r: Reading, date_value: _dt.date | None) -> None:
    """A weekday that disagrees with the date keeps the date (numbers are authoritative)."""
    if not r.tokens.weekdays:
        return
    seen = sorted({w[0] for w in r.tokens.weekdays})
    info: dict[str, Any] = {"seen": [WEEKDAY_CANON[i] for i in seen]}
    if date_value is not None:
        expected = date_value.weekday()
        info["expected"] = WEEKDAY_CANON[expected]
        info["ok"] = seen == [expected]
        if not info["ok"]:
            r.issues.append("weekday_mismatch")
    else:
        info["ok"] = None
    r.findings["weekday"] = info


def _local_datetime(r: Reading, local: _dt.datetime) -> DateResult:
    """A date and time as printed: converted to UTC when its zone is known, naive otherwise."""
    if r.zone is None:
        return datetime_result(local, r.issues, r.findings)
    if r.zone[0] != "UTC":
        r.findings["local"] = local.isoformat()
    return datetime_result(local.replace(tzinfo=r.zone[1]), r.issues, r.findings)


def _time_alone(r: Reading, t: _dt.time) -> DateResult:
    if r.zone is None:
        return time_result(t, False, r.issues, r.findings)
    utc = time_to_utc(t, r.zone[1], r.now)
    if utc.replace(tzinfo=None) != t:
        r.findings["local"] = f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
    return time_result(utc, True, r.issues, r.findings)


# --------------------------------------------------------------------------
# Relative forms: منذ 5 دقائق, بعد يومين, أمس 10:30, الخميس القادم, الشهر الماضي
# --------------------------------------------------------------------------


def _relative(r: Reading) -> DateResult:
    if r.zone is not None and r.tzpair is None:
        r.tzpair = r.zone
    base, today = reference(r.now, r.tzpair)
    base = base.replace(microsecond=0)  # type: ignore[union-attr]
    if r.parts.rels:
        return _amounts(r, base, today)  # type: ignore[arg-type]
    (day,) = set(r.parts.rdays)
    if day[0] == "now":
        r.findings["relative"] = [{"unit": "now", "amount": "now"}]
        if r.parts.times:
            return none("ambiguous", r.findings, r.issues)
        return datetime_result(base, r.issues, r.findings)
    d = _relative_date(r, day, today)  # type: ignore[arg-type]
    if not r.parts.times:
        return date_result(d, r.issues, r.findings)
    if day[0] == "period":
        return none("ambiguous", r.findings, r.issues)  # «الأسبوع الماضي 10:30»: which day?
    return _local_datetime(r, _dt.datetime.combine(d, _dt.time(*r.parts.times[0])))


def _relative_date(r: Reading, day: tuple[Any, ...], today: _dt.date) -> _dt.date:
    if day[0] == "day":
        r.findings["relative"] = [{"unit": "day", "amount": day[1]}]
        return today + _dt.timedelta(days=day[1])
    if day[0] == "weekday":  # the nearest such weekday before (after) today, never today
        _, weekday, sign = day
        r.findings["relative"] = [{"unit": "weekday", "weekday": WEEKDAY_CANON[weekday], "amount": sign}]
        days = ((weekday - today.weekday()) * sign - 1) % 7 + 1
        return today + _dt.timedelta(days=sign * days)
    _, unit, sign = day
    r.findings["relative"] = [{"unit": unit, "amount": sign}]
    return shift(today, unit, sign)


def _amounts(r: Reading, base: _dt.datetime, today: _dt.date) -> DateResult:
    """منذ/بعد N units: seconds to hours give a datetime, days and longer give a date."""
    rels = r.parts.rels
    r.findings["relative"] = [{"unit": u, "amount": n * s} for u, n, s in rels]  # type: ignore[operator]
    if all(u in FINE_UNITS for u, _, _ in rels):
        seconds = sum(n * s * FINE_UNITS[u] for u, n, s in rels)  # type: ignore[operator]
        return datetime_result(base + _dt.timedelta(seconds=seconds), r.issues, r.findings)
    d = today
    for unit, n, sign in rels:
        if unit in FINE_UNITS:
            return none("ambiguous", r.findings, r.issues)  # «منذ يوم و 3 ساعات»: a date or a time?
        d = shift(d, unit, n * sign)  # type: ignore[operator]
    return date_result(d, r.issues, r.findings)


def shift(d: _dt.date, unit: str, n: int) -> _dt.date:
    """Move a date by n days, weeks, months or years (calendar months, the day clamped)."""
    if unit in DAY_UNITS:
        return d + _dt.timedelta(days=n * DAY_UNITS[unit])
    months = n * MONTH_UNITS[unit]
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    if not 1 <= y <= 9999:
        raise OverflowError("date out of range")
    return _dt.date(y, m + 1, min(d.day, days_in_month(y, m + 1)))


def days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (_dt.date(year, month + 1, 1) - _dt.timedelta(days=1)).day


# --------------------------------------------------------------------------
# The reference time
# --------------------------------------------------------------------------


def reference(now: _dt.datetime | None, tzpair: Zone | None) -> tuple[_dt.datetime | None, _dt.date | None]:
    """(now as a UTC-aware or naive datetime, today's date where the reader is)."""
    if now is None:
        return None, None
    if isinstance(now, _dt.date) and not isinstance(now, _dt.datetime):
        now = _dt.datetime.combine(now, _dt.time())
    if now.tzinfo is None:
        if tzpair is not None:
            return now.replace(tzinfo=tzpair[1]).astimezone(UTC), now.date()
        return now, now.date()
    if tzpair is not None:
        return now.astimezone(UTC), now.astimezone(tzpair[1]).date()
    return now.astimezone(UTC), now.astimezone(UTC).date()


def resolve_year(monthday: tuple[int, int], today: _dt.date) -> _dt.date | None:
    """The year that puts a day and month in [today - 334 days, today + 1 day], if one does."""
    month, day = monthday
    for year in (today.year + 1, today.year, today.year - 1):
        d = safe_date(year, month, day)
        if d is not None and RESOLVE_WINDOW[0] <= (d - today).days <= RESOLVE_WINDOW[1]:
            return d
    return None


def time_to_utc(t: _dt.time, tz: _dt.tzinfo, now: _dt.datetime | None) -> _dt.time:
    """A time printed alone, in UTC: a zone with daylight saving takes the offset of ``now``'s date
    (today's without ``now``)."""
    if isinstance(tz, _dt.timezone):
        day = _dt.date(2000, 1, 1)
    elif now is not None:
        ref = reference(now, None)[0]
        day = (ref.astimezone(tz) if ref.tzinfo else ref).date()  # type: ignore[union-attr]
    else:
        day = _dt.datetime.now(tz).date()
    return _dt.datetime.combine(day, t, tzinfo=tz).astimezone(UTC).timetz()
