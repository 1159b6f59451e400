#!/usr/bin/env bash
# Fuzzes the API against openapi.yaml with Schemathesis (every check, every operation) on a fresh `serve --demo`.
# Usage: Scripts/api-contract-fuzz.sh [path/to/suitebridge] [max examples per operation, default 50]
# Exits non-zero on any failure; prints how many test cases were generated.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-.build/debug/suitebridge}
examples=${2:-50}
home=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$home"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# A sandbox (nothing but the local simulator is reached, so instances the fuzzer creates never call NetSuite), and a
# failed-login limit above the wrong tokens the authentication checks send.
SUITEBRIDGE_HOME="$home" SUITEBRIDGE_LOG_LEVEL=error "$binary" serve --demo --port "$port" --only-allowed-destinations --failed-login-limit 100000 > "$home/out" 2> "$home/err" &
server=$!
for _ in $(seq 1 60); do grep -q 'sbt_' "$home/out" 2>/dev/null && break; sleep 0.5; done
token=$(grep -o 'sbt_[A-Za-z0-9_-]*' "$home/out" | head -1)
[ -n "$token" ] || { echo "serve --demo printed no token"; cat "$home/err"; exit 1; }
set +e
python3 -m schemathesis.cli --config-file Scripts/schemathesis.toml run openapi.yaml --url "http://127.0.0.1:$port" \
    -H "Authorization: Bearer $token" --checks all --max-examples "$examples" --seed 1 --no-color > "$home/report" 2>&1
status=$?
set -e
sed -n '/^=* SUMMARY/,$p' "$home/report"
if [ $status -ne 0 ]; then cat "$home/report" | head -400; fi
grep -E 'generated' "$home/report" | tail -1
kill -0 "$server" || { echo "the server died"; cat "$home/err"; exit 1; }
exit $status
