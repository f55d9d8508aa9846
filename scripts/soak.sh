#!/usr/bin/env bash
# The whole suite N times in a row (default 5) with two CPU-bound processes beside it: the check that
# no test depends on a quiet machine. Run from the project root, in its virtualenv. Prints one line per
# run; exits 1 at the end if any run failed. Logs: soak-run-K.log in the current directory.
set -u
runs=${1:-5}
python3 -c 'while True: pass' & hog1=$!
python3 -c 'while True: pass' & hog2=$!
trap 'kill "$hog1" "$hog2" 2>/dev/null' EXIT
failed=0
for k in $(seq 1 "$runs"); do
  start=$(date +%s)
  python -m pytest -p no:cacheprovider -q > "soak-run-$k.log" 2>&1
  rc=$?
  [ "$rc" -eq 0 ] || failed=1
  echo "run $k: exit $rc in $(( $(date +%s) - start )) s; $(tail -n 1 "soak-run-$k.log"); load $(cut -d' ' -f1-3 /proc/loadavg)"
done
exit "$failed"
