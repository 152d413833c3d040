#!/usr/bin/env bash
# Every benchmark twice (bench_pages once: it seeds 100,000 cases) on SQLite, then on PostgreSQL when a URL is given
# (scale_out.py on PostgreSQL only)
# (its database is wiped, so its name must contain 'bench'; it is created when missing). Prints figures only; exits
# non-zero if a run fails.
#   bench/run_all.sh [postgresql://postgres@127.0.0.1:5432/bench]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
for db in sqlite ${1:+"$1"}; do
  args=()
  if [ "$db" != sqlite ]; then args=(--database-url "$db"); fi
  for run in 1 2; do
    echo "== bench_start ($db, run $run)"
    $PY bench/bench_start.py ${args[@]+"${args[@]}"}
  done
  echo "== bench_start --profile ($db)"
  $PY bench/bench_start.py --profile ${args[@]+"${args[@]}"}
  for run in 1 2; do
    echo "== bench_timers ($db, run $run)"
    $PY bench/bench_timers.py ${args[@]+"${args[@]}"}
  done
  echo "== bench_pages ($db)"
  $PY bench/bench_pages.py ${args[@]+"${args[@]}"}
  echo "== bench_intake ($db)"
  $PY bench/bench_intake.py ${args[@]+"${args[@]}"}
  echo "== bench_screens ($db)"
  $PY bench/bench_screens.py ${args[@]+"${args[@]}"}
  echo "== bench_replay ($db)"
  $PY bench/bench_replay.py ${args[@]+"${args[@]}"}
  echo "== bench_migration ($db)"
  $PY bench/bench_migration.py ${args[@]+"${args[@]}"}
  if [ "$db" != sqlite ]; then
    echo "== scale_out ($db)"
    $PY bench/scale_out.py --database-url "$db"
  fi
done
