#!/usr/bin/env bash
# Builds the mock Kafka broker used by the runtime's tests (packages/runtime/test/kafka/kmock.c,
# librdkafka's mock cluster driven over stdin) and prints the binary's path on stdout.
#   scripts/build-kmock.sh [out]    default out: node_modules/.cache/kmock/kmock
# Rebuilds only when the source (or the compiler command) changed; safe to run concurrently.
# Exit 2 when gcc or librdkafka-dev is missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/packages/runtime/test/kafka/kmock.c"
out="${1:-$root/node_modules/.cache/kmock/kmock}"
cmd=(gcc -O2 -Wall -o)

missing=()
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
[ -e /usr/include/librdkafka/rdkafka_mock.h ] || missing+=(librdkafka-dev)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "build-kmock: cannot build the mock Kafka broker: missing ${missing[*]}." >&2
  pkgs="librdkafka-dev"
  command -v gcc >/dev/null 2>&1 || pkgs="$pkgs gcc"
  echo "  Install them with: apt-get install -y $pkgs" >&2
  exit 2
fi

stamp="$({ cat "$src"; echo "${cmd[*]} -lrdkafka"; } | sha256sum | cut -d' ' -f1)"
if [ -x "$out" ] && [ "$(cat "$out.sha256" 2>/dev/null)" = "$stamp" ]; then
  echo "$out"
  exit 0
fi

mkdir -p "$(dirname "$out")"
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
if ! "${cmd[@]}" "$tmp" "$src" -lrdkafka >&2; then
  echo "build-kmock: gcc failed to build $src (is librdkafka-dev installed? apt-get install -y librdkafka-dev)" >&2
  exit 1
fi
mv -f "$tmp" "$out"
echo "$stamp" >"$out.sha256"
echo "$out"
