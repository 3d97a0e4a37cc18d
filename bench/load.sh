#!/usr/bin/env bash
# Load test: wrk holds 64 connections for 60 s against gunicorn + PostgreSQL in production mode on the sample
# data, over a mix of public pages; it fails (exit 1) on any error. How to run it and what it reports:
# bench/README.md, "Load test". Results go to bench/out/ (git-ignored); copy the figures into bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?set DATABASE_URL=postgres://… (a database of its own: the sample data is written to it)}"
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-60s}
THREADS=${THREADS:-2}
PORT=${PORT:-8112}
MONUMENTS=${MONUMENTS:-100000}
MEETINGS=${MEETINGS:-20000}
PY=${PY:-.venv/bin/python}
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 2; }

# Production settings, as `make serve` runs them; the proxy header stands in for the TLS-terminating proxy.
unset DEBUG
export SECRET_KEY=${SECRET_KEY:-"load-test-only-$(head -c 32 /dev/urandom | base64 | tr -d '/+=')"}
export ALLOWED_HOSTS=127.0.0.1 SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO
export STATIC_ROOT=${STATIC_ROOT:-$(mktemp -d)}
export BIND=127.0.0.1:$PORT GUNICORN_LOG_LEVEL=warning

out=bench/out/load-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out"

$PY manage.py migrate --no-input -v 0
$PY manage.py collectstatic --no-input -v 0
have=$($PY manage.py shell -v 0 -c 'from monuments.models import Monument as M; print(M.objects.filter(slug__startswith="sample-").count())')
if [ "${have:-0}" -lt "$MONUMENTS" ]; then
  $PY manage.py generate_sample --delete --i-know-this-is-not-production
  $PY manage.py generate_sample --monuments "$MONUMENTS" --meetings "$MEETINGS" --i-know-this-is-not-production
fi

# The paths requested, drawn once from the data: many records (so caches do not flatter), lists with filters,
# searches, the map data, the feed and the sitemap; the exports are left out (a stream of all rows is not a page).
$PY manage.py shell -v 0 -c '
import random
from monuments.models import Monument
from meetings.models import Meeting
rng = random.Random(7)
monuments = list(Monument.objects.published().values_list("slug", flat=True).order_by("?")[:300])
meetings = list(Meeting.objects.published().values_list("slug", flat=True).order_by("?")[:100])
paths = [f"/monuments/{s}/" for s in monuments] + [f"/meetings/{s}/" for s in meetings]
paths += ["/", "/monuments/", "/meetings/", "/figures/", "/monuments/?condition=destroyed&sort=built",
          "/monuments/?q=mosque", "/monuments/?q=bridge&country=AZ&registered=yes", "/monuments/?page=20",
          "/meetings/?sort=-date&page=3", "/search/?q=minister", "/search/?q=church",
          "/monuments/map/data.json?zoom=3&bbox=-30,20,80,60", "/monuments/map/data.json?zoom=8&bbox=44,38,51,42",
          "/feeds/meetings/", "/sitemap.xml", "/healthz"] * 10
rng.shuffle(paths)
print("\n".join(paths))
' > "$out/paths.txt"
echo "$(wc -l < "$out/paths.txt") paths in $out/paths.txt"

.venv/bin/gunicorn --config gunicorn.conf.py --access-logfile "$out/access.log" --error-logfile "$out/error.log" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -fsS -o /dev/null -H "X-Forwarded-Proto: https" "http://127.0.0.1:$PORT/healthz" && break
  sleep 0.2
done

# wrk's own timeout is 2 s; a request counts as failed only past gunicorn's 30 s, as it would for a visitor.
PATHS_FILE="$out/paths.txt" wrk --threads "$THREADS" --connections "$CONNECTIONS" --duration "$DURATION" \
  --timeout 30s --latency --script bench/load.lua "http://127.0.0.1:$PORT" | tee "$out/wrk.txt"

{
  echo "machine: $(nproc) cores, $(uname -sr), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "workers: ${WEB_CONCURRENCY:-as gunicorn.conf.py chooses for $(nproc) CPUs} ${GUNICORN_WORKER_CLASS:-gthread}; data: $MONUMENTS monuments, $MEETINGS meetings"
  # The status follows the quoted request line: '… "GET /x HTTP/1.1" 200 …' (heritage.logs' line format).
  echo "status codes: $(grep -oE '" [0-9]{3} ' "$out/access.log" | cut -c3-5 | sort | uniq -c | tr '\n' ' ')"
} | tee "$out/summary.txt"

errors=0
grep -q "Non-2xx or 3xx" "$out/wrk.txt" && errors=1
grep -q "Socket errors" "$out/wrk.txt" && errors=1
grep -qi "traceback\|\[CRITICAL\]\|WORKER TIMEOUT" "$out/error.log" && errors=1
if [ "$errors" -ne 0 ]; then
  echo "FAILED: errors during the load test (see $out)" >&2
  exit 1
fi
echo "OK: no errors ($out)"
