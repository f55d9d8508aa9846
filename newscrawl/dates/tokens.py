"""The tokenizer: a normalized string becomes a string of token kinds (one letter each) and their values.

=====  ==========================================  ==============================================
kind   what                                        value
=====  ==========================================  ==============================================
d      a number of 1-2 digits, a number word,      int
       an English ordinal («3rd»)
y      a number of 4 digits                        int
n      any other number                            int
T      a clock time ``10:18[:30]``                 (hour, minute, second, stated zone or None)
o      a UTC offset standing apart ``+03:00``      the zone (None when beyond ±14 hours)
x      a day-part, fraction or offset separated    as p, q, m, f, o
       from what precedes by a label or by
       punctuation («01:00 | نشر في م»)
N      a numeric date ``22/04/2025``               its three parts (strings)
M      a Gregorian month name                      (month, system, spelling)
H      a Hijri month name                          (month, spelling)
p      a day-part word (صباحاً، عصراً …)            am, pm, noon, night, midnight or midday
q, m   the letters ص and م                         am, pm (م after a year is the calendar marker)
h, g   Hijri / Gregorian calendar marker           None
f      a fraction of an hour (والنصف)               minutes
U      a unit of a relative form (دقائق)            (unit, count the word states or None)
R, F   «منذ/قبل» (ago), «بعد/خلال» (in)            -1, +1
r      a relative day or period (أمس، الخميس       ("day", n) | ("now",) | ("period", unit, ±1)
       القادم، الشهر الماضي)                        | ("weekday", weekday, ±1)
c      «و» between two amounts                     None
S      «الساعة» before a time                      None
A      «الموافق» between two calendars             None
X      a word that is not a date word              None
( ) / -  punctuation that groups or separates      None
=====  ==========================================  ==============================================

Weekdays, zones and labels are not in the kind string: weekdays and zones are collected apart (they
may stand anywhere), labels («تاريخ النشر») are dropped. A unit word is a unit only after «منذ»,
«بعد», «و» or a number after those; elsewhere («يوم الثلاثاء», «عام 2025») it is a label.
"""

from __future__ import annotations

import re
from typing import Any

from newscrawl.dates.vocabulary import vocabulary
from newscrawl.dates.zones import UTC_ZONE, Zone, fixed, named

VOCABULARY = vocabulary()
LONGEST = max(s.count(" ") + 1 for s in VOCABULARY)

# One pattern per token kind; the scanner tries a kind only where its first character can start it.
_NUMERIC = (r"(?P<N>(?<![0-9])(?<![0-9][/.\-])[0-9]{1,4}(?P<sep>[/.\-])[0-9]{1,2}(?P=sep)[0-9]{1,4}"
            r"(?![0-9])(?![/.\-][0-9]))")
_CLOCK = (r"(?P<T>(?<![0-9:.])(?P<th>[0-9]{1,2}):(?P<tmi>[0-9]{2})(?::(?P<ts>[0-9]{2})(?:\.[0-9]{1,9})?)?"
          r"(?![0-9:])(?P<to>z(?![a-z])| ?[+-][0-9]{1,2}(?::?[0-9]{2})?(?![0-9:/.\-]))?)")
_ORDINAL = r"(?P<O>[0-9]{1,2})(?:st|nd|rd|th)(?![a-z])"
_NUMBER = r"(?P<D>[0-9]+)"
_GMT = (r"(?P<G>(?<![a-z])(?:gmt|utc)(?![a-z])(?: ?(?P<gs>[+-])(?P<gh>[0-9]{1,2})(?::?(?P<gm>[0-9]{2}))?"
        r"(?![0-9:]))?)")
_WORD = r"(?P<w>[^\W\d_]+(?:\.[^\W\d_]+)*\.?)"
_OFFSET = r"(?P<o>(?<!\w)[+-][0-9]{1,2}(?::?[0-9]{2})?(?![0-9:/.\-]))"
_PUNCTUATION = r"(?P<P>[()\[\]/\-])"
_SCAN = re.compile(f"(?=[0-9])(?:{_NUMERIC}|{_CLOCK}|{_ORDINAL}|{_NUMBER})|(?=[^\\W\\d_])(?:{_GMT}|{_WORD})"
                   f"|(?=[-+]){_OFFSET}|{_PUNCTUATION}")
_BRACKETS = {"[": "(", "]": ")"}
ATTACHING = "pqmfo"  # kinds that attach to the time (or year) just before them: apart, they are "x"


class Tokens:
    """The kinds (one letter per token), their values, and what stands apart from them."""

    __slots__ = ("kinds", "values", "weekdays", "zones", "prose", "bad_offset", "apart")

    def __init__(self) -> None:
        self.kinds: list[str] = []
        self.values: list[Any] = []
        self.weekdays: list[tuple[int, str]] = []
        self.zones: list[Zone] = []
        self.prose = False  # a word that is not a date word: the string is running text
        self.bad_offset = False  # a UTC offset beyond ±14 hours
        self.apart = False  # a label or punctuation other than ()/- stands before the next token

    def push(self, kind: str, value: Any = None) -> None:
        if self.apart and kind in ATTACHING:
            kind = "x"
        self.apart = False
        self.kinds.append(kind)
        self.values.append(value)


def tokenize(s: str) -> Tokens:
    """Tokens of a normalized string."""
    out = Tokens()
    run: list[str] = []  # words separated by single spaces, matched against phrases together
    run_apart = False
    end = 0
    for m in _SCAN.finditer(s):
        start = m.start()
        gap = start - end  # what lies between this token and the previous one
        apart = gap > 0 and (s[end] != " " if gap == 1 else not s.startswith(" " * gap, end))
        end = m.end()
        group = m.lastgroup
        if group == "w":
            if run and (apart or gap != 1):
                _words(run, run_apart, out)
                run = []
            if not run:
                run_apart = apart
            run.append(m.group())
            continue
        if run:
            _words(run, run_apart, out)
            run = []
        if group == "D":  # a number, the commonest token after words: never attaching, so never "x"
            digits = m.group()
            out.apart = False
            out.kinds.append("d" if len(digits) <= 2 else "y" if len(digits) == 4 else "n")
            out.values.append(int(digits))
            continue
        out.apart = out.apart or apart
        _token(m, out)
    if run:
        _words(run, run_apart, out)
    return out


def _token(m: re.Match[str], out: Tokens) -> None:
    g = m.lastgroup
    if g == "T":
        _time(m, out)
    elif g == "N":
        out.push("N", m.group("N").split(m.group("sep")))
    elif g == "G":
        _gmt(m, out)
    elif g == "O":
        out.push("d", int(m.group("O")))
    elif g == "o":
        out.push("o", _signed_offset(m.group(), out))
    else:
        p = m.group()
        out.push(_BRACKETS.get(p, p))


def _time(m: re.Match[str], out: Tokens) -> None:
    h, mi, sec, off = m.group("th", "tmi", "ts", "to")
    zone = None
    if off:
        off = off.strip()
        zone = UTC_ZONE if off == "z" else _signed_offset(off, out)
    out.push("T", (int(h), int(mi), int(sec) if sec else 0, zone))


def _signed_offset(text: str, out: Tokens) -> Zone | None:
    """``+03:00``, ``+0300``, ``+3``: a fixed zone (None, and ``bad_offset``, beyond ±14 hours)."""
    digits = text[1:].replace(":", "")
    hours, minutes = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
    return _offset(text[0], hours, minutes, out)


def _gmt(m: re.Match[str], out: Tokens) -> None:
    sign, hours, minutes = m.group("gs", "gh", "gm")
    zone = _offset(sign, int(hours), int(minutes or 0), out) if sign else UTC_ZONE
    if zone is not None:
        out.zones.append(zone)


def _offset(sign: str, hours: int, minutes: int, out: Tokens) -> Zone | None:
    if hours > 14 or minutes not in (0, 15, 30, 45):
        out.bad_offset = True
        return None
    return fixed(sign, hours, minutes)


def _words(run: list[str], apart: bool, out: Tokens) -> None:
    """Match a run of words against the vocabulary, longest phrase first."""
    out.apart = out.apart or apart
    n = len(run)
    i = 0
    while i < n:
        size = min(LONGEST, n - i)
        while size > 1:
            found = VOCABULARY.get(" ".join(run[i:i + size]))
            if found is not None:
                break
            size -= 1
        else:
            word = run[i]
            found = VOCABULARY.get(word)
            if found is None and "." in word:
                found = VOCABULARY.get(word.replace(".", ""))
        if found is None:
            out.prose = True
            out.push("X")
            i += 1
        else:
            _word(found[0], found[1], out)
            i += size


def _word(kind: str, value: Any, out: Tokens) -> None:
    if kind == "L":
        out.apart = True  # «01:00 نشر في م»: what follows a label is not attached to what precedes it
        return
    if kind == "l":  # «3:00 من بعد الظهر»: a link keeps them together
        return
    if kind == "W":
        out.weekdays.append(value)
        out.apart = True  # «2000 السبت م»: م after a weekday is not the year's calendar marker
    elif kind == "Z":
        out.zones.append((value, named(value)))
    elif kind == "G":
        out.zones.append(UTC_ZONE)
    elif kind != "U" or _counts(out.kinds):
        out.push(kind, value)


def _counts(kinds: list[str]) -> bool:
    """A unit word counts (منذ 5 دقائق) only after منذ/بعد/و, or a number after those."""
    if not kinds:
        return False
    last = kinds[-1]
    return last in "RFc" or (last in "dn" and len(kinds) > 1 and kinds[-2] in "RFc")

