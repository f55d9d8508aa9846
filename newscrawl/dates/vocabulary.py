"""The vocabulary: every known spelling, normalized, -> (token kind, value), built from the word tables.

Month and weekday names come first and are built apart (:func:`calendar_names`): the publisher-stamp path
needs nothing else, so a run of publisher stamps never builds the rest (thousands of phrases, most of the
tokenizer's start-up).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from newscrawl.dates import words as w
from newscrawl.dates.normalize import key
from newscrawl.dates.zones import GMT_NAMES, GMT_PREFIXES, GMT_WORDS, ZONE_CITIES, ZONE_PREFIXES

Vocabulary = dict[str, tuple[str, Any]]
Add = Callable[..., None]


def _adder(vocab: Vocabulary) -> Add:  # pragma: no mutate block (runs at import)
    """``add(spellings, kind, value)``: the first meaning given to a spelling wins."""
    def add(spellings: str, kind: str, value: Any = None) -> None:
        for s in spellings.split("|"):
            if s.strip():
                vocab.setdefault(key(s), (kind, value))

    return add


def calendar_names() -> Vocabulary:  # pragma: no mutate block (runs at import)
    """Gregorian months (M), Hijri months (H) and weekdays (W): the head of :func:`vocabulary`."""
    vocab: Vocabulary = {}
    add = _adder(vocab)
    for system, months in w.GREGORIAN_MONTHS.items():
        for month, spellings in months.items():
            for s in spellings.split("|"):
                add(s, "M", (month, system, key(s)))
    for month, spellings in w.HIJRI_MONTHS.items():
        for s in spellings.split("|"):
            add(s, "H", (month, key(s)))
    for day, spellings in w.WEEKDAYS.items():
        for s in spellings.split("|"):
            add(s, "W", (day, key(s)))
    return vocab


def vocabulary() -> Vocabulary:  # pragma: no mutate block (runs at import)
    """Every known spelling -> (kind, value) (the kinds are listed in ``tokens.py``)."""
    vocab = calendar_names()
    add = _adder(vocab)
    for part, spellings in w.DAY_PARTS.items():
        add(spellings, "p", part)
    add("ص", "q", "am")
    add("م", "m", "pm")
    for marker, spellings in w.CALENDAR_MARKERS.items():
        add(spellings, marker)
    for unit, (one, two, many) in w.UNITS.items():
        add(one, "U", (unit, 1))
        add(two, "U", (unit, 2))
        add(many, "U", (unit, None))
    for offset, spellings in w.RELATIVE_DAYS.items():
        add(spellings, "r", ("now",) if offset == "now" else ("day", offset))
    _add_directions(add)
    for minutes, spellings in w.FRACTIONS.items():
        add(spellings, "f", minutes)
    for spelling, number in w.NUMBER_WORDS.items():
        add(spelling, "d", number)
    add(w.AGO, "R", -1)
    add(w.IN, "F", 1)
    add(w.AND, "c")
    add(w.CLOCK, "S")
    add(w.ACCORDING, "A")
    _add_zones(add)
    add(w.LINKS, "l")
    add(w.LABELS, "L")
    return vocab


def _add_directions(add: Add) -> None:  # pragma: no mutate block (runs at import)
    """«الخميس القادم», «الشهر الماضي»: a weekday or a period, then a direction."""
    for sign, directions in w.DIRECTIONS.items():
        for d in directions.split("|"):
            for day, spellings in w.WEEKDAYS.items():
                for s in spellings.split("|"):
                    add(f"{s} {d}", "r", ("weekday", day, sign))
            for unit, spellings in w.PERIODS.items():
                for s in spellings.split("|"):
                    add(f"{s} {d}", "r", ("period", unit, sign))


def _add_zones(add: Add) -> None:  # pragma: no mutate block (runs at import)
    for prefix in GMT_PREFIXES:
        for name in GMT_NAMES:
            add(prefix + name, "G")
    for word in GMT_WORDS:
        add(word, "G")
    for city, zone in ZONE_CITIES.items():
        for prefix in ZONE_PREFIXES:
            add(f"{prefix} {city}", "Z", zone)
            add(f"{prefix} مدينة {city}", "Z", zone)
