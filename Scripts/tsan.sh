#!/usr/bin/env bash
# Runs the tests under ThreadSanitizer: the concurrency limiter and its 429 window, the OAuth 2 token provider's
# single flight, the pager, the concurrency budget two servers share through the store, flow leases and takeovers,
# certificate and master key rotation under load; and, spawned by the CLI tests, `serve` and `worker` processes built
# with the same instrumentation (two servers sharing PostgreSQL, a worker killed mid-import).
# Usage: Scripts/tsan.sh [FILTER]   (every test when no filter; FILTER as for `swift test --filter`)
# Builds into .build-tsan/ (never the normal .build/). Exits non-zero on a failed test or on any ThreadSanitizer report,
# whether from the test process or from a process it started.
#
# Suppressions: none. Two things this needed instead:
# - Locks are NIOLockedValueBox (a pthread mutex, which ThreadSanitizer intercepts), not Synchronization.Mutex: on
#   Linux a contended Mutex waits in futex system calls ThreadSanitizer cannot see, so correct code is reported as a
#   race (seen on the nonce pool under parallel signing).
# - Built without trace export (SUITEBRIDGE_WITHOUT_TRACE_EXPORT=1, read by Package.swift): swift-otel 1.6.0 does not compile with
#   -sanitize=thread (a region-isolation error in its batch processors); the trace test then checks that such a
#   build refuses --traces-endpoint clearly.
# - A seeded generator in the backoff test: an `inout` of the empty SystemRandomNumberGenerator captured by a closure
#   crashes ThreadSanitizer's own shadow-memory write (SEGV in __tsan::ExternalAccess) when tests run in parallel.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=.build-tsan
export SUITEBRIDGE_WITHOUT_TRACE_EXPORT=1
swift build --build-tests --sanitize=thread --scratch-path "$scratch"
reports=$(mktemp -d)
filter=()
if [ -n "${1:-}" ]; then filter=(--filter "$1"); fi
status=0
# log_path: each process writes its reports to a file of its own (report.PID), so reports from `serve` processes the
# tests start are not lost with their standard error.
TSAN_OPTIONS="log_path=$reports/report halt_on_error=0 second_deadlock_stack=1" \
    swift test --skip-build --sanitize=thread --scratch-path "$scratch" "${filter[@]}" || status=$?
found=$(find "$reports" -type f | wc -l)
if [ "$found" -gt 0 ]; then
    echo "ThreadSanitizer reported in $found process(es):"
    for report in "$reports"/*; do
        grep -E "^(WARNING|SUMMARY): ThreadSanitizer" "$report" | sort | uniq -c
    done
    echo "Full reports: $reports"
    exit 1
fi
if [ "$status" -ne 0 ]; then echo "swift test failed under ThreadSanitizer (exit $status)"; exit "$status"; fi
echo "ThreadSanitizer: no report"
