#!/usr/bin/env bash
# Zugong on other days: for each date, load the demo with the machine's clock moved there
# (Debian's faketime) and run the README's test command, `make test`, pinned to that day
# (ZUGONG_TEST_TODAY, time-machine), browser tests included.
#   scripts/test_dates.sh [YYYY-MM-DD ...]     (default: the dates CI runs under)
# docs/testing.md explains the dates and why they were chosen.
set -euo pipefail
cd "$(dirname "$0")/.."

dates=("$@")
[ ${#dates[@]} -gt 0 ] || dates=(2026-12-31 2027-01-01 2028-02-29 2029-07-15)
command -v faketime >/dev/null || { echo "faketime 未安装：apt-get install faketime" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for day in "${dates[@]}"; do
  printf '\n---- %s ----\n' "$day"
  db="$work/demo-$day.sqlite3"
  DATABASE_URL="sqlite:///$db" .venv/bin/python manage.py migrate --no-input -v 0
  DATABASE_URL="sqlite:///$db" faketime "$day 10:00:00" \
    .venv/bin/python manage.py seed_demo --tier county --seed 1 | tail -n 12
  ZUGONG_TEST_TODAY="$day" make --no-print-directory test
done
