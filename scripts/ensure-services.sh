#!/usr/bin/env bash
# Starts the local services the tests talk to (PostgreSQL on 127.0.0.1:5432, Redis on 127.0.0.1:6379) when they are not up,
# and says clearly what to do when it cannot. Run by `npm test` (pretest) and by .ci/run.
set -uo pipefail

if ! (command -v redis-cli >/dev/null 2>&1 && [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]); then
  echo "ensure-services: Redis is not answering on 127.0.0.1:6379; starting it"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null 2>&1 || true
  for _ in $(seq 1 20); do
    [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ] && break
    sleep 0.25
  done
  if [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" != "PONG" ]; then
    echo "ensure-services: Redis is still not reachable on 127.0.0.1:6379; install it (apt-get install -y redis-server) and start it." >&2
    exit 2
  fi
fi

if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; then
  exit 0
fi
echo "ensure-services: PostgreSQL is not answering on 127.0.0.1:5432; starting it"
if [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null 2>&1; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
fi
for _ in $(seq 1 30); do
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then exit 0; fi
  sleep 0.5
done
echo "ensure-services: PostgreSQL is still not reachable on 127.0.0.1:5432." >&2
echo "  Install and start it (apt-get install -y postgresql; pg_ctlcluster <version> main start)," >&2
echo "  with trust auth for 127.0.0.1, or point CONTRACTS_TEST_POSTGRES at a server." >&2
exit 2
