#!/usr/bin/env bash
# Runs the libFuzzer targets (Fuzz/Sources/FuzzTargets) with AddressSanitizer, each for SECONDS (default 30), from
# the committed seed corpus (Fuzz/corpus/TARGET; new inputs go to .build-fuzz/corpus/TARGET, never into the repo).
# Usage: [FUZZ_SEED=N] [FUZZ_RUNS=N] Scripts/fuzz.sh [SECONDS] [TARGET…]   (all targets when none is named; seed 0 or
# none: a random one)
# A crash stops with its input in .build-fuzz/artifacts/TARGET/: copy it to Fuzz/regressions/TARGET/ (replayed by
# FuzzTargetsTests in `swift test`), fix the bug, run again. Exits non-zero when any target crashed, leaked or timed out.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
scratch=.build-fuzz
# Only what the targets use: the manifest then leaves out swift-otel (see Package.swift).
export SUITEBRIDGE_WITHOUT_TRACE_EXPORT=1
mkdir -p "$scratch"
# Fuzz/Package.swift: only the targets' code, instrumented by SwiftPM's sanitizers.
swift build --package-path Fuzz --scratch-path "$scratch" --sanitize fuzzer --sanitize address > "$scratch/build.log" 2>&1 \
    || { grep -E "error" "$scratch/build.log" | head -20; exit 1; }
binary="$scratch/debug/suitebridge-fuzz"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=($(ls Fuzz/corpus)); fi
# CI's run is reproducible: FUZZ_SEED fixes libFuzzer's choices, FUZZ_RUNS caps the inputs per target (whichever of
# it and SECONDS comes first), each target starts from the committed seeds alone, and Swift's hashing is fixed.
export SWIFT_DETERMINISTIC_HASHING=1
runs=()
work="$scratch/corpus"
if [ -n "${FUZZ_RUNS:-}" ]; then runs=(-runs="$FUZZ_RUNS"); work=$(mktemp -d); fi
# Key seeds are not copied into Fuzz/corpus: the pem and der targets also start from the test fixtures' keys
# (openssl-made, test-only), the der target from their DER bodies.
fixtures=Tests/NetSuiteAuthTests/Fixtures/openssl
mkdir -p "$scratch/der-seeds"
for pem in "$fixtures"/*.pem; do
    sed '/^-----/d' "$pem" | base64 -d > "$scratch/der-seeds/$(basename "$pem" .pem).der" 2>/dev/null || true
done
declare -A extra=([pem]="$fixtures" [der]="$scratch/der-seeds")
failed=()
for target in "${targets[@]}"; do
    mkdir -p "$work/$target" "$scratch/artifacts/$target"
    log="$scratch/artifacts/$target/fuzz.log"
    # -timeout: one input taking over 10 s is a hang; -rss_limit_mb: growing past 2 GiB is a bug.
    if SUITEBRIDGE_FUZZ_TARGET="$target" "$binary" -max_total_time="$seconds" -seed="${FUZZ_SEED:-0}" "${runs[@]}" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -artifact_prefix="$scratch/artifacts/$target/" "$work/$target" "Fuzz/corpus/$target" ${extra[$target]:-} > "$log" 2>&1; then
        echo "$target: $(grep -E '^Done|#[0-9]+.*DONE' "$log" | tail -1)"
    else
        echo "$target: FAILED (see $log)"; grep -E 'ERROR|SUMMARY|crash-|timeout-|oom-' "$log" | head -5
        failed+=("$target")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then echo "failed: ${failed[*]}"; exit 1; fi
