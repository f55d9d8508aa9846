"""Benchmark newscrawl.dates against dateparser.

Run as ``python -m bench.dates [--quick]`` or ``python bench/dates.py [--quick]``.

Accuracy, in-process: every case of the table test (tests/test_dates.py, with its ``now`` and ``tz``
arguments) plus a few thousand generated strings whose expected values are known by construction
(publisher stamps above all, then update stamps, 12-hour labels, ISO, numeric, named zones, Hijri).

Throughput, as a whole process: ``python -m newscrawl.dates --now=none`` reads the strings once each
(unique strings: nothing is answered from a cache), start-up included, on (a) 40,000 unique publisher
stamps and (b) a mixed corpus of the same size (the table cases read without a reference time and
generated strings of every form, each once). dateparser (``dateparser.parse(s, languages=['ar'])``) is
timed in-process on the same strings, in turns with ours (five each; the best of each side is kept;
``--quick``: 4,000 of each, dateparser on 500 of each). The package is compiled to bytecode first, as
``pip install`` does (see :func:`compile_bytecode`). Its
accuracy counts it right when it yields the same datetime (in UTC when it is aware), the same date,
time, or month and day, and None for a non-date. Ratios are given on wall time and on CPU time (the
machines are shared: CPU varies less).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as a script: python bench/dates.py
    sys.path.insert(0, str(ROOT))

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


def publisher_stamps(n: int, seed: int = 13) -> list[Case]:
    """n unique publisher stamps (one per minute of a random walk over 2000-2030)."""
    rng = random.Random(seed)
    start = dt.datetime(2000, 1, 1)
    span = int((dt.datetime(2030, 12, 31) - start).total_seconds() // 60)
    seen: dict[str, Case] = {}
    while len(seen) < n:
        when = start + dt.timedelta(minutes=rng.randrange(span))
        text = _publisher(rng, when)
        seen[text] = (text, f"{when:%Y-%m-%dT%H:%M}:00+00:00", {})
    return list(seen.values())


def _unique(cases: list[Case]) -> list[Case]:
    """Each string once, read without a reference time (as the crawl's pipeline reads)."""
    out: dict[str, Case] = {}
    for text, expected, kwargs in cases:
        if not kwargs and "\n" not in text and text not in out:
            out[text] = (text, expected, kwargs)
    return list(out.values())


def _in_process(cases: list[Case], min_seconds: float) -> float:
    """Strings per second of parse_date in this process (repeats allowed: in-process figure only)."""
    count = 0
    start = time.perf_counter()
    while True:
        for text, _, kwargs in cases:
            parse_date(text, **kwargs)
        count += len(cases)
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return count / elapsed


def compile_bytecode() -> bool:
    """Compile newscrawl.dates to bytecode before timing its process, as ``pip install`` does for an
    installed package and as any first run does where Python may write bytecode. On a machine with
    PYTHONDONTWRITEBYTECODE=1 (these), every start would otherwise compile the modules' source again:
    a cost of the machine's setting, not of the parser. False when it cannot be written (then the
    figures include compiling)."""
    import compileall

    import newscrawl
    import newscrawl.dates

    package = Path(newscrawl.dates.__file__).parent
    return bool(compileall.compile_dir(package, quiet=2)) and bool(
        compileall.compile_file(Path(newscrawl.__file__), quiet=2))


def whole_process(cases: list[Case]) -> dict[str, Any]:
    """``python -m newscrawl.dates --now=none`` over the strings, once each, start-up included:
    wall and CPU seconds of the child process, and whether every answer was the expected one."""
    data = "".join(text + "\n" for text, _, _ in cases).encode("utf-8")
    cmd = [sys.executable, "-m", "newscrawl.dates", "--now=none"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, input=data, capture_output=True, check=True, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    answers = proc.stdout.decode("utf-8").split("\n")[:-1]
    wrong = sum(got != (exp or "") for got, (_, exp, _) in zip(answers, cases, strict=True))
    return {"strings": len(cases), "wall_s": wall, "cpu_s": cpu, "wrong": wrong,
            "per_s_wall": len(cases) / wall, "per_s_cpu": len(cases) / cpu}


def dateparser_rate(cases: list[Case]) -> dict[str, Any] | None:
    """dateparser in this process over the same strings: strings per second (wall, CPU), accuracy."""
    try:
        import dateparser
    except ImportError:
        return None
    dateparser.parse("22 أبريل 2025", languages=["ar"])  # load its language data first
    cpu0, start = time.process_time(), time.perf_counter()
    results = [_dateparser_call(text, kw) for text, _, kw in cases]
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
    right = sum(_dateparser_right(r, exp) for r, (_, exp, _) in zip(results, cases, strict=True))
    return {"strings": len(cases), "per_s_wall": len(cases) / wall, "per_s_cpu": len(cases) / cpu,
            "accuracy": right / len(cases)}


REPEAT = 5  # interleaved rounds of each measurement; the best of each is kept


def interleaved(ours: list[Case], theirs: list[Case],
                rounds: int) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Our whole process and dateparser measured by turns, ``rounds`` times each (dateparser on one
    ``rounds``-th of its strings per turn), the best of each kept: on a shared machine the load
    changes during a run, and turns give both sides the same chances of a quiet moment."""
    size = -(-len(theirs) // rounds)
    chunks = [theirs[i:i + size] for i in range(0, len(theirs), size)]
    processes, rates = [], []
    for chunk in chunks:
        processes.append(whole_process(ours))
        rates.append(dateparser_rate(chunk))
    best = min(processes, key=lambda f: f["cpu_s"])
    best["wrong"] = max(f["wrong"] for f in processes)
    if rates[0] is None:
        return best, None
    found = [r for r in rates if r is not None]
    strings = sum(r["strings"] for r in found)
    theirs_best = {"strings": strings, "rounds": len(found),
                   "per_s_wall": max(r["per_s_wall"] for r in found),
                   "per_s_cpu": max(r["per_s_cpu"] for r in found),
                   "accuracy": sum(r["accuracy"] * r["strings"] for r in found) / strings}
    return best, theirs_best


PATHOLOGICAL = ["1" * 1999, "أ" * 1999, "-/" * 999, "إبريل " * 300, "22 " * 600, " " * 10000 + "+",
                "_" * 5000 + "+", "(" * 1000 + ")" * 999, "10:18:" * 300, "x" * 100000]


def worst_case_ms() -> float:
    """The slowest of the pathological inputs (long runs of digits, names, brackets), in ms."""
    worst = 0.0
    for text in PATHOLOGICAL:
        start = time.perf_counter()
        parse_date(text)
        worst = max(worst, time.perf_counter() - start)
    return worst * 1000


def run(quick: bool = False) -> dict[str, Any]:
    """Run the benchmark; return its figures (and print them)."""
    corpus = table_cases() + generated_cases(3000)
    wrong = [(text, parse_date(text, **kw).value, exp) for text, exp, kw in corpus
             if parse_date(text, **kw).value != exp]
    stamps = publisher_stamps(4000 if quick else 40000)
    mixed = _unique(table_cases() + generated_cases(4000 if quick else 40000, seed=17))
    figures: dict[str, Any] = {
        "corpus": len(corpus),
        "ours_accuracy": 1 - len(wrong) / len(corpus),
        "ours_wrong": wrong,
        "ours_strings_per_s": _in_process(corpus, 0.5 if quick else 2.0),
        "worst_case_ms": worst_case_ms(),
    }
    figures["bytecode"] = compile_bytecode()
    rng = random.Random(11)
    dp_stamps = rng.sample(stamps, 500) if quick else stamps
    dp_mixed = rng.sample(mixed, 500) if quick else mixed
    for name, ours, theirs in (("publisher", stamps, dp_stamps), ("mixed", mixed, dp_mixed)):
        figures[f"process_{name}"], figures[f"dateparser_{name}"] = interleaved(ours, theirs, REPEAT)
    if figures["dateparser_publisher"] is not None:
        for name in ("publisher", "mixed"):
            ours, theirs = figures[f"process_{name}"], figures[f"dateparser_{name}"]
            figures[f"ratio_{name}"] = ours["per_s_wall"] / theirs["per_s_wall"]
            figures[f"ratio_{name}_cpu"] = ours["per_s_cpu"] / theirs["per_s_cpu"]
    _report(figures, quick)
    return figures


def _command(quick: bool) -> str:
    spec = globals().get("__spec__")
    as_module = spec is not None and spec.name == "bench.dates"
    base = "python -m bench.dates" if as_module else "python bench/dates.py"
    return base + (" --quick" if quick else "")


def _report(f: dict[str, Any], quick: bool) -> None:
    print(f"command: {_command(quick)}")
    print(f"newscrawl.dates accuracy: {f['ours_accuracy']:.2%} ({f['corpus'] - len(f['ours_wrong'])}"
          f"/{f['corpus']} exact values; table cases with their now/tz, and generated strings)")
    for text, got, exp in f["ours_wrong"][:20]:
        print(f"  WRONG {text!r}: got {got!r}, expected {exp!r}")
    print(f"in-process parse_date: {f['ours_strings_per_s']:,.0f} strings/s (repeated corpus)")
    print(f"worst pathological input: {f['worst_case_ms']:.1f} ms")
    print("newscrawl.dates compiled to bytecode before the runs: "
          + ("yes" if f["bytecode"] else "no (not writable: the runs include compiling its source)"))
    for name, label in (("publisher", "unique publisher stamps"), ("mixed", "unique mixed strings")):
        p, d = f[f"process_{name}"], f[f"dateparser_{name}"]
        print(f"{label}: `python -m newscrawl.dates --now=none` as a whole process over {p['strings']:,} "
              f"(best of {REPEAT} runs): "
              f"{p['per_s_wall']:,.0f} strings/s wall, {p['per_s_cpu']:,.0f} strings/s CPU "
              f"({p['wall_s']:.2f} s wall, {p['cpu_s']:.2f} s CPU, start-up included; {p['wrong']} wrong)")
        if d is None:
            print("  dateparser: not installed (pip install dateparser)")
            continue
        print(f"  dateparser (languages=['ar']) in-process over {d['strings']:,} of them, "
              f"in {d['rounds']} turns between ours (best turn): "
              f"{d['per_s_wall']:,.0f} strings/s wall, {d['per_s_cpu']:,.0f} CPU, "
              f"accuracy {d['accuracy']:.2%}")
        print(f"  ratio {f[f'ratio_{name}']:.0f}x dateparser's throughput (wall), "
              f"{f[f'ratio_{name}_cpu']:.0f}x (CPU)")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="under ~20 s: dateparser on a 500-string subset")
    args = parser.parse_args(argv)
    figures = run(quick=args.quick)
    correct = figures["process_publisher"]["wrong"] == figures["process_mixed"]["wrong"] == 0
    return 0 if figures["ours_accuracy"] == 1.0 and correct else 1


if __name__ == "__main__":
    raise SystemExit(main())
