#!/usr/bin/env python3
"""Mirror benchmarks: NetSuite's transactionline table into PostgreSQL, from `suitebridge simulator` on 127.0.0.1.

    ~/.pyenv/versions/3.11.7/bin/python Benchmarks/mirror/run.py --postgres postgres://USER:PASSWORD@127.0.0.1:5432/DB?sslmode=disable
        [--customers=110000] [--load-only]

Needs the release build (`swift build -c release --product suitebridge`), `/usr/bin/time`, `psql`, and PyPI's
`netsuite==0.12.0` for the Python contender (see Benchmarks/README.md). Prints a Markdown report:

1. The first load of about 1,000,000 rows (simulator latency 100 ms, concurrency limit 5: a ceiling of
   5 × 1,000 rows / 0.1 s = 50,000 rows/s), and of about 10,000 rows for the memory ratio.
2. The same table read the way open-source connectors read it (a collection page of ids, then one GET per sales
   order with expandSubResources, sequential), with Python's `netsuite` 0.12.0, for 5,000 rows: the ratio of rows/s.
3. A run after 1,000 orders changed and 100 deleted: seconds and rows read.
"""
import asyncio, json, os, re, shutil, signal, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, ".build", "release", "suitebridge")
LATENCY_MS, LIMIT = 100, 5
CEILING = LIMIT * 1000 / (LATENCY_MS / 1000)
POSTGRES = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--postgres=")), None)
if POSTGRES is None and "--postgres" in sys.argv:
    POSTGRES = sys.argv[sys.argv.index("--postgres") + 1]
CUSTOMERS = int(next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--customers=")), "110000"))
PYTHON_ROWS = 5_000
LOAD_ONLY = "--load-only" in sys.argv  # the first loads alone, while tuning


class Simulator:
    def __init__(self, port, customers):
        self.dir = tempfile.mkdtemp()
        self.credentials = os.path.join(self.dir, "credentials.json")
        self.port = port
        self.process = subprocess.Popen(
            [BIN, "simulator", "--port", str(port), "--records", str(customers), "--latency-ms", str(LATENCY_MS),
             "--concurrency-limit", str(LIMIT), "--write-credentials", self.credentials],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(3000):
            if os.path.exists(self.credentials):
                break
            time.sleep(0.1)
        self.account = json.load(open(self.credentials))["accounts"][0]
        self.realm = self.account["accountId"]
        self.env = dict(os.environ, SUITEBRIDGE_HOME=os.path.join(self.dir, "home"), SUITEBRIDGE_FILES_ROOT=self.dir,
                        SUITEBRIDGE_ALLOW_DESTINATIONS="127.0.0.1", SUITEBRIDGE_MASTER_KEY="", SUITEBRIDGE_DATABASE_URL="")
        self.cli("instance", "import", "--credentials", self.credentials)
        # The seed guide's role lacks Deleted Records; a mirror that removes deleted rows needs it.
        role = self.account["clientCredentials"]["roleId"]
        self.admin("PUT", f"/accounts/{self.realm}/roles/{role}/permissions", {"permission": "Deleted Records", "level": "View"})
        self.instance = f"{self.realm}-oauth2"

    def admin(self, method, path, body=None):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/simulator/v1{path}", method=method,
                                         data=json.dumps(body).encode() if body is not None else None,
                                         headers={"Content-Type": "application/json"})
        return json.load(urllib.request.urlopen(request))

    def cli(self, *arguments):
        result = subprocess.run([BIN, *arguments], capture_output=True, text=True, env=self.env)
        if result.returncode != 0:
            raise SystemExit(f"suitebridge {' '.join(arguments)} failed: {result.stderr[-2000:]}")
        return result.stdout

    def count(self, table):
        out = self.cli("query", "--instance", self.instance, "--format", "jsonl", f"SELECT COUNT(*) AS n FROM {table}")
        return int(json.loads(out.splitlines()[0])["n"])

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)


def cpu_seconds(pid):
    """User + system CPU seconds a process has used so far."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


CPU = {}  # label -> (SuiteBridge CPU s, simulator CPU s) of the last timed run


def timed_run(sim, flow):
    """`flow run FLOW --wait` under /usr/bin/time: (seconds, peak RSS KiB, read, written); the CPU seconds it and
    the simulator used go to CPU["last"]."""
    start = time.monotonic()
    simulator_before = cpu_seconds(sim.process.pid)
    result = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", BIN, "flow", "run", flow, "--wait"], capture_output=True, text=True, env=sim.env)
    seconds = time.monotonic() - start
    simulator_cpu = cpu_seconds(sim.process.pid) - simulator_before
    if result.returncode != 0:
        raise SystemExit(f"flow run {flow} failed: {result.stdout}{result.stderr[-2000:]}")
    read = int(re.search(r"read=(\d+)", result.stdout).group(1))
    written = int(re.search(r"written=(\d+)", result.stdout).group(1))
    user, system, rss = result.stderr.strip().splitlines()[-1].split()
    CPU["last"] = (float(user) + float(system), simulator_cpu)
    return seconds, int(rss), read, written


def psql(sql):
    return subprocess.run(["psql", POSTGRES.split("?")[0], "-Atc", sql], capture_output=True, text=True, check=True).stdout.strip()


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


async def per_record(sim, rows_wanted):
    """A collection page of sales order ids, then one GET each with expandSubResources, one after another: the
    rows are the order's lines plus its main line, as transactionline has them."""
    api, rows, offset = netsuite_api(sim), 0, 0
    while rows < rows_wanted:
        page = await api.get("/record/v1/salesOrder", params={"limit": 1000, "offset": offset})
        for item in page["items"]:
            order = await api.get(f"/record/v1/salesOrder/{item['id']}", params={"expandSubResources": "true"})
            rows += 1 + len(order.get("item", {}).get("items", []))
            if rows >= rows_wanted:
                break
        offset += 1000
    return rows


async def change(sim, changed, deleted):
    """PATCHes `changed` sales orders' memo and deletes `deleted` others, five at a time (the account's limit)."""
    api = netsuite_api(sim)
    ids = []
    offset = 0
    while len(ids) < changed + deleted:
        page = await api.suiteql(q="SELECT id FROM transaction WHERE type = 'SalesOrd' ORDER BY id", limit=1000, offset=offset)
        ids += [item["id"] for item in page["items"]]
        offset += 1000
    semaphore = asyncio.Semaphore(LIMIT)

    async def one(method, path, **kw):
        async with semaphore:
            await api.request(method, path, **kw)
    await asyncio.gather(*[one("PATCH", f"/record/v1/salesOrder/{i}", json={"memo": f"changed {i}"}) for i in ids[:changed]])
    await asyncio.gather(*[one("DELETE", f"/record/v1/salesOrder/{i}") for i in ids[changed:changed + deleted]])
    return ids[:changed], ids[changed:changed + deleted]


def main():
    if not POSTGRES:
        raise SystemExit("give --postgres postgres://USER:PASSWORD@127.0.0.1:5432/DB?sslmode=disable")
    if not os.path.exists(BIN):
        raise SystemExit("build first: swift build -c release --product suitebridge")
    report = ["## Mirror (`Benchmarks/mirror/run.py --postgres URL`)\n"]
    results = {}
    for label, customers, port in (("small", max(1, CUSTOMERS // 100), 9521), ("large", CUSTOMERS, 9522)):
        sim = Simulator(port, customers)
        try:
            schema = f"bench_{label}_{int(time.time())}"
            total = sim.count("transactionline")
            sim.cli("flow", "create", "lines", "--instance", sim.instance, "--mirror", "transactionline", "--to-database", POSTGRES, "--schema", schema)
            seconds, rss, read, written = timed_run(sim, "lines")
            in_db = int(psql(f"SELECT COUNT(*) FROM {schema}.transactionline"))
            assert read == written == total == in_db, (read, written, total, in_db)
            results[label] = (total, seconds, rss)
            CPU[label] = CPU["last"]
            if label == "large" and not LOAD_ONLY:
                start = time.monotonic()
                python_rows = asyncio.run(per_record(sim, PYTHON_ROWS))
                python_seconds = time.monotonic() - start
                changed, deleted = asyncio.run(change(sim, 1_000, 100))
                lines_now = sim.count("transactionline")
                inc_seconds, inc_rss, inc_read, inc_written = timed_run(sim, "lines")
                in_db_after = int(psql(f"SELECT COUNT(*) FROM {schema}.transactionline"))
                memos = int(psql(f"SELECT COUNT(*) FROM {schema}.transactionline WHERE memo LIKE 'changed %' AND mainline = 'T'"))
                gone = int(psql(f"SELECT COUNT(*) FROM {schema}.transactionline WHERE \"transaction\" IN ({','.join(deleted)})"))
                assert in_db_after == lines_now and memos == len(changed) and gone == 0, (in_db_after, lines_now, memos, gone)
            psql(f"DROP SCHEMA {schema} CASCADE")
        finally:
            sim.stop()
    total, seconds, rss = results["large"]
    small_total, small_seconds, small_rss = results["small"]
    rate = total / seconds
    report.append(f"Simulator latency {LATENCY_MS} ms, concurrency limit {LIMIT} (ceiling {CEILING:,.0f} rows/s); PostgreSQL on the same machine; release build.\n")
    report.append("| run | rows | seconds | rows/s | % of ceiling | peak RSS |\n|---|---:|---:|---:|---:|---:|")
    report.append(f"| first load, transactionline | {total:,} | {seconds:.1f} | {rate:,.0f} | {100 * rate / CEILING:.1f} % | {rss / 1024:.1f} MiB |")
    report.append(f"| first load, small account | {small_total:,} | {small_seconds:.1f} | {small_total / small_seconds:,.0f} | – | {small_rss / 1024:.1f} MiB |")
    report.append(f"\nCPU of the first load, {total:,} rows: SuiteBridge {CPU['large'][0]:.1f} s, simulator {CPU['large'][1]:.1f} s "
                  f"({1e6 * CPU['large'][0] / total:.1f} and {1e6 * CPU['large'][1] / total:.1f} µs per row).")
    if LOAD_ONLY:
        report.append(f"\nPeak RSS, {total:,} rows / {small_total:,} rows: {rss / small_rss:.2f}×.")
        return print("\n".join(report))
    report.append(f"| after 1,000 orders changed and 100 deleted | {inc_read:,} read, {inc_written:,} upserted | {inc_seconds:.1f} | – | – | {inc_rss / 1024:.1f} MiB |")
    report.append(f"\nPeak RSS, {total:,} rows / {small_total:,} rows: {rss / small_rss:.2f}×.")
    python_rate = python_rows / python_seconds
    report.append(f"\nPer-record reading (Python `netsuite` 0.12.0: a page of sales order ids, then one GET with expandSubResources each, sequential): "
                  f"{python_rows:,} rows in {python_seconds:.1f} s = {python_rate:,.0f} rows/s. The mirror's first load: {rate:,.0f} rows/s, "
                  f"{rate / python_rate:.0f}× as fast.")
    print("\n".join(report))


if __name__ == "__main__":
    main()
