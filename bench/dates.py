"""Benchmark newscrawl.dates against dateparser on one mixed corpus.

Run as ``python -m bench.dates [--quick]`` or ``python bench/dates.py [--quick]``.

The corpus: every case of the table test (tests/test_dates.py, with its ``now``
and ``tz`` arguments) plus a few thousand generated strings whose expected
values are known by construction (publisher stamps above all, then update
stamps, 12-hour labels, ISO, numeric, named zones and Hijri dates).

Accuracy: our module must print exactly the expected value.  dateparser
(``dateparser.parse(s, languages=['ar'])``, with RELATIVE_BASE for the relative
cases and TIMEZONE/TO_TIMEZONE for the default-zone cases) is counted right when
it yields the same datetime (in UTC when it is aware), the same date for a date,
the same time for a time, the same month and day for a day-month, and None for
a non-date.  dateparser is slow, so it is timed (and scored) on a fixed subset
of the corpus, and our throughput is measured on the same subset as well as on
the whole corpus; the ratio compares the two on the same subset.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: python bench/dates.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hijridate import Gregorian  # noqa: E402

from newscrawl.dates import parse_date  # noqa: E402

UTC = dt.UTC
NOW = dt.datetime(2025, 4, 22, 12, 0, tzinfo=UTC)

LEVANTINE = ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
             "تشرين الأول", "تشرين الثاني", "كانون الأول"]
EGYPTIAN = ["يناير", "فبراير", "مارس", "إبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
            "أكتوبر", "نوفمبر", "ديسمبر"]
MAGHREBI = ["جانفي", "فيفري", "مارس", "أفريل", "ماي", "جوان", "جويلية", "أوت", "سبتمبر", "أكتوبر",
            "نوفمبر", "ديسمبر"]
MOROCCAN = ["يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر", "أكتوبر",
            "نونبر", "دجنبر"]
HIJRI = ["محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة", "رجب", "شعبان",
         "رمضان", "شوال", "ذو القعدة", "ذو الحجة"]
WEEKDAYS = ["الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

Case = tuple[str, "str | None", dict[str, Any]]


def _publisher(rng: random.Random, when: dt.datetime) -> str:
    other = rng.choice([EGYPTIAN, MAGHREBI, MOROCCAN])[when.month - 1]
    pair = [other, LEVANTINE[when.month - 1]]
    if rng.random() < 0.2:
        pair.reverse()
    return (f"GMT {when:%H:%M} {when.year} {WEEKDAYS[when.weekday()]} ,{when.day} "
            f"{pair[0]} / {pair[1]}")


def generated_cases(n: int, seed: int = 7) -> list[Case]:
    """n strings with expected values known by construction (about 60% publisher stamps)."""
    rng = random.Random(seed)
    start = dt.datetime(2000, 1, 1)
    span = int((dt.datetime(2030, 12, 31) - start).total_seconds() // 60)
    out: list[Case] = []
    for i in range(n):
        when = start + dt.timedelta(minutes=rng.randrange(span))
        form = i % 10
        if form < 6:
            text = _publisher(rng, when)
            if rng.random() < 0.15:
                text = text.translate(EASTERN)
            out.append((text, f"{when:%Y-%m-%dT%H:%M}:00+00:00", {}))
        elif form == 6:
            sec = rng.randrange(60)
            out.append((f"آخر تحديث GMT{when:%H:%M}:{sec:02d}", f"{when:%H:%M}:{sec:02d}", {}))
        elif form == 7:
            h12 = when.hour % 12 or 12
            mark = "ص" if when.hour < 12 else "م"
            month = rng.choice([EGYPTIAN, LEVANTINE])[when.month - 1]
            text = (f"تم النشر: {WEEKDAYS[when.weekday()]} {when.day} {month}"
                    f" {when.year} - {h12}:{when.minute:02d} {mark}")
            out.append((text, f"{when:%Y-%m-%dT%H:%M}:00", {}))
        elif form == 8:
            choice = rng.randrange(3)
            if choice == 0:
                text = f"{when:%Y-%m-%dT%H:%M}:00+03:00"
                out.append((text, f"{when - dt.timedelta(hours=3):%Y-%m-%dT%H:%M}:00+00:00", {}))
            elif choice == 1:
                out.append((f"{when.day}/{when.month}/{when.year}", f"{when:%Y-%m-%d}", {}))
            else:
                text = f"{when.day} {EGYPTIAN[when.month - 1]} {when.year} {when:%H:%M} بتوقيت مكة المكرمة"
                out.append((text, f"{when - dt.timedelta(hours=3):%Y-%m-%dT%H:%M}:00+00:00", {}))
        else:
            h = Gregorian(when.year, when.month, when.day).to_hijri()
            out.append((f"{h.day} {HIJRI[h.month - 1]} {h.year} هـ", f"{when:%Y-%m-%d}", {}))
    return out


def table_cases() -> list[Case]:
    """The table test's cases, with the arguments they are tested with."""
    from tests import test_dates as t

    cases: list[Case] = [(text, exp, {}) for text, exp, _ in t.CASES]
    cases += [(text, exp, {"now": t.NOW}) for text, exp, _ in t.NOW_CASES]
    cases += [(text, exp, {"default_tz": tz}) for text, tz, exp, _ in t.TZ_CASES]
    return cases


def _dateparser_right(result: dt.datetime | None, expected: str | None) -> bool:
    if expected is None:
        return result is None
    if result is None:
        return False
    if result.tzinfo is not None:
        result = result.astimezone(UTC).replace(tzinfo=None)
    if expected.startswith("--"):
        return (result.month, result.day) == (int(expected[2:4]), int(expected[5:7]))
    if len(expected) == 8:  # HH:MM:SS
        return result.time().replace(microsecond=0) == dt.time.fromisoformat(expected)
    if len(expected) == 10:
        return result.date() == dt.date.fromisoformat(expected)
    want = dt.datetime.fromisoformat(expected).replace(tzinfo=None)
    return result.replace(microsecond=0) == want


def _dateparser_call(text: str, kwargs: dict[str, Any]) -> dt.datetime | None:
    import dateparser

    settings: dict[str, Any] = {}
    if "now" in kwargs:
        settings["RELATIVE_BASE"] = kwargs["now"].astimezone(UTC).replace(tzinfo=None)
    if "default_tz" in kwargs:
        settings["TIMEZONE"] = kwargs["default_tz"]
        settings["TO_TIMEZONE"] = "UTC"
    try:
        return dateparser.parse(text, languages=["ar"], settings=settings or None)
    except Exception:  # a crash counts as a wrong answer
        return None


def _throughput(cases: list[Case], min_seconds: float) -> float:
    count = 0
    start = time.perf_counter()
    while True:
        for text, _, kwargs in cases:
            parse_date(text, **kwargs)
        count += len(cases)
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return count / elapsed


def run(quick: bool = False) -> dict[str, Any]:
    """Run the benchmark; return its figures (and print them)."""
    corpus = table_cases() + generated_cases(3000)
    publisher = [c for c in corpus if c[0].startswith("GMT ")]

    wrong = [(text, parse_date(text, **kw).value, exp) for text, exp, kw in corpus
             if parse_date(text, **kw).value != exp]
    ours_accuracy = 1 - len(wrong) / len(corpus)
    ours_rate = _throughput(corpus, 1.0 if quick else 3.0)
    publisher_rate = _throughput(publisher, 0.5 if quick else 2.0)

    rng = random.Random(11)
    subset = rng.sample(corpus, 500) if quick else corpus
    ours_subset_rate = _throughput(subset, 0.5 if quick else 2.0)
    figures: dict[str, Any] = {
        "corpus": len(corpus),
        "publisher_stamps": len(publisher),
        "ours_accuracy": ours_accuracy,
        "ours_wrong": wrong,
        "ours_strings_per_s": ours_rate,
        "ours_publisher_strings_per_s": publisher_rate,
        "ours_subset_strings_per_s": ours_subset_rate,
        "dateparser_subset": len(subset),
    }
    try:
        import dateparser
    except ImportError:
        figures["dateparser"] = "not installed"
    else:
        dateparser.parse("22 أبريل 2025", languages=["ar"])  # load its language data first
        start = time.perf_counter()
        results = [_dateparser_call(text, kw) for text, _, kw in subset]
        elapsed = time.perf_counter() - start
        right = sum(_dateparser_right(r, exp) for r, (_, exp, _) in zip(results, subset, strict=True))
        figures["dateparser_accuracy"] = right / len(subset)
        figures["dateparser_strings_per_s"] = len(subset) / elapsed
        figures["ratio"] = ours_subset_rate / figures["dateparser_strings_per_s"]
    _report(figures, quick)
    return figures


def _command(quick: bool) -> str:
    spec = globals().get("__spec__")
    as_module = spec is not None and spec.name == "bench.dates"
    base = "python -m bench.dates" if as_module else "python bench/dates.py"
    return base + (" --quick" if quick else "")


def _report(f: dict[str, Any], quick: bool) -> None:
    print(f"command: {_command(quick)}")
    print(f"corpus: {f['corpus']} strings ({f['publisher_stamps']} publisher stamps)")
    print(f"newscrawl.dates accuracy: {f['ours_accuracy']:.2%} "
          f"({f['corpus'] - len(f['ours_wrong'])}/{f['corpus']} exact values)")
    for text, got, exp in f["ours_wrong"][:20]:
        print(f"  WRONG {text!r}: got {got!r}, expected {exp!r}")
    print(f"newscrawl.dates throughput: {f['ours_strings_per_s']:,.0f} strings/s (whole corpus), "
          f"{f['ours_publisher_strings_per_s']:,.0f} strings/s (publisher stamps)")
    if "dateparser_strings_per_s" not in f:
        print("dateparser: not installed (pip install dateparser)")
        return
    scope = "a fixed random subset" if quick else "the whole corpus"
    print(f"dateparser (languages=['ar']) on {scope} of {f['dateparser_subset']} strings: "
          f"accuracy {f['dateparser_accuracy']:.2%}, {f['dateparser_strings_per_s']:,.0f} strings/s")
    print(f"newscrawl.dates on the same strings: {f['ours_subset_strings_per_s']:,.0f} strings/s; "
          f"ratio {f['ratio']:.0f}x dateparser's throughput")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="under ~20 s: dateparser on a 500-string subset")
    args = parser.parse_args(argv)
    figures = run(quick=args.quick)
    return 0 if figures["ours_accuracy"] == 1.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
