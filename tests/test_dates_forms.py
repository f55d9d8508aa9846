"""Table tests for the forms news pages print beyond the publisher's own stamps (issue 13, point 2), and
for the day-part and hour rules mutation testing found unpinned."""

from __future__ import annotations

import datetime as dt
import os
import time
import types
from collections.abc import Iterator
from typing import Any

import pytest

from newscrawl.dates import compose, parse_date

UTC = dt.UTC
NOW = dt.datetime(2025, 4, 22, 12, 0, tzinfo=UTC)  # a Tuesday

# (text, value or None, issues); read without a reference time.
DAY_PARTS = [
    ("4 عصراً", "16:00:00", ()),
    ("4:00 عصراً", "16:00:00", ()),
    ("الساعة 4 عصرا", "16:00:00", ()),
    ("10:15 ليلاً", "22:15:00", ()),
    ("10:15 ليلا", "22:15:00", ()),
    ("12:30 ليلاً", "00:30:00", ()),
    ("2 ليلاً", "02:00:00", ()),
    ("12 ظهراً", "12:00:00", ()),
    ("1 ظهرا", "13:00:00", ()),
    ("11 ظهراً", "11:00:00", ()),
    ("منتصف الليل", "00:00:00", ()),
    ("12 منتصف الليل", "00:00:00", ()),
    ("الساعة 12:00 منتصف الليل", "00:00:00", ()),
    ("منتصف النهار", "12:00:00", ()),
    ("5 فجراً", "05:00:00", ()),
    ("11 صباحاً", "11:00:00", ()),
    ("12 صباحاً", "00:00:00", ()),
    ("9 مساءً", "21:00:00", ()),
    ("12 مساءً", "12:00:00", ()),
    ("3:00 بعد الظهر", "15:00:00", ()),
    ("الساعة 3:00 من بعد الظهر", "15:00:00", ()),
    ("22 أبريل 2025 الساعة 4 عصراً بتوقيت مكة المكرمة", "2025-04-22T13:00:00+00:00", ()),
    ("الثلاثاء 22 أبريل 2025 - 10:15 ليلاً", "2025-04-22T22:15:00", ()),
    ("5 منتصف الليل", None, ("invalid_date",)),
    ("0 مساءً", None, ("invalid_date",)),
    ("13 صباحاً", None, ("invalid_date",)),
    ("24:00", None, ("invalid_date",)),
    ("24:00 ليلاً", None, ("invalid_date",)),
    ("الساعة 24", None, ("invalid_date",)),
    ("23:59", "23:59:00", ()),
    # A day-part word that is not attached to the time: never guessed, never dropped.
    ("10:30 - مساءً", None, ("ambiguous",)),
    ("10:30 مساءً مساءً", None, ("ambiguous",)),
    ("ص 10:30", None, ("ambiguous",)),
    ("22 أبريل 2025 10:30 والنصف", None, ("ambiguous",)),
    # Without a time a day-part states nothing to read wrong: the date stands.
    ("22 أبريل 2025 مساءً", "2025-04-22", ()),
]

NUMBER_WORDS = [
    ("الخامس عشر من مايو 2025", "2025-05-15", ()),
    ("الأول من يناير 2025", "2025-01-01", ()),
    ("الحادي والعشرين من مارس 2025", "2025-03-21", ()),
    ("الحادي و العشرين من مارس 2025", "2025-03-21", ()),
    ("الثاني والعشرون من أبريل 2025", "2025-04-22", ()),
    ("العشرين من أبريل 2025", "2025-04-20", ()),
    ("الثلاثين من أبريل 2025", "2025-04-30", ()),
    ("الحادي والثلاثين من ديسمبر 2024", "2024-12-31", ()),
    ("الثالث عشر من يونيو 2025", "2025-06-13", ()),
    ("الثانية عشرة من يونيو 2025", "2025-06-12", ()),
    ("التاسع من أغسطس 2025", "2025-08-09", ()),
    ("خمسة عشر مايو 2025", "2025-05-15", ()),
    ("ثلاثة مايو 2025", "2025-05-03", ()),
    ("اثنين وعشرين أبريل 2025", "2025-04-22", ()),
    ("إحدى عشرة مايو 2025", "2025-05-11", ()),
    ("الثلاثين من فبراير 2025", None, ("invalid_date",)),
    ("الساعة الخامسة عصراً", "17:00:00", ()),
    ("الساعة الخامسة والنصف مساءً", "17:30:00", ()),
    ("الساعة العاشرة صباحاً", "10:00:00", ()),
    ("الساعة الثانية عشرة ظهراً", "12:00:00", ()),
    ("الساعة السادسة إلا ربعاً مساءً", "17:45:00", ()),
    ("الساعة الثالثة والربع عصراً", "15:15:00", ()),
]

FUTURE_AND_RELATIVE = [  # read with NOW
    ("غداً", "2025-04-23", ()),
    ("غدا", "2025-04-23", ()),
    ("بعد غد", "2025-04-24", ()),
    ("غداً الساعة 10:00", "2025-04-23T10:00:00", ()),
    ("غداً الساعة 10 صباحاً بتوقيت غرينتش", "2025-04-23T10:00:00+00:00", ()),
    ("بعد ساعتين", "2025-04-22T14:00:00+00:00", ()),
    ("بعد 3 أيام", "2025-04-25", ()),
    ("خلال 5 دقائق", "2025-04-22T12:05:00+00:00", ()),
    ("بعد شهرين", "2025-06-22", ()),
    ("الخميس القادم", "2025-04-24", ()),
    ("الخميس الماضي", "2025-04-17", ()),
    ("الثلاثاء القادم", "2025-04-29", ()),
    ("الثلاثاء الماضي", "2025-04-15", ()),
    ("الجمعة المقبلة", "2025-04-25", ()),
    ("الأحد الماضي", "2025-04-20", ()),
    ("الاثنين المقبل", "2025-04-28", ()),
    ("يوم الخميس القادم", "2025-04-24", ()),
    ("الخميس الماضي الساعة 10:30", "2025-04-17T10:30:00", ()),
    ("الأسبوع المقبل", "2025-04-29", ()),
    ("الأسبوع الماضي", "2025-04-15", ()),
    ("الشهر الماضي", "2025-03-22", ()),
    ("الشهر المقبل", "2025-05-22", ()),
    ("العام الماضي", "2024-04-22", ()),
    ("السنة المقبلة", "2026-04-22", ()),
    ("الأسبوع الماضي 10:30", None, ("ambiguous",)),
    ("منذ ثلاثة أيام", "2025-04-19", ()),
    ("منذ خمس دقائق", "2025-04-22T11:55:00+00:00", ()),
    ("قبل عشر دقائق", "2025-04-22T11:50:00+00:00", ()),
    ("منذ عشرين دقيقة", "2025-04-22T11:40:00+00:00", ()),
    ("منذ ثلاث ساعات", "2025-04-22T09:00:00+00:00", ()),
    ("منذ خمسة عشر يوماً", "2025-04-07", ()),
    ("منذ 15 يوما", "2025-04-07", ()),
    ("منذ 11 شهراً", "2024-05-22", ()),
    ("منذ ساعة ونصف", "2025-04-22T10:30:00+00:00", ()),
    ("منذ ساعتين ونصف", "2025-04-22T09:30:00+00:00", ()),
    ("منذ ساعات ونصف", None, ("unparsed",)),
    ("منذ أسبوع ونصف", None, ("unparsed",)),  # half a week: not read rather than read as a week
    ("منذ 3 أسابيع ونصف", None, ("ambiguous",)),  # its count is then a stray number
    ("منذ أسبوع ونصف 10:30", None, ("ambiguous",)),  # and its fraction is not attached to the time
    ("منذ ساعة و دقيقتين", "2025-04-22T10:58:00+00:00", ()),
    ("قتل 5 أشخاص منذ ساعة", "2025-04-22T11:00:00+00:00", ()),  # the 5 is not the count
    ("منذ 100 يوم", "2025-01-12", ()),
    ("بعد ساعتين من الانفجار", None, ("ambiguous",)),
    # Colloquial day words.
    ("بكرة", "2025-04-23", ()),
    ("بكره", "2025-04-23", ()),
    ("إمبارح", "2025-04-21", ()),
    ("امبارح الساعة 10", "2025-04-21T10:00:00", ()),
    ("النهاردة", "2025-04-22", ()),
    ("النهارده 10:30 ص", "2025-04-22T10:30:00", ()),
    ("أول إمبارح", "2025-04-20", ()),
    ("أول أمس 9 مساءً", "2025-04-20T21:00:00", ()),
    ("10:30 من صباح اليوم", "2025-04-22T10:30:00", ()),
    ("أمس (أمس)", "2025-04-21", ()),  # one relative day stated twice is not two days
]

OTHER_FORMS = [
    # Abbreviated month names.
    ("22 أبر 2025", "2025-04-22", ()),
    ("5 ينا 2025", "2025-01-05", ()),
    ("3 أغس 2025", "2025-08-03", ()),
    ("1 ديس 2024", "2024-12-01", ()),
    ("Apr 22, 2025", "2025-04-22", ()),
    ("22 Sept. 2025", "2025-09-22", ()),
    ("22-Oct-2025", "2025-10-22", ()),
    # A bare UTC offset after a time.
    ("10:30 +03:00", "07:30:00", ()),
    ("10:30 +3", "07:30:00", ()),
    ("22 أبريل 2025 10:30 -02:00", "2025-04-22T12:30:00+00:00", ()),
    ("2025-04-22 10:30 +0530", "2025-04-22T05:00:00+00:00", ()),
    ("10:30 +15:00", None, ("invalid_date",)),
    ("10:30 +03:00 بتوقيت القاهرة", None, ("ambiguous",)),
    # English month names and ordinals in Arabic text.
    ("Published: 3rd March 2025", "2025-03-03", ()),
    ("نشر في 1st April 2025", "2025-04-01", ()),
    ("March 3rd, 2025", "2025-03-03", ()),
    ("22nd April 2025 10:18 GMT", "2025-04-22T10:18:00+00:00", ()),
    ("Published on the 21st of March 2025", "2025-03-21", ()),
    ("Updated: Tuesday 22 April 2025", "2025-04-22", ()),
    ("32nd April 2025", None, ("invalid_date",)),
    # A Gregorian date followed by a Hijri one, without «الموافق» (and the other way round).
    ("الخميس ١٢ يونيو ٢٠٢٥ - ١٦ ذو الحجة ١٤٤٦", "2025-06-12", ()),
    ("الخميس 12 يونيو 2025 | 16 ذو الحجة 1446 هـ", "2025-06-12", ()),
    ("16 ذو الحجة 1446 هـ - 12 يونيو 2025", "2025-06-12", ()),
    ("الخميس 12 يونيو 2025 - 17 ذو الحجة 1446", "2025-06-12", ("hijri_mismatch",)),
]


# Boundaries and shapes mutation testing found unpinned.
BOUNDARIES = [
    ("10:60", None, ("invalid_date",)),
    ("الساعة الثانية عشرة إلا ربعاً ليلاً", "23:45:00", ()),  # a quarter to midnight
    ("21 أبريل 2025 الموافق 23 شوال", "2025-04-21", ()),  # the Hijri day without its year, after
    ("23/10/46 هـ", "2025-04-21", ()),  # a two-digit Hijri year is 14yy
    ("22/04/2025م 10:18", "2025-04-22T10:18:00", ()),  # م after a numeric year is the calendar
    ("1446/10/23 الموافق 2025/04/21م", "2025-04-21", ()),  # «الموافق»: the other numeric date is Hijri
    ("1300/01/01", None, ("ambiguous",)),  # 1300-1600 without a calendar: which one?
    ("1600/01/01", None, ("ambiguous",)),
    ("1601/01/01", "1601-01-01", ()),
    ("1300/01/01 الموافق 1882/11/12", None, ("invalid_date",)),  # Hijri, before the Umm al-Qura table
    ("1600/01/01 الموافق 2175/01/01", None, ("invalid_date",)),
    ("1601/01/01 الموافق 2175/01/01", None, ("ambiguous",)),  # two Gregorian dates
    ("05/11/70", "1970-11-05", ()),  # a two-digit year is 20yy below 70, else 19yy
    ("05/11/69", "2069-11-05", ()),
    ("150 أبريل 2025", None, ("ambiguous",)),  # three digits are no day
    ("22 أبريل 12345", None, ("ambiguous",)),  # five digits are no year
    ("7 يونيو [حزيران] 2025", "2025-06-07", ()),  # brackets as parentheses
    ("10:30 +530", "05:00:00", ()),  # an offset of three digits: h mm
    ("10:30 +05:45", "04:45:00", ()),
    ("10:30 +05:15", "05:15:00", ()),
    ("10:30 +14:00", "20:30:00", ()),  # the largest offset there is
    ("10:30 GMT+15", None, ("invalid_date",)),
    ("01:00 | م", None, ("ambiguous",)),  # م after punctuation is not PM for the time before it
    ("01:00 نشر في م", None, ("ambiguous",)),  # nor after a label
    ("GMT 10:18 2025 الثلاثاء ,22 إبريل / كلمة", None, ("ambiguous",)),  # a stamp whose pair is no month
    ("22 أبريل 0999", None, ("invalid_date",)),  # a year is 1000-2999
    ("22 أبريل 1000", "1000-04-22", ()),
    ("22 أبريل 2999", "2999-04-22", ()),
    ("22 أبريل 3000", None, ("invalid_date",)),
    ("10:30 السبت م", None, ("ambiguous",)),  # nor after a weekday
    ("10:30 الثلاثاء +03:00", None, ("ambiguous",)),
    ("10:18 GMT بتوقيت غرينتش", "10:18:00", ()),  # one zone stated twice is not two zones
    ("10 ص.", "10:00:00", ()),  # «ص.» abbreviates صباحاً (a day-part word), unlike the letter ص alone
    ("10:30 (10:30)", "10:30:00", ()),  # one time stated twice is not two times
    ("23 شوال 1446 هـ (23 شوال 1446 هـ)", "2025-04-21", ()),  # nor one Hijri date twice two dates
    ("01:00|م", None, ("ambiguous",)),  # one punctuation mark keeps م apart too
    ("01:00 |م", None, ("ambiguous",)),  # as do a space and a mark
    ("01:00 | م | نشر", None, ("ambiguous",)),  # م apart, then more words
    ("01:00 | م (", None, ("ambiguous",)),  # م apart, then punctuation
    ("01:00 | +03:00", None, ("ambiguous",)),  # an offset after punctuation is not the time's zone
    ("الخميس|القادم", None, ("unparsed",)),  # punctuation between two words: no phrase across it
]


def test_findings_of_months_numbers_and_relative_amounts() -> None:
    hijri = parse_date("23 شوال 1446 هـ").findings
    assert hijri["months"] == [{"name": "شوال", "month": 10, "system": "hijri"}]
    assert parse_date("15 حزيران (6) 2025").findings["month_number"] == 6
    assert parse_date("1446/10/23").findings["numeric"] == "1446-10-23"
    relative = parse_date("منذ ساعة ونصف", now=NOW).findings["relative"]
    assert relative == [{"unit": "hour", "amount": -1}, {"unit": "minute", "amount": -30}]
    assert all(type(r["amount"]) is int for r in relative)


def _ids(cases: list[tuple]) -> list[str]:
    # Row numbers (the assertion shows the text): mutation runs select tests by id, and ids made of
    # Arabic text were not always found again by name.
    return [f"row{i:03d}" for i in range(len(cases))]


FORMS = DAY_PARTS + NUMBER_WORDS + OTHER_FORMS + BOUNDARIES


@pytest.mark.parametrize(("text", "expected", "issues"), FORMS, ids=_ids(FORMS))
def test_forms(text: str, expected: str | None, issues: tuple[str, ...]) -> None:
    res = parse_date(text)
    assert (res.value, res.issues) == (expected, issues), (text, res)
    assert "error" not in res.findings


@pytest.mark.parametrize(("text", "expected", "issues"), FUTURE_AND_RELATIVE, ids=_ids(FUTURE_AND_RELATIVE))
def test_relative_forms(text: str, expected: str | None, issues: tuple[str, ...]) -> None:
    res = parse_date(text, now=NOW)
    assert (res.value, res.issues) == (expected, issues), (text, res)
    assert "error" not in res.findings
    without = parse_date(text)
    assert without.value is None
    if expected is not None:
        assert without.issues == ("needs_reference_time",), without


def test_weekday_relative_never_today() -> None:
    for days in range(7):
        now = NOW + dt.timedelta(days=days)
        today = now.date()
        last = parse_date("الثلاثاء الماضي", now=now).date
        following = parse_date("الثلاثاء القادم", now=now).date
        assert last.weekday() == following.weekday() == 1
        assert 1 <= (today - last).days <= 7 and 1 <= (following - today).days <= 7


# --------------------------------------------------------------------------
# What a reading reports, and the reference time (behaviour mutation testing found unpinned)
# --------------------------------------------------------------------------

APRIL = [{"name": "ابريل", "month": 4, "system": "egyptian"}]
SHAWWAL = [{"name": "شوال", "month": 10, "system": "hijri"}]
LATE = dt.datetime(2025, 4, 22, 22, 0, tzinfo=UTC)  # already the 23rd east of Cairo

# (text, arguments, (value, kind, utc, issues), findings)
FINDINGS: list[tuple[str, dict[str, Any], tuple[Any, ...], dict[str, Any]]] = [
    ("10:30", {}, ("10:30:00", "time", False, ()), {"digits": "western"}),
    ("صباحاً", {}, (None, "none", False, ("unparsed",)), {}),  # a day-part alone: nothing to read
    ("22 أبريل 2025 10:30 بتوقيت القدس", {}, ("2025-04-22T07:30:00+00:00", "datetime", True, ()), {
        "digits": "western", "months": APRIL, "months_agree": True, "zone": "Asia/Jerusalem",
        "zone_source": "stated", "calendar": "gregorian", "local": "2025-04-22T10:30:00"}),
    ("الآن", {"now": NOW}, ("2025-04-22T12:00:00+00:00", "datetime", True, ()),
     {"relative": [{"unit": "now", "amount": "now"}]}),
    ("الآن 10:30", {"now": NOW}, (None, "none", False, ("ambiguous",)),
     {"digits": "western", "relative": [{"unit": "now", "amount": "now"}]}),
    ("أمس", {"now": NOW}, ("2025-04-21", "date", False, ()), {"relative": [{"unit": "day", "amount": -1}]}),
    ("الخميس الماضي", {"now": NOW}, ("2025-04-17", "date", False, ()),
     {"relative": [{"unit": "weekday", "weekday": "الخميس", "amount": -1}]}),
    ("الشهر الماضي", {"now": NOW}, ("2025-03-22", "date", False, ()),
     {"relative": [{"unit": "month", "amount": -1}]}),
    ("الأسبوع الماضي 10:30", {"now": NOW}, (None, "none", False, ("ambiguous",)),
     {"digits": "western", "relative": [{"unit": "week", "amount": -1}]}),
    ("منذ يوم و 3 ساعات", {"now": NOW}, (None, "none", False, ("ambiguous",)),
     {"digits": "western", "relative": [{"unit": "day", "amount": -1}, {"unit": "hour", "amount": -3}]}),
    # The Hijri date gives the Gregorian date its year; one that disagrees leaves it without.
    ("23 شوال 1446 الموافق 21 أبريل", {}, ("2025-04-21", "date", False, ()), {
        "digits": "western", "months": SHAWWAL + APRIL, "months_agree": True, "calendar": "hijri+gregorian",
        "hijri": {"year": 1446, "month": 10, "day": 23, "gregorian": "2025-04-21", "ok": True},
        "year_source": "hijri"}),
    ("23 شوال 1446 الموافق 22 أبريل", {}, ("--04-22", "monthday", False, ("hijri_mismatch",)), {
        "digits": "western", "months": SHAWWAL + APRIL, "months_agree": True, "calendar": "hijri+gregorian",
        "hijri": {"year": 1446, "month": 10, "day": 23, "gregorian": "2025-04-21", "ok": False},
        "monthday": {"month": 4, "day": 22}}),
    # A Hijri day and month without year, checked against the Gregorian date (beyond the Umm al-Qura
    # table: not checkable, a mismatch).
    ("21 أبريل 2025 الموافق 23 شوال", {}, ("2025-04-21", "date", False, ()), {
        "digits": "western", "months": APRIL + SHAWWAL, "months_agree": True, "calendar": "hijri+gregorian",
        "hijri": {"year": 1446, "month": 10, "day": 23, "expected": "1446-10-23", "ok": True}}),
    ("21 أبريل 2025 الموافق 24 شوال", {}, ("2025-04-21", "date", False, ("hijri_mismatch",)), {
        "digits": "western", "months": APRIL + SHAWWAL, "months_agree": True, "calendar": "hijri+gregorian",
        "hijri": {"year": 1446, "month": 10, "day": 24, "expected": "1446-10-23", "ok": False}}),
    ("1 يناير 2100 الموافق 1 شوال", {}, ("2100-01-01", "date", False, ("hijri_mismatch",)), {
        "digits": "western", "months": [{"name": "يناير", "month": 1, "system": "egyptian"}] + SHAWWAL,
        "months_agree": True, "calendar": "hijri+gregorian",
        "hijri": {"year": None, "month": 10, "day": 1, "ok": False}}),
    # A free year is the year of the one year-less date, if it is a year (1000-2999) that makes it a date.
    ("2025 الثلاثاء ,22 إبريل", {}, ("2025-04-22", "date", False, ()), {
        "digits": "western", "months": APRIL, "months_agree": True, "year_source": "free",
        "calendar": "gregorian", "weekday": {"seen": ["الثلاثاء"], "expected": "الثلاثاء", "ok": True}}),
    ("1000 الثلاثاء ,22 إبريل", {}, ("1000-04-22", "date", False, ()), {
        "digits": "western", "months": APRIL, "months_agree": True, "year_source": "free",
        "calendar": "gregorian", "weekday": {"seen": ["الثلاثاء"], "expected": "الثلاثاء", "ok": True}}),
    ("2999 الثلاثاء ,22 إبريل", {}, ("2999-04-22", "date", False, ("weekday_mismatch",)), {
        "digits": "western", "months": APRIL, "months_agree": True, "year_source": "free",
        "calendar": "gregorian", "weekday": {"seen": ["الثلاثاء"], "expected": "الاثنين", "ok": False}}),
    ("0999 الثلاثاء ,22 إبريل", {}, (None, "none", False, ("invalid_date",)),
     {"digits": "western", "months": APRIL, "months_agree": True}),
    ("3000 الثلاثاء ,22 إبريل", {}, (None, "none", False, ("invalid_date",)),
     {"digits": "western", "months": APRIL, "months_agree": True}),
    ("2025 السبت ,29 فبراير", {}, (None, "none", False, ("invalid_date",)), {
        "digits": "western", "months": [{"name": "فبراير", "month": 2, "system": "egyptian"}],
        "months_agree": True}),
    ("2024 2025 الثلاثاء ,22 إبريل", {}, (None, "none", False, ("ambiguous",)),
     {"digits": "western", "months": APRIL, "months_agree": True}),
    ("22 أبريل 2024 2025", {}, (None, "none", False, ("ambiguous",)),
     {"digits": "western", "months": APRIL, "months_agree": True}),
    ("2025 22 أبريل 2025", {}, ("2025-04-22", "date", False, ()),  # the date's own year, repeated
     {"digits": "western", "months": APRIL, "months_agree": True, "calendar": "gregorian"}),
    ("2024 22 أبريل 2025", {}, (None, "none", False, ("ambiguous",)),
     {"digits": "western", "months": APRIL, "months_agree": True}),
    # «today» is the reader's day (default_tz) if given, else that of the zone the string states.
    ("أمس 10:30 بتوقيت القدس", {"now": LATE}, ("2025-04-22T07:30:00+00:00", "datetime", True, ()), {
        "digits": "western", "zone": "Asia/Jerusalem", "zone_source": "stated",
        "relative": [{"unit": "day", "amount": -1}], "local": "2025-04-22T10:30:00"}),
    ("أمس 10:30 بتوقيت القدس", {"now": LATE, "default_tz": "UTC"},
     ("2025-04-21T07:30:00+00:00", "datetime", True, ()), {
         "digits": "western", "zone": "Asia/Jerusalem", "zone_source": "stated",
         "relative": [{"unit": "day", "amount": -1}], "local": "2025-04-21T10:30:00"}),
    ("أمس", {"now": LATE, "default_tz": "Asia/Riyadh"}, ("2025-04-22", "date", False, ()),
     {"relative": [{"unit": "day", "amount": -1}]}),
    # Without a reference time a relative form has no value; with one beyond year 9999, neither.
    ("أمس", {}, (None, "none", False, ("needs_reference_time",)), {"relative": True}),
    ("الشهر المقبل", {"now": dt.datetime(9999, 12, 15, 12, tzinfo=UTC)},
     (None, "none", False, ("invalid_date",)), {"relative": [{"unit": "month", "amount": 1}]}),
    # The year of a year-less date from the reference day where the reader is.
    ("24 أبريل", {"now": LATE, "default_tz": "Asia/Riyadh"}, ("2025-04-24", "date", False, ()), {
        "digits": "western", "months": APRIL, "months_agree": True, "calendar": "gregorian",
        "year_source": "now"}),
    ("22 مايو", {"now": NOW}, ("--05-22", "monthday", False, ()), {
        "digits": "western", "months": [{"name": "مايو", "month": 5, "system": "egyptian"}],
        "months_agree": True, "calendar": "gregorian", "year_source": "unresolved",
        "monthday": {"month": 5, "day": 22}}),
    ("الثلاثاء 22 أبريل", {}, ("--04-22", "monthday", False, ()), {
        "digits": "western", "months": APRIL, "months_agree": True, "calendar": "gregorian",
        "weekday": {"seen": ["الثلاثاء"], "ok": None}, "monthday": {"month": 4, "day": 22}}),
    ("2025-04-22 13:18", {"default_tz": "Asia/Riyadh"}, ("2025-04-22T10:18:00+00:00", "datetime", True, ()), {
        "digits": "western", "zone": "Asia/Riyadh", "zone_source": "default", "calendar": "gregorian",
        "local": "2025-04-22T13:18:00"}),
    ("23 شوال", {}, (None, "none", False, ("ambiguous",)), {
        "digits": "western", "months": SHAWWAL, "months_agree": True,
        "hijri": {"year": None, "month": 10, "day": 23}}),
    # Two of anything that should be one: which is meant?
    ("10:30 بتوقيت القدس بتوقيت القاهرة", {}, (None, "none", False, ("ambiguous",)),
     {"digits": "western", "zones": ["Africa/Cairo", "Asia/Jerusalem"]}),
    ("23 شوال 1446 - 24 شوال 1446", {}, (None, "none", False, ("ambiguous",)),
     {"digits": "western", "months": SHAWWAL + SHAWWAL, "months_agree": True}),
    ("أمس اليوم", {"now": NOW}, (None, "none", False, ("ambiguous",)), {}),
    ("منذ ساعتين 10:30", {"now": NOW}, (None, "none", False, ("ambiguous",)), {"digits": "western"}),
    ("منذ ساعتين 23 شوال 1446", {"now": NOW}, (None, "none", False, ("ambiguous",)),
     {"digits": "western", "months": SHAWWAL, "months_agree": True}),
    ("منذ ساعتين 22 أبريل 2025", {"now": NOW}, (None, "none", False, ("ambiguous",)),
     {"digits": "western", "months": APRIL, "months_agree": True}),
    ("منذ ساعتين أمس", {"now": NOW}, (None, "none", False, ("ambiguous",)), {}),
    # In running text a time needs a date beside it, and an impossible date next to a good one is noise.
    ("وقع الانفجار أمس الساعة 10:30 في المدينة", {"now": NOW}, ("2025-04-21T10:30:00", "datetime", False, ()),
     {"digits": "western", "relative": [{"unit": "day", "amount": -1}]}),
    ("وقع الانفجار يوم 21 أبريل 2025 الساعة 10:30 في المدينة", {},
     ("2025-04-21T10:30:00", "datetime", False, ()),
     {"digits": "western", "months": APRIL, "months_agree": True, "calendar": "gregorian"}),
    ("وقع الانفجار يوم 23 شوال 1446 هـ الساعة 10:30 في المدينة", {},
     ("2025-04-21T10:30:00", "datetime", False, ()), {
         "digits": "western", "months": SHAWWAL, "months_agree": True, "calendar": "hijri",
         "hijri": {"year": 1446, "month": 10, "day": 23, "gregorian": "2025-04-21"}}),
    ("وقع الانفجار الساعة 10:30 في المدينة", {}, (None, "none", False, ("ambiguous",)),
     {"digits": "western"}),
    ("وقع الانفجار يوم 23 شوال 1446 هـ وتأجل إلى 30 فبراير 2025", {}, ("2025-04-21", "date", False, ()), {
        "digits": "western", "months": SHAWWAL + [{"name": "فبراير", "month": 2, "system": "egyptian"}],
        "months_agree": True, "calendar": "hijri",
        "hijri": {"year": 1446, "month": 10, "day": 23, "gregorian": "2025-04-21"}}),
    # A date as the reference time is its midnight.
    ("أمس", {"now": dt.date(2025, 4, 22)}, ("2025-04-21", "date", False, ()),
     {"relative": [{"unit": "day", "amount": -1}]}),
    ("منذ ساعتين", {"now": dt.date(2025, 4, 22)}, ("2025-04-21T22:00:00", "datetime", False, ()),
     {"relative": [{"unit": "hour", "amount": -2}]}),
]


@pytest.mark.parametrize(("text", "kwargs", "expected", "findings"), FINDINGS, ids=_ids(FINDINGS))
def test_findings(text: str, kwargs: dict[str, Any], expected: tuple[Any, ...],
                  findings: dict[str, Any]) -> None:
    res = parse_date(text, **kwargs)
    assert (res.value, res.kind, res.utc, res.issues) == expected, (text, res)
    assert res.findings == findings, text


def test_a_year_less_date_keeps_its_time() -> None:
    res = parse_date("22 أبريل 10:30")
    assert (res.value, res.kind, res.time, res.utc) == ("--04-22", "monthday", dt.time(10, 30), False)


@pytest.mark.parametrize(("text", "now", "expected"), [
    # Calendar months: the day is clamped to the target month's length.
    ("منذ شهر", dt.datetime(2025, 3, 31, 12, tzinfo=UTC), "2025-02-28"),
    ("منذ شهر", dt.datetime(2024, 3, 31, 12, tzinfo=UTC), "2024-02-29"),
    ("الشهر المقبل", dt.datetime(2025, 3, 31, 12, tzinfo=UTC), "2025-04-30"),
    ("الشهر المقبل", dt.datetime(2025, 10, 31, 12, tzinfo=UTC), "2025-11-30"),
    ("منذ شهر", dt.datetime(2025, 1, 31, 12, tzinfo=UTC), "2024-12-31"),
    ("الشهر المقبل", dt.datetime(2025, 11, 30, 12, tzinfo=UTC), "2025-12-30"),
    # The first and last years there are.
    ("منذ شهر", dt.datetime(1, 2, 15, 12, tzinfo=UTC), "0001-01-15"),
    ("الشهر المقبل", dt.datetime(9999, 1, 15, 12, tzinfo=UTC), "9999-02-15"),
    ("الشهر المقبل", dt.datetime(9999, 12, 15, 12, tzinfo=UTC), None),
    # A year-less date lies in [today - 334 days, today + 1 day].
    ("1 يناير", dt.datetime(2025, 12, 31, 12, tzinfo=UTC), "2026-01-01"),
    ("23 مايو", NOW, "2024-05-23"),
    ("22 مايو", NOW, "--05-22"),
])
def test_calendar_arithmetic_at_its_edges(text: str, now: dt.datetime, expected: str | None) -> None:
    assert parse_date(text, now=now).value == expected


@pytest.fixture
def machine_zone() -> Iterator[None]:
    """The machine's local zone set far from UTC (+14:00): no value may depend on it."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Pacific/Kiritimati"
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


@pytest.mark.usefixtures("machine_zone")
def test_values_do_not_depend_on_the_machine_zone() -> None:
    assert parse_date("أمس", now=NOW).value == "2025-04-21"
    assert parse_date("أمس", now=LATE, default_tz="Asia/Riyadh").value == "2025-04-22"
    assert parse_date("10:30 +03:00").value == "07:30:00"
    assert parse_date("22 أبريل 2025 10:30 بتوقيت القدس").value == "2025-04-22T07:30:00+00:00"
    # A time alone takes the offset its zone has on the reference day there: New York is still on
    # standard time on the evening of 8 March 2025 (daylight saving starts the next morning).
    eve = dt.datetime(2025, 3, 9, 3, 0, tzinfo=UTC)
    assert parse_date("10:30 بتوقيت نيويورك", now=eve).value == "15:30:00"
    assert parse_date("10:30 بتوقيت نيويورك", now=dt.datetime(2025, 3, 9, 2, 0)).value == "14:30:00"


@pytest.mark.usefixtures("machine_zone")
def test_a_time_alone_without_reference_time_takes_its_zone_offset_of_today(
        monkeypatch: pytest.MonkeyPatch) -> None:
    instant = dt.datetime(2025, 3, 9, 3, 0, tzinfo=UTC)  # 8 March in New York, 9 March elsewhere

    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
            return instant.astimezone(tz) if tz is not None else instant.astimezone().replace(tzinfo=None)

    monkeypatch.setattr(compose, "_dt", types.SimpleNamespace(**{**vars(dt), "datetime": Clock}))
    assert parse_date("10:30 بتوقيت نيويورك").value == "15:30:00"


def test_a_day_part_standing_apart_is_not_a_time_of_its_own() -> None:
    # Punctuation or a label before a day-part sets it apart (from a time before it, or from nothing):
    # apart, «منتصف الليل» is not read as the instant it names alone.
    assert parse_date("منتصف الليل").value == "00:00:00"
    for text in ("| منتصف الليل", "|منتصف الليل", "نشر في: منتصف الليل"):
        res = parse_date(text)
        assert (res.value, res.issues) == (None, ("unparsed",)), text
