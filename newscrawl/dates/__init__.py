"""Parse the date and time stamps printed by Arabic news sites.

Pure Python (no Scrapy).  The public API is :func:`parse_date`, which returns a
:class:`DateResult`, and :func:`combine_date_time`.  ``python -m newscrawl.dates``
is its command line (:mod:`newscrawl.dates.cli`).

How it reads (one module each): ``normalize`` (one spelling of digits and letters),
``words`` (the word tables: months of each regional system, Hijri months,
weekdays, day-parts, number words, relative words, labels) and ``zones``,
``vocabulary`` (every spelling of the tables -> its token kind), ``tokens`` (the
tokenizer), ``grammar`` (small rules, each recognising one shape), ``compose``
(the checks and the value), ``general`` (the three in a row), ``parser`` (the
entry point: the publisher's stamps by a short path, anything else through
``general``, which is loaded on first use).

Normalized values (always zero-padded, always with seconds):

* ``2025-04-22T10:18:00+00:00`` date, time and zone known (converted to UTC);
* ``2025-04-22T10:18:00``       date and time, zone unknown (naive local time);
* ``2025-04-22``                a date alone (Hijri dates converted to Gregorian);
* ``12:58:10``                  a time alone (in UTC when its zone is known);
* ``--04-22``                   day and month without a year (ISO 8601 form).

What is read: publisher stamps (``GMT 10:18 2025 الثلاثاء ,22 إبريل / نيسان``,
``آخر تحديث GMT12:58:10``); month names of the Levantine/Iraqi, Egyptian/Gulf,
Algerian/Tunisian and Moroccan systems, their abbreviations, and English, paired
(``إبريل / نيسان``, ``7 يونيو (حزيران)``) or with their number (``حزيران (6)``);
weekdays with or without hamza and ``يوم``; days and hours as digits (Western,
Eastern Arabic-Indic, Persian), as number words (``الخامس عشر من مايو``,
``الساعة الخامسة والنصف``) or English ordinals (``3rd March 2025``); tatweel,
diacritics, bidi controls and odd spaces; ``GMT``/``UTC``/offsets (also a bare
``+03:00`` after a time), ``بتوقيت غرينتش`` and named local zones (``بتوقيت القدس``
...) converted with zoneinfo; 12-hour times with their day-part (``ص``/``م``,
``صباحاً``, ``ظهراً``, ``عصراً``, ``مساءً``, ``ليلاً``, ``فجراً``; ``منتصف الليل`` is
00:00); ISO and day-first numeric dates; relative forms, past and future
(``منذ 5 دقائق``, ``منذ ثلاثة أيام``, ``بعد ساعتين``, ``أمس``, ``غداً``, ``إمبارح``,
``بكرة``, ``النهاردة``, ``الخميس القادم``, ``الأسبوع الماضي``, ``الشهر المقبل``);
Hijri dates (Umm al-Qura, via hijridate) alone or with the Gregorian one (``...
الموافق ...``, or one after the other).

Issue codes (``DateResult.issues``):

* ``unparsed``             no date material at all;
* ``ambiguous``            a bare number, two different dates/times/zones, stray
  numbers next to a date, a day-part word not attached to the time, a time alone
  in running text, a Hijri day without year, a numeric year 1300-1600 without
  calendar marker: not a date;
* ``invalid_date``         impossible date or time (``31 شباط 2025``, ``25:00``, ``24:00``);
* ``month_pair_mismatch``  paired month names disagree: not a date;
* ``month_number_mismatch`` ``حزيران (7)``: not a date;
* ``weekday_mismatch``     the weekday does not match the date (date kept);
* ``hijri_mismatch``       the Hijri date does not match the Gregorian (Gregorian kept);
* ``needs_reference_time`` a relative form without ``now``: not a date.

Rules that are choices rather than facts:

* A string is read completely or not at all: a part it states (a date, a time,
  a day-part, a year) is never dropped, and when a part cannot be placed the
  string has no value (and an issue code) rather than a nearby value.
* Numeric dates are day-first (``11/9/2010`` is 11 September 2010); a two-digit
  year ``yy`` is 20yy when yy < 70, else 19yy.  A numeric date whose year lies in
  1300-1600 without ``هـ``/``م`` marker (and without ``الموافق``) is ambiguous.
* Year resolution: a day and month without a year is resolved only with a
  reference time ``now``.  The chosen year is the one that puts the date in the
  window ``[today - 334 days, today + 1 day]`` (news pages print past dates,
  ~11 months back at most; one day of slack covers time zones), ``today`` being
  the reference date (``now`` in ``default_tz`` when given).  When no year
  does, the value stays ``--MM-DD``.
* Relative forms need ``now`` (else: not a date, issue ``needs_reference_time``).
  ``منذ/قبل N`` (ago) and ``بعد/خلال N`` (in; only in a string of date words)
  seconds, minutes or hours give the datetime ``now ∓ N units`` (microseconds
  dropped); days, weeks, months and years give the date ``today ∓ N units``
  (calendar months/years, day clamped).  ``اليوم``, ``أمس``, ``أول أمس``, ``غداً``,
  ``بعد غد`` give today, -1, -2, +1, +2 days (a datetime when a time is printed
  with them); ``الآن`` gives ``now``.  ``الخميس الماضي``/``القادم`` is the nearest
  Thursday before/after today (never today); ``الأسبوع/الشهر/العام الماضي``
  (``المقبل``) is today -/+ one week, month or year.  A naive ``now`` is taken in
  ``default_tz`` when given, else results stay naive.
* 12-hour times: ``ص``/``صباحاً``/``فجراً`` 12 is 00, 1-11 as printed; ``م``/
  ``مساءً``/``عصراً`` 1-11 are +12, 12 is noon; ``ظهراً`` 1-6 are +12, 12 is noon;
  ``ليلاً`` 6-11 are +12, 12 is 00, 1-5 as printed.  An hour above 12 with a
  day-part is read as printed when it agrees (``13:30 م``), else invalid.
* Converting a time printed alone from a zone with daylight saving uses the
  reference date (``now``, else today's date) to pick the offset.
* A weekday that disagrees with the date keeps the date (numbers are
  authoritative) and adds ``weekday_mismatch``.  A month pair that disagrees
  (``إبريل / أيار``) or a month number that disagrees (``حزيران (7)``) makes the
  string not a date.  With Hijri and Gregorian dates together the Gregorian one
  is returned and checked against the Hijri one (``hijri_mismatch``).
* Strings made only of recognised date words keep a free-standing year (``GMT
  10:18 2025 الثلاثاء ,22 إبريل / نيسان``); in running text (any unknown word),
  only contiguous dates are read, other numbers are ignored, and a date without
  a year next to a free year is ambiguous.
* ``م`` right after a year is the calendar marker (ميلادي); right after a time
  it is PM.  A lone ``م``/``ص`` after a bare hour is not read as a time.
* Times are kept to the second (fractions dropped).  ``DateResult.time`` is
  tz-aware (UTC) when ``utc`` is true, naive otherwise; ``DateResult.date`` is
  the UTC date for a UTC datetime.  Text longer than ``MAX_LENGTH`` normalized
  characters is not read (``unparsed``).
"""

from __future__ import annotations

from newscrawl.dates.cli import main
from newscrawl.dates.normalize import normalize_text
from newscrawl.dates.parser import MAX_LENGTH, parse, parse_date
from newscrawl.dates.result import ISSUE_CODES, KINDS, DateResult, combine_date_time

_parse = parse  # the tests compare the publisher-stamp path with the general one

__all__ = [
    "DateResult",
    "ISSUE_CODES",
    "KINDS",
    "MAX_LENGTH",
    "combine_date_time",
    "main",
    "normalize_text",
    "parse_date",
]
