"""Mutation testing: run mutmut on the configured modules and print the score of each.

    python scripts/mutation.py                   # every module of [tool.mutmut] only_mutate
    python scripts/mutation.py newscrawl.dates   # the mutants of these modules only (name prefixes)
    python scripts/mutation.py --report          # the last run's results, without running

Slow (each mutant reruns the unit tests that reach it), so not part of CI. The configuration is in
pyproject.toml: [tool.mutmut] says what is mutated and which tests run; equivalent mutants (a change
no test can observe, because the behaviour is the same) are listed with their reason under
[tool.newscrawl.mutation.equivalent] and left out of the score. A mutant name is
``module.x_function__mutmut_N`` (``module.xǁClassǁmethod__mutmut_N`` for a method);
``mutmut show NAME`` prints its diff.

Score = killed / (mutants run - equivalent), per module; "no tests" (code no selected test reaches)
counts as not killed, a timeout as killed (the mutant made the tests hang); "not run" are mutants an
interrupted run did not reach.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path.cwd()  # the project root: run from there
KILLED = {"killed", "timeout", "caught by type check", "segfault"}


def equivalent_mutants() -> dict[str, str]:
    """Name -> reason, from pyproject.toml."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return dict(data.get("tool", {}).get("newscrawl", {}).get("mutation", {}).get("equivalent", {}))


def results() -> dict[str, str]:
    """Mutant name -> status, from mutmut's stored results."""
    proc = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    out: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            out[name] = status
    return out


def module_of(name: str) -> str:
    """``newscrawl.dates.x__parse__mutmut_3`` -> ``newscrawl.dates``."""
    head = name.split("__mutmut_")[0]
    parts = head.split(".")
    return ".".join(parts[:-1])


def report(prefixes: list[str]) -> int:
    """Print per-module figures; return 1 when a selected module has no results."""
    equivalent = equivalent_mutants()
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    survivors: dict[str, list[str]] = defaultdict(list)
    for name, status in sorted(results().items()):
        module = module_of(name)
        if prefixes and not any(module.startswith(p) for p in prefixes):
            continue
        if name in equivalent:
            status = "equivalent"
        by_module[module][status] += 1
        if status in ("survived", "no tests"):
            survivors[module].append(f"{name} ({status})")
    if not by_module:
        print("no mutation results: run `python scripts/mutation.py` first")
        return 1
    print(f"{'module':<28} {'mutants':>7} {'not run':>7} {'killed':>7} {'survived':>8} {'no tests':>8} "
          f"{'equiv.':>6} {'score':>7}")
    for module, counts in sorted(by_module.items()):
        total = sum(counts.values())
        killed = sum(counts[s] for s in KILLED)
        scored = total - counts["equivalent"] - counts["skipped"] - counts["not checked"]
        score = f"{killed / scored:.1%}" if scored else "-"
        print(f"{module:<28} {total:>7} {counts['not checked']:>7} {killed:>7} {counts['survived']:>8} "
              f"{counts['no tests']:>8} {counts['equivalent']:>6} {score:>7}")
    for module, names in sorted(survivors.items()):
        print(f"\n{module}: {len(names)} not killed (`mutmut show NAME` for the diff)")
        for name in names:
            print(f"  {name}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="module name prefixes (default: every mutated module)")
    parser.add_argument("--report", action="store_true", help="print the last run's results only")
    parser.add_argument("--max-children", type=int, default=2, help="mutants tested at once (default 2)")
    args = parser.parse_args(argv)
    if not args.report:
        names = [f"{m}*" for m in args.modules]
        cmd = [sys.executable, "-m", "mutmut", "run", "--max-children", str(args.max_children), *names]
        proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL)
        if proc.returncode != 0:
            print(f"mutmut run failed (exit {proc.returncode})", file=sys.stderr)
            return proc.returncode
    return report(args.modules)


if __name__ == "__main__":
    raise SystemExit(main())
