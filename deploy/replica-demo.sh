#!/usr/bin/env bash
# A real streaming replica on this machine, and the app reading from it.
#
#   1. lets the primary (PostgreSQL 15 on 127.0.0.1:5432, trust auth) accept replication
#      connections from 127.0.0.1, for the demo only: one pg_hba.conf line, then a reload;
#   2. creates a demo database on the primary, migrates it and loads the seed dataset;
#   3. clones the primary with pg_basebackup into a temporary folder and starts it on 5433
#      as a hot standby (read-only, streaming from the primary);
#   4. runs the app (Granian, config/granian.py) with DATABASE_URL=primary and DATABASE_REPLICA_URLS=standby;
#   5. as a curator, POSTs a draft through the write API and publishes it; then reads it
#      anonymously, which the router sends to the replica; the standby's own statement log
#      shows that it served the public read and not the curator's read-back;
#   6. stops the standby: public reads fall back to the primary and /readyz says "degraded".
#
# Everything is undone on exit, failure included: the app stopped, the standby stopped and
# its folder removed, the demo database dropped, the primary's pg_hba.conf restored.
# Run as root (it starts the standby as the postgres user). Usage: deploy/replica-demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PG_VERSION=15
PG_BIN=/usr/lib/postgresql/$PG_VERSION/bin
PRIMARY_PORT=5432
REPLICA_PORT=5433
APP_PORT=${APP_PORT:-8765}
DEMO_DB=tradediplomacy_replica_demo
HBA=/etc/postgresql/$PG_VERSION/main/pg_hba.conf
REDIS_DB=15 # the demo's own Redis database, flushed at the end
PYTHON=.venv/bin/python

PRIMARY_URL="postgres://postgres@127.0.0.1:$PRIMARY_PORT/$DEMO_DB"
# The app's connections to the standby carry a name, so that its log tells them from psql's.
REPLICA_URL="postgres://postgres@127.0.0.1:$REPLICA_PORT/$DEMO_DB?application_name=demo-app"
WORK=$(mktemp -d /tmp/replica-demo.XXXXXX)
STANDBY=$WORK/standby
HBA_BACKUP=$WORK/pg_hba.conf.orig
SERVER_PID=""

say() { printf '\n== %s\n' "$*"; }
as_postgres() { runuser -u postgres -- "$@"; }
primary_sql() { psql -h 127.0.0.1 -p $PRIMARY_PORT -U postgres -v ON_ERROR_STOP=1 -tAc "$1" "${2:-postgres}"; }
replica_sql() { psql -h 127.0.0.1 -p $REPLICA_PORT -U postgres -v ON_ERROR_STOP=1 -tAc "$1" "${2:-postgres}"; }

cleanup() {
  local status=$?
  set +e
  if [ $status -ne 0 ] && [ -f "$WORK/server.log" ]; then tail -20 "$WORK/server.log" >&2; fi
  say "Cleaning up"
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null; fi
  if [ -f "$STANDBY/postmaster.pid" ]; then as_postgres "$PG_BIN/pg_ctl" -D "$STANDBY" -m fast -w stop >/dev/null; fi
  if [ -f "$HBA_BACKUP" ]; then
    cp -p "$HBA_BACKUP" "$HBA" && primary_sql "SELECT pg_reload_conf()" >/dev/null
    echo "primary: pg_hba.conf restored and reloaded"
  fi
  dropdb -h 127.0.0.1 -p $PRIMARY_PORT -U postgres --if-exists --force "$DEMO_DB"
  redis-cli -n $REDIS_DB flushdb >/dev/null 2>&1
  rm -rf "$WORK"
  echo "standby stopped and removed, $DEMO_DB dropped"
  [ $status -eq 0 ] && echo "replica demo: OK" || echo "replica demo: FAILED ($status)" >&2
  exit $status
}
trap cleanup EXIT INT TERM

pg_isready -q -h 127.0.0.1 -p $PRIMARY_PORT || { echo "PostgreSQL is not up on $PRIMARY_PORT" >&2; exit 1; }
if pg_isready -q -h 127.0.0.1 -p $REPLICA_PORT; then echo "Port $REPLICA_PORT is taken" >&2; exit 1; fi
chown postgres "$WORK"

say "Primary: allow replication connections from 127.0.0.1 for the demo"
cp -p "$HBA" "$HBA_BACKUP"
echo "host replication postgres 127.0.0.1/32 trust  # replica-demo.sh, removed on exit" >>"$HBA"
primary_sql "SELECT pg_reload_conf()" >/dev/null
echo "wal_level=$(primary_sql 'SHOW wal_level'), max_wal_senders=$(primary_sql 'SHOW max_wal_senders')"

say "Primary: $DEMO_DB, migrated, with the seed dataset"
dropdb -h 127.0.0.1 -p $PRIMARY_PORT -U postgres --if-exists --force "$DEMO_DB"
createdb -h 127.0.0.1 -p $PRIMARY_PORT -U postgres "$DEMO_DB"
DATABASE_URL=$PRIMARY_URL $PYTHON manage.py migrate --no-input -v 0
DATABASE_URL=$PRIMARY_URL $PYTHON manage.py load_dataset | tail -1
DATABASE_URL=$PRIMARY_URL $PYTHON manage.py create_curator demo-curator --email demo@example.org >/dev/null
TOKEN=$(DATABASE_URL=$PRIMARY_URL $PYTHON manage.py curator_token demo-curator --days 1 | sed -n 2p)

say "Standby: pg_basebackup from the primary, started on $REPLICA_PORT as a hot standby"
# -R writes standby.signal and primary_conninfo; -X stream copies the WAL made meanwhile.
as_postgres "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p $PRIMARY_PORT -U postgres \
  -D "$STANDBY" -R -X stream -c fast
# Debian keeps postgresql.conf and pg_hba.conf in /etc, so the copy has neither: give the
# standby its own, minimal ones.
cat >"$STANDBY/postgresql.conf" <<CONF
port = $REPLICA_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK'
hot_standby = on
shared_buffers = 32MB
# Every statement the standby runs, with the client's name: the proof of who read what.
log_statement = 'all'
log_line_prefix = '%a: '
CONF
printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' >"$STANDBY/pg_hba.conf"
chown postgres "$STANDBY/postgresql.conf" "$STANDBY/pg_hba.conf"
as_postgres "$PG_BIN/pg_ctl" -D "$STANDBY" -l "$WORK/standby.log" -w start >/dev/null
echo "standby in recovery (read-only): $(replica_sql 'SELECT pg_is_in_recovery()')"
echo "primary sees: $(primary_sql "SELECT application_name || ' ' || state || ' (' || sync_state || ')' FROM pg_stat_replication")"

say "The app: Granian, primary + replica, shared state in Redis db $REDIS_DB"
redis-cli -n $REDIS_DB flushdb >/dev/null
# Base settings: plain HTTP on 127.0.0.1 (production's would redirect to HTTPS).
DJANGO_SETTINGS_MODULE=config.settings.base \
  DATABASE_URL=$PRIMARY_URL DATABASE_REPLICA_URLS=$REPLICA_URL REDIS_URL=redis://127.0.0.1:6379/$REDIS_DB \
  GRANIAN_HOST=127.0.0.1 GRANIAN_PORT=$APP_PORT GRANIAN_WORKERS=2 \
  .venv/bin/python -m config.granian >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
BASE=http://127.0.0.1:$APP_PORT
for _ in $(seq 50); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 0.2; done
curl -fs "$BASE/healthz" >/dev/null || { echo "the app did not start" >&2; exit 1; }
echo "readyz: $(curl -s "$BASE/readyz")"

# The standby logs every statement with the client's name (see its postgresql.conf above):
# the app's reads of the officials' table there, from a byte offset of that log on.
LOG=$WORK/standby.log
log_size() { stat -c %s "$LOG"; }
app_reads_since() { tail -c +$(($1 + 1)) "$LOG" | grep -c '^demo-app: .*FROM "diplomacy_official"' || true; }
say "A curator writes a draft through the API (to the primary)"
API=$BASE/api/v1/diplomacy
AUTH="Authorization: Token $TOKEN"
curl -fsS -H "$AUTH" -H 'Content-Type: application/json' -X POST "$API/officials/" -d '{
  "id": "zamir-kabulov-demo", "name": "Zamir Kabulov (replica demo)",
  "citations": [{"source": "d1029b1c-a139-54e0-b414-5de70a7cb453",
                 "quote": "Zamir Kabulov, Russia’s Special Representative for Afghanistan"}]}' \
  | $PYTHON -c 'import json,sys; d=json.load(sys.stdin); print("201:", d["id"], d["review_state"])'
# Read-your-writes: the curator reads their draft back at once, from the primary.
before=$(log_size)
echo "curator reads it back: $(curl -fsS -H "$AUTH" "$API/officials/zamir-kabulov-demo/" \
  | $PYTHON -c 'import json,sys; print(json.load(sys.stdin)["review_state"])')"
curator_reads=$(app_reads_since "$before")
echo "the curator's read on the standby: $curator_reads queries of diplomacy_official (the primary answered)"
[ "$curator_reads" -eq 0 ] || { echo "the curator's read went to the replica" >&2; exit 1; }
curl -fsS -H "$AUTH" -X POST "$API/officials/zamir-kabulov-demo/publish/" \
  | $PYTHON -c 'import json,sys; print("published:", json.load(sys.stdin)["review_state"])'

say "The public reads it (from the replica)"
before=$(log_size)
started=$(date +%s%N)
for _ in $(seq 50); do
  status=$(curl -s -o "$WORK/public.json" -w '%{http_code}' "$API/officials/zamir-kabulov-demo/")
  [ "$status" = 200 ] && break
  sleep 0.1
done
[ "$status" = 200 ] || { echo "the record never appeared through the replica ($status)" >&2; exit 1; }
echo "anonymous GET: $status after $(( ($(date +%s%N) - started) / 1000000 )) ms: $($PYTHON -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["name"], "|", d["review_state"], "|", d["citations"][0]["quote"])' "$WORK/public.json")"
echo "the row on the standby itself: $(replica_sql "SELECT name || ' | ' || review_state FROM diplomacy_official WHERE slug = 'zamir-kabulov-demo'" "$DEMO_DB")"
reads=$(app_reads_since "$before")
echo "the public read on the standby: $reads queries of diplomacy_official by the app"
[ "$reads" -gt 0 ] || { echo "the public read did not go to the replica" >&2; exit 1; }
echo "a write on the standby is refused: $(replica_sql "CREATE TABLE demo_write (x int)" "$DEMO_DB" 2>&1 | head -1)"

say "The standby stops: public reads fall back to the primary, readyz says degraded"
as_postgres "$PG_BIN/pg_ctl" -D "$STANDBY" -m fast -w stop >/dev/null
# Distinct URLs (no response cache), more requests than workers: each worker finds it down.
for page in 1 2 3 4; do
  status=$(curl -s -o /dev/null -w '%{http_code}' "$API/officials/?brief=true&limit=$page")
  echo "anonymous GET $page with the standby down: $status"
  [ "$status" = 200 ] || { echo "a read failed instead of falling back to the primary" >&2; exit 1; }
done
ready=$(curl -s -w ' (HTTP %{http_code})' "$BASE/readyz")
echo "readyz: $ready"
case $ready in *'"degraded"'*'"database:replica1": "unreachable"'*'(HTTP 200)') ;; *) exit 1 ;; esac
