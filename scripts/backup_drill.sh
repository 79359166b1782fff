#!/usr/bin/env bash
# Backup-and-restore drill (docs/security.md, "Reliability"): builds a demo database, backs it up,
# restores the backup into an EMPTY instance and checks every table's row count and checksum,
# then verifies the audit chain of the restored copy. Runs on SQLite, and on PostgreSQL too
# when the local server answers. Usage: scripts/backup_drill.sh [TIER]  (default county)
set -euo pipefail
cd "$(dirname "$0")/.."
tier="${1:-county}"
py=.venv/bin/python
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "# Zugong backup drill — $(date -u +%Y-%m-%dT%H:%M:%SZ) — tier ${tier}"

echo "## SQLite"
export ZUGONG_SQLITE_PATH="$work/source.sqlite3"
$py manage.py migrate -v0
$py manage.py seed_demo --tier "$tier" | grep 演示数据已生成
$py manage.py backup --out "$work/sqlite"
ZUGONG_SQLITE_PATH="$work/restored.sqlite3" $py manage.py restore "$work"/sqlite/zugong-*
ZUGONG_SQLITE_PATH="$work/restored.sqlite3" $py manage.py verify_audit | sed -n 1p
unset ZUGONG_SQLITE_PATH

if pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "## PostgreSQL"
  src="zugong_drill_src_$$"; dst="zugong_drill_dst_$$"
  for db in "$src" "$dst"; do psql -h 127.0.0.1 -U postgres -q -c "CREATE DATABASE $db" postgres; done
  trap 'rm -rf "$work"; for db in '"$src $dst"'; do psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $db" postgres; done' EXIT
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$src"
  $py manage.py migrate -v0
  $py manage.py seed_demo --tier "$tier" | grep 演示数据已生成
  $py manage.py backup --out "$work/pg"
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/$dst" $py manage.py restore "$work"/pg/zugong-*
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/$dst" $py manage.py verify_audit | sed -n 1p
fi
echo "drill passed"
