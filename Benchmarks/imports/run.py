#!/usr/bin/env python3
"""Imports per record and by batch: the same N-row CSV (default 20,000 customers) imported twice against the
simulator (latency 100 ms, limit 5) with the simulator's stated cost model of async work (default 2 processors,
10 ms a record), once with --per-record and once in REST batches of 100. Reports rows/s and the concurrency
slot-seconds each import held (the simulator's `slotSeconds`: the sum over requests of the time each held a slot),
and their ratios. The rows/s comparison depends on the cost model; the slot-seconds hardly do.

Usage: Benchmarks/imports/run.py [--binary .build/release/suitebridge] [--rows 20000] [--processors 2] [--per-record-ms 10]"""
import argparse
import json
import os
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def admin(base, method, path, body=None):
    request = urllib.request.Request(base + "/simulator/v1" + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"null")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "suitebridge"))
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--limit", type=int, default=5)
    parser.add_argument("--processors", type=int, default=2)
    parser.add_argument("--per-record-ms", type=int, default=10)
    parser.add_argument("--port", type=int, default=9696)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="suitebridge-imports-bench-")
    env = dict(os.environ, SUITEBRIDGE_HOME=os.path.join(work, "home"), SUITEBRIDGE_FILES_ROOT=work, SUITEBRIDGE_LOG_LEVEL="error", SUITEBRIDGE_ALLOW_DESTINATIONS="127.0.0.1")
    for name in ["SUITEBRIDGE_MASTER_KEY", "SUITEBRIDGE_DATABASE_URL"]:
        env.pop(name, None)
    credentials = os.path.join(work, "credentials.json")
    simulator = subprocess.Popen([args.binary, "simulator", "--port", str(args.port), "--records", "10", "--latency-ms", str(args.latency_ms),
                                  "--concurrency-limit", str(args.limit), "--write-credentials", credentials],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        for _ in range(200):
            if os.path.exists(credentials) and os.path.getsize(credentials) > 0:
                break
            time.sleep(0.1)
        base = f"http://127.0.0.1:{args.port}"
        account = json.load(open(credentials))["accounts"][0]["accountId"]
        admin(base, "PUT", f"/accounts/{account}/async", {"processors": args.processors, "perRecordMs": args.per_record_ms, "parallelTasks": 4,
                                                          "batchUnavailableTypes": []})
        imported = subprocess.run([args.binary, "instance", "import", "--credentials", credentials], env=env, capture_output=True, text=True)
        if imported.returncode != 0:
            raise SystemExit("instance import failed: " + imported.stderr)
        results = {}
        for mode in ["per-record", "batch"]:
            source = os.path.join(work, f"{mode}.csv")
            with open(source, "w") as file:
                file.write("ref,name\n")
                for n in range(args.rows):
                    file.write(f"{mode.upper()}-{n},Customer {n}\n")
            command = [args.binary, "flow", "create", mode, "--instance", f"{account}-tba", "--from-file", source, "--record-type", "customer",
                       "--external-id-column", "ref", "--map", "companyName=name", "--map", "subsidiary=1:internal-constant"]
            if mode == "per-record":
                command.append("--per-record")
            subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
            admin(base, "POST", f"/accounts/{account}/reset-stats", {})
            started = time.monotonic()
            run = subprocess.run([args.binary, "flow", "run", mode, "--wait"], env=env, capture_output=True, text=True)
            seconds = time.monotonic() - started
            stats = admin(base, "GET", f"/accounts/{account}/stats")
            requests = sum(sum(by_status.values()) for by_status in stats["requests"].values())
            results[mode] = {"seconds": seconds, "rowsPerSecond": args.rows / seconds, "slotSeconds": stats["slotSeconds"], "requests": requests,
                             "throttled": stats["throttled"], "asyncRecords": stats["asyncRecords"], "exit": run.returncode,
                             "summary": run.stdout.strip().splitlines()[-1:] }
            print(f"{mode:>10}: {args.rows} rows in {seconds:.1f} s = {args.rows / seconds:.0f} rows/s; {requests} requests "
                  f"({stats['throttled']} throttled), slot-seconds {stats['slotSeconds']:.1f}, async records {stats['asyncRecords']}, exit {run.returncode}")
        per, batch = results["per-record"], results["batch"]
        print(f"batch / per-record: rows/s {batch['rowsPerSecond'] / per['rowsPerSecond']:.2f}x, slot-seconds "
              f"{batch['slotSeconds'] / per['slotSeconds']:.4f} (1/{per['slotSeconds'] / batch['slotSeconds']:.0f}), requests "
              f"{batch['requests'] / per['requests']:.4f}")
        print(json.dumps({"rows": args.rows, "latencyMs": args.latency_ms, "limit": args.limit, "processors": args.processors,
                          "perRecordMs": args.per_record_ms, "results": results}))
    finally:
        simulator.terminate()


if __name__ == "__main__":
    main()
