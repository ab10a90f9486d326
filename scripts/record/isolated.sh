#!/usr/bin/env bash
# Records scenarios on a private real Asterisk that listens on 127.0.0.1:5038, the port every
# recording names (the judge, ../shared/tools/replay-compare.mjs, expects it), without touching
# any other Asterisk of this machine: each runs in a network namespace of its own (Linux, root).
#
#   scripts/record/isolated.sh [--force] <scenario>...
#
# Needs ../shared/asterisk/asterisk-up (beside the checkout). The Asterisk runs the project's
# asterisk-etc/ and starts afresh for each scenario.
set -euo pipefail
cd "$(dirname "$0")/../.."
up=$(cd ../shared/asterisk && pwd)/asterisk-up
[ -x "$up" ] || { echo "isolated.sh: $up not found" >&2; exit 2; }
[ "$#" -gt 0 ] || { echo "usage: scripts/record/isolated.sh [--force] <scenario>..." >&2; exit 2; }
exec unshare --net bash -c '
  set -euo pipefail
  up=$1; shift
  force=
  if [ "$1" = --force ]; then force=--force; shift; fi
  ip link set lo up
  run=$(mktemp -d /tmp/octostate-record.XXXXXX)
  export OCTOSTATE_ASTERISK_RUN=$run/run
  trap "\"$up\" stop >/dev/null 2>&1 || true; rm -rf \"$run\"" EXIT
  for scenario in "$@"; do
    "$up" start --etc asterisk-etc >/dev/null
    npx tsx scripts/record/record.ts "$scenario" --url ami://127.0.0.1:5038 $force
  done
' isolated "$up" "$@"
