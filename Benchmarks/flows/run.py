#!/usr/bin/env python3
"""Flows on several servers: 20 SuiteQL export flows against the simulator (latency 100 ms, limit 5), run by one
worker and then by two worker processes sharing one PostgreSQL store. Reports each time against the ceiling
(pages x latency / limit), the simulator's in-flight high-water mark and 429 count, and whether each run ran once.

Usage: Benchmarks/flows/run.py [--binary .build/release/suitebridge] --postgres postgres://USER:PW@127.0.0.1:5432/DB?sslmode=disable"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "suitebridge"))
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--flows", type=int, default=20)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--limit", type=int, default=5)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="suitebridge-flows-bench-")
    database = "sb_bench_" + uuid.uuid4().hex[:10]
    base = args.postgres.split("?")[0]
    subprocess.run(["psql", base, "-q", "-c", f"CREATE DATABASE {database}"], check=True)
    url = re.sub(r"/[^/?]+(\?|$)", f"/{database}\\1", args.postgres, count=1) if "?" in args.postgres else base.rsplit("/", 1)[0] + "/" + database
    env = dict(os.environ, SUITEBRIDGE_HOME=os.path.join(work, "home"), SUITEBRIDGE_FILES_ROOT=work, SUITEBRIDGE_DATABASE_URL=url, SUITEBRIDGE_LOG_LEVEL="error")
    env.pop("SUITEBRIDGE_MASTER_KEY", None)
    credentials = os.path.join(work, "credentials.json")
    simulator = subprocess.Popen([args.binary, "simulator", "--port", "0", "--records", str(args.records), "--latency-ms", str(args.latency_ms),
                                  "--concurrency-limit", str(args.limit), "--write-credentials", credentials], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            if os.path.exists(credentials):
                break
            time.sleep(0.1)
        sim = json.load(open(credentials))["accounts"][0]["baseURL"]

        def cli(*arguments):
            return subprocess.run([args.binary, *arguments], env=env, check=True, capture_output=True, text=True).stdout

        def stats(reset=False):
            request = urllib.request.Request(f"{sim}/simulator/v1/accounts/1234567_SB1/{'reset-stats' if reset else 'stats'}", method="POST" if reset else "GET",
                                             data=b"{}" if reset else None, headers={"Content-Type": "application/json"})
            return json.loads(urllib.request.urlopen(request).read())

        cli("instance", "import", "--credentials", credentials)
        for n in range(args.flows):
            cli("flow", "create", f"export-{n}", "--instance", "1234567_SB1-tba" if n % 2 else "1234567_SB1-oauth2",
                "--query", "SELECT id, companyname FROM customer ORDER BY id", "--to-folder", os.path.join(work, "out"))
        pages = args.flows * -(-args.records // 1000)
        ceiling = pages * args.latency_ms / 1000 / args.limit
        results = {}
        for workers in (1, 2):
            for n in range(args.flows):
                cli("flow", "run", f"export-{n}")
            stats(reset=True)
            started = time.time()
            processes = [subprocess.Popen([args.binary, "worker", "--until-idle"], env=env, stdout=subprocess.DEVNULL) for _ in range(workers)]
            for process in processes:
                process.wait()
            seconds = time.time() - started
            after = stats()
            runs = json.loads(cli("runs", "list", "--json", "--limit", str(args.flows)))
            once = all(run["state"] == "succeeded" and run["attempts"] == 1 for run in runs)
            results[workers] = seconds
            print(f"{workers} worker(s): {args.flows} runs, {pages} pages in {seconds:.2f} s; ceiling {ceiling:.2f} s -> {ceiling / seconds * 100:.1f} % of ceiling; "
                  f"maxInFlight {after['maxInFlight']}, throttled {after['throttled']}, each run once: {once}")
        print(f"two workers vs one: {results[1] / results[2]:.2f}x the single-server throughput")
    finally:
        simulator.terminate()


if __name__ == "__main__":
    sys.exit(main())
