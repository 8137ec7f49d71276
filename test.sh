#!/usr/bin/env bash
# Runs every test of the solution (unit, two-silo cluster, CLI and silo as real processes) and ends with the totals
# on a line of their own: "N passed, N failed". Exit status: 0 when every test passed.
set -uo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK is required (dotnet not found on PATH)" >&2
  echo "0 passed, 1 failed"
  exit 1
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
