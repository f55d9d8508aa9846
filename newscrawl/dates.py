"""Parse the date and time stamps printed by Arabic news sites.

Pure Python (no Scrapy).  The public API is :func:`parse_date`, which returns a
:class:`DateResult`, and :func:`combine_date_time`.  The module is also a
command-line filter: ``python -m newscrawl.dates [--now ISO] [--tz ZONE] [--json]``
reads one raw string per line on standard input and writes one line per input
line (the normalized value, or an empty line when the input holds no date).

Normalized values (always zero-padded, always with seconds):

* ``2025-04-22T10:18:00+00:00`` date, time and zone known (converted to UTC);
* ``2025-04-22T10:18:00``       date and time, zone unknown (naive local time);
* ``2025-04-22``                a date alone (Hijri dates converted to Gregorian);
* ``12:58:10``                  a time alone (in UTC when its zone is known);
* ``--04-22``                   day and month without a year (ISO 8601 form).

What is read: publisher stamps (``GMT 10:18 2025 الثلاثاء ,22 إبريل / نيسان``,
``آخر تحديث GMT12:58:10``); month names of the Levantine/Iraqi, Egyptian/Gulf,
Algerian/Tunisian and Moroccan systems (and English), paired (``إبريل / نيسان``,
``7 يونيو (حزيران)``) or with their number (``حزيران (6)``); weekdays with or
without hamza and ``يوم``; Western, Eastern Arabic-Indic and Persian digits;
tatweel, diacritics, bidi controls and odd spaces; ``GMT``/``UTC``/offsets,
``بتوقيت غرينتش`` and named local zones (``بتوقيت القدس`` ...) converted with
zoneinfo; 12-hour times (``ص``/``م``/``صباحاً``/``مساءً``); ISO and day-first
numeric dates; relative forms (``منذ 5 دقائق``, ``أمس``); Hijri dates (Umm
al-Qura, via hijridate) alone or with the Gregorian one (``... الموافق ...``).

Issue codes (``DateResult.issues``):

* ``unparsed``             no date material at all;
* ``ambiguous``            a bare number, two different dates/times/zones, stray
  numbers next to a date, a Hijri day without year, a numeric year 1300-1600
  without calendar marker: not a date;
* ``invalid_date``         impossible date or time (``31 شباط 2025``, ``25:00``);
* ``month_pair_mismatch``  paired month names disagree: not a date;
* ``month_number_mismatch`` ``حزيران (7)``: not a date;
* ``weekday_mismatch``     the weekday does not match the date (date kept);
* ``hijri_mismatch``       the Hijri date does not match the Gregorian (Gregorian kept);
* ``needs_reference_time`` a relative form without ``now``: not a date.

Rules that are choices rather than facts:

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
  ``منذ/قبل N`` seconds, minutes or hours give the datetime ``now - N units``
  (microseconds dropped); days, weeks, months and years give the date
  ``today - N units`` (calendar months/years, day clamped).  ``اليوم``,
  ``أمس``/``البارحة`` and ``أول أمس`` give today, -1 and -2 days (a datetime
  when a time is printed with them); ``الآن`` gives ``now``.  A naive ``now`` is
  taken in ``default_tz`` when given, else results stay naive.
* Converting a time printed alone from a zone with daylight saving uses the
  reference date (``now``, else today's date) to pick the offset.
* A weekday that disagrees with the date keeps the date (numbers are
  authoritative) and adds ``weekday_mismatch``.  A month pair that disagrees
  (``إبريل / أيار``) or a month number that disagrees (``حزيران (7)``) makes the
  string not a date.  With Hijri and Gregorian dates together the Gregorian one
  is returned and checked against the Hijri one (``hijri_mismatch``).
* Strings with two different dates, times or zones, stray numbers next to a
  date, or a bare number are ``ambiguous``: not a date.  Strings made only of
  recognised date words keep a free-standing year (``GMT 10:18 2025 الثلاثاء
  ,22 إبريل / نيسان``); in running text (any unknown word), only contiguous
  dates are read and other numbers are ignored.
* ``م`` right after a year is the calendar marker (ميلادي); right after a time
  it is PM.  A lone ``م``/``ص`` after a bare hour is not read as a time.
* Times are kept to the second (fractions dropped).  ``DateResult.time`` is
  tz-aware (UTC) when ``utc`` is true, naive otherwise; ``DateResult.date`` is
  the UTC date for a UTC datetime.  Text longer than ``MAX_LENGTH`` normalized
  characters is not read (``unparsed``).
"""

from __future__ import annotations

import argparse
import calendar
import datetime as _dt
import json
import os
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hijridate import Gregorian, Hijri

__all__ = [
    "DateResult",
    "ISSUE_CODES",
    "KINDS",
    "combine_date_time",
    "main",
    "normalize_text",
    "parse_date",
]

UTC = _dt.UTC

KINDS = ("datetime", "date", "time", "monthday", "none")
ISSUE_CODES = (
    "unparsed",
    "weekday_mismatch",
    "month_pair_mismatch",
    "hijri_mismatch",
    "month_number_mismatch",
    "invalid_date",
    "ambiguous",
    "needs_reference_time",
)


@dataclass(frozen=True)
class DateResult:
    """Outcome of :func:`parse_date`; falsy when the text holds no date."""

    value: str | None
    kind: str
    datetime: _dt.datetime | None = None
    date: _dt.date | None = None
    time: _dt.time | None = None
    utc: bool = False
    issues: tuple[str, ...] = ()
    findings: dict = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.value is not None

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-serializable dict (value, kind, utc, issues, findings)."""
        return {
            "value": self.value,
            "kind": self.kind,
            "utc": self.utc,
            "issues": list(self.issues),
            "findings": self.findings,
        }


# --------------------------------------------------------------------------
# Normalization
# --------------------------------------------------------------------------


def _build_table() -> dict[int, int | None]:
    table: dict[int, int | None] = {}
    for i in range(10):
        table[0x0660 + i] = 0x30 + i  # Eastern Arabic-Indic digits
        table[0x06F0 + i] = 0x30 + i  # Persian digits
    deleted = [0x0640, 0x0670, 0x061C, 0xFEFF, 0x00AD, 0x180E]
    deleted += range(0x064B, 0x0660)  # harakat, tanween, shadda, sukun ...
    deleted += range(0x06D6, 0x06EE)  # Quranic annotation marks
    deleted += range(0x200B, 0x2010)  # ZW space/joiners, LRM, RLM
    deleted += range(0x202A, 0x202F)  # LRE RLE PDF LRO RLO
    deleted += range(0x2060, 0x2070)  # word joiner, LRI RLI FSI PDI ...
    for cp in deleted:
        table[cp] = None
    for cp in (0x0622, 0x0623, 0x0625, 0x0671, 0x0672, 0x0673):
        table[cp] = 0x0627  # alef forms -> ا
    for cp, to in (
        (0x0649, 0x064A),  # ى -> ي
        (0x06CC, 0x064A),  # Farsi yeh
        (0x0629, 0x0647),  # ة -> ه
        (0x06C1, 0x0647),
        (0x06BE, 0x0647),
        (0x06D5, 0x0647),
        (0x06A9, 0x0643),  # keheh -> ك
        (0x06A4, 0x0641),  # ڤ -> ف
        (0x060C, 0x2C),  # Arabic comma
        (0x066C, 0x2C),
        (0x061B, 0x3B),  # Arabic semicolon
        (0x06D4, 0x2E),
        (0x066B, 0x2E),
        (0x060D, 0x2F),  # Arabic date separator
        (0x5C, 0x2F),
        (0x2044, 0x2F),
        (0x2215, 0x2F),
        (0xFF0F, 0x2F),
        (0xFF1A, 0x3A),
        (0xFF0C, 0x2C),
        (0x2212, 0x2D),
    ):
        table[cp] = to
    for cp in range(0x2010, 0x2016):
        table[cp] = 0x2D  # hyphens and dashes
    for cp in (0x00A0, 0x1680, 0x202F, 0x205F, 0x3000, *range(0x2000, 0x200B)):
        table[cp] = 0x20
    return table


_TABLE = _build_table()
_SPECIAL_RE = re.compile("[\u0660-\u0669\u06f0-\u06f9\ufb50-\ufdff\ufe70-\ufefc]")
_EASTERN_RE = re.compile("[\u0660-\u0669]")
_PERSIAN_RE = re.compile("[\u06f0-\u06f9]")
_PRESENTATION_RE = re.compile("[\ufb50-\ufdff\ufe70-\ufefc]")
_WESTERN_RE = re.compile("[0-9]")


def normalize_text(text: str) -> str:
    """Return the normalized form the parser works on (digits, letters, spaces)."""
    if _PRESENTATION_RE.search(text):
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.translate(_TABLE).lower().split())


def _key(text: str) -> str:
    return " ".join(text.translate(_TABLE).lower().split())


# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------

_LEVANTINE = "levantine"
_EGYPTIAN = "egyptian"
_MAGHREBI = "maghrebi"
_MOROCCAN = "moroccan"

_GREG_MONTHS: dict[str, tuple[int, str]] = {}


def _add_months(system: str, table: list[tuple[int, str]]) -> None:
    for month, names in table:
        for name in names.split("|"):
            _GREG_MONTHS.setdefault(_key(name), (month, system))


_add_months(
    _LEVANTINE,
    [
        (1, "كانون الثاني|كانون ثاني|كانون الثان|كانون ثان"),
        (2, "شباط"),
        (3, "آذار|اذار"),
        (4, "نيسان"),
        (5, "أيار|ايار"),
        (6, "حزيران"),
        (7, "تموز"),
        (8, "آب|اب"),
        (9, "أيلول|ايلول"),
        (10, "تشرين الأول|تشرين أول|تشرين الاول|تشرين اول"),
        (11, "تشرين الثاني|تشرين ثاني|تشرين الثان|تشرين ثان"),
        (12, "كانون الأول|كانون أول|كانون الاول|كانون اول"),
    ],
)
_add_months(
    _EGYPTIAN,
    [
        (1, "يناير|ينايِر"),
        (2, "فبراير|فبرایر|فبرير"),
        (3, "مارس"),
        (4, "أبريل|إبريل|ابريل|أبريل|ابرايل"),
        (5, "مايو|مايوه"),
        (6, "يونيو|يونيه|يونية|يونيوه"),
        (7, "يوليو|يوليه|يولية|يوليوه"),
        (8, "أغسطس|اغسطس|أغسطوس|اغسطوس|أغشت"),
        (9, "سبتمبر|سبتمبير"),
        (10, "أكتوبر|اكتوبر|أكتوبير|أوكتوبر|اوكتوبر"),
        (11, "نوفمبر|نوڤمبر|نوفمبير"),
        (12, "ديسمبر|ديسمبير|دجمبر"),
    ],
)
_add_months(
    _MAGHREBI,
    [
        (1, "جانفي|جانفييه|جانفيي"),
        (2, "فيفري|فيفرييه"),
        (4, "أفريل|افريل"),
        (5, "ماي"),
        (6, "جوان"),
        (7, "جويلية|جويليه|جوييه"),
        (8, "أوت|اوت"),
    ],
)
_add_months(
    _MOROCCAN,
    [
        (7, "يوليوز"),
        (8, "غشت"),
        (9, "شتنبر"),
        (11, "نونبر"),
        (12, "دجنبر"),
    ],
)

_add_months(
    "english",
    [
        (i + 1, f"{name}|{name[:3]}|{name[:3]}.")
        for i, name in enumerate(
            "january february march april may june july august september october november december".split()
        )
    ]
    + [(9, "sept|sept.")],
)

_HIJRI_MONTHS: dict[str, int] = {}
for _m, _names in [
    (1, "محرم|المحرم|محرم الحرام"),
    (2, "صفر|صفر الخير|صفر المظفر"),
    (3, "ربيع الأول|ربيع أول|ربيع الاول|ربيع اول"),
    (4, "ربيع الثاني|ربيع ثاني|ربيع الآخر|ربيع آخر|ربيع الاخر|ربيع الثانى"),
    (5, "جمادى الأولى|جمادى الاولى|جمادى الأول|جمادى الاول|جمادى أولى|جمادي الاولي"),
    (6, "جمادى الآخرة|جمادى الاخرة|جمادى الثانية|جمادى الثاني|جمادى الآخر|جمادى ثانية"),
    (7, "رجب|رجب المرجب|رجب الفرد"),
    (8, "شعبان|شعبان المعظم"),
    (9, "رمضان|رمضان المبارك|رمضان الكريم"),
    (10, "شوال|شوال المكرم"),
    (11, "ذو القعدة|ذي القعدة|ذوالقعدة|ذيالقعدة|ذو القعده"),
    (12, "ذو الحجة|ذي الحجة|ذوالحجة|ذيالحجة"),
]:
    for _n in _names.split("|"):
        _HIJRI_MONTHS[_key(_n)] = _m

_WEEKDAY_CANON = ("الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه", "السبت", "الاحد")
_WEEKDAYS: dict[str, int] = {}
for _i, _names in enumerate(
    [
        "الإثنين|الاثنين|الأثنين|الاثنان|الإثنان",
        "الثلاثاء|الثلثاء|الثلاثا",
        "الأربعاء|الاربعاء|الأربعا|الاربعا",
        "الخميس",
        "الجمعة|الجمعه",
        "السبت",
        "الأحد|الاحد",
    ]
):
    for _n in _names.split("|"):
        _WEEKDAYS[_key(_n)] = _i
for _i, _n in enumerate("monday tuesday wednesday thursday friday saturday sunday".split()):
    _WEEKDAYS[_n] = _WEEKDAYS[_n[:3]] = _i

# AM/PM words: "p" unambiguous long forms, "q" the letter ص, "m" the letter م.
_AMPM_LONG = {
    "صباحا": "am", "صباحًا": "am", "صباح": "am", "صباحاً": "am", "ص.": "am",
    "فجرا": "am", "فجراً": "am", "الفجر": "am",
    "مساء": "pm", "مساءً": "pm", "مساءا": "pm", "مسائا": "pm", "مساءاً": "pm",
    "عصرا": "pm", "عصراً": "pm", "العصر": "pm",
    "ظهرا": "noon", "ظهراً": "noon", "الظهر": "noon",
    "ليلا": "night", "ليلاً": "night",
    "am": "am", "a.m.": "am", "a.m": "am", "pm": "pm", "p.m.": "pm", "p.m": "pm",
}

_ZONE_CITIES: dict[str, str] = {
    "مكة المكرمة": "Asia/Riyadh", "مكة": "Asia/Riyadh", "الرياض": "Asia/Riyadh",
    "جدة": "Asia/Riyadh", "السعودية": "Asia/Riyadh", "المملكة العربية السعودية": "Asia/Riyadh",
    "المملكة المغربية": "Africa/Casablanca", "الإمارات العربية المتحدة": "Asia/Dubai",
    "القدس": "Asia/Jerusalem", "القدس المحتلة": "Asia/Jerusalem",
    "فلسطين": "Asia/Hebron", "رام الله": "Asia/Hebron", "غزة": "Asia/Gaza",
    "بيروت": "Asia/Beirut", "لبنان": "Asia/Beirut",
    "أبوظبي": "Asia/Dubai", "أبو ظبي": "Asia/Dubai", "ابوظبي": "Asia/Dubai",
    "دبي": "Asia/Dubai", "الإمارات": "Asia/Dubai",
    "القاهرة": "Africa/Cairo", "مصر": "Africa/Cairo",
    "دمشق": "Asia/Damascus", "سوريا": "Asia/Damascus", "سورية": "Asia/Damascus",
    "عمان": "Asia/Amman", "عمّان": "Asia/Amman", "الأردن": "Asia/Amman",
    "سلطنة عمان": "Asia/Muscat", "مسقط": "Asia/Muscat",
    "الدوحة": "Asia/Qatar", "قطر": "Asia/Qatar",
    "الكويت": "Asia/Kuwait",
    "بغداد": "Asia/Baghdad", "العراق": "Asia/Baghdad", "أربيل": "Asia/Baghdad",
    "المنامة": "Asia/Bahrain", "البحرين": "Asia/Bahrain",
    "الرباط": "Africa/Casablanca", "المغرب": "Africa/Casablanca",
    "الدار البيضاء": "Africa/Casablanca",
    "تونس": "Africa/Tunis", "الجزائر": "Africa/Algiers",
    "الخرطوم": "Africa/Khartoum", "السودان": "Africa/Khartoum",
    "ليبيا": "Africa/Tripoli", "طرابلس الغرب": "Africa/Tripoli",
    "صنعاء": "Asia/Aden", "عدن": "Asia/Aden", "اليمن": "Asia/Aden",
    "نواكشوط": "Africa/Nouakchott", "موريتانيا": "Africa/Nouakchott",
    "أنقرة": "Europe/Istanbul", "إسطنبول": "Europe/Istanbul", "اسطنبول": "Europe/Istanbul",
    "تركيا": "Europe/Istanbul",
    "طهران": "Asia/Tehran", "إيران": "Asia/Tehran",
    "لندن": "Europe/London", "باريس": "Europe/Paris", "برلين": "Europe/Berlin",
    "موسكو": "Europe/Moscow", "واشنطن": "America/New_York", "نيويورك": "America/New_York",
}
_ZONE_PREFIXES = (
    "توقيت", "بتوقيت", "حسب توقيت", "بحسب توقيت", "وفق توقيت", "وفقا لتوقيت",
    "على توقيت", "التوقيت", "بالتوقيت",
)

_LABELS = """
تم النشر|تم نشر|نشر|نشرت|نشر في|نشرت في|منشور|منشور في|النشر|تاريخ النشر|تاريخ|بتاريخ|
نشر بتاريخ|التاريخ|تاريخ الإضافة|أضيف|أضيف في|أضيف بتاريخ|تاريخ التحديث|آخر تحديث|
اخر تحديث|آخر تعديل|تم التحديث|تحديث|التحديث|محدث|حدث|حدث في|تعديل|آخر|الأخير|
في|من|إلى|الى|حتى|على|عند|تمام|لعام|لسنة|لشهر|العام|السنة|الشهر|بتوقيت|توقيت|التوقيت|
بالتوقيت|المحلي|المحلية|حوالي|نحو|قرابة|تقريبا|تقريباً|مضت|مضى|واحدة|واحد|وقت|الوقت|
الموافق ل|published|updated|posted|modified|last|on|at|date|time|t|
"""

_UNITS: dict[str, tuple[str, int | None]] = {}
for _unit, _forms in [
    ("second", ("ثانية|ثانيه", "ثانيتين|ثانيتان", "ثوان|ثواني|ثوانٍ")),
    ("minute", ("دقيقة", "دقيقتين|دقيقتان", "دقائق")),
    ("hour", ("ساعة", "ساعتين|ساعتان", "ساعات")),
    ("day", ("يوم", "يومين|يومان", "أيام|ايام")),
    ("week", ("أسبوع|اسبوع", "أسبوعين|اسبوعين|أسبوعان", "أسابيع|اسابيع")),
    ("month", ("شهر", "شهرين|شهران", "أشهر|اشهر|شهور")),
    ("year", ("سنة|عام", "سنتين|سنتان|عامين|عامان", "سنوات|أعوام|اعوام|سنين")),
]:
    for _count, _f in zip((1, 2, None), _forms, strict=True):
        for _n in _f.split("|"):
            _UNITS[_key(_n)] = (_unit, _count)

_RELDAYS = {
    "اليوم": 0, "أمس": -1, "امس": -1, "البارحة": -1, "بالأمس": -1, "أول أمس": -2,
    "أول من أمس": -2, "أمس الأول": -2, "الآن": "now", "الان": "now",
}

# keyword -> (type char, payload)
_KW: dict[str, tuple[str, Any]] = {}


def _kw(name: str, kind: str, payload: Any = None) -> None:
    _KW.setdefault(_key(name), (kind, payload))


for _n, _v in _GREG_MONTHS.items():
    _kw(_n, "M", (_v[0], _v[1], _n))
for _n, _v in _HIJRI_MONTHS.items():
    _kw(_n, "H", (_v, _n))
for _n, _v in _WEEKDAYS.items():
    _kw(_n, "W", (_v, _n))
for _n, _v in _AMPM_LONG.items():
    _kw(_n, "p", _v)
_kw("ص", "q", "am")
_kw("م", "m", "pm")
for _n in ("ه", "هـ", "هجري", "هجرية", "هجريا", "للهجرة", "الهجري", "الهجرية", "هجرياً"):
    _kw(_n, "h")
for _n in ("مـ", "ميلادي", "ميلادية", "ميلاديا", "للميلاد", "الميلادي", "الميلادية", "ميلادياً"):
    _kw(_n, "g")
for _n, _v in _UNITS.items():
    _kw(_n, "U", _v)
for _n, _v in _RELDAYS.items():
    _kw(_n, "r", _v)
for _n in ("منذ", "قبل", "مُنذ"):
    _kw(_n, "R")
_kw("و", "c")
for _n in ("الساعة", "بالساعة", "في الساعة", "عند الساعة"):
    _kw(_n, "S")
for _n in ("الموافق", "الموافقة", "الموافق لـ", "يوافق", "ويوافق", "الموافق ليوم"):
    _kw(_n, "A")
for _city, _zone in _ZONE_CITIES.items():
    for _pre in _ZONE_PREFIXES:
        for _mid in ("", "مدينة "):
            _kw(f"{_pre} {_mid}{_city}", "Z", _zone)
for _n in _LABELS.replace("\n", "").split("|"):
    if _n.strip():
        _kw(_n, "L")
_kw("بالتوقيت المحلي", "L")
_kw("التوقيت المحلي", "L")


def _trie_regex(words: list[str]) -> str:
    """Build a compact alternation (a character trie) matching any of words."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:
            return "(?:" + body + ")?"
        return body

    return build(trie)


_L = r"[^\W\d_]"  # a letter
_GMT_PHRASES = [
    f"{pre}{name}"
    for pre in ("", "توقيت ", "بتوقيت ", "التوقيت ", "بالتوقيت ", "حسب توقيت ", "بحسب توقيت ",
                "وفق توقيت ", "على توقيت ")
    for name in ("غرينتش", "غرينيتش", "جرينتش", "جرينيتش", "غرنتش", "جرنتش", "قرينتش")
] + ["ت.غ"]
_TOKEN_RE = re.compile(
    # Leading skip: spaces and punctuation that carry no meaning are consumed
    # here instead of failing every alternative at each position.
    r"(?:[^\w()\[\]/\-]|_|(?![0-9])\d)*+(?:"
    r"(?P<nd>(?<![0-9])(?<![0-9][/.\-])[0-9]{1,4}(?P<ns>[/.\-])[0-9]{1,2}(?P=ns)[0-9]{1,4}"
    r"(?![0-9])(?![/.\-][0-9]))"
    r"|(?P<tm>(?<![0-9:.])(?P<th>[0-9]{1,2}):(?P<tmi>[0-9]{2})(?::(?P<ts>[0-9]{2})(?:\.[0-9]{1,9})?)?"
    r"(?![0-9:])(?P<to>z(?![a-z])| ?[+-](?:0[0-9]|1[0-4]):?[0-5][0-9](?![0-9]))?)"
    r"|(?P<num>[0-9]+)"
    r"|(?P<gmt>(?:(?<![a-z])(?:gmt|utc|z)(?![a-z])"
    r"|(?<!" + _L + r")" + _trie_regex(_GMT_PHRASES) + r"(?!" + _L + r"))"
    r"(?: ?(?P<gs>[+-])(?P<gh>[0-9]{1,2})(?::?(?P<gm>00|30|45))?(?![0-9:]))?)"
    r"|(?P<kw>(?<!" + _L + r")(?:" + _trie_regex(list(_KW)) + r")(?!" + _L + r"))"
    r"|(?P<w>" + _L + r"+)"
    r"|(?P<p>[()\[\]/\-])"
    r"|(?P<end>$))"
)
_PUNCT = {"(": "(", "[": "(", ")": ")", "]": ")", "/": "/", "-": "-"}

# Patterns over the compressed token-type string.
_CONT = r"(?:[-/]?M|\(M\)|\(d\))*+"
_GROUP_RE = re.compile(
    r"(?P<rel>Rd?U(?:cd?U)*)"
    r"|(?P<hij>d[-/]?Hy?h?)"
    r"|(?P<dmy>d[-/]?M" + _CONT + r"(?:[-/]?y[gm]?)?)"
    r"|(?P<mdy>M" + _CONT + r"[-/]?d(?:y[gm]?)?)"
    r"|(?P<num>N[hgm]?)"
    r"|(?P<tim>S?T[pqm]?|Sd[pqm]?|dp)"
    r"|(?P<rday>r)"
)

# Fast path for the publisher's own stamp, ``GMT 10:18 2025 الثلاثاء ,22 إبريل / نيسان``:
# the same result as the general path (a test checks it), a third of the work.
_FAST_RE = re.compile(
    r"gmt ?([0-9]{1,2}):([0-9]{2}) ([0-9]{4}) (?:يوم )?(" + _trie_regex(list(_WEEKDAYS)) + r")"
    r" ?, ?([0-9]{1,2}) (" + _trie_regex(list(_GREG_MONTHS)) + r")"
    r"(?: ?/ ?(" + _trie_regex(list(_GREG_MONTHS)) + r"))?"
)

# ... and for its update stamp, ``آخر تحديث GMT12:58:10``.
_FAST_TIME_RE = re.compile(r"(?:اخر تحديث:? ?)?gmt ?([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?")

_DATEISH_RE = re.compile("[dynNTrR]")

_UTC_ZONE = ("UTC", UTC)
_ZONE_CACHE: dict[str, _dt.tzinfo] = {}


def _zone(name: str) -> _dt.tzinfo:
    tz = _ZONE_CACHE.get(name)
    if tz is None:
        tz = _ZONE_CACHE[name] = ZoneInfo(name)
    return tz


_FIXED_CACHE: dict[tuple[str, int, int], tuple[str, _dt.tzinfo]] = {}


def _fixed_zone(sign: str, hours: int, minutes: int) -> tuple[str, _dt.tzinfo]:
    """Return (key, tzinfo) for a fixed UTC offset; +00:00 is "UTC"."""
    found = _FIXED_CACHE.get((sign, hours, minutes))
    if found is not None:
        return found
    if hours == 0 and minutes == 0:
        return _UTC_ZONE
    delta = _dt.timedelta(hours=hours, minutes=minutes)
    if sign == "-":
        delta = -delta
    found = f"{sign}{hours:02d}:{minutes:02d}", _dt.timezone(delta)
    _FIXED_CACHE[(sign, hours, minutes)] = found
    return found


_OFFSET_RE = re.compile(r"^(?:utc|gmt)?([+-])([0-9]{1,2})(?::?([0-9]{2}))?$")


def _resolve_tz(tz: str | _dt.tzinfo | None) -> tuple[str, _dt.tzinfo] | None:
    """Turn a default_tz argument into (name, tzinfo); ValueError if unknown."""
    if tz is None:
        return None
    if isinstance(tz, _dt.tzinfo):
        return (getattr(tz, "key", None) or str(tz)), tz
    if not isinstance(tz, str) or not tz.strip():
        raise ValueError(f"unknown time zone: {tz!r}")
    name = tz.strip()
    if name.upper() in ("UTC", "GMT", "Z"):
        return _UTC_ZONE
    m = _OFFSET_RE.match(name.lower())
    if m:
        return _fixed_zone(m.group(1), int(m.group(2)), int(m.group(3) or 0))
    try:
        return name, _zone(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"unknown time zone: {tz!r}") from exc


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------


_new = object.__new__


def _result(
    value: str | None,
    kind: str,
    dt: _dt.datetime | None,
    d: _dt.date | None,
    t: _dt.time | None,
    utc: bool,
    issues: list[str] | tuple[str, ...],
    findings: dict,
) -> DateResult:
    # Same object as DateResult(...), built without the frozen __init__'s
    # eight object.__setattr__ calls (a third of the cost of a simple parse).
    res = _new(DateResult)
    res.__dict__.update(
        value=value, kind=kind, datetime=dt, date=d, time=t, utc=utc, issues=tuple(issues),
        findings=findings,
    )
    return res


def _none(issue: str, findings: dict, issues: list[str] | None = None) -> DateResult:
    if not issues:
        out: tuple[str, ...] = (issue,)
    else:
        out = tuple(issues) if issue in issues else (*issues, issue)
    return _result(None, "none", None, None, None, False, out, findings)


def combine_date_time(d: _dt.date, t: _dt.time) -> _dt.datetime:
    """Combine a date and a time into a UTC-aware datetime (naive time = UTC)."""
    if t.tzinfo is None:
        return _dt.datetime.combine(d, t, tzinfo=UTC)
    return _dt.datetime.combine(d, t).astimezone(UTC)


def _fmt_date(d: _dt.date) -> str:
    return d.isoformat()  # years are 1000-2999: always YYYY-MM-DD


def _fmt_time(t: _dt.time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}"


def _fmt_dt(dt: _dt.datetime, utc: bool) -> str:
    """Format a UTC-aware (utc=True) or naive datetime, always with seconds."""
    if utc and dt.tzinfo is not UTC:
        dt = dt.astimezone(UTC)
    return dt.isoformat(timespec="seconds")


def _safe_date(y: int, m: int, d: int) -> _dt.date | None:
    try:
        return _dt.date(y, m, d)
    except ValueError:
        return None


def _year2(y: str) -> int:
    v = int(y)
    if len(y) == 2:
        return 2000 + v if v < 70 else 1900 + v
    return v


def _apply_ampm(h: int, marker: str | None) -> int | None:
    if marker is None:
        return h if h < 24 else None
    if marker == "am":
        if h == 12:
            return 0
        return h if h <= 12 else None
    if marker == "pm":
        if 1 <= h <= 11:
            return h + 12
        return h if 12 <= h <= 23 else None
    if marker == "noon":
        if 1 <= h <= 6:
            return h + 12
        return h if 7 <= h <= 23 else None
    # night
    if 6 <= h <= 11:
        return h + 12
    if h == 12:
        return 0
    return h if h <= 23 else None


def _add_months_to(d: _dt.date, months: int) -> _dt.date:
    """Shift a date by calendar months, clamping the day (31 March - 1 month = 28/29 Feb)."""
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    out = _safe_date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1])) if 1 <= y <= 9999 else None
    if out is None:
        raise OverflowError("date out of range")
    return out


def _reference(
    now: _dt.datetime | None, tzpair: tuple[str, _dt.tzinfo] | None
) -> tuple[_dt.datetime | None, _dt.date | None]:
    """Return (now as UTC-aware or naive datetime, local reference date)."""
    if now is None:
        return None, None
    if isinstance(now, _dt.date) and not isinstance(now, _dt.datetime):
        now = _dt.datetime.combine(now, _dt.time())
    if now.tzinfo is None:
        if tzpair is not None:
            local = now.replace(tzinfo=tzpair[1])
            return local.astimezone(UTC), now.date()
        return now, now.date()
    if tzpair is not None:
        return now.astimezone(UTC), now.astimezone(tzpair[1]).date()
    return now.astimezone(UTC), now.astimezone(UTC).date()


def _digits_system(text: str) -> str | None:
    if _SPECIAL_RE.search(text) is None:
        return "western" if _WESTERN_RE.search(text) else None
    systems = []
    if _WESTERN_RE.search(text):
        systems.append("western")
    if _EASTERN_RE.search(text):
        systems.append("arabic-indic")
    if _PERSIAN_RE.search(text):
        systems.append("persian")
    if not systems:
        return None
    return systems[0] if len(systems) == 1 else "mixed"


def parse_date(
    text: str,
    *,
    now: _dt.datetime | None = None,
    default_tz: str | _dt.tzinfo | None = None,
) -> DateResult:
    """Parse one raw date/time string as printed by Arabic news sites.

    ``now`` is the reference time for relative forms and year-less dates;
    ``default_tz`` is the zone assumed when the text states none.  Never raises
    on any text (raises ValueError only for an unknown ``default_tz``).
    """
    tzpair = _resolve_tz(default_tz)
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", "replace")
    if not isinstance(text, str):
        return _none("unparsed", {})
    try:
        return _parse(text, now, tzpair)
    except Exception as exc:  # safety net: a parser bug must not stop a crawl
        return _none("unparsed", {"error": f"{type(exc).__name__}: {exc}"})


MAX_LENGTH = 2000  # normalized characters; longer text is not a date stamp


def _parse(
    text: str,
    now: _dt.datetime | None,
    tzpair: tuple[str, _dt.tzinfo] | None,
    fast: bool = True,
) -> DateResult:
    s = normalize_text(text)
    findings: dict[str, Any] = {}
    if not s:
        return _none("unparsed", findings)
    if len(s) > MAX_LENGTH:
        return _none("unparsed", {"too_long": len(s)})
    digits = _digits_system(text)
    if digits:
        findings["digits"] = digits
    if fast:
        fm = _FAST_RE.fullmatch(s)
        if fm is not None:
            res = _fast(fm, findings)
            if res is not None:
                return res
        fm = _FAST_TIME_RE.fullmatch(s)
        if fm is not None:
            h, mi, sec = fm.groups()
            hour, minute, second = int(h), int(mi), int(sec or 0)
            if hour < 24 and minute < 60 and second < 60:
                t = _dt.time(hour, minute, second, tzinfo=UTC)
                findings["zone"] = "UTC"
                findings["zone_source"] = "stated"
                return _result(_fmt_time(t), "time", None, None, t, True, (), findings)

    # ---- tokenize -------------------------------------------------------
    types: list[str] = []
    vals: list[Any] = []
    weekdays: list[tuple[int, str]] = []
    zones: list[tuple[str, _dt.tzinfo]] = []
    prose = False
    for m in _TOKEN_RE.finditer(s):
        g = m.lastgroup
        if g == "kw":
            t, v = _KW[m.group("kw")]
            if t == "L":
                continue
            if t == "W":
                weekdays.append(v)
                continue
            if t == "Z":
                zones.append((v, _zone(v)))
                continue
            if t == "U" and not (
                types and (types[-1] in "Rc" or (types[-1] == "d" and len(types) > 1 and types[-2] in "Rc"))
            ):
                continue  # "يوم الثلاثاء", "شهر أبريل", "عام 2025": a label, not a relative unit
            types.append(t)
            vals.append(v)
        elif g == "num":
            v = m.group("num")
            n = len(v)
            types.append("d" if n <= 2 else "y" if n == 4 else "n")
            vals.append(v)
        elif g == "tm":
            h, mi, sec, off = m.group("th", "tmi", "ts", "to")
            zone = None
            if off:
                off = off.strip()
                if off == "z":
                    zone = _UTC_ZONE
                else:
                    digs = off[1:].replace(":", "")
                    zone = _fixed_zone(off[0], int(digs[:2]), int(digs[2:]))
            types.append("T")
            vals.append((int(h), int(mi), int(sec) if sec else 0, zone))
        elif g == "nd":
            types.append("N")
            vals.append(m.group("nd").split(m.group("ns")))
        elif g == "gmt":
            sign, gh, gm = m.group("gs", "gh", "gm")
            if sign:
                hours = int(gh)
                if hours > 14:
                    return _none("invalid_date", findings)
                zones.append(_fixed_zone(sign, hours, int(gm or 0)))
            else:
                zones.append(_UTC_ZONE)
        elif g == "end":
            continue
        elif g == "p":
            types.append(_PUNCT[m.group("p")])
            vals.append(None)
        else:  # unknown word
            prose = True
            types.append("X")
            vals.append(None)

    ts = "".join(types)
    issues: list[str] = []
    if _DATEISH_RE.search(ts) is None:  # no number, time or relative word at all
        return _none("unparsed", findings)

    # ---- group --------------------------------------------------------
    greg: list[tuple[Any, ...]] = []  # (date | None, (month, day), year_given)
    hijri: list[tuple[_dt.date, tuple[int, int, int]]] = []
    times: list[tuple[int, int, int]] = []
    rels: list[tuple[str, int]] = []
    rdays: list[Any] = []
    hijri_partial: list[tuple[int, int]] = []  # Hijri month and day without a year
    months_seen: list[dict[str, Any]] = []
    leftover: list[int] = []
    invalid = False
    pos = 0
    has_accord = "A" in ts
    for gm_ in _GROUP_RE.finditer(ts):
        a, b = gm_.span()
        leftover.extend(range(pos, a))
        pos = b
        kind = gm_.lastgroup
        if kind == "tim":
            tv = None
            marker = None
            hour = minute = second = None
            for i in range(a, b):
                c = types[i]
                if c == "T":
                    hour, minute, second, tv = vals[i]
                elif c == "d":
                    hour, minute, second = int(vals[i]), 0, 0
                elif c in "pqm":
                    marker = vals[i]
            if tv is not None:
                zones.append(tv)
            hh = _apply_ampm(hour, marker) if hour is not None else None
            if hh is None or minute > 59 or second > 59:
                invalid = True
                continue
            times.append((hh, minute, second))
        elif kind in ("dmy", "mdy"):
            months: list[int] = []
            numbers: list[int] = []
            day = year = None
            in_paren = False
            for i in range(a, b):
                c = types[i]
                if c == "M":
                    mo, system, name = vals[i]
                    months.append(mo)
                    months_seen.append({"name": name, "month": mo, "system": system})
                elif c == "(":
                    in_paren = True
                elif c == ")":
                    in_paren = False
                elif c == "d":
                    if in_paren:
                        numbers.append(int(vals[i]))
                    else:
                        day = int(vals[i])
                elif c == "y":
                    year = int(vals[i])
            if len(set(months)) > 1:
                findings["months"] = months_seen
                findings["months_agree"] = False
                return _none("month_pair_mismatch", findings)
            if numbers:
                findings["month_number"] = numbers[0]
                if any(n != months[0] for n in numbers):
                    findings["months"] = months_seen
                    return _none("month_number_mismatch", findings)
            mo = months[0]
            if _safe_date(2000, mo, day) is None:  # 2000 is a leap year
                invalid = True
                continue
            if year is not None:
                d = _safe_date(year, mo, day) if 1000 <= year <= 2999 else None
                if d is None:
                    invalid = True
                    continue
                greg.append((d, (mo, day), True))
            else:
                greg.append((None, (mo, day), False))
        elif kind == "hij":
            day = year = None
            hmonth = 0
            for i in range(a, b):
                c = types[i]
                if c == "d":
                    day = int(vals[i])
                elif c == "H":
                    hmonth = vals[i][0]
                    months_seen.append({"name": vals[i][1], "month": hmonth, "system": "hijri"})
                elif c == "y":
                    year = int(vals[i])
            if year is None:
                hijri_partial.append((hmonth, day))
                continue
            d = _hijri_to_greg(year, hmonth, day)
            if d is None:
                invalid = True
                continue
            hijri.append((d, (year, hmonth, day)))
        elif kind == "num":
            parts = vals[a]
            marker = types[a + 1] if b - a > 1 else None
            p1, p2, p3 = parts
            if len(p1) == 4 and len(p3) <= 2:
                yy, mo, dd = int(p1), int(p2), int(p3)
            elif len(p1) <= 2 and len(p3) in (2, 4):
                dd, mo, yy = int(p1), int(p2), int(p3)
                if len(p3) == 2:
                    yy = 1400 + yy if marker == "h" else _year2(p3)
            else:
                invalid = True
                continue
            if marker == "h" or (marker is None and has_accord and 1300 <= yy <= 1600):
                d = _hijri_to_greg(yy, mo, dd)
                if d is None:
                    invalid = True
                    continue
                hijri.append((d, (yy, mo, dd)))
                continue
            if marker is None and 1300 <= yy <= 1600:
                findings["numeric"] = "-".join(parts)
                issues.append("ambiguous")
                continue
            d = _safe_date(yy, mo, dd) if 1000 <= yy <= 2999 else None
            if d is None:
                invalid = True
                continue
            greg.append((d, (mo, dd), True))
        elif kind == "rel":
            count: int | None = None
            for i in range(a, b):
                c = types[i]
                if c == "d":
                    count = int(vals[i])
                elif c == "U":
                    unit, implied = vals[i]
                    n = count if count is not None else implied
                    if n is None:
                        n = -1  # plural without number: vague
                    rels.append((unit, n))
                    count = None
        else:  # rday
            rdays.append(vals[a])
    leftover.extend(range(pos, len(ts)))

    if months_seen:
        findings["months"] = months_seen
        findings["months_agree"] = True

    # ---- leftovers ----------------------------------------------------
    free_years: list[int] = []
    stray = False
    for i in leftover:
        c = types[i]
        if c == "y":
            free_years.append(int(vals[i]))
        elif c in "dnMH":
            stray = True
    if invalid and not (prose and (greg or hijri or times)):
        # In running text an impossible date next to a good one is just noise.
        return _none("invalid_date", findings, issues)

    if not prose:
        # Only recognised date words: a free-standing year belongs to the date.
        if free_years:
            missing = [g for g in greg if not g[2]]
            given = {g[0].year for g in greg if g[2]}
            if missing and len(set(free_years)) == 1 and len({g[1] for g in missing}) == 1:
                year = free_years[0]
                mo, day = missing[0][1]
                d = _safe_date(year, mo, day) if 1000 <= year <= 2999 else None
                if d is None:
                    return _none("invalid_date", findings, issues)
                greg = [g for g in greg if g[2]] + [(d, (mo, day), True)]
                findings["year_source"] = "free"
            elif not (given and given.issuperset(free_years)):
                stray = True
        if stray:
            return _none("ambiguous", findings, issues)
    if "ambiguous" in issues:
        return _none("ambiguous", findings, issues)
    if rels:
        if any(n < 0 for _, n in rels):  # "منذ ساعات": vague, not a date
            return _none("unparsed", findings, issues)
        if greg or hijri or times or rdays:
            return _none("ambiguous", findings, issues)

    # ---- distinct values ---------------------------------------------
    if len(greg) > 1 and len({g[0] if g[0] is not None else g[1] for g in greg}) > 1:
        return _none("ambiguous", findings, issues)
    if len(times) > 1 and len(set(times)) > 1:
        return _none("ambiguous", findings, issues)
    if len(zones) > 1:
        zone_keys = {z[0] for z in zones}
        if len(zone_keys) > 1:
            findings["zones"] = sorted(zone_keys)
            return _none("ambiguous", findings, issues)
    if len(hijri) > 1 and len({h[0] for h in hijri}) > 1:
        return _none("ambiguous", findings, issues)

    zone = zones[0] if zones else None
    if zone is not None:
        findings["zone"] = zone[0]
        findings["zone_source"] = "stated"
    elif tzpair is not None and times:
        zone = tzpair
        findings["zone"] = zone[0]
        findings["zone_source"] = "default"

    # ---- relative forms ----------------------------------------------
    if rels or (rdays and not greg and not hijri):
        if now is None:
            findings["relative"] = True
            return _none("needs_reference_time", findings, issues)
        return _relative(rels, rdays, times, zone, now, tzpair, findings, issues)

    # ---- calendar date -----------------------------------------------
    date_value: _dt.date | None = None
    monthday: tuple[int, int] | None = None
    if greg:
        g0 = greg[0]
        if g0[0] is not None:
            date_value = g0[0]
        else:
            monthday = g0[1]
        findings["calendar"] = "gregorian"
    if hijri:
        hd, (hy, hm, hdd) = hijri[0]
        info = {"year": hy, "month": hm, "day": hdd, "gregorian": _fmt_date(hd)}
        if greg:
            findings["calendar"] = "hijri+gregorian"
            if date_value is None and monthday == (hd.month, hd.day):
                date_value, monthday = hd, None
                findings["year_source"] = "hijri"
            ok = date_value == hd
            info["ok"] = ok
            if not ok:
                issues.append("hijri_mismatch")
                if date_value is not None:
                    info["diff_days"] = (hd - date_value).days
        else:
            findings["calendar"] = "hijri"
            date_value = hd
        findings["hijri"] = info

    if hijri_partial and not hijri:
        hm, hdd = hijri_partial[0]
        info = {"year": None, "month": hm, "day": hdd}
        findings["hijri"] = info
        if date_value is None:
            return _none("ambiguous", findings, issues)
        findings["calendar"] = "hijri+gregorian"
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
            issues.append("hijri_mismatch")

    if monthday is not None and now is not None:
        ref_date = _reference(now, tzpair)[1]
        resolved = _resolve_year(monthday, ref_date)
        if resolved is not None:
            date_value, monthday = resolved, None
            findings["year_source"] = "now"
        else:
            findings["year_source"] = "unresolved"

    # ---- weekday check -----------------------------------------------
    if weekdays:
        seen = sorted({w[0] for w in weekdays})
        info: dict[str, Any] = {"seen": [_WEEKDAY_CANON[i] for i in seen]}
        if date_value is not None:
            exp = date_value.weekday()
            info["expected"] = _WEEKDAY_CANON[exp]
            info["ok"] = seen == [exp]
            if not info["ok"]:
                issues.append("weekday_mismatch")
        else:
            info["ok"] = None
        findings["weekday"] = info

    # ---- compose -----------------------------------------------------
    tval = times[0] if times else None
    if date_value is not None:
        if tval is None:
            return _result(_fmt_date(date_value), "date", None, date_value, None, False,
                           issues, findings)
        local = _dt.datetime(date_value.year, date_value.month, date_value.day, *tval)
        if zone is not None:
            dt = local.replace(tzinfo=zone[1]).astimezone(UTC)
            if zone[0] != "UTC":
                findings["local"] = local.isoformat()
            return _result(_fmt_dt(dt, True), "datetime", dt, dt.date(),
                           dt.timetz(), True, issues, findings)
        return _result(_fmt_dt(local, False), "datetime", local, date_value, local.time(),
                       False, issues, findings)
    if monthday is not None:
        value = f"--{monthday[0]:02d}-{monthday[1]:02d}"
        findings["monthday"] = {"month": monthday[0], "day": monthday[1]}
        t = _dt.time(*tval) if tval else None
        return _result(value, "monthday", None, None, t, False, issues, findings)
    if tval is not None:
        t = _dt.time(*tval)
        if zone is not None:
            t = _time_to_utc(t, zone[1], now)
            if (t.hour, t.minute, t.second) != tval:
                findings["local"] = _fmt_time(_dt.time(*tval))
            return _result(_fmt_time(t), "time", None, None, t, True, issues, findings)
        return _result(_fmt_time(t), "time", None, None, t, False, issues, findings)
    return _none("unparsed", findings, issues)


def _fast(m: re.Match[str], findings: dict[str, Any]) -> DateResult | None:
    """Build the result for a publisher stamp; None defers to the general path."""
    h, mi, y, wd, d, n1, n2 = m.groups()
    mo, system = _GREG_MONTHS[n1]
    months = [{"name": n1, "month": mo, "system": system}]
    if n2 is not None:
        mo2, system2 = _GREG_MONTHS[n2]
        if mo2 != mo:
            return None
        months.append({"name": n2, "month": mo2, "system": system2})
    hour, minute, year = int(h), int(mi), int(y)
    if hour > 23 or minute > 59 or not 1000 <= year <= 2999:
        return None
    day = _safe_date(year, mo, int(d))
    if day is None:
        return None
    findings["months"] = months
    findings["months_agree"] = True
    findings["year_source"] = "free"
    findings["zone"] = "UTC"
    findings["zone_source"] = "stated"
    findings["calendar"] = "gregorian"
    seen = _WEEKDAYS[wd]
    exp = day.weekday()
    ok = seen == exp
    findings["weekday"] = {"seen": [_WEEKDAY_CANON[seen]], "expected": _WEEKDAY_CANON[exp], "ok": ok}
    dt = _dt.datetime(year, mo, day.day, hour, minute, tzinfo=UTC)
    issues = () if ok else ("weekday_mismatch",)
    return _result(_fmt_dt(dt, True), "datetime", dt, day, dt.timetz(), True, issues, findings)


def _hijri_to_greg(year: int, month: int, day: int) -> _dt.date | None:
    try:
        return Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError, TypeError):
        return None


def _resolve_year(monthday: tuple[int, int], ref: _dt.date) -> _dt.date | None:
    mo, day = monthday
    for year in (ref.year + 1, ref.year, ref.year - 1):
        d = _safe_date(year, mo, day)
        if d is not None and -334 <= (d - ref).days <= 1:
            return d
    return None


def _time_to_utc(t: _dt.time, tz: _dt.tzinfo, now: _dt.datetime | None) -> _dt.time:
    if isinstance(tz, _dt.timezone):
        day = _dt.date(2000, 1, 1)
    elif now is not None:
        ref = _reference(now, None)[0]
        day = (ref.astimezone(tz) if ref.tzinfo else ref).date()
    else:
        day = _dt.datetime.now(tz).date()
    dt = _dt.datetime.combine(day, t, tzinfo=tz).astimezone(UTC)
    return dt.time().replace(tzinfo=UTC)


_DAY_UNITS = {"day": 1, "week": 7}


def _relative(
    rels: list[tuple[str, int]],
    rdays: list[Any],
    times: list[tuple[int, int, int]],
    zone: tuple[str, _dt.tzinfo] | None,
    now: _dt.datetime,
    tzpair: tuple[str, _dt.tzinfo] | None,
    findings: dict[str, Any],
    issues: list[str],
) -> DateResult:
    try:
        return _relative_value(rels, rdays, times, zone, now, tzpair, findings, issues)
    except (OverflowError, ValueError):  # a reference time near year 1 or 9999
        return _none("invalid_date", findings, issues)


def _relative_value(
    rels: list[tuple[str, int]],
    rdays: list[Any],
    times: list[tuple[int, int, int]],
    zone: tuple[str, _dt.tzinfo] | None,
    now: _dt.datetime,
    tzpair: tuple[str, _dt.tzinfo] | None,
    findings: dict[str, Any],
    issues: list[str],
) -> DateResult:
    if zone is not None and tzpair is None:
        tzpair = zone
    base, ref_date = _reference(now, tzpair)
    if base is None or ref_date is None:  # pragma: no cover - now is checked by the caller
        return _none("needs_reference_time", findings, issues)
    base = base.replace(microsecond=0)
    aware = base.tzinfo is not None
    if rels:
        findings["relative"] = [{"unit": u, "amount": n} for u, n in rels]
        coarse = [r for r in rels if r[0] not in ("second", "minute", "hour")]
        if not coarse:
            delta = _dt.timedelta(
                seconds=sum(
                    n * {"second": 1, "minute": 60, "hour": 3600}[u] for u, n in rels
                )
            )
            dt = base - delta
            return _result(_fmt_dt(dt, aware), "datetime", dt, dt.date(),
                           dt.timetz(), aware, issues, findings)
        d = ref_date
        for unit, n in rels:
            if unit in _DAY_UNITS:
                d -= _dt.timedelta(days=n * _DAY_UNITS[unit])
            elif unit == "month":
                d = _add_months_to(d, -n)
            elif unit == "year":
                d = _add_months_to(d, -12 * n)
        return _result(_fmt_date(d), "date", None, d, None, False, issues, findings)
    offsets = set(rdays)
    if len(offsets) > 1:
        return _none("ambiguous", findings, issues)
    off = rdays[0]
    findings["relative"] = [{"unit": "now" if off == "now" else "day", "amount": off}]
    if off == "now":
        if times:
            return _none("ambiguous", findings, issues)
        return _result(_fmt_dt(base, aware), "datetime", base, base.date(), base.timetz(),
                       aware, issues, findings)
    d = ref_date + _dt.timedelta(days=off)
    if not times:
        return _result(_fmt_date(d), "date", None, d, None, False, issues, findings)
    local = _dt.datetime.combine(d, _dt.time(*times[0]))
    if zone is not None:
        dt = local.replace(tzinfo=zone[1]).astimezone(UTC)
        return _result(_fmt_dt(dt, True), "datetime", dt, dt.date(),
                       dt.time().replace(tzinfo=UTC), True, issues, findings)
    return _result(_fmt_dt(local, False), "datetime", local, d, local.time(), False,
                   issues, findings)


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def _parse_now(value: str) -> _dt.datetime:
    v = value.strip()
    if v.endswith(("Z", "z")):
        v = v[:-1] + "+00:00"
    return _dt.datetime.fromisoformat(v)


def main(argv: list[str] | None = None) -> int:
    """Filter stdin to stdout, one normalized value (or empty line) per line."""
    parser = argparse.ArgumentParser(
        prog="python -m newscrawl.dates",
        description="Normalize Arabic news date stamps, one per input line.",
    )
    parser.add_argument("--now", help="reference time (ISO 8601) for relative and year-less dates")
    parser.add_argument("--tz", help="zone assumed when a string states none (IANA name or +HH:MM)")
    parser.add_argument("--json", action="store_true", help="write one JSON object per line")
    args = parser.parse_args(argv)
    try:
        tzpair = _resolve_tz(args.tz)
    except ValueError:
        print(f"{parser.prog}: error: unknown time zone {args.tz!r} for --tz "
              "(use an IANA name such as Asia/Riyadh, UTC, or an offset like +03:00)",
              file=sys.stderr)
        return 2
    now = None
    if args.now is not None:
        try:
            now = _parse_now(args.now)
        except ValueError:
            print(f"{parser.prog}: error: --now {args.now!r} is not an ISO 8601 date-time",
                  file=sys.stderr)
            return 2
    tz_arg = tzpair[1] if tzpair else None
    reader = sys.stdin.buffer
    out = sys.stdout.buffer
    try:
        while True:
            raw = reader.readline()
            if not raw:
                break
            line = raw.decode("utf-8", "replace").rstrip("\n").rstrip("\r")
            res = parse_date(line, now=now, default_tz=tz_arg)
            if args.json:
                obj = {"input": line, **res.to_json()}
                text = json.dumps(obj, ensure_ascii=False)
            else:
                text = res.value or ""
            out.write(text.encode("utf-8") + b"\n")
            out.flush()
    except BrokenPipeError:
        # The reader went away: stop quietly (and keep the final flush from failing).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
