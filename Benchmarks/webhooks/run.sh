#!/usr/bin/env bash
# Webhook figures on 127.0.0.1 (release build; needs Debian's `wrk`):
#   accepted/s  signed deliveries to POST /hooks/{flowId} (signature checked, stored, 202), with the flow paused so
#               nothing is imported meanwhile, against GET /healthz on the same server (the HTTP stack alone);
#   latency     from a delivery's 202 to the record being readable in NetSuite (the simulator, 100 ms a request),
#               with `serve`'s worker importing it: the median of 7.
# Usage: Benchmarks/webhooks/run.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
connections=${2:-16}
sim_port=${SIM_PORT:-9494}
port=${PORT:-9495}
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT

swift build -c release --product suitebridge >/dev/null
bin=$PWD/.build/release/suitebridge
export SUITEBRIDGE_HOME=$work/home SUITEBRIDGE_FILES_ROOT=$work SUITEBRIDGE_MASTER_KEY= SUITEBRIDGE_DATABASE_URL= SUITEBRIDGE_ALLOW_DESTINATIONS=127.0.0.1
$bin simulator --port "$sim_port" --records 100 --latency-ms 100 --concurrency-limit 5 --write-credentials "$work/credentials.json" > "$work/sim.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$work/credentials.json" ] && break; sleep 0.1; done
$bin instance import --credentials "$work/credentials.json" >/dev/null
cat > "$work/mapping.yaml" <<'YAML'
fields:
  companyName: {from: customer.name, steps: [trim]}
  email: {from: customer.email}
  subsidiary: {const: "1", steps: [{ref: internal}]}
YAML
created=$($bin flow create hook --instance 1234567_SB1-tba --from-webhook --record-type customer --external-id-field customer.id \
  --mapping "$work/mapping.yaml" --rate-per-second 10000)
endpoint=$(echo "$created" | awk '/^endpoint:/ {print $3}')
secret=$(echo "$created" | awk '/^signing secret/ {print $NF}')
$bin flow pause hook >/dev/null
$bin serve --port "$port" > "$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

body='{"customer": {"id": "BENCH-LOAD", "name": " Load test ", "email": "load@example.com"}}'
signature="sha256=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret" -hex | awk '{print $NF}')"
cat > "$work/deliver.lua" <<LUA
local counter = 0
local threads = 0
setup = function(thread) threads = threads + 1; thread:set("tid", threads) end
init = function() counter = 0 end
request = function()
  counter = counter + 1
  return wrk.format("POST", "$endpoint", {["Content-Type"] = "application/json", ["X-SuiteBridge-Signature"] = "$signature",
    ["X-Request-Id"] = "load-" .. tid .. "-" .. counter}, '$body')
end
LUA

measure() {  # name, wrk args...
  local name=$1; shift
  local out
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@")
  echo "$name $(echo "$out" | awk '/Requests\/sec/ {print $2}') $(echo "$out" | awk '$1=="50%" {print $2}') $(echo "$out" | awk '$1=="99%" {print $2}') $(echo "$out" | awk '/Non-2xx/ {print $NF}')"
}
base=$(measure healthz "http://127.0.0.1:$port/healthz")
hooks=$(measure deliveries -s "$work/deliver.lua" "http://127.0.0.1:$port$endpoint")
stored=$($bin flow show hook | awk -F'deliveries: ' '/^deliveries:/ {print $2}')

# Delivery to record: the flow resumed, one delivery at a time, the record polled until NetSuite has it.
$bin flow resume hook >/dev/null
latencies=$(python3 - "$port" "$endpoint" "$secret" "$bin" <<'PY'
import hashlib, hmac, json, subprocess, sys, time, urllib.request
port, endpoint, secret, binary = sys.argv[1:5]
samples = []
# The backlog of load deliveries is imported first (they all upsert one record).
for n in range(7):
    external = f"BENCH-{n}-{time.time_ns()}"
    body = json.dumps({"customer": {"id": external, "name": f"Latency {n}"}}).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{endpoint}", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "X-SuiteBridge-Signature": signature, "X-Request-Id": external})
    if n == 0:  # wait until the load's backlog is imported
        while "queued" in subprocess.run([binary, "flow", "show", "hook"], capture_output=True, text=True).stdout.split("deliveries:")[-1]:
            time.sleep(1)
    start = time.monotonic()
    urllib.request.urlopen(request).read()
    while True:
        found = subprocess.run([binary, "record", "get", "customer", f"eid:{external}", "--instance", "1234567_SB1-tba"], capture_output=True, text=True)
        if found.returncode == 0:
            break
        time.sleep(0.05)
    samples.append(time.monotonic() - start)
samples.sort()
print(" ".join(f"{s:.2f}" for s in samples))
PY
)
echo
echo "| measure | requests/s | p50 | p99 | non-2xx | ratio to /healthz |"
echo "|---|---:|---:|---:|---:|---:|"
read -r n1 r1 p1 q1 e1 <<<"$base"
read -r n2 r2 p2 q2 e2 <<<"$hooks"
echo "| GET /healthz (baseline) | $r1 | $p1 | $q1 | ${e1:-0} | 1.000 |"
echo "| signed delivery stored (202) | $r2 | $p2 | $q2 | ${e2:-0} | $(python3 -c "print(f'{$r2/$r1:.3f}')") |"
echo
echo "deliveries stored by state: $stored"
echo "delivery to record in NetSuite (s, sorted, 7 samples): $latencies"
