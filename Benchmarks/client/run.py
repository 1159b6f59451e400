#!/usr/bin/env python3
"""Client benchmarks of SuiteBridge against Python NetSuite clients, all on the simulator on 127.0.0.1.

Needs: Debian's `time`; PyPI `netsuite==0.12.0`, `oauthlib`, `PyJWT`, `cryptography` for Python 3.11, and
`netsuite-async==0.2.4` for pyenv's Python 3.12 (see Benchmarks/README.md). Prints a Markdown report.

    python3 Benchmarks/client/run.py            # everything (about 6 minutes)
    python3 Benchmarks/client/run.py --quick    # 1,000 ids instead of 5,000 for the fetch benchmark
    python3 Benchmarks/client/run.py --only=export,parallel,fetch,tokens,sign,memory
"""
import asyncio, json, os, resource, shutil, signal, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, ".build", "release", "suitebridge")
BENCH = os.path.join(ROOT, ".build", "release", "suitebridge-bench")
PY312 = os.path.expanduser("~/.pyenv/versions/3.12.1/bin/python")
QUICK = "--quick" in sys.argv
ONLY = next((a.split("=", 1)[1].split(",") for a in sys.argv if a.startswith("--only=")), None)

def wanted(name):
    return ONLY is None or name in ONLY
LATENCY_MS, LIMIT = 100, 5
CEILING_ROWS = LIMIT * 1000 / (LATENCY_MS / 1000)      # rows/s for 1,000-row pages
CEILING_REQUESTS = LIMIT / (LATENCY_MS / 1000)         # requests/s

def build():
    for product in ("suitebridge", "suitebridge-bench"):
        subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

class Simulator:
    def __init__(self, port, records, latency_ms, limit):
        self.dir = tempfile.mkdtemp()
        self.credentials = os.path.join(self.dir, "credentials.json")
        self.port = port
        self.process = subprocess.Popen(
            [BIN, "simulator", "--port", str(port), "--records", str(records), "--latency-ms", str(latency_ms),
             "--concurrency-limit", str(limit), "--write-credentials", self.credentials],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(1200):
            if os.path.exists(self.credentials):
                break
            time.sleep(0.1)
        self.account = json.load(open(self.credentials))["accounts"][0]

    def admin(self, method, path, body=None):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/simulator/v1{path}", method=method,
                                         data=json.dumps(body).encode() if body is not None else None,
                                         headers={"Content-Type": "application/json"})
        return json.load(urllib.request.urlopen(request))

    def stats(self):
        return self.admin("GET", f"/accounts/{self.account['accountId']}/stats")

    def reset(self):
        self.admin("POST", f"/accounts/{self.account['accountId']}/reset-stats")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)

def timed(command, env=None):
    """Runs a command under /usr/bin/time; returns (seconds, peak RSS in KiB, stdout)."""
    start = time.monotonic()
    result = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, capture_output=True, text=True, env=env)
    seconds = time.monotonic() - start
    if result.returncode != 0:
        raise SystemExit(f"{command[0]} failed: {result.stderr[-2000:]}")
    return seconds, int(result.stderr.strip().splitlines()[-1]), result.stdout

# ---------------------------------------------------------------- Python peers (run in this process)

def netsuite_api(sim):
    from netsuite import Config, TokenAuth
    from netsuite.rest_api import NetSuiteRestApi
    class SimulatorRestApi(NetSuiteRestApi):
        def _make_url(self, subpath):
            return f"{sim.account['baseURL']}/services/rest{subpath}"
    t = sim.account["tba"]
    config = Config(account=sim.account["accountId"], auth=TokenAuth(consumer_key=t["consumerKey"], consumer_secret=t["consumerSecret"],
                                                                      token_id=t["tokenId"], token_secret=t["tokenSecret"]))
    return SimulatorRestApi(config, concurrent_requests=LIMIT)

async def netsuite_sequential(sim, queries):
    api, rows = netsuite_api(sim), 0
    for q in queries:
        offset = 0
        while True:
            page = await api.suiteql(q=q, limit=1000, offset=offset)
            rows += len(page["items"])
            if not page["hasMore"]:
                break
            offset += 1000
    return rows

def key_at(sim, n):
    """The uniquekey of the n-th transaction line in key order (keys are stable, not 1..N): keyset hops of 100,000."""
    async def go():
        api, last, remaining = netsuite_api(sim), None, n
        while True:
            where = f" WHERE uniquekey > {last}" if last is not None else ""
            step = min(remaining, 100_000)
            page = await api.suiteql(q=f"SELECT uniquekey FROM transactionline{where} ORDER BY uniquekey", limit=1, offset=step - 1)
            last, remaining = int(page["items"][0]["uniquekey"]), remaining - step
            if remaining == 0:
                return last
    return asyncio.run(go())

async def netsuite_gather(sim, queries):
    api, rows, semaphore = netsuite_api(sim), 0, asyncio.Semaphore(LIMIT)
    async def page(q, offset):
        async with semaphore:
            return await api.suiteql(q=q, limit=1000, offset=offset)
    for q in queries:
        first = await page(q, 0)
        rest = await asyncio.gather(*[page(q, o) for o in range(1000, first["totalResults"], 1000)])
        rows += len(first["items"]) + sum(len(p["items"]) for p in rest)
    return rows

NETSUITE_ASYNC_FETCH = r'''
import asyncio, json, sys, time
from netsuite_async import AsyncNetsuiteRestClient, OAuth1AsyncAuthProvider, OAuth1Credentials
account = json.load(open(sys.argv[1]))["accounts"][0]; ids = open(sys.argv[2]).read().split()
t = account["tba"]
async def main():
    provider = OAuth1AsyncAuthProvider(OAuth1Credentials(t["consumerKey"], t["consumerSecret"], t["tokenId"], t["tokenSecret"], realm=account["accountId"]))
    client = AsyncNetsuiteRestClient(provider, base_url=account["baseURL"] + "/services/rest/record/v1/")
    start = time.monotonic()
    results = await client.customers.get_many(ids, max_concurrency=int(sys.argv[3]))
    failed = sum(1 for r in results.values() if not r.success)
    print(json.dumps({"requests": len(ids), "failed": failed, "seconds": time.monotonic() - start}))
asyncio.run(main())
'''

def signing_peers(seconds=3.0):
    from oauthlib.oauth1 import Client, SIGNATURE_HMAC_SHA256
    import jwt
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    url = "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/query/v1/suiteql?limit=1000&offset=2000"
    client = Client("a" * 64, client_secret="b" * 64, resource_owner_key="c" * 64, resource_owner_secret="d" * 64,
                    signature_method=SIGNATURE_HMAC_SHA256, realm="1234567_SB1")
    count, start = 0, time.monotonic()
    while time.monotonic() - start < seconds:
        for _ in range(200):
            client.sign(url, http_method="POST")
        count += 200
    oauthlib_rate = count / (time.monotonic() - start)
    rates = {}
    for name, key, alg in (("es256", ec.generate_private_key(ec.SECP256R1()), "ES256"),
                           ("ps256", rsa.generate_private_key(65537, 3072), "PS256")):
        count, start = 0, time.monotonic()
        while time.monotonic() - start < seconds:
            for _ in range(20):
                now = int(time.time())
                jwt.encode({"iss": "client", "scope": ["restlets", "rest_webservices"], "aud": "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token",
                            "iat": now, "exp": now + 1800}, key, algorithm=alg, headers={"kid": "kid"})
            count += 20
        rates[name] = count / (time.monotonic() - start)
    return oauthlib_rate, rates["es256"], rates["ps256"]

# ---------------------------------------------------------------- the runs

def main():
    build()
    report = []
    needs_export_sim = any(wanted(n) for n in ("export", "parallel", "fetch", "tokens"))
    if needs_export_sim:
        sim = Simulator(9501, 22_000, LATENCY_MS, LIMIT)
        try:
            run_export_benchmarks(sim, report)
        finally:
            sim.stop()
    if wanted("sign"):
        run_signing(report)
    if wanted("memory"):
        sim = Simulator(9502, 110_000, 0, LIMIT)
        try:
            run_memory(sim, report)
        finally:
            sim.stop()
    print("\n".join(report))


def run_export_benchmarks(sim, report):
    profile = sim.credentials
    base = "SELECT uniquekey, transaction, item, quantity, netamount FROM transactionline"
    k100, k200 = key_at(sim, 100_000), key_at(sim, 200_000)
    full = f"{base} WHERE uniquekey <= {k200} ORDER BY uniquekey"
    halves = [f"{base} WHERE uniquekey <= {k100} ORDER BY uniquekey", f"{base} WHERE uniquekey > {k100} AND uniquekey <= {k200} ORDER BY uniquekey"]
    out = os.path.join(sim.dir, "export.jsonl")

    if wanted("export"):
        sim.reset()
        seconds, _, stdout = timed([BIN, "export", "--profile", profile, "--auth", "tba", "--query", full, "--out", out, "--key", "uniquekey", "--parallel", str(LIMIT)])
        sb_rows = int(stdout.split()[0].split("=")[1])
        assert sb_rows == 200_000, stdout
        sb_rate = sb_rows / seconds
        start = time.monotonic(); seq_rows = asyncio.run(netsuite_sequential(sim, halves)); seq_seconds = time.monotonic() - start
        start = time.monotonic(); gather_rows = asyncio.run(netsuite_gather(sim, halves)); gather_seconds = time.monotonic() - start
        assert seq_rows == gather_rows == 200_000
        report.append("### 1. SuiteQL export, 200,000 rows (latency 100 ms, limit 5; ceiling 50,000 rows/s)\n")
        report.append("| contender | seconds | rows/s | % of ceiling | ratio to sequential peer |\n|---|---:|---:|---:|---:|")
        seq_rate = seq_rows / seq_seconds
        for name, s, r in (("suitebridge export --parallel 5", seconds, sb_rate), ("netsuite 0.12.0, offset loop", seq_seconds, seq_rate),
                           ("netsuite 0.12.0, asyncio.gather bounded to 5", gather_seconds, gather_rows / gather_seconds)):
            report.append(f"| {name} | {s:.2f} | {r:,.0f} | {100 * r / CEILING_ROWS:.1f} % | {r / seq_rate:.2f}× |")

    if wanted("parallel"):
        sim.reset()
        seconds, _, stdout = timed([BIN, "export", "--profile", profile, "--auth", "tba", "--concurrency-limit", "16", "--query", full, "--out", out, "--key", "uniquekey", "--parallel", "16"])
        stats = sim.stats()
        rows = int(stdout.split()[0].split("=")[1])
        report.append(f"\n### 3. Misconfigured parallelism (16 against a limit of 5)\n\n`{stdout.strip()}` (process {seconds:.2f} s): {100 * rows / seconds / CEILING_ROWS:.1f} % of the ceiling; "
                      f"failed requests 0 (exit 0, {rows:,} rows); the simulator answered {stats['throttled']} × 429, all retried; highest in flight {stats['maxInFlight']}.")

    if wanted("fetch"):
        count = 1000 if QUICK else 5000
        ids_file = os.path.join(sim.dir, "ids.txt")
        ids = subprocess.run([BIN, "query", "--profile", profile, "--auth", "tba", "--format", "jsonl", "--limit", str(count), "SELECT id FROM customer ORDER BY id"],
                             capture_output=True, text=True, check=True).stdout.split("\n")
        open(ids_file, "w").write("\n".join(json.loads(line)["id"] for line in ids if line.strip()))
        sim.reset()
        _, _, stdout = timed([BENCH, "fetch", profile, ids_file, str(LIMIT)])
        sb = json.loads(stdout)
        script = os.path.join(sim.dir, "netsuite_async_fetch.py")
        open(script, "w").write(NETSUITE_ASYNC_FETCH)
        _, _, stdout = timed([PY312, script, profile, ids_file, str(LIMIT)])
        peer = json.loads(stdout.strip().splitlines()[-1])
        report.append(f"\n### 2. Fetch {count:,} records by id (latency 100 ms, limit 5; ceiling 50 requests/s)\n")
        report.append("| contender | seconds | requests/s | % of ceiling | failed |\n|---|---:|---:|---:|---:|")
        for name, r in (("SuiteBridge NetSuiteClient", sb), ("netsuite-async 0.2.4, get_many(max_concurrency=5)", peer)):
            rate = r["requests"] / r["seconds"]
            report.append(f"| {name} | {r['seconds']:.2f} | {rate:.1f} | {100 * rate / CEILING_REQUESTS:.1f} % | {r['failed']} |")

    if wanted("tokens"):
        sim.reset()
        _, _, stdout = timed([BENCH, "tokens", profile, "1000"])
        tokens = json.loads(stdout)
        report.append(f"\n### 4. Token exchanges\n\n1,000 concurrent requests from a cold client-credentials client: {tokens['exchanges']} exchange "
                      f"(simulator counted {sim.stats()['tokenExchanges']}), {tokens['failed']} failed.")


def run_signing(report):
    _, _, stdout = timed(["taskset", "-c", "0", BENCH, "sign", "3"])
    swift = json.loads(stdout)
    oauthlib_rate, es256, ps256 = signing_peers()
    report.append("\n### 5. Signing cost (one core)\n\n| operation | SuiteBridge /s | Python /s | ratio |\n|---|---:|---:|---:|")
    report.append(f"| TBA Authorization header (HMAC-SHA256) vs oauthlib | {swift['tbaHeadersPerSecond']:,.0f} | {oauthlib_rate:,.0f} | {swift['tbaHeadersPerSecond'] / oauthlib_rate:.1f}× |")
    report.append(f"| ES256 client assertion vs PyJWT | {swift['es256AssertionsPerSecond']:,.0f} | {es256:,.0f} | {swift['es256AssertionsPerSecond'] / es256:.1f}× |")
    report.append(f"| PS256 client assertion (RSA 3072) vs PyJWT | {swift['ps256AssertionsPerSecond']:,.0f} | {ps256:,.0f} | {swift['ps256AssertionsPerSecond'] / ps256:.1f}× |")


def run_memory(sim, report):
    out = os.path.join(sim.dir, "export.jsonl")
    base = "SELECT uniquekey, transaction, item, quantity, netamount, mainline FROM transactionline"
    results = []
    for n in (10_000, 1_000_000):
        seconds, rss, stdout = timed([BIN, "export", "--profile", sim.credentials, "--auth", "tba", "--query", f"{base} WHERE uniquekey <= {key_at(sim, n)} ORDER BY uniquekey",
                                      "--out", out, "--key", "uniquekey"])
        results.append((n, seconds, rss, stdout.strip()))
    report.append("\n### 6. Memory of `export` (peak RSS)\n\n| rows | seconds | peak RSS | summary |\n|---:|---:|---:|---|")
    for n, s, rss, summary in results:
        report.append(f"| {n:,} | {s:.2f} | {rss / 1024:.1f} MiB | `{summary}` |")
    report.append(f"\nRatio 1,000,000 / 10,000 rows: {results[1][2] / results[0][2]:.2f}.")


if __name__ == "__main__":
    main()
