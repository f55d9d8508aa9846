"""Precision first: a string is read completely or not at all.

Valid stamps are built from parts whose meaning is known (weekday, day, month, year, time, day-part,
zone, labels), then mutated the way real pages garble them: a part dropped, repeated, two parts
swapped, an unknown word added. The parser must give the right value of the mutated string or no
value — never another value. The right value after a drop is stated by :func:`expected` from the
parts that remain; after the other mutations it is the original value (or nothing).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawl.dates import parse_date

EXAMPLES = settings().max_examples  # 100; 10 in mutation runs
NOW = dt.datetime(2025, 4, 22, 12, 0, tzinfo=dt.UTC)

MONTHS = [  # one spelling per system and month
    ["يناير", "كانون الثاني", "جانفي", "January"], ["فبراير", "شباط", "فيفري", "Feb"],
    ["مارس", "آذار", "مارس", "March"], ["أبريل", "نيسان", "أفريل", "Apr"], ["مايو", "أيار", "ماي", "May"],
    ["يونيو", "حزيران", "جوان", "June"], ["يوليو", "تموز", "جويلية", "July"], ["أغسطس", "آب", "أوت", "Aug"],
    ["سبتمبر", "أيلول", "شتنبر", "September"], ["أكتوبر", "تشرين الأول", "أكتوبر", "Oct"],
    ["نوفمبر", "تشرين الثاني", "نونبر", "November"], ["ديسمبر", "كانون الأول", "دجنبر", "Dec"],
]
WEEKDAYS = ["الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
# Day-part words and the hours of the day each can be printed for (the hour printed is 1-12).
DAY_PARTS = {"ص": range(0, 12), "صباحاً": range(0, 12), "م": range(12, 24), "مساءً": range(12, 24),
             "ليلاً": range(18, 24), "عصراً": range(13, 18)}
ZONES = {"GMT": 0, "بتوقيت غرينتش": 0, "بتوقيت مكة المكرمة": 3, "+02:00": 2}
EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
UNKNOWN = ["كلمة", "الخبر", "foo"]


@dataclass(frozen=True)
class Part:
    role: str
    text: str


@dataclass(frozen=True)
class Stamp:
    when: dt.datetime  # local date and time as printed (24-hour)
    parts: tuple[Part, ...]


@st.composite
def stamps(draw: st.DrawFn) -> Stamp:
    when = draw(st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2040, 12, 31))).replace(second=0,
                                                                                          microsecond=0)
    digits = draw(st.sampled_from(["western", "eastern"]))

    def num(text: str) -> str:
        return text.translate(EASTERN) if digits == "eastern" else text

    parts = []
    if draw(st.booleans()):
        parts.append(Part("label", draw(st.sampled_from(["نشر في", "تاريخ النشر:", "آخر تحديث"]))))
    if draw(st.booleans()):
        parts.append(Part("weekday", WEEKDAYS[when.weekday()]))
    parts.append(Part("day", num(str(when.day))))
    parts.append(Part("month", draw(st.sampled_from(MONTHS[when.month - 1]))))
    if draw(st.integers(0, 3)):
        parts.append(Part("year", num(str(when.year))))
    if draw(st.booleans()):
        parts += _clock(draw, when, num)
    return Stamp(when, tuple(parts))


def _clock(draw: st.DrawFn, when: dt.datetime, num: Any) -> list[Part]:
    parts = []
    if draw(st.booleans()):
        parts.append(Part("sep", draw(st.sampled_from(["-", "|", "الساعة"]))))
    word = draw(st.sampled_from([None, *[w for w, hours in DAY_PARTS.items() if when.hour in hours]]))
    hour = when.hour if word is None else (when.hour % 12 or 12)
    parts.append(Part("time", num(f"{hour:02d}:{when.minute:02d}")))
    if word is not None:
        parts.append(Part("daypart", word))
    if draw(st.booleans()):
        parts.append(Part("zone", draw(st.sampled_from(sorted(ZONES)))))
    return parts


def expected(stamp: Stamp, parts: tuple[Part, ...]) -> str | None:
    """The value a correct reader gives the parts, in their printed order."""
    roles = {p.role: p for p in parts}
    if ("day" in roles) != ("month" in roles) or ("year" in roles and "day" not in roles):
        return None  # a day without a month, a month or a year without a day: not a date
    when = stamp.when
    if "time" in roles:
        printed = int(roles["time"].text.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))[:2])
        when = when.replace(hour=when.hour if "daypart" in roles else printed)
    offset = dt.timedelta(hours=ZONES[roles["zone"].text]) if "zone" in roles else None
    if "day" in roles and "year" not in roles:
        return f"--{when:%m-%d}"
    if "day" in roles:
        if "time" not in roles:
            return when.date().isoformat()
        if offset is None:
            return when.isoformat()
        return (when - offset).isoformat() + "+00:00"
    if "time" in roles:
        return f"{(when - offset) if offset is not None else when:%H:%M:%S}"
    return None


def text_of(parts: tuple[Part, ...]) -> str:
    return " ".join(p.text for p in parts)


@settings(max_examples=5 * EXAMPLES, deadline=None)
@given(stamps())
def test_valid_stamps_are_read(stamp: Stamp) -> None:
    assert parse_date(text_of(stamp.parts)).value == expected(stamp, stamp.parts), text_of(stamp.parts)


@settings(max_examples=10 * EXAMPLES, deadline=None)
@given(stamps(), st.data())
def test_a_dropped_part_gives_the_remaining_value_or_none(stamp: Stamp, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(stamp.parts) - 1))
    parts = stamp.parts[:i] + stamp.parts[i + 1:]
    value = parse_date(text_of(parts)).value
    assert value in (None, expected(stamp, parts)), (text_of(stamp.parts), text_of(parts), value)


@settings(max_examples=10 * EXAMPLES, deadline=None)
@given(stamps(), st.data())
def test_a_repeated_swapped_or_unknown_part_gives_the_value_or_none(stamp: Stamp, data: st.DataObject,
                                                                    ) -> None:
    parts = list(stamp.parts)
    how = data.draw(st.sampled_from(["repeat", "swap", "unknown"]))
    i = data.draw(st.integers(0, len(parts) - 1))
    if how == "repeat":
        parts.insert(i, parts[i])
    elif how == "swap":
        j = data.draw(st.integers(0, len(parts) - 1))
        parts[i], parts[j] = parts[j], parts[i]
    else:
        word = Part("unknown", data.draw(st.sampled_from(UNKNOWN)))
        parts.insert(data.draw(st.integers(0, len(parts))), word)
    value = parse_date(text_of(tuple(parts))).value
    right = {None, expected(stamp, stamp.parts)}
    if any(a.role == "year" and b.text == "م" for a, b in zip(parts, parts[1:], strict=False)):
        # «2000 م»: م right after a year is the calendar marker (ميلادي), not PM.
        right.add(expected(stamp, tuple(p for p in stamp.parts if p.role != "daypart")))
    assert value in right, (text_of(stamp.parts), text_of(tuple(parts)), value)


RELATIVE = [  # (parts, value with NOW)
    (("منذ", "5", "دقائق"), "2025-04-22T11:55:00+00:00"),
    (("قبل", "ثلاثة", "أيام"), "2025-04-19"),
    (("بعد", "ساعتين"), "2025-04-22T14:00:00+00:00"),
    (("أمس", "الساعة", "10:30", "مساءً"), "2025-04-21T22:30:00"),
    (("الخميس", "القادم"), "2025-04-24"),
]


@settings(max_examples=3 * EXAMPLES, deadline=None)
@given(st.sampled_from(RELATIVE), st.data())
def test_relative_forms_mutated(case: tuple[tuple[str, ...], str], data: st.DataObject) -> None:
    words, value = case
    parts = list(words)
    assert parse_date(" ".join(parts), now=NOW).value == value
    how = data.draw(st.sampled_from(["repeat", "swap", "unknown"]))
    i = data.draw(st.integers(0, len(parts) - 1))
    if how == "repeat":
        parts.insert(i, parts[i])
    elif how == "swap":
        j = data.draw(st.integers(0, len(parts) - 1))
        parts[i], parts[j] = parts[j], parts[i]
    else:
        parts.insert(data.draw(st.integers(0, len(parts))), data.draw(st.sampled_from(UNKNOWN)))
    got = parse_date(" ".join(parts), now=NOW).value
    assert got in (None, value), (" ".join(parts), got)
