#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing, and says clearly
# what to do when it cannot. Run by `npm test` (pretest) and by .ci/run.
set -euo pipefail

# package -> a file that proves it is installed
declare -A REQUIRED=(
  # Apache Avro's own SchemaCompatibility, the reference of the Avro differential test.
  [libavro-java]=/usr/share/java/avro.jar
  [default-jdk-headless]=/usr/bin/javac
  # The registry's shared-deployment tests run against a real PostgreSQL server.
  [postgresql]=/usr/bin/pg_ctlcluster
  # librdkafka's mock cluster: the real Kafka-protocol broker of the runtime tests (built by scripts/build-kmock.sh).
  [librdkafka-dev]=/usr/include/librdkafka/rdkafka_mock.h
  [gcc]=/usr/bin/gcc
  # Redis: the shared dedupe store of the runtime tests.
  [redis-server]=/usr/bin/redis-server
  [redis-tools]=/usr/bin/redis-cli
)

missing=()
for pkg in "${!REQUIRED[@]}"; do
  [ -e "${REQUIRED[$pkg]}" ] || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "ensure-system-deps: installing ${missing[*]} (needed by the tests)"
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "ensure-system-deps: cannot install ${missing[*]}: not root and no sudo." >&2
  echo "  Install them yourself: apt-get install -y ${missing[*]}" >&2
  exit 2
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
  echo "ensure-system-deps: apt-get could not install ${missing[*]}." >&2
  echo "  Check that Debian's package mirror is reachable, then run: apt-get install -y ${missing[*]}" >&2
  exit 2
fi
