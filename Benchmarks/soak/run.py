#!/usr/bin/env python3
"""Soak: SuiteBridge under faults for a chosen time, then an account of every row.

Two `serve` processes and one `worker` share a fresh PostgreSQL database and run 20 flows on schedules (every minute):
5 SuiteQL exports to a folder, 5 to an HTTP endpoint (a receiver in this script that keeps every batch by its
Idempotency-Key), 10 CSV imports of customers by external id. The simulator (one sandbox account, limit 5) answers
with latency and jitter, 5 % injected 5xx and 2 % dropped connections. During the run: an unattended certificate
rotation of the OAuth 2 instance through the API every 2 minutes, the worker SIGKILLed and restarted every 3 minutes,
NetSuite's clock jumping 4 minutes ahead at half time. Then faults stop, flows pause, the queue drains, and the
script checks every run, every exported file and batch, and every imported record against the simulator.

Reports: NetSuite requests (by status), retries, 429s, runs by state and the failures a user would see, rows lost or
duplicated, p99 of NetSuite requests (the servers' histograms) and of API calls, RSS and open files of each server
at warm-up and at the end.

Usage: Benchmarks/soak/run.py --postgres postgres://USER:PW@127.0.0.1:5432/DB?sslmode=disable
           [--binary .build/release/suitebridge] [--minutes 10] [--json report.json]
"""
import argparse
import csv
import glob
import http.server
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REALM = "1234567_SB1"
TBA, OAUTH2 = f"{REALM}-tba", f"{REALM}-oauth2"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, p):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Receiver(http.server.ThreadingHTTPServer):
    """An export destination as a careful one is written: a batch whose Idempotency-Key it already holds is
    acknowledged and dropped."""

    def __init__(self):
        self.lock = threading.Lock()
        self.batches = {}  # (flow, key) -> [row ids]
        self.repeats = 0
        self.posts = 0
        super().__init__(("127.0.0.1", 0), ReceiverHandler)


class ReceiverHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        flow = self.path.rsplit("/", 1)[-1]
        key = self.headers.get("Idempotency-Key", "")
        try:
            payload = json.loads(body)
            rows = payload["rows"] if isinstance(payload, dict) else payload
            ids = [str(row.get("id")) for row in rows]
        except (ValueError, KeyError, TypeError, AttributeError):
            self.send_response(400)
            self.end_headers()
            return
        with self.server.lock:
            self.server.posts += 1
            if (flow, key) in self.server.batches:
                self.server.repeats += 1
            else:
                self.server.batches[(flow, key)] = ids
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


class Process:
    """A SuiteBridge process with its log, and its RSS and open files from /proc."""

    def __init__(self, name, arguments, env, work):
        self.name, self.arguments, self.env, self.work = name, arguments, env, work
        self.process = None
        self.starts = 0
        self.start()

    def start(self):
        log = open(os.path.join(self.work, f"{self.name}.log"), "a")
        self.process = subprocess.Popen(self.arguments, env=self.env, stdout=subprocess.DEVNULL, stderr=log)
        self.starts += 1

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def usage(self):
        pid = self.process.pid
        try:
            rss = next(int(line.split()[1]) for line in open(f"/proc/{pid}/status") if line.startswith("VmRSS:"))
            fds = len(os.listdir(f"/proc/{pid}/fd"))
        except (OSError, StopIteration):
            return None
        return {"rssKiB": rss, "fds": fds}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "suitebridge"))
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--records", type=int, default=2000, help="generated customers the exports read")
    parser.add_argument("--import-rows", type=int, default=300, help="rows in each import file")
    parser.add_argument("--rotate-every", type=float, default=120)
    parser.add_argument("--kill-every", type=float, default=180)
    parser.add_argument("--clock-jump", type=float, default=240, help="seconds NetSuite's clock jumps ahead at half time")
    parser.add_argument("--error-rate", type=float, default=0.05)
    parser.add_argument("--drop-rate", type=float, default=0.02)
    parser.add_argument("--json", help="also write the report here")
    args = parser.parse_args()
    duration = args.minutes * 60

    work = tempfile.mkdtemp(prefix="suitebridge-soak-")
    database = "sb_soak_" + uuid.uuid4().hex[:10]
    subprocess.run(["psql", args.postgres.split("?")[0], "-q", "-c", f"CREATE DATABASE {database}"], check=True)
    url = re.sub(r"/[^/?]+(\?|$)", f"/{database}\\1", args.postgres, count=1)
    env = dict(os.environ, SUITEBRIDGE_HOME=os.path.join(work, "home"), SUITEBRIDGE_FILES_ROOT=work, SUITEBRIDGE_DATABASE_URL=url,
               SUITEBRIDGE_LOG_LEVEL="error", SUITEBRIDGE_ALLOW_DESTINATIONS="127.0.0.1", SUITEBRIDGE_MASTER_KEY="")
    credentials = os.path.join(work, "credentials.json")
    simulator = subprocess.Popen([args.binary, "simulator", "--port", "0", "--records", str(args.records), "--latency-ms", "20",
                                  "--concurrency-limit", "5", "--write-credentials", credentials],
                                 stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "simulator.log"), "w"))
    receiver = Receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    processes = []
    try:
        for _ in range(600):
            if os.path.exists(credentials):
                break
            time.sleep(0.1)
        sim = json.load(open(credentials))["accounts"][0]["baseURL"]

        def admin(method, path, body=None):
            request = urllib.request.Request(f"{sim}/simulator/v1{path}", method=method, data=json.dumps(body or {}).encode(),
                                             headers={"Content-Type": "application/json"})
            return json.loads(urllib.request.urlopen(request, timeout=30).read())

        def cli(*arguments):
            return subprocess.run([args.binary, *arguments], env=env, check=True, capture_output=True, text=True).stdout

        cli("instance", "import", "--credentials", credentials)
        token = cli("tokens", "create", "soak", "--scope", "admin").strip().splitlines()[-1]

        # The flows.
        out = os.path.join(work, "out")
        os.makedirs(out)
        os.makedirs(os.path.join(work, "imports"))
        os.makedirs(os.path.join(work, "errors"))
        export_query = "SELECT id, companyname FROM customer WHERE externalid LIKE 'CUST-%' ORDER BY id"
        folder_exports = [f"export-folder-{n}" for n in range(5)]
        http_exports = [f"export-http-{n}" for n in range(5)]
        imports = [f"import-{n}" for n in range(10)]
        expected_import = {}
        for n, name in enumerate(folder_exports):
            cli("flow", "create", name, "--instance", TBA if n % 2 else OAUTH2, "--query", export_query, "--to-folder", out, "--schedule", "every 1m")
        for n, name in enumerate(http_exports):
            cli("flow", "create", name, "--instance", OAUTH2 if n % 2 else TBA, "--query", export_query,
                "--to-url", f"http://127.0.0.1:{receiver.server_address[1]}/ingest/{name}", "--batch-size", "200", "--schedule", "every 1m")
        for n, name in enumerate(imports):
            path = os.path.join(work, "imports", f"{name}.csv")
            rows = {f"SOAK-{n}-{i:05d}": f"Soak {n} customer {i}" for i in range(args.import_rows)}
            expected_import.update(rows)
            with open(path, "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(["ref", "name"])
                w.writerows(rows.items())
            cli("flow", "create", name, "--instance", TBA if n % 2 else OAUTH2, "--from-file", path, "--record-type", "customer",
                "--external-id-column", "ref", "--map", "companyName=name", "--map", "subsidiary=1:internal-constant",
                "--error-file", os.path.join(work, "errors", f"{name}.csv"), "--schedule", "every 1m")
        flows = folder_exports + http_exports + imports

        ports = [free_port(), free_port()]
        servers = [Process(f"serve-{i}", [args.binary, "serve", "--port", str(port)], env, work) for i, port in enumerate(ports)]
        worker = Process("worker", [args.binary, "worker", "--lease-seconds", "15"], env, work)
        processes = servers + [worker]
        api_latencies, api_errors = [], []

        def api(method, path, body=None, server=0):
            request = urllib.request.Request(f"http://127.0.0.1:{ports[server]}/api/v1{path}", method=method,
                                             data=None if body is None else json.dumps(body).encode(),
                                             headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            started = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    answer = response.status, json.loads(response.read() or b"{}")
            except urllib.error.HTTPError as error:
                answer = error.code, json.loads(error.read() or b"{}")
            api_latencies.append(time.monotonic() - started)
            return answer

        for _ in range(300):
            try:
                if api("GET", "/flows")[0] == 200 and api("GET", "/flows", server=1)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        for name in flows:
            api("POST", f"/flows/{name}/run")
        admin("PUT", f"/accounts/{REALM}/faults", {"latencyMs": 20, "jitterMs": 40, "errorRate": args.error_rate, "dropRate": args.drop_rate, "seed": 7})
        admin("POST", f"/accounts/{REALM}/reset-stats")

        started = time.monotonic()
        samples = {p.name: [] for p in servers}
        rotations, kills, jumped = [], 0, False
        next_rotation, next_kill = args.rotate_every, args.kill_every
        warm = None
        print(f"soak: {len(flows)} flows, {args.minutes:g} min, work folder {work}", flush=True)
        while (elapsed := time.monotonic() - started) < duration:
            for p in servers:
                usage = p.usage()
                if usage:
                    samples[p.name].append({"t": round(elapsed), **usage})
            if warm is None and elapsed >= 60:
                warm = {p.name: samples[p.name][-1] for p in servers}
            api("GET", "/runs?limit=50", server=int(elapsed) % 2)
            if elapsed >= next_rotation:
                status, body = api("POST", f"/instances/{OAUTH2}/certificates/rotate", {"automatic": True}, server=len(rotations) % 2)
                rotations.append({"t": round(elapsed), "status": status, "error": None if status == 200 else body.get("error", body)})
                next_rotation += args.rotate_every
            if elapsed >= next_kill:
                worker.kill()
                kills += 1
                worker.start()
                next_kill += args.kill_every
            if not jumped and elapsed >= duration / 2:
                admin("PUT", "/clock", {"offsetSeconds": args.clock_jump})
                jumped = True
            time.sleep(5)

        # Settle: no more faults, no more schedules; what is queued or running finishes.
        admin("PUT", f"/accounts/{REALM}/faults", {"latencyMs": 0})
        for name in flows:
            api("POST", f"/flows/{name}/pause")
        # A paused flow's queued runs wait for it to resume: once nothing runs, those are cancelled (counted apart).
        settle_started = time.monotonic()
        while time.monotonic() - settle_started < 600:
            runs = json.loads(cli("runs", "list", "--json", "--limit", "100000"))
            if not any(r["state"] == "running" for r in runs):
                break
            time.sleep(3)
        cancelled_at_end = 0
        for r in runs:
            if r["state"] == "queued" and api("POST", f"/runs/{r['id']}/cancel")[0] == 200:
                cancelled_at_end += 1
        runs = json.loads(cli("runs", "list", "--json", "--limit", "100000"))
        end = {p.name: p.usage() for p in servers}
        metrics = []
        for i in range(2):
            request = urllib.request.Request(f"http://127.0.0.1:{ports[i]}/metrics", headers={"Authorization": f"Bearer {token}"})
            metrics.append(urllib.request.urlopen(request, timeout=30).read().decode())
        stats = admin("GET", f"/accounts/{REALM}/stats")

        report = account(args, work, cli, receiver, runs, flows, folder_exports, http_exports, imports, expected_import, metrics, stats)
        report.update({
            "minutes": args.minutes, "faults": {"errorRate": args.error_rate, "dropRate": args.drop_rate, "latencyMs": 20, "jitterMs": 40,
                                                 "clockJumpSeconds": args.clock_jump},
            "rotations": rotations, "workerKills": kills, "queuedRunsCancelledAtEnd": cancelled_at_end,
            "apiCalls": {"count": len(api_latencies), "p50Ms": round(percentile(api_latencies, 50) * 1000, 1),
                         "p99Ms": round(percentile(api_latencies, 99) * 1000, 1)},
            "servers": {name: {"boot": samples[name][0] if samples[name] else None, "warm": (warm or {}).get(name), "end": end[name],
                               "rssGrowthFromWarmPercent": round(((end[name] or {}).get("rssKiB", 0) / max(1, (warm or {}).get(name, {}).get("rssKiB", 1)) - 1) * 100, 1)}
                        for name in samples},
            "workFolder": work,
        })
        print_report(report)
        if args.json:
            json.dump(report, open(args.json, "w"), indent=2)
        return 0 if report["verdict"] == "pass" else 1
    finally:
        for p in processes:
            if p.process and p.process.poll() is None:
                p.process.terminate()
                try:
                    p.process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
        simulator.terminate()
        receiver.shutdown()


def account(args, work, cli, receiver, runs, flows, folder_exports, http_exports, imports, expected_import, metrics, stats):
    """Every run, every exported row and every imported record, checked."""
    by_state = {}
    for r in runs:
        by_state[r["state"]] = by_state.get(r["state"], 0) + 1
    failed = [{"flow": r["flowName"], "id": r["id"][:8], "error": r.get("error", "")} for r in runs if r["state"] == "failed"]
    unfinished = sum(1 for r in runs if r["state"] in ("queued", "running"))
    counts_add_up = all(r["rowsRead"] == r["rowsWritten"] + r["rowsFailed"] + r["rowsSkipped"] for r in runs if r["state"] == "succeeded")
    taken_over = sum(1 for r in runs if r["attempts"] > 1)

    # The rows exports should carry: the generated customers, read with faults off.
    expected_ids = {row["id"] for row in json.loads(cli("query", "--instance", TBA, "--format", "json",
                                                         "SELECT id FROM customer WHERE externalid LIKE 'CUST-%' ORDER BY id"))}
    succeeded = [r for r in runs if r["state"] == "succeeded"]
    folder_lost = folder_duplicated = folder_files = 0
    for r in succeeded:
        if r["flowName"] not in folder_exports:
            continue
        files = glob.glob(os.path.join(work, "out", f"{r['flowName']}-*-{r['id'][:8]}.jsonl"))
        folder_files += len(files)
        ids = [json.loads(line)["id"] for path in files for line in open(path) if line.strip()]
        folder_lost += len(expected_ids - set(ids))
        folder_duplicated += len(ids) - len(set(ids))
    http_lost = http_duplicated = 0
    for flow in http_exports:
        batches = [ids for (f, _), ids in receiver.batches.items() if f == flow]
        seen = [i for ids in batches for i in ids]
        if any(r["flowName"] == flow for r in succeeded):
            http_lost += len(expected_ids - set(seen))
        http_duplicated += len(seen) - len(set(seen))

    imported = json.loads(cli("query", "--instance", TBA, "--format", "json",
                              "SELECT externalid, companyname FROM customer WHERE externalid LIKE 'SOAK-%'"))
    seen_ids = [row["externalid"] for row in imported]
    import_lost = len(set(expected_import) - set(seen_ids))
    import_duplicated = len(seen_ids) - len(set(seen_ids))
    import_altered = sum(1 for row in imported if expected_import.get(row["externalid"]) != row["companyname"])

    def metric_sum(name):
        return sum(float(m.group(1)) for text in metrics for m in re.finditer(rf"^{name}(?:{{[^}}]*}})? ([0-9.e+]+)$", text, re.M))

    buckets = {}
    for text in metrics:
        for m in re.finditer(r'^suitebridge_netsuite_request_duration_seconds_bucket\{[^}]*le="([^"]+)"[^}]*\} ([0-9.e+]+)$', text, re.M):
            buckets[m.group(1)] = buckets.get(m.group(1), 0) + float(m.group(2))
    ordered = sorted(((float("inf") if le == "+Inf" else float(le), n) for le, n in buckets.items()))
    total = ordered[-1][1] if ordered else 0
    p99 = next((le for le, n in ordered if n >= 0.99 * total), None) if total else None
    p50 = next((le for le, n in ordered if n >= 0.50 * total), None) if total else None

    requests = stats.get("requests", {})
    by_status = {}
    for endpoint in requests.values():
        for status, n in endpoint.items():
            by_status[status] = by_status.get(status, 0) + n
    lost = folder_lost + http_lost + import_lost
    duplicated = folder_duplicated + http_duplicated + import_duplicated
    report = {
        "netsuite": {"requests": sum(by_status.values()), "byStatus": by_status, "throttled": stats.get("throttled"), "maxInFlight": stats.get("maxInFlight"),
                     "retriesByServers": int(metric_sum("suitebridge_netsuite_retries_total")),
                     "requestP50SecondsAtMost": p50, "requestP99SecondsAtMost": p99, "requestsSeenByServers": int(total)},
        "runs": {"total": len(runs), "byState": by_state, "failed": failed, "unfinished": unfinished, "takenOver": taken_over, "countsAddUp": counts_add_up},
        "rows": {"exportFilesChecked": folder_files, "httpBatches": len(receiver.batches), "httpRepeatsDropped": receiver.repeats,
                 "importRecords": len(seen_ids), "lost": lost, "duplicated": duplicated, "altered": import_altered,
                 "detail": {"folderLost": folder_lost, "folderDuplicated": folder_duplicated, "httpLost": http_lost, "httpDuplicated": http_duplicated,
                            "importLost": import_lost, "importDuplicated": import_duplicated}},
    }
    report["verdict"] = "pass" if lost == 0 and duplicated == 0 and import_altered == 0 and counts_add_up and not failed and unfinished == 0 else "fail"
    return report


def print_report(r):
    n = r["netsuite"]
    print(f"NetSuite requests: {n['requests']} {n['byStatus']}; 429s {n['throttled']}; max in flight {n['maxInFlight']}; "
          f"retries by the servers {n['retriesByServers']}; NetSuite requests as the servers timed them (waiting for a slot and retries included): "
          f"p50 <= {n['requestP50SecondsAtMost']} s, p99 <= {n['requestP99SecondsAtMost']} s (histogram bucket bounds)")
    runs = r["runs"]
    print(f"runs: {runs['total']} {runs['byState']}; taken over after a kill: {runs['takenOver']}; counts add up: {runs['countsAddUp']}; "
          f"queued runs of paused flows cancelled at the end: {r['queuedRunsCancelledAtEnd']}")
    for f in runs["failed"]:
        print(f"  failed run {f['id']} ({f['flow']}): {f['error']}")
    rows = r["rows"]
    print(f"rows: lost {rows['lost']}, duplicated {rows['duplicated']}, altered {rows['altered']} "
          f"({rows['exportFilesChecked']} export files, {rows['httpBatches']} HTTP batches + {rows['httpRepeatsDropped']} repeats dropped, "
          f"{rows['importRecords']} imported records)")
    print(f"rotations: {[(x['t'], x['status']) for x in r['rotations']]}; worker kills: {r['workerKills']}")
    for x in r["rotations"]:
        if x["error"]:
            print(f"  rotation at {x['t']} s: {x['error']}")
    print(f"API calls: {r['apiCalls']['count']}, p50 {r['apiCalls']['p50Ms']} ms, p99 {r['apiCalls']['p99Ms']} ms")
    for name, s in r["servers"].items():
        print(f"{name}: RSS boot {s['boot'] and s['boot']['rssKiB']} KiB, warm {s['warm'] and s['warm']['rssKiB']} KiB, end {s['end'] and s['end']['rssKiB']} KiB "
              f"({s['rssGrowthFromWarmPercent']:+.1f} % from warm); open files warm {s['warm'] and s['warm']['fds']}, end {s['end'] and s['end']['fds']}")
    print(f"verdict: {r['verdict']}")


if __name__ == "__main__":
    sys.exit(main())
