#!/usr/bin/env bash
# Starts the local services the tests talk to (PostgreSQL on 127.0.0.1:5432) when they are not up,
# and says clearly what to do when it cannot. Run by `npm test` (pretest) and by .ci/run.
set -uo pipefail

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
