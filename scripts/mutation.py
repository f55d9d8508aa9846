"""Mutation testing: run mutmut on the configured modules and print the score of each.

    python scripts/mutation.py                     # every mutant of [tool.mutmut] only_mutate not run yet
    python scripts/mutation.py newscrawl.dates     # those of these modules only (name prefixes)
    python scripts/mutation.py --survivors MODULE  # rerun the survivors (after tests were added)
    python scripts/mutation.py --again MODULE      # rerun every mutant of these modules
    python scripts/mutation.py --report            # the last run's results, without running

Slow, so not part of CI: a run can be stopped (Ctrl-C) and continued, results are kept in mutants/.
Each mutant reruns only the tests that reached the function it changes (mutmut records them once,
in its first run, from the test files of [tool.mutmut] pytest_add_cli_args_test_selection; tests
added to those files later are traced when they first appear), and stops at the first failure.
The configuration is in pyproject.toml: [tool.mutmut] says what is mutated and which tests run;
equivalent mutants (a change no test can observe, because the behaviour is the same) are listed with
their reason under [tool.newscrawl.mutation.equivalent] and left out of the score. A mutant name is
``module.x_function__mutmut_N`` (``module.xǁClassǁmethod__mutmut_N`` for a method);
``mutmut show NAME`` prints its diff.

Score = killed / (mutants - equivalent - not run), per module; "no tests" (code no selected test
reaches) counts as not killed, a timeout as killed (the mutant made the tests hang); "not run" are
mutants an interrupted run did not reach.
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
NOT_KILLED = ("survived", "no tests", "suspicious", "check was interrupted by user")


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
    stale: list[str] = []  # listed as equivalent, yet a test tells them apart (or they are gone)
    found = results()
    for name, status in sorted(found.items()):
        module = module_of(name)
        if prefixes and not any(module.startswith(p) for p in prefixes):
            continue
        if name in equivalent:
            if status in KILLED:
                stale.append(f"{name} ({status})")
            status = "equivalent"
        by_module[module][status] += 1
        if status in NOT_KILLED:
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
    stale += [f"{name} (no such mutant)" for name in sorted(equivalent) if name not in found
              and (not prefixes or any(module_of(name).startswith(p) for p in prefixes))]
    if stale:  # the code changed under the list (mutants are numbered per function): check these
        print(f"\n{len(stale)} listed as equivalent in pyproject.toml, but killed or gone: the list is stale")
        for name in stale:
            print(f"  {name}")
    return 0


def selected(prefixes: list[str], statuses: set[str] | None) -> list[str]:
    """The mutants of these modules by name: all of them when ``statuses`` is None, else those in these
    statuses that are not listed as equivalent."""
    equivalent = equivalent_mutants()
    return [name for name, status in sorted(results().items())
            if any(module_of(name).startswith(p) for p in prefixes)
            and (statuses is None or (status in statuses and name not in equivalent))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="module name prefixes (default: every mutated module)")
    parser.add_argument("--report", action="store_true", help="print the last run's results only")
    parser.add_argument("--survivors", action="store_true", help="rerun the mutants no test killed")
    parser.add_argument("--again", action="store_true", help="rerun every mutant of the modules")
    parser.add_argument("--max-children", type=int, default=2, help="mutants tested at once (default 2)")
    args = parser.parse_args(argv)
    if not args.report:
        prefixes = args.modules or [""]
        known = (ROOT / "mutants").is_dir()
        if args.again:
            names = selected(prefixes, None) if known else []
        elif args.survivors:
            names = selected(prefixes, set(NOT_KILLED)) if known else []
        elif args.modules and known:  # mutmut reruns every mutant it is named: name those not run yet
            names = selected(prefixes, {"not checked"})
        else:  # mutmut itself goes on with the mutants not run yet (first run: creates them all)
            names = [f"{m}*" for m in args.modules]
        if (args.again or args.survivors or (args.modules and known)) and not names:
            print("nothing to run for " + (", ".join(args.modules) or "any module"))
            return report(args.modules)
        cmd = [sys.executable, "-m", "mutmut", "run", "--max-children", str(args.max_children), *names]
        proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL)
        if proc.returncode != 0:
            print(f"mutmut run failed (exit {proc.returncode})", file=sys.stderr)
            return proc.returncode
    return report(args.modules)


if __name__ == "__main__":
    raise SystemExit(main())
