#!/usr/bin/env bash
# The manage.py steps of docs/deployment.md on a fresh PostgreSQL database, as written:
# production settings, check --deploy, migrate, collectstatic, bootstrap (refused first,
# before migrate), the scheduled alert run, and gunicorn serving the sign-in page.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=zugong_deploy_rehearsal
PORT=${PORT:-8797}
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
key() { .venv/bin/python -c "import secrets,base64;print(base64.b64encode(secrets.token_bytes(32)).decode())"; }
work=$(mktemp -d)
trap 'rm -rf "$work"; [ -n "${web:-}" ] && kill "$web" 2>/dev/null || true' EXIT
cat > "$work/zugong.env" <<ENV
ZUGONG_ENV=production
DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB
ZUGONG_SECRET_KEY=$(key)$(key)
ZUGONG_FIELD_KEYS=1:$(key)
ZUGONG_LOOKUP_KEY=$(key)
ZUGONG_AUDIT_KEY=$(key)
ZUGONG_ALLOWED_HOSTS=127.0.0.1,localhost
ZUGONG_STATIC_ROOT=$work/static
ZUGONG_MEDIA_ROOT=$work/media
ZUGONG_STAGING_ROOT=$work/staging
ENV
set -a; . "$work/zugong.env"; set +a
py=.venv/bin/python
echo "== bootstrap before migrate is refused with a message, not a traceback"
if out=$($py manage.py bootstrap --root-name 中共演练县委员会 --root-code 900 2>&1); then
  echo "bootstrap ran before migrate"; exit 1
fi
grep -q "请先运行 manage.py migrate" <<<"$out" || { echo "$out"; exit 1; }
! grep -q Traceback <<<"$out"
echo "== check --deploy, migrate, collectstatic, bootstrap"
$py manage.py check --deploy --fail-level WARNING
$py manage.py migrate --no-input -v0
$py manage.py collectstatic --no-input -v0
$py manage.py bootstrap --root-name 中共演练县委员会 --root-code 900 --region-code 130101 | tee "$work/boot.txt"
grep -q "xitong" "$work/boot.txt"
echo "== the scheduled alert run (deploy/zugong-alerts.service)"
$py manage.py compute_alerts --scheduled
echo "== gunicorn serves the sign-in page and the static files (deploy/zugong-web.service)"
.venv/bin/gunicorn zugong.wsgi --bind 127.0.0.1:$PORT --workers 1 >"$work/web.log" 2>&1 &
web=$!
for _ in $(seq 1 30); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break; sleep 1; done
# Production redirects plain HTTP to HTTPS; the proxy says HTTPS with X-Forwarded-Proto.
code=$(curl -s -o /dev/null -w "%{http_code}" -H "X-Forwarded-Proto: https" "http://127.0.0.1:$PORT/accounts/login/")
echo "sign-in page: $code"
[ "$code" = 200 ] || { cat "$work/web.log"; exit 1; }
css=$(curl -s -o /dev/null -w "%{http_code}" -H "X-Forwarded-Proto: https" "http://127.0.0.1:$PORT/static/zugong/app.css")
echo "static file: $css"
[ "$css" = 200 ]
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
echo "deploy rehearsal ok"
