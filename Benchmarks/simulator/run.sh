#!/usr/bin/env bash
# Measures the simulator's throughput with wrk (Debian's `wrk` package) on 127.0.0.1:
#   baseline  GET /simulator/v1/accounts        (the HTTP stack and router, no auth, no data)
#   record    GET /services/rest/record/v1/customer/100 with a bearer token
#   suiteql   POST a 1000-row SuiteQL page with a bearer token
# and prints requests/s for each plus the ratios to the baseline measured in the same run.
# Usage: Benchmarks/simulator/run.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
connections=${2:-16}
port=${PORT:-9393}
work=$(mktemp -d)
sim=""
trap 'if [ -n "$sim" ]; then kill "$sim" 2>/dev/null || true; fi; rm -rf "$work"' EXIT

swift build -c release --product suitebridge >/dev/null
bin=.build/release/suitebridge
$bin simulator --port "$port" --records 5000 --concurrency-limit 1000 --write-credentials "$work/credentials.json" > "$work/sim.log" 2>&1 &
sim=$!
for _ in $(seq 1 100); do [ -s "$work/credentials.json" ] && break; sleep 0.1; done

python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
account = json.load(open(f"{work}/credentials.json"))["accounts"][0]
cc = account["clientCredentials"]
open(f"{work}/key.pem", "w").write(cc["privateKeyPEM"])
open(f"{work}/args", "w").write(f'{account["accountId"]} {cc["clientId"]} {cc["certificateId"]}\n')
PY
read -r account client certificate < "$work/args"
assertion=$($bin auth assertion --account-id "$account" --client-id "$client" --certificate-id "$certificate" --private-key "$work/key.pem")
token=$(curl -s -X POST "http://127.0.0.1:$port/services/rest/auth/oauth2/v1/token" \
  -H 'Content-Type: application/x-www-form-urlencoded' \
  --data "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=$assertion" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

cat > "$work/suiteql.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"q":"SELECT id, companyname, email, datecreated FROM customer ORDER BY id"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Prefer"] = "transient"
wrk.headers["Authorization"] = "Bearer $token"
LUA

measure() {  # name, wrk args...
  local name=$1; shift
  local out
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@")
  local rps p50 p99 errors
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  echo "$name $rps $p50 $p99 ${errors:-0}"
}

base=$(measure baseline "http://127.0.0.1:$port/simulator/v1/accounts")
record=$(measure record -H "Authorization: Bearer $token" "http://127.0.0.1:$port/services/rest/record/v1/customer/100")
suiteql=$(measure suiteql -s "$work/suiteql.lua" "http://127.0.0.1:$port/services/rest/query/v1/suiteql?limit=1000&offset=0")

echo "endpoint  requests/s  p50  p99  non-2xx  ratio-to-baseline"
baseline_rps=$(echo "$base" | awk '{print $2}')
for line in "$base" "$record" "$suiteql"; do
  echo "$line" | awk -v b="$baseline_rps" '{printf "%-9s %10s %6s %6s %8s %8.3f\n", $1, $2, $3, $4, $5, $2/b}'
done
