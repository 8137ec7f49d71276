#!/usr/bin/env bash
# Runs every test of the solution (unit, two-silo cluster, CLI and silo as real processes, silo clusters on a real
# redis-server) and ends with the totals on a line of their own: "N passed, N failed". Exit status: 0 when every test
# passed.
set -uo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK is required (dotnet not found on PATH)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

# The Redis tests (Tests/Redis) start their own redis-server on a free loopback port: install Debian's package when
# it is missing (as root, else through sudo). The tests name the missing binary if this fails.
if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
  echo "redis-server not found: installing it with apt-get (needed by Tests/Redis)"
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
  "${as_root[@]}" apt-get update -qq >/dev/null 2>&1 || echo "warning: apt-get update failed" >&2
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null \
    || echo "warning: could not install redis-server; the Redis tests will fail" >&2
fi

results="$(pwd)/TestResults"
rm -rf "$results"
# Build everything first: the tests also run the silo, the CLI and the load harness as separate processes.
if dotnet build OrleansScheduler.sln; then
  dotnet test OrleansScheduler.sln --no-build --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@"
  status=$?
else
  status=1
fi

passed=0
failed=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done

# A build or runner failure with no test failure still has to count as a failure.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi
echo
echo "$passed passed, $failed failed"
exit "$status"
